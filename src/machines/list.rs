// The one list of the documented machines, in the order of the seed page: each object's
// folder under `src/` and the machine types it declares, each with its id (`Machine::ID`,
// which the registry checks at build time). `machines!(callback)` hands the list to a
// macro: `src/machines.rs` makes the registry of it, `src/serve.rs` embeds each machine's
// diagram (`docs/<id>.svg`), the `proptests` test compiles each folder's `proptests.rs`,
// and `tests/tables.rs` runs the table rules on each machine. A new object is one line
// here (and its `pub mod` in `src/lib.rs`): see "Adding a machine" in the README.
macro_rules! machines {
    ($callback:ident) => {
        $callback! {
            registration::{Registration = "registration"},
            local_endpoint::{LocalEndpoint = "local_endpoint"},
            sip_subscription::{SipSubscription = "sip_subscription"},
            presence::{
                LocalOwnerPresence = "local_owner_presence",
                ContactGroupServices = "contact_group_services",
            },
            remote_presence::{RemotePresence = "remote_presence"},
        }
    };
}
