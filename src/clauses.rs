//! The IDs the model cites: the seed page's normative clauses, the API reference facts,
//! and the disagreements between the two (`docs/DECISIONS.md` settles each disagreement).
//! Each entry is a one-line summary in our own words; `docs/TRACEABILITY.md` lists them with
//! what cites each.

/// A citable statement: an ID and a short summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Clause {
    /// The stable ID, e.g. `REG-2`.
    pub id: &'static str,
    /// What it requires, in a line.
    pub summary: &'static str,
}

const fn clause(id: &'static str, summary: &'static str) -> Clause {
    Clause { id, summary }
}

/// The seed page's normative clauses, REG-1 .. RP-1, in page order.
pub const SEED: &[Clause] = &[
    clause("REG-1", "a registrar NOTIFY saying User Services is down raises RegistrationStateChanged"),
    clause("REG-2", "that event carries Reason None and UserServicesState Unavailable"),
    clause("REG-3", "the refresh that heals the registration raises it again with the refresh reason and Available"),
    clause("REG-4", "SipEndpoint has no UserServicesState property; only event args carry it"),
    clause("SVC-1", "ServiceState is Unknown, Available or Unavailable"),
    clause("RARG-1", "RegistrationStateChangedEventArgs.Reason: why the state changed, where known"),
    clause("RARG-2", "RegistrationStateChangedEventArgs.MessageData: the SIP message behind the change, or null"),
    clause("RARG-3", "RegistrationStateChangedEventArgs.UserServicesState: the pool's availability"),
    clause("LARG-1", "LocalEndpointStateChangedEventArgs.MessageData: the SIP message behind the change, or null"),
    clause("LARG-2", "LocalEndpointStateChangedEventArgs.Reason is a LocalEndpointStateTransitionReason"),
    clause("LARG-3", "a registrar NOTIFY gives Reason RegistrarNotificationReceived and a Notification kind (see D1)"),
    clause("LARG-4", "the page's five LocalEndpointStateTransitionReason values"),
    clause("SUB-1", "SipSubscription's new behaviour applies only inside the UCMA platform"),
    clause("SUB-2", "the platform does not retry needlessly while the pool is unresponsive"),
    clause("SUB-3", "a refresh that fails because the pool is unresponsive does not terminate the subscription"),
    clause("SUB-4", "SUB-2 and SUB-3 hold only for subscriptions to the owner's home pool"),
    clause("PRES-1", "pool offline: LocalOwnerPresence and ContactGroupServices go WaitingForRetry, reason ServerEvent"),
    clause("PRES-2", "in WaitingForRetry, publishing throws InvalidOperationException"),
    clause("PRES-3", "an underlying SipSubscription going Terminated maps to WaitingForRetry, not Idle"),
    clause("PRES-4", "when the pool recovers, the subscription is set up again"),
    clause("RP-1", "a RemotePresence home-pool subscription behaves as LocalOwnerPresence's (PRES-1..4)"),
];

/// Facts from the UCMA API reference (`API-FACTS.md`).
pub const FACTS: &[Clause] = &[
    clause(
        "AF-LES",
        "LocalEndpointState values Idle..Terminated, Draining among them",
    ),
    clause(
        "AF-LESR",
        "LocalEndpointStateTransitionReason values, ServerDiscoveryFailed among them",
    ),
    clause(
        "AF-LARGS",
        "LocalEndpointStateChangedEventArgs members; no Notification member",
    ),
    clause("AF-LEP-T", "documented LocalEndpoint transitions"),
    clause(
        "AF-DRAIN",
        "BeginDrain only in Established or Reestablishing; Draining turns new conversations away",
    ),
    clause("AF-RS", "RegistrationState values"),
    clause(
        "AF-RTR",
        "RegistrationTransitionReason values, RegisterationRefresh spelled so",
    ),
    clause("AF-RARGS", "RegistrationStateChangedEventArgs members"),
    clause("AF-SVC", "ServiceState values"),
    clause(
        "AF-DROP",
        "a dropped connection triggers a register refresh unless disabled, then Unregistered",
    ),
    clause("AF-SSS", "SubscriptionSignalingState values"),
    clause(
        "AF-SIPSUB",
        "SipSubscription's processor callbacks, refresh and reuse rules, retries",
    ),
    clause("AF-TR", "TransitionReason: ServerEvent, ClientEvent"),
    clause("AF-CSS", "CollaborationSubscriptionState values"),
    clause(
        "AF-PSS",
        "PublishSubscribeSession subscribe, unsubscribe and refresh rules",
    ),
    clause(
        "AF-PUB",
        "publishing needs a registered endpoint and a Subscribed session",
    ),
    clause(
        "AF-CGS",
        "contact and group operations only in Idle or Subscribed",
    ),
    clause(
        "AF-RPSS",
        "RemotePresentitySubscriptionState values and reasons",
    ),
    clause(
        "AF-6665",
        "RFC 6665 subscription states and termination reasons",
    ),
];

/// The disagreements between the seed page and the API reference, each decided in
/// `docs/DECISIONS.md`.
pub const DISAGREEMENTS: &[Clause] = &[
    clause(
        "D1",
        "RegistrarNotificationReceived and Notification do not exist in the API",
    ),
    clause(
        "D2",
        "the page's Refreshed is the API's RegisterationRefresh",
    ),
    clause(
        "D3",
        "WaitingForRetry of LocalOwnerPresence is a CollaborationSubscriptionState",
    ),
    clause(
        "D4",
        "the page's Reason None versus the 6.0 value UserServicesUnavailable",
    ),
    clause(
        "D5",
        "ServerDiscoveryFailed and Draining, absent from the page",
    ),
    clause(
        "D6",
        "publish and contact operations: which states accept them",
    ),
];

/// Finds a clause, fact or disagreement by ID.
pub fn find(id: &str) -> Option<&'static Clause> {
    SEED.iter()
        .chain(FACTS)
        .chain(DISAGREEMENTS)
        .find(|clause| clause.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{for_each_machine, MachineVisitor};
    use crate::Event;
    use fsm::Machine;

    struct Citations;
    impl MachineVisitor for Citations {
        type Output = Vec<(&'static str, &'static str)>;
        fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
            M::rows()
                .iter()
                .flat_map(|row| row.clauses.iter().map(|&id| (M::ID, id)))
                .collect()
        }
    }

    fn citations() -> Vec<(&'static str, &'static str)> {
        for_each_machine(&mut Citations)
            .into_iter()
            .flatten()
            .collect()
    }

    #[test]
    fn every_seed_clause_is_cited_by_a_row() {
        let cited = citations();
        let missing: Vec<&str> = SEED
            .iter()
            .map(|clause| clause.id)
            .filter(|id| !cited.iter().any(|(_, cited)| cited == id))
            .collect();
        assert!(missing.is_empty(), "clauses no row implements: {missing:?}");
    }

    #[test]
    fn every_cited_id_exists() {
        for (machine, id) in citations() {
            assert!(find(id).is_some(), "{machine} cites unknown ID {id}");
        }
    }

    #[test]
    fn ids_are_unique_and_seed_has_twenty_one_clauses() {
        let all: Vec<&str> = SEED
            .iter()
            .chain(FACTS)
            .chain(DISAGREEMENTS)
            .map(|c| c.id)
            .collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
        assert_eq!(SEED.len(), 21);
        assert_eq!(DISAGREEMENTS.len(), 6);
    }
}
