//! The one registry of the six documented machines: their ids, lookup by id and a
//! visitor over their types. Every tool that works on "every machine" (the catalogue,
//! the table checks, diagrams, exports, coverage, the tests) goes through it. The machines
//! are listed once, in `machines/list.rs`, which the property tests and the table tests
//! read too (see "Adding a machine" in the README).

use crate::invariants::Documented;
use crate::vocabulary::Exception;

/// Calls `visit` with a machine's type, for code that is generic over the machines
/// (checks, exports, diagrams).
pub trait MachineVisitor {
    /// What the visit produces.
    type Output;
    /// Visits one machine: its table, its documented properties, its errors.
    fn visit<M: Documented<Error = Exception>>(&mut self) -> Self::Output;
}

/// Declares the registry from the list of machine types in `machines/list.rs`, each by
/// its folder under `src/` (so a new machine needs no re-export), in the order of the
/// seed page.
macro_rules! registry {
    ($($module:ident :: {$($machine:ident = $id:literal),+ $(,)?}),+ $(,)?) => {
        /// The ids of the single machines, in the order of the seed page (docs/CONTRACT.md
        /// section 2).
        pub const MACHINES: &[&str] = &[$($(<crate::$module::$machine as fsm::Machine>::ID),+),+];

        // Each id in the list is its machine's own.
        $($(
            const _: () = assert!(
                same(<crate::$module::$machine as fsm::Machine>::ID, $id),
                concat!("src/machines/list.rs gives ", stringify!($machine), " the id ", $id, ", which is not its Machine::ID"),
            );
        )+)+

        /// Visits every single machine in [`MACHINES`] order and collects the outputs.
        pub fn for_each_machine<V: MachineVisitor>(visitor: &mut V) -> Vec<V::Output> {
            vec![$($(visitor.visit::<crate::$module::$machine>()),+),+]
        }

        /// Visits the machine whose id is `id`; `None` for an id no machine has.
        pub fn visit_machine<V: MachineVisitor>(id: &str, visitor: &mut V) -> Option<V::Output> {
            $($(
                if id == <crate::$module::$machine as fsm::Machine>::ID {
                    return Some(visitor.visit::<crate::$module::$machine>());
                }
            )+)+
            None
        }
    };
}

/// Whether two strings are equal, at build time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

include!("machines/list.rs");
machines!(registry);

/// The documented properties of a machine, by id ([`crate::invariants::catalogue`]; empty
/// for an unknown id).
pub fn documented_properties(id: &str) -> Vec<&'static crate::invariants::Property> {
    struct Catalogue;
    impl MachineVisitor for Catalogue {
        type Output = Vec<&'static crate::invariants::Property>;
        fn visit<M: Documented<Error = Exception>>(&mut self) -> Self::Output {
            crate::invariants::catalogue::<M>()
        }
    }
    visit_machine(id, &mut Catalogue).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Id;

    impl MachineVisitor for Id {
        type Output = &'static str;
        fn visit<M: Documented>(&mut self) -> &'static str {
            M::ID
        }
    }

    #[test]
    fn ids_lookup_and_visitor_agree() {
        assert_eq!(for_each_machine(&mut Id), MACHINES);
        for id in MACHINES {
            assert_eq!(visit_machine(id, &mut Id), Some(*id));
        }
        assert_eq!(visit_machine("system", &mut Id), None);
        assert_eq!(visit_machine("no_such_machine", &mut Id), None);
    }
}
