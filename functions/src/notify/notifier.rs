//! The notifier: after each published build, compares the registry with what was announced and
//! puts the resulting mails in the outbox, exactly once.
//!
//! Per opportunity, one conditional write records the new facts together with the news they
//! bring ([`AnnouncedRecord::pending`]); then each recipient's mail is added under an id derived
//! from the news and the recipient ([`crate::ids::derived_ulid`]), and finally the news is
//! cleared. A run that dies half-way leaves the news pending, and the next run adds only the
//! mails that are missing; a re-run with nothing new writes nothing.

use super::handlers::DIGEST_DAYS;
use super::links::subscriber_id;
use super::mails::{Recipient, Sender};
use super::records::{self, AnnouncedRecord, Kind, News, NotifyStore, Subscriber, Update, Watcher};
use crate::config::Config;
use crate::mail::{Audience, OutboxMail};
use crate::store::{ProposalStore, StoreError};
use cwu_domain::subscription::{Announced, Frequency, changes, skills_match};
use cwu_domain::{Registry, RegistryEntry};
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyReport {
    /// Pieces of news mailed (or queued for digests).
    pub news: usize,
    /// Mails added to the outbox (not counting ones a previous run added).
    pub mails: usize,
    /// Weekly digests added.
    pub digests: usize,
    /// Failures; the news they concern stays pending for the next run.
    pub errors: Vec<String>,
}

/// Everything a run needs.
pub struct Notifier<'a> {
    /// Proponents of each opportunity.
    pub proposals: &'a dyn ProposalStore,
    /// Subscriptions, announcements and the outbox.
    pub store: &'a dyn NotifyStore,
    /// The build just published.
    pub registry: &'a Registry,
    /// Sender and secret.
    pub config: &'a Config,
    /// The run's clock.
    pub now: Timestamp,
}

impl Notifier<'_> {
    fn sender(&self) -> Sender<'_> {
        Sender {
            mail_from: &self.config.mail_from,
            secret: &self.config.signing_key,
            site: &self.registry.site,
            origin: crate::links::origin(self.config, self.registry),
        }
    }

    /// Announces every change and sends the weekly digests that are due.
    pub async fn run(&self) -> NotifyReport {
        let mut report = NotifyReport::default();
        let mut audience = None;
        for entry in self.registry.opportunities.values() {
            if let Err(error) = self.announce(entry, &mut audience, &mut report).await {
                report.errors.push(format!("{}: {error}", entry.slug));
            }
        }
        if let Err(error) = self.digests(&mut report).await {
            report.errors.push(format!("digests: {error}"));
        }
        report
    }

    /// Records `entry`'s news, mails it and clears it.
    async fn announce(
        &self,
        entry: &RegistryEntry,
        audience: &mut Option<Readers>,
        report: &mut NotifyReport,
    ) -> Result<(), StoreError> {
        let now = self.now;
        records::update::<AnnouncedRecord>(
            self.store,
            Kind::Announced,
            &entry.slug,
            now,
            |current| {
                let news = changes(current.as_ref().map(|c| &c.facts), entry, now);
                if current.is_some() && news.is_empty() {
                    return Update::Keep;
                }
                let facts = Announced::of(entry);
                let mut pending = current.map(|c| c.pending).unwrap_or_default();
                for change in news {
                    let id = change.id(&entry.slug, &facts);
                    if !pending.iter().any(|n| n.id == id) {
                        pending.push(News {
                            id,
                            change,
                            detected_at: now,
                        });
                    }
                }
                Update::Put(AnnouncedRecord { facts, pending }, None, Vec::new())
            },
        )
        .await?;
        let Some((record, _)) =
            records::get::<AnnouncedRecord>(self.store, Kind::Announced, &entry.slug, now).await?
        else {
            return Ok(());
        };
        if record.pending.is_empty() {
            return Ok(());
        }
        if audience.is_none() {
            *audience = Some(Readers::load(self.store, now).await?);
        }
        let audience = audience.as_ref().expect("loaded above");
        for news in &record.pending {
            report.mails += self.send(entry, news, audience).await?;
            report.news += 1;
        }
        let done: BTreeSet<String> = record.pending.iter().map(|n| n.id.clone()).collect();
        records::update::<AnnouncedRecord>(
            self.store,
            Kind::Announced,
            &entry.slug,
            now,
            |current| match current {
                Some(mut record) => {
                    record.pending.retain(|n| !done.contains(&n.id));
                    Update::Put(record, None, Vec::new())
                }
                None => Update::Keep,
            },
        )
        .await
    }

    /// Adds the mails of one piece of news; how many were new.
    async fn send(
        &self,
        entry: &RegistryEntry,
        news: &News,
        audience: &Readers,
    ) -> Result<usize, StoreError> {
        let sender = self.sender();
        let mut added = 0;
        let mail_id = |recipient: &str| {
            crate::ids::derived_ulid(news.detected_at, &format!("{}|{recipient}", news.id))
        };
        if news.change.is_for_subscribers() {
            for (id, subscriber) in &audience.subscribers {
                if audience.suppressed.contains(id)
                    || !skills_match(&subscriber.skills, &entry.skills)
                {
                    continue;
                }
                let to = Recipient {
                    email: &subscriber.email,
                    id,
                };
                match subscriber.frequency {
                    Frequency::Immediate => {
                        let mut mail = sender
                            .new_opportunities(mail_id(id), &news.id, &to, &[entry], self.now)
                            .map_err(unavailable)?;
                        mail.audience = Some(Audience::Subscriber { id: id.clone() });
                        added += usize::from(self.store.add_mail(&mail).await?);
                    }
                    Frequency::Weekly => self.queue_for_digest(id, &entry.slug).await?,
                }
            }
            return Ok(added);
        }
        for (id, (email, proponent)) in self.followers(entry, audience).await? {
            let to = Recipient {
                email: &email,
                id: &id,
            };
            let why = if proponent { PROPONENT } else { WATCHER };
            let mut mail = sender
                .change(
                    mail_id(&id),
                    &news.id,
                    &to,
                    entry,
                    &news.change,
                    why,
                    self.now,
                )
                .map_err(unavailable)?;
            let (opportunity, id) = (entry.slug.clone(), id.clone());
            mail.audience = Some(if proponent {
                Audience::Proponent { opportunity, id }
            } else {
                Audience::Watcher { opportunity, id }
            });
            added += usize::from(self.store.add_mail(&mail).await?);
        }
        Ok(added)
    }

    async fn queue_for_digest(&self, id: &str, slug: &str) -> Result<(), StoreError> {
        records::update::<Subscriber>(self.store, Kind::Subscriber, id, self.now, |current| {
            match current {
                Some(mut s) if !s.digest.iter().any(|d| d == slug) => {
                    s.digest.push(slug.to_owned());
                    Update::Put(s, None, Vec::new())
                }
                _ => Update::Keep,
            }
        })
        .await
    }

    /// Watchers and proponents of `entry` who have not left it: id → (address, proponent?).
    async fn followers(
        &self,
        entry: &RegistryEntry,
        audience: &Readers,
    ) -> Result<BTreeMap<String, (String, bool)>, StoreError> {
        let prefix = format!("{}|", entry.slug);
        let mut followers = BTreeMap::new();
        for proposal in self.proposals.proposals(&entry.slug).await? {
            let id = subscriber_id(&self.config.signing_key, &proposal.fields.email);
            followers.insert(id, (proposal.fields.email, true));
        }
        for (key, record) in self.store.records(Kind::Watch, &prefix).await? {
            let Ok(watcher) = serde_json::from_value::<Watcher>(record.value) else {
                continue;
            };
            let id = key[prefix.len()..].to_owned();
            followers.entry(id).or_insert((watcher.email, false));
        }
        for (key, _) in self.store.records(Kind::OptOut, &prefix).await? {
            followers.remove(&key[prefix.len()..]);
        }
        followers.retain(|id, _| !audience.suppressed.contains(id));
        Ok(followers)
    }

    /// Sends each weekly digest that is due (its queue is cleared in the same write).
    async fn digests(&self, report: &mut NotifyReport) -> Result<(), StoreError> {
        let now = self.now;
        let suppressed = suppressed(self.store, now).await?;
        for (id, record) in self.store.records(Kind::Subscriber, "").await? {
            let Ok(subscriber) = serde_json::from_value::<Subscriber>(record.value) else {
                continue;
            };
            if subscriber.digest_due > now {
                continue;
            }
            let entries: Vec<&RegistryEntry> = subscriber
                .digest
                .iter()
                .filter_map(|slug| self.registry.get(slug))
                .collect();
            let mail = if entries.is_empty() || suppressed.contains(&id) {
                None
            } else {
                let to = Recipient {
                    email: &subscriber.email,
                    id: &id,
                };
                let source = format!("digest:{}", subscriber.digest_due.as_second());
                let mail_id = crate::ids::derived_ulid(now, &format!("{source}|{id}"));
                let mut mail = self
                    .sender()
                    .new_opportunities(mail_id, &source, &to, &entries, now)
                    .map_err(unavailable)?;
                mail.audience = Some(Audience::Subscriber { id: id.clone() });
                Some(mail)
            };
            let due = subscriber.digest_due;
            records::update::<Subscriber>(self.store, Kind::Subscriber, &id, now, |current| {
                match current {
                    // Only if no one sent this digest meanwhile.
                    Some(mut s) if s.digest_due == due => {
                        s.digest.clear();
                        while s.digest_due <= now {
                            s.digest_due += SignedDuration::from_hours(24 * DIGEST_DAYS);
                        }
                        Update::Put(s, None, mail.iter().cloned().collect::<Vec<OutboxMail>>())
                    }
                    _ => Update::Keep,
                }
            })
            .await?;
            report.digests += usize::from(mail.is_some());
        }
        Ok(())
    }
}

const PROPONENT: &str = "You get this because you submitted a proposal for this opportunity.";
const WATCHER: &str =
    "You get this because you asked to be told about changes to this opportunity.";

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// Subscribers and suppressed ids, read once per run.
struct Readers {
    subscribers: Vec<(String, Subscriber)>,
    suppressed: BTreeSet<String>,
}

impl Readers {
    async fn load(store: &dyn NotifyStore, now: Timestamp) -> Result<Self, StoreError> {
        let subscribers = store
            .records(Kind::Subscriber, "")
            .await?
            .into_iter()
            .filter_map(|(id, r)| Some((id, serde_json::from_value(r.value).ok()?)))
            .collect();
        Ok(Readers {
            subscribers,
            suppressed: suppressed(store, now).await?,
        })
    }
}

async fn suppressed(
    store: &dyn NotifyStore,
    now: Timestamp,
) -> Result<BTreeSet<String>, StoreError> {
    Ok(store
        .records(Kind::Suppressed, "")
        .await?
        .into_iter()
        .filter(|(_, r)| r.is_live(now))
        .map(|(id, _)| id)
        .collect())
}
