//! [`EmlMailer`]: "sends" mail by writing each message as an `.eml` file, for `site-gen serve`.

use crate::mail::{MailError, MailKind, Mailer, OutboxMail};
use async_trait::async_trait;
use std::path::{Path, PathBuf};

/// Writes `<dir>/<created>-<id>.eml` per mail and logs one line per mail to stderr.
pub struct EmlMailer {
    dir: PathBuf,
}

impl EmlMailer {
    /// A mailer writing into `dir` (created when needed).
    pub fn new(dir: impl AsRef<Path>) -> Self {
        EmlMailer {
            dir: dir.as_ref().to_owned(),
        }
    }

    /// The file a mail is written to; the same mail always maps to the same file.
    pub fn path_of(&self, mail: &OutboxMail) -> PathBuf {
        let stamp = mail.created_at.strftime("%Y%m%dT%H%M%SZ");
        self.dir.join(format!("{stamp}-{}.eml", mail.id))
    }
}

#[async_trait]
impl Mailer for EmlMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        let path = self.path_of(mail);
        let failed = |e: std::io::Error| MailError(format!("{}: {e}", path.display()));
        tokio::fs::create_dir_all(&self.dir).await.map_err(failed)?;
        // Write then rename, so a reader never sees half a message.
        let partial = path.with_extension("eml.partial");
        tokio::fs::write(&partial, mail.raw.as_bytes())
            .await
            .map_err(failed)?;
        tokio::fs::rename(&partial, &path).await.map_err(failed)?;
        // Subscriber addresses never reach the log: the file name identifies the mail.
        if matches!(mail.kind, MailKind::Confirmation | MailKind::Notice) {
            eprintln!("mail: \"{}\" -> {}", mail.subject, path.display());
            return Ok(());
        }
        let kind = mail.kind.label();
        eprintln!(
            "mail: {kind} to {} \"{}\" -> {}",
            mail.to.join(", "),
            mail.subject,
            path.display()
        );
        Ok(())
    }
}
