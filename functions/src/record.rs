//! The versioning protocol: how a validated proposal becomes a new stored version (or nothing,
//! when it is identical to the current one), safely against concurrent writers.

use crate::compose_mail::MessageError;
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
}

/// The outcome of [`record`].
#[derive(Debug, Clone)]
pub enum Recorded {
    /// A new version was stored with these pending mails.
    New(StoredProposal, Vec<OutboxMail>),
    /// Identical to the current version, which is returned; nothing was written or mailed.
    Unchanged(StoredProposal),
}

impl Recorded {
    /// The proposal version the proponent now has.
    pub fn proposal(&self) -> &StoredProposal {
        match self {
            Recorded::New(p, _) | Recorded::Unchanged(p) => p,
        }
    }
}

/// Why [`record`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The store failed (or stayed contended); nothing was saved.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mails could not be built (configuration); nothing was saved.
    #[error(transparent)]
    Message(#[from] MessageError),
}

/// Hex SHA-256 of the validated fields: equal for identical submissions.
pub fn content_hash(fields: &ProposalFields) -> String {
    let json = serde_json::to_vec(fields).expect("the fields are plain data");
    hex::encode(Sha256::digest(json))
}

/// Stores a validated proposal under the store contract: identical to the current version →
/// [`Recorded::Unchanged`]; otherwise version + 1 written conditionally with its mails,
/// re-reading and deciding again whenever another writer got there first.
pub async fn record(
    store: &dyn ProposalStore,
    fields: ProposalFields,
    submitter: &Submitter,
    now: Timestamp,
    mails: &(dyn Fn(&StoredProposal) -> Result<Vec<OutboxMail>, MessageError> + Sync),
) -> Result<Recorded, RecordError> {
    let key = ProposalKey::of(&fields);
    let hash = content_hash(&fields);
    for _ in 0..MAX_ATTEMPTS {
        let current = store.current(&key).await?;
        if let Some(current) = current.as_ref().filter(|c| c.content_hash == hash) {
            return Ok(Recorded::Unchanged(current.clone()));
        }
        let expected = current.as_ref().map(|c| c.version);
        let proposal = StoredProposal {
            id: crate::ids::ulid_at(now),
            version: expected.map_or(1, |v| v + 1),
            submitted_at: now,
            fields: fields.clone(),
            terms_accepted_at: now,
            client_ip_hash: submitter.client_ip_hash.clone(),
            user_agent: submitter.user_agent.clone(),
            content_hash: hash.clone(),
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
