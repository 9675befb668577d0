//! The README examples of both published crates, run as doctests of a crate that depends on
//! them the way a user's crate does.

#![doc = include_str!("../../../README.md")]

/// The engine crate's README, run the same way.
#[doc = include_str!("../../../fsm/README.md")]
pub mod engine_readme {}

ucma_ha_fsm::symbol_enum! {
    /// A vocabulary declared downstream, with no strum dependency of this crate's own.
    pub enum Door {
        /// Shut.
        Closed,
        /// Open; shown under another name.
        #[strum(serialize = "Ajar")]
        Open,
    }
}

ucma_ha_fsm::symbol_enum! {
    /// A second vocabulary in the same module.
    pub enum Knock {
        /// Once.
        Once,
        /// Twice.
        Twice,
    }
}

impl fsm::EnumTag for Door {
    fn tag_number(&self) -> usize {
        *self as usize
    }
    fn max_tag_number() -> usize {
        1
    }
}

/// The crates.io crate `fsm` links beside `ucma_ha_fsm`: the engine's library name no
/// longer collides with it.
pub fn other_fsm_crate_is_linked() -> &'static str {
    std::any::type_name::<fsm::Machine<'static, Door, Door>>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucma_ha_fsm::Symbol;

    #[test]
    fn symbol_enum_works_without_strum_in_this_crate() {
        assert_eq!(Door::Open.name(), "Ajar");
        assert_eq!(Door::parse("Closed"), Some(Door::Closed));
        assert_eq!(Door::all().count(), 2);
        assert_eq!(Knock::Twice.index(), 1);
    }

    #[test]
    fn the_model_is_usable_without_the_command_line() {
        use ucma_ha::fsm::Table;
        use ucma_ha::registration::{Registration, RegistrationParameters, RegistrationStimulus};
        let table = Table::<Registration>::new(RegistrationParameters::default()).unwrap();
        let registering = table.step(table.initial(), RegistrationStimulus::BeginRegister);
        assert_eq!(registering.unwrap().to.to_string(), "Registering");
    }

    #[test]
    fn both_fsm_crates_coexist() {
        assert!(other_fsm_crate_is_linked().starts_with("fsm::"));
    }
}
