//! Compiling a system: probing every macro-step once per shared part and pair, and
//! assembling what was learned into the look-up tables the search steps with.

use std::collections::HashMap;

use super::*;

/// Raw effects learned by probing, before ids are given.
#[derive(Default)]
struct Learned {
    /// `(shared, stimulus)` -> shared afterwards, or `None` when rejected.
    shared: HashMap<(u64, usize), Option<u64>>,
    /// `(shared, stimulus, pair)` -> (free view's pair or REJECT, other views' pair).
    views: HashMap<(u64, usize, u8), (u8, u8)>,
}

struct Prober<'a> {
    engine: &'a Engine,
    views: usize,
    /// The least valid pair whose view accepts `BeginSubscribe`.
    accepting: u8,
}

impl Prober<'_> {
    fn probe(
        &self,
        shared: u64,
        stimulus: SystemStimulus,
        first: u8,
        rest: u8,
    ) -> Result<Option<Packed>, CompileError> {
        let mut state = Packed::default();
        state.0[0] = shared;
        for view in 0..self.views {
            state.set_pair(FIRST_VIEW + 2 * view, if view == 0 { first } else { rest });
        }
        let result = self.engine.step(state, stimulus, &mut ());
        if result.diverged {
            return Err(inexpressible(stimulus, shared, "the macro-step diverges"));
        }
        Ok(result.rejected.is_none().then_some(result.next))
    }

    fn accepts(&self, pair: u8) -> bool {
        self.engine.accepts_subscribe(pair & 0b111)
    }

    /// Learns what `stimulus` does from `shared` (and to each pair in `pairs`).
    fn learn(
        &self,
        learned: &mut Learned,
        shared: u64,
        stimulus: usize,
        pairs: &[u8],
    ) -> Result<(), CompileError> {
        let on = STIMULI[stimulus];
        let after = match learned.shared.get(&(shared, stimulus)) {
            Some(known) => *known,
            None => {
                let base = self.probe(shared, on, self.accepting, self.accepting)?;
                let after = base.map(|next| next.0[0] & SHARED_MASK);
                learned.shared.insert((shared, stimulus), after);
                after
            }
        };
        let Some(after) = after else {
            return Ok(());
        };
        let same_shared = |next: &Packed| {
            if next.0[0] & SHARED_MASK == after {
                Ok(())
            } else {
                Err(inexpressible(
                    on,
                    shared,
                    "the shared part depends on the views",
                ))
            }
        };
        for &pair in pairs {
            if learned.views.contains_key(&(shared, stimulus, pair)) {
                continue;
            }
            let all = self.probe(shared, on, pair, pair)?;
            let free = match &all {
                Some(next) => {
                    same_shared(next)?;
                    next.pair(FIRST_VIEW)
                }
                None if self.accepts(pair) => {
                    return Err(inexpressible(on, shared, "an accepting free view rejects"));
                }
                None => REJECT,
            };
            let other = if self.views < 2 {
                if free == REJECT {
                    pair
                } else {
                    free
                }
            } else {
                let mixed = if self.accepts(pair) {
                    all
                } else {
                    self.probe(shared, on, self.accepting, pair)?
                };
                let Some(next) = mixed else {
                    return Err(inexpressible(on, shared, "a view that is not free rejects"));
                };
                same_shared(&next)?;
                next.pair(FIRST_VIEW + 2)
            };
            learned
                .views
                .insert((shared, stimulus, pair), (free, other));
        }
        Ok(())
    }
}

fn inexpressible(stimulus: SystemStimulus, shared: u64, what: &'static str) -> CompileError {
    CompileError::Inexpressible {
        stimulus,
        shared,
        what,
    }
}

impl CompiledSystem {
    /// Compiles a system.
    ///
    /// # Arguments
    /// * `system` - the system (any tables and wiring that are pair-local).
    /// * `layout` - [`Layout::Lanes`] for the full state space, [`Layout::Counts`] for
    ///   the space reduced by the views' symmetry.
    ///
    /// # Errors
    /// [`CompileError`] when the system does not decompose or the key does not fit.
    ///
    /// # Complexity
    /// O(shared parts x stimuli x pairs) probes, each one macro-step.
    pub fn new(system: &System, layout: Layout) -> Result<Self, CompileError> {
        let engine = &system.engine;
        if !engine.pair_local {
            return Err(CompileError::NotPairLocal);
        }
        let views = engine.views;
        let accepting = (0u8..64)
            .filter(|&pair| engine.valid_view_pair(pair))
            .find(|&pair| engine.accepts_subscribe(pair & 0b111))
            .ok_or(CompileError::NoFreeView)?;
        let prober = Prober {
            engine,
            views,
            accepting,
        };
        let initial = engine.initial;
        let mut shared = vec![initial.0[0] & SHARED_MASK];
        let mut pairs: Vec<u8> = if views == 0 {
            Vec::new()
        } else {
            vec![initial.pair(FIRST_VIEW)]
        };
        let mut learned = Learned::default();
        loop {
            let known = (shared.len(), pairs.len());
            let mut s = 0;
            while s < shared.len() {
                for stimulus in 0..STIMULUS_COUNT {
                    prober.learn(&mut learned, shared[s], stimulus, &pairs)?;
                    if let Some(Some(after)) = learned.shared.get(&(shared[s], stimulus)) {
                        if !shared.contains(after) {
                            shared.push(*after);
                        }
                    }
                }
                s += 1;
            }
            for &(free, other) in learned.views.values() {
                for pair in [free, other] {
                    if pair != REJECT && !pairs.contains(&pair) {
                        pairs.push(pair);
                    }
                }
            }
            if pairs.len() > MAX_PAIRS {
                return Err(CompileError::TooManyPairs {
                    pairs: pairs.len(),
                    max: MAX_PAIRS,
                });
            }
            if (shared.len(), pairs.len()) == known {
                break;
            }
        }
        shared.sort_unstable();
        pairs.sort_unstable();
        Self::assemble(layout, views, shared, pairs, &learned, initial, &prober)
    }

    /// Assembles what was learned into the look-up tables: the key's widths, every
    /// (shared part, stimulus)'s effect, the pairs whose view accepts `BeginSubscribe`,
    /// the effects that change something, and the initial state's key. Each step is one
    /// function below.
    fn assemble(
        layout: Layout,
        views: usize,
        shared: Vec<u64>,
        pairs: Vec<u8>,
        learned: &Learned,
        initial: Packed,
        prober: &Prober<'_>,
    ) -> Result<Self, CompileError> {
        let (shared_bits, field_bits, fields) = widths(layout, views, shared.len(), pairs.len())?;
        let effects = effects_of(&shared, &pairs, learned)?;
        let accepts = accepting(&pairs, prober);
        let (active, starts) = active_of(&effects);
        let all_pairs = ((1u32 << pairs.len()) - 1) as u16;
        let mut compiled = CompiledSystem {
            layout,
            views,
            shared,
            pairs,
            accepts,
            effects,
            active,
            starts,
            shared_bits,
            field_bits,
            fields,
            mask: if field_bits >= 64 {
                u64::MAX
            } else {
                (1u64 << field_bits) - 1
            },
            shifts: std::array::from_fn(|i| (shared_bits + i as u32 * field_bits).min(63)),
            shared_id_mask: (1u64 << shared_bits) - 1,
            all_pairs,
            spread: spread(fields, field_bits),
            initial: 0,
        };
        compiled.initial = compiled
            .encode(initial)
            .ok_or_else(|| inexpressible(STIMULI[0], 0, "the initial state escaped"))?;
        Ok(compiled)
    }
}

/// The widths of a key: the bits of the shared part's id, the bits of one field and the
/// number of fields (a pair id per view for [`Layout::Lanes`], a count of views per pair
/// for [`Layout::Counts`]).
///
/// # Errors
/// [`CompileError::TooWide`] when the key needs more than 64 bits.
fn widths(
    layout: Layout,
    views: usize,
    shared: usize,
    pairs: usize,
) -> Result<(u32, u32, u32), CompileError> {
    let shared_bits = bits_for(shared);
    let (field_bits, fields) = match layout {
        Layout::Lanes => (u32::try_from(views).unwrap_or(u32::MAX), bits_for(pairs)),
        Layout::Counts => (
            bits_for(views + 1),
            u32::try_from(pairs).unwrap_or(u32::MAX),
        ),
    };
    let bits = shared_bits.saturating_add(field_bits.saturating_mul(fields));
    if bits > 64 {
        return Err(CompileError::TooWide { bits });
    }
    Ok((shared_bits, field_bits, fields))
}

/// Every (shared part, stimulus)'s effect over ids, shared part by shared part.
fn effects_of(
    shared: &[u64],
    pairs: &[u8],
    learned: &Learned,
) -> Result<Vec<Effect>, CompileError> {
    let mut effects = Vec::with_capacity(shared.len() * STIMULUS_COUNT);
    for (s, &raw) in shared.iter().enumerate() {
        for (stimulus, &on) in STIMULI.iter().enumerate() {
            effects.push(effect_of(s, raw, (stimulus, on), shared, pairs, learned)?);
        }
    }
    Ok(effects)
}

/// The effect of stimulus `on` (number `stimulus`) on the shared part of id `s` (raw
/// `raw`): rejected and changing nothing unless probing found it accepted; then the
/// shared part's id afterwards and, for every pair id, the pair id afterwards of the free
/// view and of the others.
///
/// # Errors
/// [`CompileError::Inexpressible`] when a part or pair afterwards was never learned.
fn effect_of(
    s: usize,
    raw: u64,
    (stimulus, on): (usize, SystemStimulus),
    shared: &[u64],
    pairs: &[u8],
    learned: &Learned,
) -> Result<Effect, CompileError> {
    let identity: [u8; MAX_PAIRS] = std::array::from_fn(|p| p as u8);
    let mut effect = Effect {
        rejected: true,
        next: s as u64,
        other: identity,
        free: identity,
        changed: 0,
        picks_free: false,
    };
    let Some(Some(after)) = learned.shared.get(&(raw, stimulus)) else {
        return Ok(effect);
    };
    effect.rejected = false;
    effect.next = shared
        .binary_search(after)
        .ok()
        .ok_or_else(|| inexpressible(on, raw, "a shared part escaped"))? as u64;
    for (p, &pair) in pairs.iter().enumerate() {
        let &(free, other) = learned
            .views
            .get(&(raw, stimulus, pair))
            .ok_or_else(|| inexpressible(on, raw, "a pair was not probed"))?;
        let (Some(free), Some(other)) = (pair_id(pairs, free), pair_id(pairs, other)) else {
            return Err(inexpressible(on, raw, "a pair escaped"));
        };
        effect.free[p] = free;
        effect.other[p] = other;
        if usize::from(other) != p {
            effect.changed |= 1 << p;
        }
        effect.picks_free |= free != other;
    }
    Ok(effect)
}

/// The id of a learned pair, [`REJECT`] for [`REJECT`], `None` for a pair never learned.
fn pair_id(pairs: &[u8], pair: u8) -> Option<u8> {
    if pair == REJECT {
        Some(REJECT)
    } else {
        pairs
            .binary_search(&pair)
            .ok()
            .and_then(|id| u8::try_from(id).ok())
    }
}

/// The pair ids whose view accepts `BeginSubscribe`, as a mask.
fn accepting(pairs: &[u8], prober: &Prober<'_>) -> u16 {
    let mut accepts = 0u16;
    for (p, &pair) in pairs.iter().enumerate() {
        if prober.accepts(pair) {
            accepts |= 1 << p;
        }
    }
    accepts
}

/// The effects that change something (accepted, and moving the shared part or a pair or
/// picking the free view), shared part by shared part, and where each shared part's
/// start in that list (with one more entry, the end).
fn active_of(effects: &[Effect]) -> (Vec<Effect>, Vec<usize>) {
    let mut active = Vec::new();
    let mut starts = vec![0];
    for (s, effects) in effects.chunks(STIMULUS_COUNT).enumerate() {
        for effect in effects {
            let still = effect.next == s as u64 && effect.changed == 0 && !effect.picks_free;
            if !effect.rejected && !still {
                active.push(*effect);
            }
        }
        starts.push(active.len());
    }
    (active, starts)
}
