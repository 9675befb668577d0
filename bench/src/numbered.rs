//! The compiled system numbered densely: [`ucma_ha::system::compiled::RankedSystem`], the
//! numbering `check` searches without symmetry reduction, re-exported for the benches and
//! the cross-checks.

pub use ucma_ha::system::compiled::{NumberError, RankedSystem};
