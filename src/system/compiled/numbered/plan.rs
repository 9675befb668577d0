//! The precedence between pairs and the series-parallel plans built from it: which
//! words of a block keep the order, and how the order splits into parts.

use std::collections::HashSet;

use fsm::explore::FastHash;

use super::{CompiledSystem, Effect, LEARNING_VIEWS, MAX_NODES, MAX_PAIRS, STIMULUS_COUNT};

/// A node of a series-parallel order on the pairs held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// One pair.
    Leaf(u8),
    /// Children in order, each wholly before the next.
    Series,
    /// Children interleaved freely.
    Parallel,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    pub(super) kind: Kind,
    /// Every pair id under the node.
    pub(super) pairs: u16,
    /// Children, as node indices.
    pub(super) children: [u8; MAX_PAIRS],
    pub(super) child_count: u8,
}

impl Node {
    pub(super) fn children(&self) -> &[u8] {
        &self.children[..usize::from(self.child_count)]
    }
}

/// The series-parallel decomposition of the order on one set of pairs (root first).
#[derive(Debug, Clone, Default)]
pub(super) struct Plan {
    pub(super) nodes: Vec<Node>,
    /// `before[x]`: the pairs every `x` must precede (transitively closed).
    pub(super) before: [u16; MAX_PAIRS],
}

/// The children of a plan's root read as a series (a single pair is a series of one);
/// `None` for a parallel root.
pub(super) fn series_children(plan: &Plan) -> Option<Vec<usize>> {
    match plan.nodes.first()?.kind {
        Kind::Leaf(_) => Some(vec![0]),
        Kind::Series => Some(
            plan.nodes[0]
                .children()
                .iter()
                .map(|&c| usize::from(c))
                .collect(),
        ),
        Kind::Parallel => None,
    }
}

/// Whether the subtrees at `a` of `left` and `b` of `right` are the same.
pub(super) fn same_tree(left: &Plan, a: usize, right: &Plan, b: usize) -> bool {
    let (Some(x), Some(y)) = (left.nodes.get(a), right.nodes.get(b)) else {
        return false;
    };
    x.kind == y.kind
        && x.pairs == y.pairs
        && x.children().len() == y.children().len()
        && x.children()
            .iter()
            .zip(y.children())
            .all(|(&c, &d)| same_tree(left, usize::from(c), right, usize::from(d)))
}

/// Whether moving the first view in pair `p` to pair `q` keeps every word's rank: `p`
/// is a part of the source's top-level series, and the target's series is the source's
/// with `q` grown (or added) just before `p` and `p` shrunk (or gone, when `last`).
/// Then `p`'s views are consecutive, its first one is the lowest, and every part that
/// carries digits keeps its lanes and sizes.
pub(super) fn subscribes_in_place(
    source: &Plan,
    target: &Plan,
    p: usize,
    q: usize,
    last: bool,
) -> bool {
    let (Some(before), Some(after)) = (series_children(source), series_children(target)) else {
        return false;
    };
    let leaf = |plan: &Plan, node: usize, id: usize| {
        plan.nodes.get(node).map(|n| n.kind) == Some(Kind::Leaf(id as u8))
    };
    let Some(at) = before.iter().position(|&node| leaf(source, node, p)) else {
        return false;
    };
    let q_before = at > 0 && leaf(source, before[at - 1], q);
    if p == q || (!q_before && source.nodes.iter().any(|n| n.pairs >> q & 1 == 1)) {
        return false;
    }
    // The target's parts, as (plan, node) of the source, or the new `q`.
    let mut expected: Vec<Option<usize>> = before.iter().map(|&node| Some(node)).collect();
    if !q_before {
        expected.insert(at, None);
    }
    if last {
        let p_at = if q_before { at } else { at + 1 };
        expected.remove(p_at);
    }
    expected.len() == after.len()
        && expected.iter().zip(&after).all(|(want, &got)| match want {
            Some(node) => same_tree(source, *node, target, got),
            None => leaf(target, got, q),
        })
}

/// Whether relabelling every held pair `x` as `effect.other[x]` takes each word that
/// keeps `source`'s order to one that keeps `target`'s: when `u` must precede `v` in
/// the target, every pair relabelled `u` must precede every pair relabelled `v` in the
/// source.
pub(super) fn keeps_order(
    source: &Plan,
    target: &Plan,
    held: impl Iterator<Item = usize> + Clone,
    effect: &Effect,
) -> bool {
    let image = |x: usize| usize::from(effect.other[x]) % MAX_PAIRS;
    held.clone().all(|x| {
        held.clone()
            .filter(|&y| target.before[image(x)] >> image(y) & 1 == 1)
            .all(|y| source.before[x] >> y & 1 == 1)
    })
}

/// The pair ids with a view, as a set.
#[inline]
pub(super) fn held(counts: &[u32; MAX_PAIRS]) -> u16 {
    (0..MAX_PAIRS)
        .filter(|&id| counts[id] > 0)
        .fold(0, |set, id| set | 1 << id)
}

/// The lanes holding any of `pairs`.
#[inline]
pub(super) fn union(masks: &[u64; MAX_PAIRS], pairs: u16) -> u64 {
    ids(pairs).fold(0, |held, id| held | masks[id])
}

/// The ids in a set of pair ids, ascending.
#[inline]
pub(super) fn ids(set: u16) -> Ids {
    Ids(set)
}

/// The iterator of [`ids`]: the lowest id left, cleared as it is taken (every id is
/// below [`MAX_PAIRS`], so it indexes per-pair arrays without a check failing).
#[derive(Debug, Clone)]
pub(super) struct Ids(u16);

impl Iterator for Ids {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let id = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(id)
    }
}

/// Which pair may stand before which, from every reachable word of the system with
/// [`LEARNING_VIEWS`] views (or the system itself when it has no more views).
pub(super) fn learn_precedence(compiled: &CompiledSystem) -> [u16; MAX_PAIRS] {
    let small = compiled.with_views(LEARNING_VIEWS.min(compiled.views()));
    let system = small.as_ref().unwrap_or(compiled);
    let mut may_precede = [0u16; MAX_PAIRS];
    let pairs = system.pairs();
    let mut seen: HashSet<u64, FastHash> = HashSet::with_hasher(FastHash);
    let mut queue = vec![system.initial()];
    seen.insert(system.initial());
    let mut next = Vec::with_capacity(STIMULUS_COUNT);
    while let Some(key) = queue.pop() {
        let masks: Vec<u64> = (0..pairs).map(|id| system.lanes_holding(key, id)).collect();
        for (x, &mx) in masks.iter().enumerate() {
            for (y, &my) in masks.iter().enumerate() {
                // Some x before some y: x's first lane below y's last.
                if x != y && mx != 0 && my != 0 && mx.trailing_zeros() < 63 - my.leading_zeros() {
                    may_precede[x] |= 1 << y;
                }
            }
        }
        next.clear();
        system.successors(key, &mut next);
        queue.extend(next.iter().copied().filter(|&after| seen.insert(after)));
    }
    may_precede
}

/// The series-parallel plan of the order on a set of pairs, or `None` when two of them
/// never meet or the order is not series-parallel.
pub(super) fn plan(set: u16, may_precede: &[u16; MAX_PAIRS]) -> Option<Plan> {
    // before[x]: the pairs every x must precede, closed transitively.
    let mut before = [0u16; MAX_PAIRS];
    for x in ids(set) {
        for y in ids(set).filter(|&y| y != x) {
            let (xy, yx) = (may_precede[x] >> y & 1 == 1, may_precede[y] >> x & 1 == 1);
            match (xy, yx) {
                (false, false) => return None,
                (true, false) => before[x] |= 1 << y,
                _ => {}
            }
        }
    }
    loop {
        let mut grew = false;
        for x in ids(set) {
            let reach = ids(before[x]).fold(before[x], |acc, y| acc | before[y]);
            grew |= reach != before[x];
            before[x] = reach;
        }
        if !grew {
            break;
        }
    }
    if ids(set).any(|x| before[x] >> x & 1 == 1) {
        return None;
    }
    let mut plan = Plan {
        nodes: Vec::new(),
        before,
    };
    if set != 0 {
        decompose(set, &before, &mut plan)?;
    }
    Some(plan)
}

/// Adds the node for `set` (and its subtree) to `plan`; its index, or `None` when the
/// order on `set` is not series-parallel.
pub(super) fn decompose(set: u16, before: &[u16; MAX_PAIRS], plan: &mut Plan) -> Option<u8> {
    let at = plan.nodes.len();
    if at >= MAX_NODES {
        return None;
    }
    let comparable = |x: usize, y: usize| (before[x] | before[y]) & (1 << x | 1 << y) != 0;
    let mut node = Node {
        kind: Kind::Leaf(set.trailing_zeros() as u8),
        pairs: set,
        children: [0; MAX_PAIRS],
        child_count: 0,
    };
    plan.nodes.push(node);
    if set.count_ones() == 1 {
        return u8::try_from(at).ok();
    }
    // Parallel when the comparability graph falls apart, series when its complement does.
    let mut parts = components(set, &|x, y| comparable(x, y));
    node.kind = Kind::Parallel;
    if parts.len() == 1 {
        parts = components(set, &|x, y| !comparable(x, y));
        if parts.len() == 1 {
            return None;
        }
        // Each part wholly before the next: order by how many pairs must precede them.
        let preceded = |part: u16| ids(set).filter(|&y| before[y] & part != 0).count();
        parts.sort_by_key(|&part| preceded(part));
        for pair in parts.windows(2) {
            if ids(pair[0]).any(|x| before[x] & pair[1] != pair[1]) {
                return None;
            }
        }
        node.kind = Kind::Series;
    }
    for part in parts {
        let child = decompose(part, before, plan)?;
        node.children[usize::from(node.child_count) % MAX_PAIRS] = child;
        node.child_count += 1;
    }
    plan.nodes[at] = node;
    u8::try_from(at).ok()
}

/// The connected components of `set` under `linked`, each by its least id first.
pub(super) fn components(set: u16, linked: &dyn Fn(usize, usize) -> bool) -> Vec<u16> {
    let mut parts = Vec::new();
    let mut left = set;
    while left != 0 {
        let mut part = 1u16 << left.trailing_zeros();
        loop {
            let grown = ids(left)
                .filter(|&y| ids(part).any(|x| x == y || linked(x, y)))
                .fold(part, |acc, y| acc | 1 << y);
            if grown == part {
                break;
            }
            part = grown;
        }
        parts.push(part);
        left &= !part;
    }
    parts
}
