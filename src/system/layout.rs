//! The packed state of the composed system: the component kinds, where each component's
//! state lives (its slot), and the world's two bits. Only this module, the engine and the
//! typed view ([`super::view`]) know the layout.

use super::world::World;

/// The kind of a component: which table it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The SipEndpoint registration.
    Registration = 0,
    /// The LocalEndpoint.
    Endpoint = 1,
    /// LocalOwnerPresence.
    LocalOwnerPresence = 2,
    /// ContactGroupServices.
    ContactGroupServices = 3,
    /// A remote presence view.
    RemotePresence = 4,
    /// The SipSubscription of LocalOwnerPresence or ContactGroupServices (home pool).
    SessionSubscription = 5,
    /// The SipSubscription of a remote presence view.
    ViewSubscription = 6,
}

/// Number of [`Kind`]s.
pub(crate) const KINDS: usize = 7;

impl Kind {
    /// Every kind, in discriminant order: `Kind::ALL[k as usize] == k`.
    pub(crate) const ALL: [Kind; KINDS] = [
        Kind::Registration,
        Kind::Endpoint,
        Kind::LocalOwnerPresence,
        Kind::ContactGroupServices,
        Kind::RemotePresence,
        Kind::SessionSubscription,
        Kind::ViewSubscription,
    ];

    /// The kind of the component in a slot (see [`kind_of`]).
    pub(crate) fn in_slot(slot: usize) -> Kind {
        kind_of(slot)
    }
}

pub(crate) const NONE: u8 = u8::MAX;

/// Slot of the registration in the packed state.
pub(crate) const REGISTRATION: usize = 0;
/// Slot of the endpoint.
pub(crate) const ENDPOINT: usize = 1;
/// Slot of LocalOwnerPresence (its subscription is the next slot).
pub(crate) const LOCAL_OWNER_PRESENCE: usize = 2;
/// Slot of ContactGroupServices (its subscription is the next slot).
pub(crate) const CONTACT_GROUP_SERVICES: usize = 4;
/// Slot of the first remote view (view `i` is at `FIRST_VIEW + 2 i`, its subscription
/// right after it).
pub(crate) const FIRST_VIEW: usize = 6;
/// Bits per slot.
pub(crate) const WIDTH: u32 = 3;
/// Bits before the first slot of each word (in word 0: pool down, connection dropped;
/// unused in the other words).
pub(crate) const WORLD_BITS: u32 = 2;
/// Slots per word: an even number, so no slot and no (owner, subscription) pair
/// crosses a word boundary.
const SLOTS_PER_WORD: usize = 20;
/// Words in a packed state.
pub(crate) const WORDS: usize = 5;
/// The most remote views a [`Packed`] state holds.
pub const MAX_VIEWS: usize = (WORDS * SLOTS_PER_WORD - FIRST_VIEW) / 2;

/// The whole state of the composed system, packed: in word 0, bit 0 (pool down) and bit 1
/// (connection dropped); then three bits per component slot (its state index in its
/// table), twenty slots per word from bit 2 of each word. A fixed-size array:
/// copying, comparing and hashing it allocates nothing.
///
/// Ordered as one wide unsigned number (the last word most significant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Packed(pub [u64; WORDS]);

impl std::hash::Hash for Packed {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for word in self.0 {
            state.write_u64(word);
        }
    }
}

impl Ord for Packed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl PartialOrd for Packed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::LowerHex for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for word in self.0.iter().rev() {
            write!(f, "{word:016x}")?;
        }
        Ok(())
    }
}

impl std::ops::BitXor for Packed {
    type Output = Packed;
    fn bitxor(self, other: Packed) -> Packed {
        Packed(std::array::from_fn(|w| self.0[w] ^ other.0[w]))
    }
}

impl std::ops::BitXorAssign for Packed {
    fn bitxor_assign(&mut self, other: Packed) {
        *self = *self ^ other;
    }
}

/// The word and the shift of a slot.
#[inline]
fn place(slot: usize) -> (usize, u32) {
    (
        slot / SLOTS_PER_WORD,
        WORLD_BITS + WIDTH * (slot % SLOTS_PER_WORD) as u32,
    )
}

impl Packed {
    /// A state with every bit set (valid for no system; for tests).
    pub const MAX: Packed = Packed([u64::MAX; WORDS]);

    /// The state index in a slot (0 beyond the last word).
    #[inline]
    pub(crate) fn get(self, slot: usize) -> u8 {
        let (word, shift) = place(slot);
        self.0.get(word).map_or(0, |w| ((w >> shift) & 0b111) as u8)
    }

    /// Sets the state index in a slot (ignored beyond the last word).
    #[inline]
    pub fn set(&mut self, slot: usize, value: u8) {
        let (word, shift) = place(slot);
        if let Some(w) = self.0.get_mut(word) {
            *w = (*w & !(0b111 << shift)) | (u64::from(value & 0b111) << shift);
        }
    }

    /// The six bits of the pair of slots starting at `slot` (an even slot).
    #[inline]
    pub(crate) fn pair(self, slot: usize) -> u8 {
        let (word, shift) = place(slot);
        self.0
            .get(word)
            .map_or(0, |w| ((w >> shift) & 0b11_1111) as u8)
    }

    /// Sets the pair of slots starting at `slot` (an even slot).
    #[inline]
    pub(crate) fn set_pair(&mut self, slot: usize, value: u8) {
        let (word, shift) = place(slot);
        if let Some(w) = self.0.get_mut(word) {
            *w = (*w & !(0b11_1111 << shift)) | (u64::from(value & 0b11_1111) << shift);
        }
    }

    /// The two world bits.
    #[inline]
    pub(crate) fn world_bits(self) -> usize {
        (self.0[0] & 3) as usize
    }
}

/// The kind of the component in a slot.
#[inline]
pub(crate) fn kind_of(slot: usize) -> Kind {
    match slot {
        REGISTRATION => Kind::Registration,
        ENDPOINT => Kind::Endpoint,
        LOCAL_OWNER_PRESENCE => Kind::LocalOwnerPresence,
        CONTACT_GROUP_SERVICES => Kind::ContactGroupServices,
        3 | 5 => Kind::SessionSubscription,
        s if s % 2 == 0 => Kind::RemotePresence,
        _ => Kind::ViewSubscription,
    }
}

/// Reads a slot of a packed state.
#[inline]
pub(crate) fn get(state: Packed, slot: usize) -> u8 {
    state.get(slot)
}

#[inline]
pub(crate) fn set(state: &mut Packed, slot: usize, value: u8) {
    state.set(slot, value);
}

/// The world part of a packed state.
#[inline]
pub(crate) fn world(state: Packed) -> World {
    world_of(state.world_bits())
}

pub(crate) fn world_of(bits: usize) -> World {
    World {
        pool_up: bits & 1 == 0,
        connection_up: bits & 2 == 0,
    }
}
