#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod clauses;
pub mod cli;
pub mod events;
pub mod invariants;
pub mod local_endpoint;
pub mod presence;
#[cfg(feature = "reference")]
pub mod reference;
pub mod registration;
pub mod remote_presence;
pub mod sip_subscription;
pub mod trace;
pub mod vocabulary;

pub use events::Event;
pub use fsm;
pub use local_endpoint::LocalEndpoint;
pub use presence::{ContactGroupServices, LocalOwnerPresence};
pub use registration::Registration;
pub use remote_presence::RemotePresence;
pub use sip_subscription::SipSubscription;
