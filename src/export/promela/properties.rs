//! The properties in the Promela model: each property's own condition
//! ([`crate::system::properties::Property::spin`]) placed in `observe`, `judge_step`,
//! `probe` or the LTL formula.

use std::fmt::Write as _;

use super::*;

impl Generator<'_> {
    /// Every property's condition in the model, with its index in [`PROPERTIES`].
    fn conditions(&self) -> Result<Vec<(usize, &'static Property, SpinCondition)>, SystemError> {
        let mut out = Vec::new();
        for (p, property) in PROPERTIES.iter().enumerate() {
            if let Some(condition) = (property.spin)(self)? {
                out.push((p, property, condition));
            }
        }
        Ok(out)
    }

    /// `observe(kd, stim, from, oc, to)` judges one delivery for the safety properties;
    /// `judge_step(k)` judges the step as a whole; `violated[P]` is set for the property
    /// at index P of [`PROPERTIES`].
    pub(super) fn properties(&self, w: &mut String) -> Result<(), SystemError> {
        let mut delivery = Vec::new();
        let mut step = Vec::new();
        for (p, property, condition) in self.conditions()? {
            let title = format!("{} ({})", property.name, property.clauses.join(", "));
            match condition {
                SpinCondition::Delivery(test) => {
                    delivery.push(format!("  /* {title} */\n  if ({test}) violated[{p}] = 1;"));
                }
                SpinCondition::Step(test) => {
                    step.push(format!("  /* {title} */\n  if ({test}) violated[{p}] = 1;"));
                }
                SpinCondition::Settles { .. } => step.push(format!(
                    "  /* {title}: every macro-step settles */\n  if (diverged) violated[{p}] = 1;"
                )),
                SpinCondition::Eventually { .. } => {}
            }
        }
        let _ = writeln!(
            w,
            "static void observe(int kd, int stim, int from, int oc, int to) {{\n{}\n}}",
            delivery.join("\n")
        );
        let _ = writeln!(
            w,
            "static void judge_step(int k) {{\n{}\n}}",
            step.join("\n")
        );
        let n = PROPERTIES.len();
        let names: Vec<String> = PROPERTIES
            .iter()
            .map(|p| format!("\"assertion violated: {}\"", p.name))
            .collect();
        let _ = writeln!(
            w,
            "static const char *PROPERTY[{n}] = {{ {} }};\n\
             /* One real step of stimulus k: run it, judge it, report every violated property. */\n\
             static void step(int k) {{\n  int p;\n  for (p = 0; p < {n}; p++) violated[p] = 0;\n  \
             macro(k);\n  judge_step(k);\n  canonical();\n  changed = compare();\n  \
           #ifndef LIVENESS\n  for (p = 0; p < {n}; p++) if (violated[p]) uerror((char *) PROPERTY[p]);\n#endif\n}}",
            names.join(", ")
        );
        Ok(())
    }

    /// `probe()`: the deadlock rule's second half, run by a `d_step` that changes
    /// nothing: a state that only the world's toggles move must be final.
    pub(super) fn probe(&self, w: &mut String) -> Result<(), SystemError> {
        let mut checks = Vec::new();
        for (_, property, condition) in self.conditions()? {
            if let SpinCondition::Settles { is_final } = condition {
                checks.push(format!(
                    "/* {} ({}): a state that only the world's pool and connection\n   \
                     can move is final. */\n  \
                     if (!moves && !({is_final})) uerror(\"assertion violated: {}\");",
                    property.name,
                    property.clauses.join(", "),
                    property.name
                ));
            }
        }
        let _ = writeln!(
            w,
            "static void probe(void) {{\n  int k, moves = 0;\n  \
             for (k = 0; k < {}; k++) {{\n    if ({}) continue;\n    if (would_move(k)) moves = 1;\n  }}\n  \
             {}\n}}\n}}",
            SystemStimulus::all().count(),
            SystemStimulus::all()
                .filter(|s| s.is_world_toggle())
                .map(|s| format!("k == SYS_{}", s.name()))
                .collect::<Vec<_>>()
                .join(" || "),
            checks.join("\n  ")
        );
        Ok(())
    }

    pub(super) fn process(&self, w: &mut String) -> Result<(), SystemError> {
        let _ = writeln!(w, "\nactive proctype system() {{\n  do");
        for (k, stimulus) in SystemStimulus::all().enumerate() {
            let row = self.stimulus_rows[k];
            let _ = writeln!(
                w,
                "  /* {stimulus} ({}) */\n  :: d_step {{\n       {} ->\n       printf(\"{{\\\"on\\\": \\\"{}\\\"}},\\n\");\n       c_code {{ step({k});\n#ifdef LIVENESS\n         now.last = changed ? {k} : NONE; enabledness(); fair_rounds();\n#endif\n       }}\n     }}",
                row.clauses.join(", "),
                self.guard(&row.requires, Context::Precondition)?,
                stimulus.name()
            );
        }
        let _ = writeln!(
            w,
            "#ifndef LIVENESS\n  \
             /* no_deadlock (AF-LES, AF-LEP-T): runs every other stimulus on a copy of this\n     \
             state; changes nothing, so it stores no new state. */\n  \
             :: d_step {{ c_code {{ probe(); }} }}\n#endif\n  od\n}}"
        );
        Ok(())
    }

    /// The liveness properties as LTL formulas, each under the checker's strong fairness
    /// and its exclusions.
    pub(super) fn ltl(&self, w: &mut String) -> Result<(), SystemError> {
        for (_, property, condition) in self.conditions()? {
            let (SpinCondition::Eventually { premise, pending }, Judgement::Eventually(liveness)) =
                (condition, property.judgement)
            else {
                continue;
            };
            let excluded: Vec<String> = SystemStimulus::all()
                .filter(|s| (liveness.excluded)(*s))
                .map(|s| format!("last == SYS_{}", s.name()))
                .collect();
            let fair_names: Vec<&str> = SystemStimulus::all()
                .filter(|s| (liveness.fair)(*s))
                .map(Symbol::name)
                .collect();
            let _ = writeln!(
                w,
                "\n#ifdef LIVENESS\n\
                 /* {name} ({}): {}.\n   \
                 Where `stable` holds and none of the excluded stimuli happen any more, the goal is\n   \
                 pending only finitely long, on every run that is strongly fair to {}\n   \
                 ([]<> fair_round; see fair_rounds()). Checked by SPIN's acceptance-cycle search. */\n\
                 #define stable ({premise})\n\
                 #define recovering ({pending})\n\
                 #define excluded ({})\n\
                 ltl {name} {{ (([]<> fair_round) && (<>[] !excluded)) -> ([]<> !(stable && recovering)) }}\n#endif",
                property.clauses.join(", "),
                property.statement,
                fair_names.join(", "),
                excluded.join(" || "),
                name = property.name,
            );
        }
        Ok(())
    }
}
