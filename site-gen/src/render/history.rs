//! What the public site has announced, remembered from build to build in
//! `public/feeds/history.json`, so that feeds stay stable for their subscribers:
//!
//! - when each opportunity was first built as public: the date of its feed item when the owner
//!   wrote no `published` date (without it the date would change at every hourly rebuild);
//! - every skill that ever had a feed: when no public opportunity lists a skill any more, its
//!   feed stays, empty, instead of becoming a 404.
//!
//! The file is public (slugs, skill names and dates only) and deployed with the site. A build
//! reads the copy in `public/` left by the previous one; the deploy and hourly workflows fetch
//! the live copy into `public/` first (`infra/fetch-history`), since they build from a fresh
//! checkout.

use cwu_domain::{Opportunity, urls};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What earlier builds announced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Opportunity slug → when a build first made it public.
    pub first_seen: BTreeMap<String, Timestamp>,
    /// Skill slug → its name as last listed: every skill that has had a feed.
    pub skills: BTreeMap<String, String>,
}

impl History {
    /// The history left in `public/` by the previous build; empty when there is none. A file
    /// that does not parse is an error: starting afresh would silently drop feeds.
    pub fn read(public: &Path) -> std::io::Result<Self> {
        let path = public.join(urls::FEED_HISTORY.trim_start_matches('/'));
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a feed history ({e}); delete it to start afresh, which drops the feeds of skills no opportunity lists any more", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(History::default()),
            Err(e) => Err(e),
        }
    }

    /// This history plus the opportunities public at `now` (`skills` are `(slug, name)`).
    /// An opportunity seen for the first time is dated by the earliest moment known to be
    /// after its publication: its first addendum, its deadline, or `now`.
    pub fn with<'a>(
        mut self,
        public: impl IntoIterator<Item = &'a Opportunity>,
        skills: impl IntoIterator<Item = (String, String)>,
        now: Timestamp,
    ) -> Self {
        for opportunity in public {
            self.first_seen
                .entry(opportunity.slug.clone())
                .or_insert_with(|| {
                    opportunity
                        .addenda
                        .iter()
                        .map(|a| a.date)
                        .chain([opportunity.proposal_deadline, now])
                        .min()
                        .unwrap_or(now)
                });
        }
        self.skills.extend(skills);
        self
    }

    /// The date of `opportunity`'s feed item: its `published` date, else when it was first seen.
    pub fn item_date(&self, opportunity: &Opportunity, now: Timestamp) -> Timestamp {
        opportunity
            .published
            .or_else(|| self.first_seen.get(&opportunity.slug).copied())
            .unwrap_or(now)
    }

    /// The JSON written to [`urls::FEED_HISTORY`].
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the history is plain data")
    }
}
