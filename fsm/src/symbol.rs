//! Vocabulary: the fieldless enums that name states and stimuli.

use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::str::FromStr;

use strum::{EnumCount, IntoEnumIterator};

/// A value of a finite, named vocabulary: a state or a stimulus of a [`Machine`](crate::Machine).
///
/// Implement it for a fieldless enum whose discriminants run `0, 1, 2, ...` in declaration
/// order, deriving strum's `EnumIter`, `EnumCount`, `Display`, `EnumString` and
/// `IntoStaticStr`, and write [`Symbol::index`] as `self as usize` (the
/// [`symbol_enum!`](crate::symbol_enum) macro does all of it). The string form is the name
/// users see in traces, tables and diagrams.
///
/// # Examples
/// ```
/// use strum::{Display, EnumCount, EnumIter, EnumString, IntoStaticStr};
///
/// #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug,
///          Display, EnumCount, EnumIter, EnumString, IntoStaticStr)]
/// enum Light { Off, On }
/// impl ucma_ha_fsm::Symbol for Light {
///     fn index(self) -> usize {
///         self as usize
///     }
/// }
///
/// use ucma_ha_fsm::Symbol;
/// assert_eq!(Light::On.index(), 1);
/// assert_eq!(Light::parse("Off"), Some(Light::Off));
/// ```
pub trait Symbol:
    Copy
    + Eq
    + Ord
    + Hash
    + Debug
    + Display
    + FromStr
    + IntoEnumIterator
    + EnumCount
    + Into<&'static str>
    + Send
    + Sync
    + 'static
{
    /// The position of this value in declaration order, `0..Self::COUNT`.
    fn index(self) -> usize;

    /// The name of this value, as its string form.
    fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name; `None` when no value has it.
    fn parse(name: &str) -> Option<Self> {
        Self::from_str(name).ok()
    }

    /// Every value, in declaration order.
    fn all() -> Self::Iterator {
        Self::iter()
    }
}

/// Declares a fieldless vocabulary enum with the strum derives a [`Symbol`] needs
/// (`Display`, `EnumCount`, `EnumIter`, `EnumString`, `IntoStaticStr`, plus `Copy`, `Eq`,
/// `Ord`, `Hash`, `Debug`) and implements [`Symbol`] for it. Variants may carry explicit
/// discriminants, which must run `0, 1, 2, ...`, and attributes such as
/// `#[strum(serialize = "...")]`. The derives come through this crate, so the calling crate
/// needs no `strum` dependency of its own.
///
/// # Examples
/// ```
/// ucma_ha_fsm::symbol_enum! {
///     /// Where a lamp stands.
///     pub enum Lamp {
///         /// Dark.
///         Off,
///         /// Lit; shown under another name.
///         #[strum(serialize = "Lit")]
///         On,
///     }
/// }
///
/// use ucma_ha_fsm::Symbol;
/// assert_eq!(Lamp::On.name(), "Lit");
/// assert_eq!(Lamp::all().count(), 2);
/// ```
#[macro_export]
macro_rules! symbol_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident $(= $value:literal)?),+ $(,)?
    }) => {
        // A glob import may stand any number of times in one scope, so several enums can
        // share a module; it brings the one name the derives' `crate` attribute points at.
        #[allow(unused_imports)]
        use $crate::__private::*;

        $(#[$meta])*
        #[derive(
            Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug,
            $crate::__private::__ucma_ha_fsm_strum::Display,
            $crate::__private::__ucma_ha_fsm_strum::EnumCount,
            $crate::__private::__ucma_ha_fsm_strum::EnumIter,
            $crate::__private::__ucma_ha_fsm_strum::EnumString,
            $crate::__private::__ucma_ha_fsm_strum::IntoStaticStr,
        )]
        #[strum(crate = "__ucma_ha_fsm_strum")]
        $vis enum $name {
            $($(#[$vmeta])* $variant $(= $value)?,)+
        }

        impl $crate::Symbol for $name {
            #[inline]
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}
