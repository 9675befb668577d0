//! The constant tables of the Promela model: cells, triggers, replies, reactions.

use std::fmt::Write as _;

use strum::IntoEnumIterator;

use super::*;

impl Generator<'_> {
    /// The constant tables as C arrays (`c_decl`), which SPIN does not store.
    pub(super) fn tables(&self, w: &mut String) -> Result<(), SystemError> {
        let slots = self.slots();
        let mut bases = Vec::new();
        let mut total = 0usize;
        for part in &self.parts {
            bases.push(total);
            total += part.states.len() * part.stimuli.len();
        }
        // Reactions: stimulus rows first (in stimulus order), then the wiring rows.
        let mut lists: Vec<(usize, usize)> = Vec::new();
        let mut reactions: Vec<&crate::system::wiring::Reaction> = Vec::new();
        for row in &self.stimulus_rows {
            lists.push((reactions.len(), row.then.len()));
            reactions.extend(row.then.iter());
        }
        for row in self.wiring_rows {
            lists.push((reactions.len(), row.then.len()));
            reactions.extend(row.then.iter());
        }
        // Triggers: per (kind, stimulus, to) the wiring rows, in row order.
        let mut triggers: Vec<Vec<usize>> = vec![Vec::new(); total];
        for (i, row) in self.wiring_rows.iter().enumerate() {
            let mut matched = false;
            for &kind in source_kinds(row.on.source) {
                let part = &self.parts[kind];
                let on = match row.on.on {
                    None => None,
                    Some(name) => match part.stimulus(name) {
                        Some(s) => Some(s),
                        None => continue,
                    },
                };
                let to = match row.on.to {
                    None => None,
                    Some(name) => match part.state(name) {
                        Some(s) => Some(s),
                        None => continue,
                    },
                };
                matched = true;
                for stimulus in 0..part.stimuli.len() {
                    for state in 0..part.states.len() {
                        if on.is_none_or(|on| usize::from(on) == stimulus)
                            && to.is_none_or(|to| usize::from(to) == state)
                        {
                            triggers[bases[kind] + state * part.stimuli.len() + stimulus]
                                .push(self.stimulus_rows.len() + i);
                        }
                    }
                }
            }
            if !matched {
                return Err(bad(format!("wiring row {i}: trigger matches no component")));
            }
        }
        let list = |values: &mut dyn Iterator<Item = usize>| -> String {
            let v: Vec<String> = values.map(|x| x.to_string()).collect();
            if v.is_empty() {
                "0".to_owned()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(
            w,
            "\nc_decl {{\n/* Constant tables, generated from the tables and the wiring. */"
        );
        let _ = writeln!(
            w,
            "static const unsigned char KO[SLOTS] = {{ {} }}; /* kind of each slot */",
            list(&mut (0..slots).map(kind_of))
        );
        let _ = writeln!(
            w,
            "static const unsigned char PR[SLOTS] = {{ {} }}; /* slot present */",
            list(&mut (0..slots).map(|s| usize::from(self.present(s))))
        );
        let _ = writeln!(
            w,
            "static const short CB[{KINDS}] = {{ {} }};\nstatic const unsigned char NS[{KINDS}] = {{ {} }};",
            list(&mut bases.iter().copied()),
            list(&mut self.parts.iter().map(|p| p.stimuli.len()))
        );
        // Cells, one line per cell with its row's clauses.
        let mut outcomes = Vec::new();
        let mut tos = Vec::new();
        let _ = writeln!(w, "/* cells (kind, state, stimulus: outcome, to; clauses):");
        for (kind, part) in self.parts.iter().enumerate() {
            for code in 0..part.states.len() {
                for (s, stimulus) in part.stimuli.iter().enumerate() {
                    let (outcome, to, clauses) = part.cells[code * part.stimuli.len() + s];
                    outcomes.push(usize::from(outcome));
                    tos.push(usize::from(to));
                    let what = match outcome {
                        MOVED => format!("-> {}", part.states[part.index(usize::from(to))]),
                        IGNORED => "ignored".to_owned(),
                        _ => "rejected".to_owned(),
                    };
                    let _ = writeln!(
                        w,
                        "   {} {} {stimulus}: {what} ({})",
                        KIND_NAMES[kind],
                        part.states[part.index(code)],
                        clauses.join(", ")
                    );
                }
            }
        }
        let _ = writeln!(w, "*/");
        let _ = writeln!(
            w,
            "static const unsigned char CO[{total}] = {{ {} }};\nstatic const unsigned char CT[{total}] = {{ {} }};",
            list(&mut outcomes.into_iter()),
            list(&mut tos.into_iter())
        );
        let mut tn = Vec::new();
        let mut ts = Vec::new();
        let mut tl = Vec::new();
        for rows in &triggers {
            tn.push(rows.len());
            ts.push(tl.len());
            tl.extend(rows.iter().copied());
        }
        let _ = writeln!(
            w,
            "static const unsigned char TN[{total}] = {{ {} }};\nstatic const short TS[{total}] = {{ {} }};\nstatic const unsigned char TL[{}] = {{ {} }};",
            list(&mut tn.into_iter()),
            list(&mut ts.into_iter()),
            tl.len().max(1),
            list(&mut tl.iter().copied())
        );
        let mut replies = Vec::new();
        for kind in 0..KINDS {
            let home = kind != 6 || self.views_home;
            for request in Request::iter() {
                for bits in 0..4usize {
                    let world = World {
                        pool_up: bits & 1 == 0,
                        connection_up: bits & 2 == 0,
                    };
                    let answer = reply(request, world, home)
                        .and_then(|name| self.parts[kind].stimulus(name))
                        .unwrap_or(NONE);
                    replies.push(usize::from(answer));
                }
            }
        }
        let _ = writeln!(
            w,
            "/* the world's answer per (kind, request, world bits) */\nstatic const unsigned char REPLY[{}] = {{ {} }};",
            replies.len(),
            list(&mut replies.into_iter())
        );
        let _ = writeln!(w, "/* reaction lists:");
        for (l, _) in lists.iter().enumerate() {
            let what = if l < self.stimulus_rows.len() {
                let row = self.stimulus_rows[l];
                format!("stimulus row {} ({})", row.on, row.clauses.join(", "))
            } else {
                let row = &self.wiring_rows[l - self.stimulus_rows.len()];
                format!(
                    "wiring row {}: {:?} {} -> {} ({})",
                    l - self.stimulus_rows.len(),
                    row.on.source,
                    row.on.on.unwrap_or("any"),
                    row.on.to.unwrap_or("any"),
                    row.clauses.join(", ")
                )
            };
            let _ = writeln!(w, "   {l}: {what}");
        }
        let _ = writeln!(w, "*/");
        let _ = writeln!(
            w,
            "static const unsigned char LB[{}] = {{ {} }};\nstatic const unsigned char LN[{}] = {{ {} }};",
            lists.len(),
            list(&mut lists.iter().map(|l| l.0)),
            lists.len(),
            list(&mut lists.iter().map(|l| l.1))
        );
        let mut rt = Vec::new();
        let mut ra = Vec::new();
        let mut rx = Vec::new();
        let mut rs = Vec::new();
        for (r, reaction) in reactions.iter().enumerate() {
            let (action, arg) = match reaction.action {
                Action::Call(_) => (0, 0),
                Action::Deliver(_) => (1, 0),
                Action::Reply(request) => (2, request as usize),
                Action::Renew => (3, 0),
                Action::SetPool(up) => (4, usize::from(up)),
                Action::SetConnection(up) => (5, usize::from(up)),
            };
            rt.push(usize::from(target_code(reaction.target)));
            ra.push(action);
            rx.push(arg);
            let mut resolved = [NONE; KINDS];
            if let Action::Call(name) | Action::Deliver(name) = reaction.action {
                for &kind in target_kinds(reaction.target) {
                    if let Some(s) = self.parts[kind].stimulus(name) {
                        resolved[kind] = s;
                    }
                }
                if resolved.iter().all(|&s| s == NONE) {
                    return Err(bad(format!(
                        "reaction {r}: `{name}` is no stimulus of its target"
                    )));
                }
            }
            rs.extend(resolved.iter().map(|&s| usize::from(s)));
        }
        let n = reactions.len();
        let _ = writeln!(
            w,
            "static const unsigned char RT[{n}] = {{ {} }};\nstatic const unsigned char RA[{n}] = {{ {} }};\n\
             static const unsigned char RX[{n}] = {{ {} }};\nstatic const unsigned char RS[{}] = {{ {} }};",
            list(&mut rt.into_iter()),
            list(&mut ra.into_iter()),
            list(&mut rx.into_iter()),
            n * KINDS,
            list(&mut rs.into_iter())
        );
        let view = &self.parts[4];
        let sub = &self.parts[6];
        let begin = view.stimulus("BeginSubscribe");
        let acc: Vec<usize> = (0..8)
            .map(|code| {
                usize::from(
                    code < view.states.len()
                        && begin.is_some_and(|b| {
                            view.cells[code * view.stimuli.len() + usize::from(b)].0 != REJECTED
                        }),
                )
            })
            .collect();
        let _ = writeln!(
            w,
            "static const unsigned char ACC[8] = {{ {} }};\nstatic const unsigned char VO[8] = {{ {} }};\nstatic const unsigned char SO[8] = {{ {} }};",
            list(&mut acc.into_iter()),
            list(&mut (0..8).map(|c| if c < view.states.len() { view.index(c) } else { 0 })),
            list(&mut (0..8).map(|c| if c < sub.states.len() { sub.index(c) } else { 0 }))
        );
        Ok(())
    }
}
