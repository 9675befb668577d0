//! `local_owner_presence` and `contact_group_services`: the random runs of the two sessions
//! this folder declares, one file each.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share.

mod contact_group_services;
mod local_owner_presence;
