//! Fingerprints shared by the build's caches (the parse cache in [`super::parse_cache`], the render
//! cache in [`crate::render::cache`]): a 128-bit hash of bytes, and of this `site-gen` itself.

use serde::{Deserialize, Serialize};
use std::fs;
use std::sync::OnceLock;

/// A 128-bit hash: of a file's bytes, or of what something is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Digest(#[serde(with = "hex")] pub(crate) u128);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Digest(xxhash_rust::xxh3::xxh3_128(bytes))
    }
}

/// This `site-gen`: a hash of its executable, so a cache written by another build of it (other
/// code, other templates compiled in, other rules) is never used. `None` when the executable
/// cannot be read: then nothing is reused.
pub fn code() -> Option<Digest> {
    static CODE: OnceLock<Option<Digest>> = OnceLock::new();
    *CODE.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let bytes = fs::read(exe).ok()?;
        Some(Digest::of(&bytes))
    })
}

/// Digests as 32 hexadecimal digits.
mod hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = <&str>::deserialize(d)?;
        u128::from_str_radix(text, 16).map_err(D::Error::custom)
    }
}
