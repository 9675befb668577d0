//! The world around the endpoint: the User Services pool, the registrar connection, and
//! how the servers answer a request in each of their states (docs/CONTRACT.md section 2).
//!
//! | request | connection dropped | pool unresponsive (connection up) | healthy |
//! |---|---|---|---|
//! | REGISTER | `ConnectionDropped` | `RegisterOk` | `RegisterOk` |
//! | REGISTER refresh | `RefreshFailed` | no answer within the step: nothing | `RefreshOk` |
//! | un-REGISTER | `ConnectionDropped` | `UnregisterOk` | `UnregisterOk` |
//! | User Services status | nothing | `RegistrarNotifyUserServicesUnavailable` | nothing |
//! | SUBSCRIBE | `SubscribeFailed` | `SubscribeFailed` (home pool) / `SubscribeOk` | `SubscribeOk` |
//! | SUBSCRIBE refresh | `RefreshFailedPoolUnresponsive` | the same (home pool) / `RefreshOk` | `RefreshOk` |
//! | un-SUBSCRIBE | `TerminateCompleted` | `TerminateCompleted` | `TerminateCompleted` |
//!
//! The registrar stays reachable while User Services is down: it is what tells the
//! endpoint so (REG-1). A REGISTER refresh sent during the outage gets no answer within
//! the step: a 200 OK would heal, which REG-3 allows only with the pool back, and a
//! time-out would end a registration whose registrar is reachable; so it changes nothing,
//! and the first refresh after the recovery heals. The world never refuses a REGISTER or a
//! SUBSCRIBE for good. A request that gets no answer times out; a SipSubscription cannot
//! tell a dropped connection from an unresponsive pool, so both read as a time-out
//! (SUB-3). An un-SUBSCRIBE completes locally whether or not it is answered.

use super::wiring::Request;

/// The state of the world: two bits of the packed system state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct World {
    /// The User Services pool answers requests.
    pub pool_up: bool,
    /// The connection to the registrar is up.
    pub connection_up: bool,
}

/// The stimulus (by name) that answers `request`, or `None` when nothing comes back
/// within the macro-step.
///
/// # Arguments
/// * `request` - what was sent.
/// * `world` - the pool and the connection.
/// * `home_pool` - whether the request goes to the owner's home pool (for subscriptions).
pub fn reply(request: Request, world: World, home_pool: bool) -> Option<&'static str> {
    let timed_out = !world.connection_up || (home_pool && !world.pool_up);
    match request {
        Request::Register if world.connection_up => Some("RegisterOk"),
        Request::Unregister if world.connection_up => Some("UnregisterOk"),
        Request::Register | Request::Unregister => Some("ConnectionDropped"),
        Request::Refresh if !world.connection_up => Some("RefreshFailed"),
        Request::Refresh if world.pool_up => Some("RefreshOk"),
        Request::Refresh => None,
        Request::UserServicesStatus if world.connection_up && !world.pool_up => {
            Some("RegistrarNotifyUserServicesUnavailable")
        }
        Request::UserServicesStatus => None,
        Request::Subscribe if timed_out => Some("SubscribeFailed"),
        Request::Subscribe => Some("SubscribeOk"),
        Request::SubscriptionRefresh if timed_out => Some("RefreshFailedPoolUnresponsive"),
        Request::SubscriptionRefresh => Some("RefreshOk"),
        Request::Unsubscribe => Some("TerminateCompleted"),
    }
}

#[cfg(test)]
mod tests {
    use fsm::Symbol;

    use super::*;
    use crate::registration::RegistrationStimulus;
    use crate::sip_subscription::SipSubscriptionStimulus;

    #[test]
    fn every_answer_is_a_stimulus_of_the_machine_that_asked() {
        for pool_up in [true, false] {
            for connection_up in [true, false] {
                let world = World {
                    pool_up,
                    connection_up,
                };
                for home in [true, false] {
                    for request in [
                        Request::Register,
                        Request::Refresh,
                        Request::Unregister,
                        Request::UserServicesStatus,
                    ] {
                        if let Some(name) = reply(request, world, home) {
                            assert!(RegistrationStimulus::parse(name).is_some(), "{name}");
                        }
                    }
                    for request in [
                        Request::Subscribe,
                        Request::SubscriptionRefresh,
                        Request::Unsubscribe,
                    ] {
                        let name = reply(request, world, home).expect("always answered");
                        assert!(SipSubscriptionStimulus::parse(name).is_some(), "{name}");
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_home_pool_times_out_when_the_pool_is_unresponsive_sub_4() {
        let down = World {
            pool_up: false,
            connection_up: true,
        };
        assert_eq!(
            reply(Request::Subscribe, down, true),
            Some("SubscribeFailed")
        );
        assert_eq!(reply(Request::Subscribe, down, false), Some("SubscribeOk"));
        assert_eq!(reply(Request::Refresh, down, true), None);
        assert_eq!(
            reply(Request::UserServicesStatus, down, true),
            Some("RegistrarNotifyUserServicesUnavailable")
        );
    }
}
