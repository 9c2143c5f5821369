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
