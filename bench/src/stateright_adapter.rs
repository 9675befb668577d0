//! stateright over our own steps, so both engines do identical model work: the same
//! successors, and a step that leaves the state as it is (rejected or unchanged) is no
//! successor (stateright drops `None`; our explorers count it as unchanged).
//! - [`Compiled`] steps the [`CompiledSystem`] (64-bit keys), the model our fastest
//!   search runs on;
//! - [`Adapter`] steps the interpreted `System::step` (the packed 40-byte state);
//! - [`Judged`] steps the compiled system like [`Compiled`] and checks our safety
//!   properties with stateright's `Property::always`.
//!
//! Used by `benches/explore.rs` and `tests/stateright.rs`.

use ucma_ha::system::compiled::CompiledSystem;
use ucma_ha::system::properties::{Finding, Judgement, MacroStep, PROPERTIES};
use ucma_ha::system::ComponentStates;
use ucma_ha::system::{Packed, System, SystemStimulus};

/// The composed system as a `stateright::Model`, on the interpreted macro-steps.
pub struct Adapter(pub System);

impl stateright::Model for Adapter {
    type State = Packed;
    type Action = SystemStimulus;

    fn init_states(&self) -> Vec<Packed> {
        vec![self.0.initial()]
    }

    fn actions(&self, _: &Packed, actions: &mut Vec<SystemStimulus>) {
        actions.extend_from_slice(System::stimuli());
    }

    fn next_state(&self, state: &Packed, action: SystemStimulus) -> Option<Packed> {
        let next = self.0.step(*state, action).next;
        (next != *state).then_some(next)
    }

    // stateright stops once every property has a discovery, and at once with none; this
    // property never fails (every packed state the system produces is valid), so it
    // explores everything.
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always(
            "the packed state is valid",
            |model: &Adapter, state: &Packed| model.0.is_valid(*state),
        )]
    }
}

/// The compiled system as a `stateright::Model`: the same `step` our `reach_keys` calls.
pub struct Compiled(pub CompiledSystem);

impl stateright::Model for Compiled {
    type State = u64;
    type Action = SystemStimulus;

    fn init_states(&self) -> Vec<u64> {
        vec![self.0.initial()]
    }

    fn actions(&self, _: &u64, actions: &mut Vec<SystemStimulus>) {
        actions.extend_from_slice(System::stimuli());
    }

    fn next_state(&self, state: &u64, action: SystemStimulus) -> Option<u64> {
        let next = self.0.step(*state, action);
        (next != *state).then_some(next)
    }

    // As for `Adapter`: a property that holds, so that stateright explores everything.
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always(
            "the key's shared part is known",
            |model: &Compiled, key: &u64| model.0.decode(*key) != Packed::MAX,
        )]
    }
}

/// The compiled system as a `stateright::Model` that checks our safety properties with
/// stateright's own `Property::always` (and, for each, a `Property::sometimes` on its
/// premise, the vacuity check `ucma-ha check` makes): the engine `stateright-properties`
/// of the explore bench.
///
/// The search is [`Compiled`]'s (the same compiled step, the same successors). What a
/// transition property needs is the macro-step's deliveries, which a stateright property
/// (a condition on one state) does not see. So each state is judged *by its outgoing
/// macro-steps*: `always(P)` holds in a state when none of the 17 macro-steps from it
/// violates `P` (each one re-run through `System::step_observed` with its delivery log,
/// and judged by `P`'s own judgement from `ucma_ha::system::properties`). Every reachable
/// transition leaves a reachable state, so `always(P)` holds in every reachable state
/// exactly when `check`'s judgement of `P` holds on every reachable transition, self-loops
/// included (stateright drops those as successors, but they are judged here).
/// `no_deadlock` is judged the same way: no macro-step from the state diverges, and some
/// stimulus that is not a world toggle moves it, or the endpoint is Terminated.
///
/// The liveness property is not given to stateright: its `eventually` looks only for
/// terminal states and misses a cycle that never reaches the goal (stateright documents
/// it as not checking cycles), so `recovery_after_outage` is decided by `check` alone.
///
/// All properties of a state are judged in one pass over its 17 macro-steps, which the
/// conditions share through a one-state cache (stateright asks each property of a state in
/// turn, on one thread).
pub struct Judged {
    compiled: CompiledSystem,
    system: System,
    /// `(property bit, judgement)` of each safety property, in `PROPERTIES` order.
    steps: Vec<(u32, StepJudge)>,
    /// The bit of `no_deadlock` (or any `Settles` property) and its final-state test.
    settles: Vec<(u32, FinalTest)>,
    id: usize,
}

type StepJudge = fn(&MacroStep<'_>) -> Finding;
type FinalTest = fn(&ComponentStates<'_>) -> bool;

/// What the macro-steps from one state showed: one bit per property, as in
/// `PROPERTIES`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bits {
    premise: u64,
    violated: u64,
}

thread_local! {
    /// The last judged state: `(model id, key, bits)`.
    static LAST: std::cell::Cell<Option<(usize, u64, Bits)>> = const { std::cell::Cell::new(None) };
}

impl Judged {
    /// The model of `system`, stepped through `compiled` (compiled from `system`).
    pub fn new(system: System, compiled: CompiledSystem) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let mut steps = Vec::new();
        let mut settles = Vec::new();
        for (bit, property) in (0u32..).zip(PROPERTIES) {
            match property.judgement {
                Judgement::Step(judge) => steps.push((bit, judge)),
                Judgement::Settles { is_final } => settles.push((bit, is_final)),
                Judgement::Eventually(_) => {}
            }
        }
        Judged {
            compiled,
            system,
            steps,
            settles,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The safety properties given to stateright, as `(bit, name)`.
    pub fn safety(&self) -> impl Iterator<Item = (u32, &'static str)> + '_ {
        self.steps
            .iter()
            .map(|(bit, _)| *bit)
            .chain(self.settles.iter().map(|(bit, _)| *bit))
            .map(|bit| (bit, PROPERTIES[bit as usize].name))
    }

    fn bits(&self, key: u64) -> Bits {
        if let Some((id, last, bits)) = LAST.get() {
            if id == self.id && last == key {
                return bits;
            }
        }
        let bits = self.judge(key);
        LAST.set(Some((self.id, key, bits)));
        bits
    }

    /// Every macro-step from `key`, each judged by every safety property.
    fn judge(&self, key: u64) -> Bits {
        let before = self.compiled.decode(key);
        let mut bits = Bits::default();
        let mut log = Vec::new();
        let mut moves = false;
        let mut diverges = false;
        for &stimulus in System::stimuli() {
            log.clear();
            let result = self.system.step_observed(before, stimulus, &mut log);
            diverges |= result.diverged;
            moves |= result.next != before && !stimulus.is_world_toggle();
            let edge = MacroStep {
                system: &self.system,
                before,
                stimulus,
                result: &result,
                log: &log,
            };
            for &(bit, judge) in &self.steps {
                let found = judge(&edge);
                bits.premise |= u64::from(found.premise) << bit;
                bits.violated |= u64::from(found.violated) << bit;
            }
        }
        let states = ComponentStates::new(&self.system, before);
        for &(bit, is_final) in &self.settles {
            let is_final = is_final(&states);
            bits.premise |= u64::from(is_final) << bit;
            bits.violated |= u64::from(diverges || (!moves && !is_final)) << bit;
        }
        bits
    }
}

/// `always`: no macro-step from the state violates property `P`.
fn holds<const P: u32>(model: &Judged, key: &u64) -> bool {
    model.bits(*key).violated & (1 << P) == 0
}

/// `sometimes`: a macro-step from the state meets property `P`'s premise.
fn meets<const P: u32>(model: &Judged, key: &u64) -> bool {
    model.bits(*key).premise & (1 << P) != 0
}

type Condition = fn(&Judged, &u64) -> bool;

/// `holds::<P>` and `meets::<P>` for each property position `P`.
const CONDITIONS: [(Condition, Condition); 16] = [
    (holds::<0>, meets::<0>),
    (holds::<1>, meets::<1>),
    (holds::<2>, meets::<2>),
    (holds::<3>, meets::<3>),
    (holds::<4>, meets::<4>),
    (holds::<5>, meets::<5>),
    (holds::<6>, meets::<6>),
    (holds::<7>, meets::<7>),
    (holds::<8>, meets::<8>),
    (holds::<9>, meets::<9>),
    (holds::<10>, meets::<10>),
    (holds::<11>, meets::<11>),
    (holds::<12>, meets::<12>),
    (holds::<13>, meets::<13>),
    (holds::<14>, meets::<14>),
    (holds::<15>, meets::<15>),
];

impl stateright::Model for Judged {
    type State = u64;
    type Action = SystemStimulus;

    fn init_states(&self) -> Vec<u64> {
        vec![self.compiled.initial()]
    }

    fn actions(&self, _: &u64, actions: &mut Vec<SystemStimulus>) {
        actions.extend_from_slice(System::stimuli());
    }

    fn next_state(&self, state: &u64, action: SystemStimulus) -> Option<u64> {
        let next = self.compiled.step(*state, action);
        (next != *state).then_some(next)
    }

    /// One `always` per safety property, named as the property, and one `sometimes` on
    /// its premise, named `NAME: premise occurs`.
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        let mut properties = Vec::new();
        for (bit, name) in self.safety() {
            let (always, sometimes) = CONDITIONS
                .get(bit as usize)
                .copied()
                .expect("at most 16 properties; add conditions for more");
            properties.push(stateright::Property::always(name, always));
            let premise: &'static str =
                Box::leak(format!("{name}: premise occurs").into_boxed_str());
            properties.push(stateright::Property::sometimes(premise, sometimes));
        }
        properties
    }
}
