//! The versioning protocol: how a validated proposal becomes a new stored version (or nothing,
//! when it is identical to the current one), safely against concurrent writers.

use crate::compose_mail::NoticeError;
use crate::mail::OutboxMail;
use crate::store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
use cwu_domain::proposal::ProposalFields;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// How many times [`record`] re-reads after losing a race before giving up.
const MAX_ATTEMPTS: usize = 25;

/// What the handler learned about the sender, stored with the proposal.
#[derive(Debug, Clone, Default)]
pub struct Submitter {
    /// Salted SHA-256 of the client IP.
    pub client_ip_hash: Option<String>,
    /// The `User-Agent`, one line, cut to 512 characters.
    pub user_agent: Option<String>,
    /// Whether the post filled the form's honeypot (see [`StoredProposal::suspected_spam`]).
    pub filled_honeypot: bool,
}

/// The outcome of [`record`] and [`withdraw`].
#[derive(Debug, Clone)]
pub enum Recorded {
    /// A new version was stored with these pending mails.
    New(StoredProposal, Vec<OutboxMail>),
    /// Identical to the current version, which is returned; nothing was written or mailed.
    Unchanged(StoredProposal),
    /// A public form post for an address that already has a proposal (current or withdrawn):
    /// nothing was written; only the proposal's manage link may change it.
    Exists(StoredProposal),
}

impl Recorded {
    /// The proposal version the proponent now has.
    pub fn proposal(&self) -> &StoredProposal {
        match self {
            Recorded::New(p, _) | Recorded::Unchanged(p) | Recorded::Exists(p) => p,
        }
    }
}

/// Where a version comes from, which decides whether it may replace the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The public form: creates a proposal, never replaces one (anyone can type any address).
    PublicForm,
    /// The proposal's manage link: only its holder (the proponent) may add versions.
    ManageLink,
}

/// Why [`record`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The store failed (or stayed contended); nothing was saved.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mails could not be built (configuration); nothing was saved.
    #[error(transparent)]
    Message(#[from] NoticeError),
}

/// Builds the mails stored with a new version.
pub type MailsFor<'a> = dyn Fn(&StoredProposal) -> Result<Vec<OutboxMail>, NoticeError> + Sync + 'a;

/// Hex SHA-256 of the validated fields: equal for identical submissions.
pub fn content_hash(fields: &ProposalFields) -> String {
    let json = serde_json::to_vec(fields).expect("the fields are plain data");
    hex::encode(Sha256::digest(json))
}

/// Stores a validated proposal under the store contract: identical to the current (not
/// withdrawn) version → [`Recorded::Unchanged`]; from the public form when the address has a
/// proposal → [`Recorded::Exists`]; otherwise version + 1 (same reference) written
/// conditionally with its mails, re-reading and deciding again whenever another writer got
/// there first.
pub async fn record(
    store: &dyn ProposalStore,
    fields: ProposalFields,
    submitter: &Submitter,
    now: Timestamp,
    via: Via,
    mails: &MailsFor<'_>,
) -> Result<Recorded, RecordError> {
    let key = ProposalKey::of(&fields);
    let hash = content_hash(&fields);
    for _ in 0..MAX_ATTEMPTS {
        let current = store.current(&key).await?;
        if let Some(current) = &current {
            if !current.is_withdrawn() && current.content_hash == hash {
                return Ok(Recorded::Unchanged(current.clone()));
            }
            if via == Via::PublicForm {
                return Ok(Recorded::Exists(current.clone()));
            }
        }
        let expected = current.as_ref().map(|c| c.version);
        let id = crate::ids::ulid_at(now);
        let proposal = StoredProposal {
            reference: current
                .as_ref()
                .map_or_else(|| id.clone(), |c| c.reference().to_owned()),
            id,
            version: expected.map_or(1, |v| v + 1),
            submitted_at: now,
            fields: fields.clone(),
            terms_accepted_at: now,
            client_ip_hash: submitter.client_ip_hash.clone(),
            user_agent: submitter.user_agent.clone(),
            content_hash: hash.clone(),
            withdrawn_at: None,
            // Held stays held: only the owner's Admit event moves a proposal out.
            suspected_spam: submitter.filled_honeypot
                || current.as_ref().is_some_and(|c| c.suspected_spam),
        };
        let outbox = mails(&proposal)?;
        match store.put_version(expected, &proposal, &outbox).await {
            Ok(()) => return Ok(Recorded::New(proposal, outbox)),
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Unavailable("too many concurrent changes to this proposal".into()).into())
}

/// Withdraws the proposal with `key`: a new version repeating the current one's fields,
/// marked withdrawn, stored with its mails. Already withdrawn → [`Recorded::Unchanged`].
pub async fn withdraw(
    store: &dyn ProposalStore,
    key: &ProposalKey,
    now: Timestamp,
    mails: &MailsFor<'_>,
) -> Result<Recorded, RecordError> {
    for _ in 0..MAX_ATTEMPTS {
        let Some(current) = store.current(key).await? else {
            return Err(StoreError::Unavailable("no proposal to withdraw".into()).into());
        };
        if current.is_withdrawn() {
            return Ok(Recorded::Unchanged(current));
        }
        let proposal = StoredProposal {
            id: crate::ids::ulid_at(now),
            version: current.version + 1,
            reference: current.reference().to_owned(),
            withdrawn_at: Some(now),
            submitted_at: now,
            ..current.clone()
        };
        let outbox = mails(&proposal)?;
        match store
            .put_version(Some(current.version), &proposal, &outbox)
            .await
        {
            Ok(()) => return Ok(Recorded::New(proposal, outbox)),
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Unavailable("too many concurrent changes to this proposal".into()).into())
}
