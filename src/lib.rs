#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalog;
pub mod checker;
pub mod clauses;
pub mod coverage;
pub mod events;
pub mod export;
pub mod files;
pub mod invariants;
pub mod local_endpoint;
pub mod machines;
pub mod presence;
#[cfg(feature = "reference")]
#[cfg_attr(docsrs, doc(cfg(feature = "reference")))]
pub mod reference;
pub mod registration;
pub mod remote_presence;
pub mod replay;
pub mod report;
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub mod serve;
pub mod sip_subscription;
pub mod system;
pub mod trace;
pub mod vectors;
pub mod vocabulary;
pub(crate) mod words;
/// The one reader of configurations, which lives with the trace reader whose rules it
/// shares; `ucma_ha::config` is kept as its public path.
pub use trace::config;

pub use events::Event;
pub use fsm;
pub use local_endpoint::LocalEndpoint;
pub use presence::{ContactGroupServices, LocalOwnerPresence};
pub use registration::Registration;
pub use remote_presence::RemotePresence;
pub use sip_subscription::SipSubscription;

/// The crate under its own name in its unit tests, so that a test file written for the
/// integration tests (`proptests/system_mutants.rs`) compiles here as well.
#[cfg(test)]
extern crate self as ucma_ha;

#[cfg(test)]
pub(crate) mod test_support {
    //! Driving a machine through a list of stimuli, for the clause tests.

    use fsm::{Machine, Table};

    /// The default-parameter table of `M`.
    pub fn table<M: Machine>() -> Table<M> {
        Table::new(M::Parameters::default()).expect("the machine's table is total")
    }

    /// Steps `stimuli` from the initial state; panics on a rejection.
    pub fn drive<M: Machine>(table: &Table<M>, stimuli: &[M::Stimulus]) -> M::State {
        stimuli.iter().fold(table.initial(), |state, &on| {
            table
                .step(state, on)
                .unwrap_or_else(|rejected| panic!("{rejected}"))
                .to
        })
    }

    /// The events of one accepted step.
    pub fn events<M: Machine>(
        table: &Table<M>,
        state: M::State,
        on: M::Stimulus,
    ) -> (M::State, Vec<M::Event>) {
        let step = table
            .step(state, on)
            .unwrap_or_else(|rejected| panic!("{rejected}"));
        (step.to, step.events().collect())
    }
}
