//! The registry's opportunities by slug, each read from the JSON only when first used.
//!
//! A function answering one proposal needs one opportunity, but the registry holds every
//! opportunity ever published: parsing all of them at start-up was half of `submit-proposal`'s
//! cold start at 1,000 opportunities, and grew with the site. Loading now only checks the JSON
//! and keeps each entry's text; [`Entries::get`] parses the one asked for.

use super::RegistryEntry;
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// Opportunities by slug (see the module documentation).
#[derive(Clone, Default)]
pub struct Entries(BTreeMap<String, Lazy>);

/// One entry: its JSON text until it is parsed, or the entry itself.
#[derive(Clone)]
struct Lazy {
    raw: Option<Box<RawValue>>,
    /// `Some(None)` once parsed if the text was not an entry (see [`Lazy::entry`]).
    parsed: OnceLock<Option<RegistryEntry>>,
}

impl Lazy {
    fn parsed(entry: RegistryEntry) -> Self {
        Lazy {
            raw: None,
            parsed: OnceLock::from(Some(entry)),
        }
    }

    /// The entry, parsed on first use. `site-gen build` writes the registry that the same build's
    /// functions read, so an entry that does not parse means a damaged file: it is reported
    /// (where, never its content, which may hold an owner's address) and treated as unknown.
    fn entry(&self, slug: &str) -> Option<&RegistryEntry> {
        self.parsed
            .get_or_init(|| {
                let raw = self.raw.as_deref()?;
                serde_json::from_str(raw.get())
                    .map_err(|e| {
                        eprintln!(
                            "registry: the entry {slug:?} cannot be read ({:?} error at line {} \
                             column {} of the entry): treated as unknown",
                            e.classify(),
                            e.line(),
                            e.column()
                        );
                    })
                    .ok()
            })
            .as_ref()
    }
}

impl Entries {
    /// The opportunity with this slug.
    pub fn get(&self, slug: &str) -> Option<&RegistryEntry> {
        self.0.get(slug)?.entry(slug)
    }

    /// The opportunity with this slug, to change it (tests and `serve` build registries).
    pub fn get_mut(&mut self, slug: &str) -> Option<&mut RegistryEntry> {
        let lazy = self.0.get_mut(slug)?;
        lazy.entry(slug)?;
        lazy.raw = None;
        lazy.parsed.get_mut()?.as_mut()
    }

    /// Adds or replaces an opportunity; returns whether one was replaced.
    pub fn insert(&mut self, slug: String, entry: RegistryEntry) -> bool {
        self.0.insert(slug, Lazy::parsed(entry)).is_some()
    }

    /// Removes an opportunity; returns whether it was there.
    pub fn remove(&mut self, slug: &str) -> bool {
        self.0.remove(slug).is_some()
    }

    /// Every readable opportunity, by slug (parses them all).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RegistryEntry)> {
        self.0
            .iter()
            .filter_map(|(slug, lazy)| Some((slug.as_str(), lazy.entry(slug)?)))
    }

    /// Every readable opportunity, in slug order (parses them all).
    pub fn values(&self) -> impl Iterator<Item = &RegistryEntry> {
        self.iter().map(|(_, entry)| entry)
    }

    /// How many opportunities the registry lists.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, RegistryEntry)> for Entries {
    fn from_iter<I: IntoIterator<Item = (String, RegistryEntry)>>(entries: I) -> Self {
        Entries(
            entries
                .into_iter()
                .map(|(slug, entry)| (slug, Lazy::parsed(entry)))
                .collect(),
        )
    }
}

impl<const N: usize> From<[(String, RegistryEntry); N]> for Entries {
    fn from(entries: [(String, RegistryEntry); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl PartialEq for Entries {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && (self.0.iter().zip(&other.0))
                .all(|((a, x), (b, y))| a == b && x.entry(a) == y.entry(b))
    }
}

impl Eq for Entries {}

impl fmt::Debug for Entries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Entries {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (slug, lazy) in &self.0 {
            match (lazy.parsed.get(), &lazy.raw) {
                (Some(Some(entry)), _) => map.serialize_entry(slug, entry)?,
                (_, Some(raw)) => map.serialize_entry(slug, raw)?,
                // Parsed and unreadable: dropped, as every reader already treats it.
                _ => {}
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, Box<RawValue>>::deserialize(deserializer)?;
        Ok(Entries(
            raw.into_iter()
                .map(|(slug, raw)| {
                    let lazy = Lazy {
                        raw: Some(raw),
                        parsed: OnceLock::new(),
                    };
                    (slug, lazy)
                })
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Registry;
    use crate::opportunity::rules::tests::valid;

    fn entry(slug: &str) -> RegistryEntry {
        let opportunity = valid().validate(slug).unwrap();
        RegistryEntry::new(&opportunity, "https://cwu.example.ca")
    }

    fn loaded(entries: &[(&str, &str)]) -> Entries {
        let json = entries
            .iter()
            .map(|(slug, entry)| format!("{slug:?}:{entry}"))
            .collect::<Vec<_>>()
            .join(",");
        serde_json::from_str(&format!("{{{json}}}")).unwrap()
    }

    #[test]
    fn entries_are_parsed_when_first_asked_for() {
        let good = serde_json::to_string(&entry("permit-api")).unwrap();
        let entries = loaded(&[("permit-api", &good), ("broken", r#"{"slug": 3}"#)]);
        assert_eq!(entries.len(), 2);
        assert!(entries.0.values().all(|lazy| lazy.parsed.get().is_none()));
        assert_eq!(entries.get("permit-api"), Some(&entry("permit-api")));
        assert!(
            entries.0["broken"].parsed.get().is_none(),
            "parsed only when asked"
        );
        // A damaged entry is unknown; the others are unaffected.
        assert_eq!(entries.get("broken"), None);
        assert_eq!(entries.get("missing"), None);
        let slugs: Vec<&str> = entries.iter().map(|(slug, _)| slug).collect();
        assert_eq!(slugs, ["permit-api"]);
    }

    #[test]
    fn loading_still_refuses_text_that_is_not_json() {
        assert!(serde_json::from_str::<Entries>(r#"{"a": {"slug": }"#).is_err());
        assert!(serde_json::from_str::<Entries>(r#"["a"]"#).is_err());
    }

    #[test]
    fn unparsed_entries_are_written_back_unchanged_and_compare_by_content() {
        let built: Entries = [("permit-api".to_string(), entry("permit-api"))].into();
        let text = serde_json::to_string(&built).unwrap();
        let loaded: Entries = serde_json::from_str(&text).unwrap();
        // Written again before anything parsed it: the same text.
        assert_eq!(serde_json::to_string(&loaded).unwrap(), text);
        assert_eq!(loaded, built);
        assert_ne!(loaded, Entries::default());
    }

    #[test]
    fn changes_apply_to_loaded_entries() {
        let registry = Registry {
            site: crate::registry::SiteInfo {
                title: "Code With Us".into(),
                base_url: "https://cwu.example.ca".into(),
                contact_email: "cwu@example.ca".into(),
                terms_version: "2026-06".into(),
            },
            page_shell: String::new(),
            opportunities: [("permit-api".to_string(), entry("permit-api"))].into(),
        };
        let mut back = Registry::from_json(&registry.to_json()).unwrap();
        back.opportunities.get_mut("permit-api").unwrap().title = "Renamed".into();
        assert!(back.to_json().contains(r#""title":"Renamed""#));
        assert!(
            back.opportunities
                .insert("permit-api".into(), entry("permit-api"))
        );
        assert_eq!(back, registry);
        assert!(back.opportunities.remove("permit-api"));
        assert!(
            back.opportunities.is_empty() && back.opportunities.get_mut("permit-api").is_none()
        );
    }
}
