//! The public outcomes file ([`cwu_domain::outcome`]): derived from the store, written whole
//! after each award, acceptance and payment, and again by every deadline sweep. Outcomes the
//! store no longer knows stay in it (see [`publish`]).
//!
//! The store is the record; the file is a copy for the build. So a failed write loses
//! nothing: the step stands, and the next sweep (every 5 minutes on AWS, every minute in
//! `serve`) writes the file again. The file is rewritten only when its content changed.

use crate::store::{ProposalStore, StoreError};
use async_trait::async_trait;
use cwu_domain::Registry;
use cwu_domain::evaluation::Sheet;
use cwu_domain::outcome::Outcomes;
use jiff::Timestamp;
use std::path::PathBuf;

/// Why the outcomes file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file (or S3 object) could not be read or written.
    #[error("the outcomes file could not be written: {0}")]
    File(String),
}

/// Where the outcomes file lives: `.local/outcomes.json`, or an object in a private bucket.
#[async_trait]
pub trait OutcomesFile: Send + Sync {
    /// The file's current contents; `None` when it does not exist yet.
    async fn read(&self) -> Result<Option<String>, PublishError>;
    /// Replaces the file's contents whole (readers see the old or the new file, never a part).
    async fn write(&self, json: &str) -> Result<(), PublishError>;
}

/// Every outcome recorded in the store for the opportunities of `registry` whose deadline has
/// passed at `now` (none can have one before).
pub async fn derive(
    store: &dyn ProposalStore,
    registry: &Registry,
    now: Timestamp,
) -> Result<Outcomes, StoreError> {
    let mut outcomes = Outcomes::new();
    for opportunity in registry.opportunities.values() {
        if opportunity.proposal_deadline > now {
            continue;
        }
        let events = store.evaluation(&opportunity.slug).await?;
        if let Some(outcome) = Sheet::replay(&events).outcome {
            outcomes
                .opportunities
                .insert(opportunity.slug.clone(), outcome);
        }
    }
    Ok(outcomes)
}

/// Adds the outcomes derived from the store to `file` and writes it when that changed it;
/// whether it wrote. Outcomes already in the file for opportunities the store knows nothing of
/// stay: a published award is never taken back, and the store may not hold it (a fresh local
/// store, an opportunity no longer in the registry, events past their retention).
pub async fn publish(
    store: &dyn ProposalStore,
    registry: &Registry,
    file: &dyn OutcomesFile,
    now: Timestamp,
) -> Result<bool, PublishError> {
    let current = file.read().await?;
    // A file that cannot be read as outcomes is replaced by what the store knows.
    let mut outcomes = current
        .as_deref()
        .and_then(|text| Outcomes::from_json(text).ok())
        .unwrap_or_else(Outcomes::new);
    let derived = derive(store, registry, now).await?;
    outcomes.opportunities.extend(derived.opportunities);
    let json = outcomes.to_json();
    if current.as_deref() == Some(json.as_str()) {
        return Ok(false);
    }
    file.write(&json).await?;
    Ok(true)
}

/// The local outcomes file, `<site>/.local/outcomes.json`.
pub struct LocalOutcomes {
    path: PathBuf,
}

impl LocalOutcomes {
    /// The file at `path`.
    pub fn new(path: PathBuf) -> Self {
        LocalOutcomes { path }
    }
}

fn file_error(error: std::io::Error) -> PublishError {
    PublishError::File(error.to_string())
}

#[async_trait]
impl OutcomesFile for LocalOutcomes {
    async fn read(&self) -> Result<Option<String>, PublishError> {
        match tokio::fs::read_to_string(&self.path).await {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(file_error(e)),
        }
    }

    /// Writes a temporary file beside it, then renames it over the file: a build reading at
    /// the same moment sees the old or the new file whole.
    async fn write(&self, json: &str) -> Result<(), PublishError> {
        let temporary = self
            .path
            .with_extension(format!("json.{}", crate::ids::random()));
        tokio::fs::write(&temporary, json)
            .await
            .map_err(file_error)?;
        if let Err(error) = tokio::fs::rename(&temporary, &self.path).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(file_error(error));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_local_file_is_replaced_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = LocalOutcomes::new(dir.path().join("outcomes.json"));
        assert!(
            file.read().await.expect("read").is_none(),
            "not yet written"
        );
        file.write("{\"a\": 1}\n").await.expect("write");
        file.write("{\"b\": 2}\n").await.expect("rewrite");
        assert_eq!(
            file.read().await.expect("read").as_deref(),
            Some("{\"b\": 2}\n")
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["outcomes.json"], "no temporary file left");
        let nowhere = LocalOutcomes::new(dir.path().join("missing/outcomes.json"));
        assert!(matches!(
            nowhere.write("{}").await,
            Err(PublishError::File(_))
        ));
    }

    #[tokio::test]
    async fn published_outcomes_the_store_does_not_know_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::local::RedbStore::open(&dir.path().join("store.redb")).expect("store");
        let registry = crate::testing::registry();
        let file = LocalOutcomes::new(dir.path().join("outcomes.json"));
        let now = "2030-01-01T00:00:00Z".parse().expect("time");
        // Nothing anywhere: an empty file, written once.
        assert!(
            publish(&store, &registry, &file, now)
                .await
                .expect("publish")
        );
        assert!(!publish(&store, &registry, &file, now).await.expect("again"));
        // An award published before this store existed (a fresh local store, say).
        let earlier = r#"{
  "version": 1,
  "opportunities": {
    "older-work": {
      "awarded": {
        "proponent": "Ada Lovelace",
        "date": "2026-01-05T00:00:00Z",
        "amount": 25000
      }
    }
  }
}
"#;
        file.write(earlier).await.expect("write");
        assert!(!publish(&store, &registry, &file, now).await.expect("keep"));
        assert_eq!(file.read().await.expect("read").as_deref(), Some(earlier));
    }
}
