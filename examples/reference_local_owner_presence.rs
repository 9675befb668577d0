//! Testing your own implementation against the model: a small LocalOwnerPresence, written
//! by hand from the clauses (plain Rust, no tables), checked against
//! `ucma_ha::reference::Reference<LocalOwnerPresence>` with proptest-state-machine.
//!
//! Run with `cargo run --example reference_local_owner_presence --features reference`
//! (`PROPTEST_CASES` sets the number of runs). `tests/reference_adapter.rs` reuses this
//! implementation and shows that a deliberately wrong variant is caught and shrunk.

use proptest::test_runner::Config;
use proptest_state_machine::{prop_state_machine, StateMachineTest};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::presence::LocalOwnerPresenceStimulus as S;
use ucma_ha::reference::{ModelState, Reference};
use ucma_ha::vocabulary::{CollaborationSubscriptionState, SubscriptionStateTransitionReason};
use ucma_ha::{Event, LocalOwnerPresence};

/// The states of a PublishSubscribeSession, as this implementation names them (AF-CSS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No subscription.
    Idle,
    /// SUBSCRIBE sent.
    Subscribing,
    /// Subscribed.
    Subscribed,
    /// Waiting for the pool (PRES-1, PRES-3).
    WaitingForRetry,
    /// Unsubscribe sent.
    Unsubscribing,
    /// Failed for good.
    Terminated,
}

/// A hand-written LocalOwnerPresence.
#[derive(Debug)]
pub struct Presence {
    /// Where it is.
    pub state: State,
    /// Whether an application endpoint owns it (AF-PUB: it may publish unsubscribed).
    pub application: bool,
    /// The events it raised on the last call.
    pub raised: Vec<Event>,
}

impl Default for Presence {
    fn default() -> Self {
        Presence {
            state: State::Idle,
            application: false,
            raised: Vec::new(),
        }
    }
}

/// The exception this implementation throws for a call that is not valid now.
pub const INVALID: &str = "InvalidOperationException";

fn dotnet(state: State) -> CollaborationSubscriptionState {
    match state {
        State::Idle => CollaborationSubscriptionState::Idle,
        State::Subscribing => CollaborationSubscriptionState::Subscribing,
        State::Subscribed => CollaborationSubscriptionState::Subscribed,
        State::WaitingForRetry => CollaborationSubscriptionState::WaitingForRetry,
        State::Unsubscribing => CollaborationSubscriptionState::Unsubscribing,
        State::Terminated => CollaborationSubscriptionState::Terminated,
    }
}

impl Presence {
    /// A new instance for the model's parameters (build it as the model is built).
    pub fn for_model(model: &ModelState<LocalOwnerPresence>) -> Self {
        Presence {
            application: model.parameters().endpoint == EndpointKind::Application,
            ..Presence::default()
        }
    }

    /// The state's .NET name.
    pub fn state_name(&self) -> &'static str {
        dotnet(self.state).into()
    }

    /// Moves to `to` and raises the state-change event (AF-CSS, AF-TR).
    pub fn go(&mut self, to: State, by_client: bool) {
        self.raised.push(Event::SubscriptionStateChange {
            previous_state: dotnet(self.state),
            state: dotnet(to),
            reason: if by_client {
                SubscriptionStateTransitionReason::ClientEvent
            } else {
                SubscriptionStateTransitionReason::ServerEvent
            },
        });
        self.state = to;
    }

    /// Handles one call or event; `Err` is the exception thrown.
    pub fn handle(&mut self, on: S) -> Result<(), &'static str> {
        use State::*;
        self.raised.clear();
        let live = matches!(self.state, Subscribing | Subscribed);
        match on {
            S::BeginSubscribe if self.state == Idle => self.go(Subscribing, true),
            S::BeginSubscribe => return Err(INVALID),
            S::SubscribeOk if self.state == Subscribing => self.go(Subscribed, false),
            S::SubscribeRejected if self.state == Subscribing => self.go(Terminated, false),
            // PRES-1, PRES-3: the pool offline or the subscription underneath ended.
            S::PoolOffline | S::UnderlyingSubscriptionTerminated if live => {
                self.go(WaitingForRetry, false)
            }
            // PRES-4: the pool is back, subscribe again.
            S::PoolRecovered if self.state == WaitingForRetry => self.go(Subscribing, false),
            // PRES-2, AF-PUB: publishing only when subscribed; an application endpoint
            // may also publish before it ever subscribes.
            S::BeginPublishPresence
                if !(self.state == Subscribed || (self.application && self.state == Idle)) =>
            {
                return Err(INVALID)
            }
            S::BeginUnsubscribe if live => self.go(Unsubscribing, true),
            // AF-PSS: nothing underneath to unsubscribe, done at once.
            S::BeginUnsubscribe if self.state == WaitingForRetry => self.go(Idle, true),
            S::UnsubscribeOk if self.state == Unsubscribing => self.go(Idle, false),
            _ => {}
        }
        Ok(())
    }
}

/// Applies `on` to the implementation and compares it with the model.
pub fn compare(presence: &mut Presence, model: &ModelState<LocalOwnerPresence>, on: S) {
    let thrown = presence.handle(on).err();
    if let Err(divergence) = model.expect(presence.state_name(), thrown, &presence.raised) {
        panic!("{divergence}");
    }
}

/// The proptest-state-machine test of [`Presence`].
pub struct PresenceTest;

impl StateMachineTest for PresenceTest {
    type SystemUnderTest = Presence;
    type Reference = Reference<LocalOwnerPresence>;

    fn init_test(model: &ModelState<LocalOwnerPresence>) -> Presence {
        Presence::for_model(model)
    }

    fn apply(mut presence: Presence, model: &ModelState<LocalOwnerPresence>, on: S) -> Presence {
        compare(&mut presence, model, on);
        presence
    }
}

prop_state_machine! {
    #![proptest_config(Config { failure_persistence: None, ..Config::default() })]
    fn hand_written_presence_agrees_with_the_model(sequential 1..40 => PresenceTest);
}

/// Runs the test (panics with the shrunk divergence when the implementation disagrees).
pub fn check_against_the_model() {
    hand_written_presence_agrees_with_the_model();
}

#[allow(dead_code)]
fn main() {
    check_against_the_model();
    println!(
        "the hand-written LocalOwnerPresence agrees with the model on {} random runs",
        Config::default().cases
    );
}
