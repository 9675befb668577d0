//! Single-row mutants of the composed system, one for each of the checker's properties,
//! built from the public API for any configuration: the one list of them. The library's
//! unit tests (`src/system/tests/mutants.rs`) show each caught with a replayable
//! counterexample; the integration and property tests use them to test the checker
//! itself (its verdicts under limits, its confirmation of counterexamples).

use std::borrow::Cow;

use fsm::{Machine, Row, RowOutcome, Table};
use ucma_ha::local_endpoint::LocalEndpointStimulus as Lep;
use ucma_ha::presence::LocalOwnerPresenceStimulus as Lop;
use ucma_ha::registration::{RegistrationEffect, RegistrationStatus, RegistrationStimulus};
use ucma_ha::sip_subscription::SipSubscriptionStimulus as Sub;
use ucma_ha::system::wiring::{self, Action, Guard, Reaction, StimulusRow, Target};
use ucma_ha::system::{System, SystemConfig, SystemStimulus, Tables};
use ucma_ha::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState as Les, RegistrationTransitionReason,
    ServiceState, SubscriptionSignalingState as Sss,
};

/// A mutant: the property it breaks (a name of `PROPERTIES`), the clauses that property
/// checks, and how to build it.
pub struct Mutant {
    /// The property the mutant breaks in the default configuration.
    pub property: &'static str,
    /// What was changed.
    pub change: &'static str,
    /// Builds the mutant for a configuration.
    pub build: fn(SystemConfig) -> System,
}

/// `table` with every row that `select` picks changed by `change` (at least one).
pub fn mutate<M: Machine>(
    table: &Table<M>,
    select: impl Fn(&Row<M>) -> bool,
    change: impl Fn(Row<M>) -> Row<M>,
) -> Table<M> {
    let mut rows: Vec<Row<M>> = table.rows().to_vec();
    let mut picked = 0;
    for row in &mut rows {
        if select(row) {
            *row = change(*row);
            picked += 1;
        }
    }
    assert!(picked > 0, "{}: the mutation picks no row", M::ID);
    Table::from_rows(Cow::Owned(rows), table.parameters().clone()).expect("the mutant compiles")
}

/// A row change: move to `to`, raising nothing.
pub fn moves_to<M: Machine>(to: M::State) -> impl Fn(Row<M>) -> Row<M> {
    move |row| Row {
        outcome: RowOutcome::Move { to, emits: &[] },
        ..row
    }
}

/// A row change: ignore the stimulus.
pub fn ignores<M: Machine>(row: Row<M>) -> Row<M> {
    Row {
        outcome: RowOutcome::Ignore,
        ..row
    }
}

/// The system of `config` with its tables changed by `change` and the shipped wiring.
pub fn with(config: SystemConfig, change: impl FnOnce(&mut Tables)) -> System {
    let mut tables = Tables::for_config(&config).expect("tables");
    change(&mut tables);
    System::with(
        config,
        tables,
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("the mutant builds")
}

static WRONG_REASON: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: RegistrationTransitionReason::UserServicesUnavailable,
    message_data: true,
    user_services_state: ServiceState::Unavailable,
}];

static RETRY_ALWAYS: [Reaction; 1] = [Reaction {
    target: Target::Subscriptions,
    action: Action::Deliver("RetryTimerFired"),
    when: Guard::Always,
}];

/// One mutant per property, in the order of `PROPERTIES`.
pub static MUTANTS: [Mutant; 9] = [
    Mutant {
        property: "no_publish_in_waiting_for_retry",
        change: "LocalOwnerPresence accepts a publish in WaitingForRetry (PRES-2)",
        build: |config| {
            with(config, |t| {
                t.local_owner_presence = mutate(
                    &t.local_owner_presence,
                    |r| r.from == Css::WaitingForRetry && r.on == Lop::BeginPublishPresence,
                    moves_to(Css::WaitingForRetry),
                );
            })
        },
    },
    Mutant {
        property: "operations_need_subscription_and_registration",
        change: "LocalOwnerPresence accepts a publish in Idle (AF-PUB)",
        build: |config| {
            with(config, |t| {
                t.local_owner_presence = mutate(
                    &t.local_owner_presence,
                    |r| r.from == Css::Idle && r.on == Lop::BeginPublishPresence,
                    moves_to(Css::Idle),
                );
            })
        },
    },
    Mutant {
        property: "home_subscription_survives_unresponsive_pool",
        change: "a home-pool SipSubscription terminates on an unresponsive pool (SUB-3)",
        build: |config| {
            with(config, |t| {
                t.session_subscription = mutate(
                    &t.session_subscription,
                    |r| {
                        r.from == Sss::Subscribed
                            && r.on == Sub::RefreshFailedPoolUnresponsive
                            && r.when.label == "platform && home_pool"
                    },
                    moves_to(Sss::Terminated),
                );
            })
        },
    },
    Mutant {
        property: "underlying_termination_never_idles_owner",
        change: "LocalOwnerPresence goes Idle when its subscription terminates (PRES-3)",
        build: |config| {
            with(config, |t| {
                t.local_owner_presence = mutate(
                    &t.local_owner_presence,
                    |r| r.from == Css::Subscribed && r.on == Lop::UnderlyingSubscriptionTerminated,
                    moves_to(Css::Idle),
                );
            })
        },
    },
    Mutant {
        property: "outage_and_healing_event_args",
        change: "the outage NOTIFY reports Reason UserServicesUnavailable (REG-2)",
        build: |config| {
            with(config, |t| {
                t.registration = mutate(
                    &t.registration,
                    |r| {
                        r.from == RegistrationStatus::Registered
                            && r.on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable
                    },
                    |row| Row {
                        outcome: RowOutcome::Move {
                            to: RegistrationStatus::RegisteredUserServicesUnavailable,
                            emits: &WRONG_REASON,
                        },
                        ..row
                    },
                );
            })
        },
    },
    Mutant {
        property: "no_retry_while_user_services_unavailable",
        change: "the retry timer reaches the subscriptions during the outage (SUB-2)",
        build: |config| {
            let mut rows = wiring::STIMULUS_ROWS.to_vec();
            for row in &mut rows {
                if row.on == SystemStimulus::RetryTimerFires {
                    *row = StimulusRow {
                        then: &RETRY_ALWAYS,
                        ..*row
                    };
                }
            }
            System::with(
                config,
                Tables::for_config(&config).expect("tables"),
                Cow::Owned(rows),
                Cow::Borrowed(wiring::WIRING_ROWS),
            )
            .expect("the mutant builds")
        },
    },
    Mutant {
        property: "terminated_is_final",
        change: "a Terminated endpoint establishes again (AF-LES)",
        build: |config| {
            with(config, |t| {
                t.endpoint = mutate(
                    &t.endpoint,
                    |r| r.from == Les::Terminated && r.on == Lep::BeginEstablish,
                    moves_to(Les::Establishing),
                );
            })
        },
    },
    Mutant {
        property: "no_deadlock",
        change: "the endpoint stays Terminating (AF-LES, AF-LEP-T)",
        build: |config| {
            with(config, |t| {
                t.endpoint = mutate(
                    &t.endpoint,
                    |r| r.from == Les::Terminating && r.on == Lep::TerminateCompleted,
                    ignores,
                );
            })
        },
    },
    Mutant {
        property: "recovery_after_outage",
        change: "LocalOwnerPresence ignores the pool's recovery (PRES-4)",
        build: |config| {
            with(config, |t| {
                t.local_owner_presence = mutate(
                    &t.local_owner_presence,
                    |r| r.from == Css::WaitingForRetry && r.on == Lop::PoolRecovered,
                    ignores,
                );
            })
        },
    },
];
