//! Identifiers: ULIDs for proposals and mails (sortable by time), random claim tokens.

use jiff::Timestamp;
use std::time::{Duration, SystemTime};

/// `instant` as a `SystemTime` (instants before 1970 are clamped to it; none occur here).
pub fn system_time(instant: Timestamp) -> SystemTime {
    let millis = u64::try_from(instant.as_millisecond()).unwrap_or(0);
    SystemTime::UNIX_EPOCH + Duration::from_millis(millis)
}

/// A new ULID whose time part is `now`.
pub fn ulid_at(now: Timestamp) -> String {
    ulid::Ulid::from_datetime(system_time(now)).to_string()
}

/// A new random ULID (claim tokens, secrets).
pub fn random() -> String {
    ulid::Ulid::generate().to_string()
}

/// A ULID whose time part is `at` and whose random part is a hash of `seed`: the same mail
/// derived twice (a notifier re-run) gets the same id, so the outbox stores it once.
pub fn derived_ulid(at: Timestamp, seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(seed.as_bytes());
    let mut random = [0u8; 16];
    random[6..].copy_from_slice(&hash[..10]);
    let millis = u64::try_from(at.as_millisecond()).unwrap_or(0);
    ulid::Ulid::from_parts(millis, u128::from_be_bytes(random)).to_string()
}
