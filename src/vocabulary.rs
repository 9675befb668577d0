//! The .NET vocabulary the model speaks: every enum of the UCMA API reference that a table,
//! an event or a trace names, with its .NET numeric value and its exact .NET spelling as
//! the string form (docs/CONTRACT.md section 1). Each value cites the fact it comes from.

/// Declares a .NET enum: a [`fsm::symbol_enum!`] with the .NET values as `u8`
/// discriminants, `serde` as the .NET name, and [`dotnet_value`](RegistrationState::dotnet_value).
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)+ }) => {
        fsm::symbol_enum! {
            $(#[$meta])*
            #[repr(u8)]
            pub enum $name {
                $($(#[$vmeta])* $variant = $value,)+
            }
        }

        impl $name {
            /// The value's number in the .NET enum.
            pub const fn dotnet_value(self) -> u8 {
                self as u8
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str((*self).into())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                name.parse().map_err(|_| {
                    serde::de::Error::custom(format_args!(
                        "unknown {} value `{}`",
                        stringify!($name),
                        name
                    ))
                })
            }
        }
    };
}

mod enums;

pub use enums::{
    CollaborationSubscriptionState, Exception, LocalEndpointState,
    LocalEndpointStateTransitionReason, RegistrationState, RegistrationTransitionReason,
    RemotePresentitySubscriptionState, RemotePresentitySubscriptionStateTransitionReason,
    ServiceState, SubscriptionSignalingState, SubscriptionStateTransitionReason, TransitionReason,
};

#[cfg(test)]
mod tests {
    use super::*;
    use fsm::Symbol;

    #[test]
    fn dotnet_names_and_values_af_rtr_d2() {
        assert_eq!(
            RegistrationTransitionReason::RegistrationRefresh.name(),
            "RegisterationRefresh"
        );
        assert_eq!(
            RegistrationTransitionReason::RegistrationRefresh.dotnet_value(),
            9
        );
        assert_eq!(
            RegistrationTransitionReason::UserServicesUnavailable.dotnet_value(),
            12
        );
        assert_eq!(
            RegistrationTransitionReason::parse("RegisterationRefresh"),
            Some(RegistrationTransitionReason::RegistrationRefresh)
        );
        assert_eq!(RegistrationTransitionReason::parse("Refreshed"), None);
    }

    /// Numeric values as in the reference (AF-LES, AF-LESR, AF-SSS, AF-CSS, AF-RPSS, AF-SVC,
    /// AF-TR).
    #[test]
    fn dotnet_values_of_every_enum() {
        assert_eq!(LocalEndpointState::Draining.dotnet_value(), 4);
        assert_eq!(
            LocalEndpointStateTransitionReason::ServerDiscoveryFailed.dotnet_value(),
            5
        );
        assert_eq!(
            SubscriptionSignalingState::WaitingForRetry.dotnet_value(),
            3
        );
        assert_eq!(CollaborationSubscriptionState::Terminated.dotnet_value(), 5);
        assert_eq!(
            RemotePresentitySubscriptionState::WaitingForRetry.dotnet_value(),
            4
        );
        assert_eq!(ServiceState::Unavailable.dotnet_value(), 2);
        assert_eq!(TransitionReason::ClientEvent.dotnet_value(), 1);
    }

    #[test]
    fn serde_uses_dotnet_names() {
        let json = serde_json::to_string(&RegistrationTransitionReason::RegistrationRefresh);
        assert_eq!(json.ok().as_deref(), Some("\"RegisterationRefresh\""));
        let back: Result<ServiceState, _> = serde_json::from_str("\"Unavailable\"");
        assert_eq!(back.ok(), Some(ServiceState::Unavailable));
        let bad: Result<ServiceState, _> = serde_json::from_str("\"Down\"");
        assert!(bad.is_err());
    }
}
