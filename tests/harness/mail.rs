//! Reading the `.eml` files that `site-gen serve` writes to its outbox.

use mail_parser::MessageParser;
use std::path::{Path, PathBuf};

/// One message from the outbox, decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The `.eml` file.
    pub file: PathBuf,
    /// Every `To` address, lower-cased.
    pub to: Vec<String>,
    /// The decoded `Subject`.
    pub subject: String,
    /// The decoded plain-text part (empty when there is none).
    pub text: String,
    /// The decoded HTML part (empty when there is none).
    pub html: String,
}

impl Mail {
    /// Parses one `.eml` file.
    pub fn read(file: &Path) -> anyhow::Result<Self> {
        let raw = std::fs::read(file)?;
        let message = MessageParser::default()
            .parse(&raw)
            .ok_or_else(|| anyhow::anyhow!("{} is not a MIME message", file.display()))?;
        let to = message
            .to()
            .map(|to| {
                to.iter()
                    .filter_map(|addr| addr.address())
                    .map(str::to_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            file: file.to_path_buf(),
            to,
            subject: message.subject().unwrap_or_default().to_string(),
            text: message
                .body_text(0)
                .map(|text| text.into_owned())
                .unwrap_or_default(),
            html: message
                .body_html(0)
                .map(|html| html.into_owned())
                .unwrap_or_default(),
        })
    }

    /// Whether the message is addressed to `address` (case-insensitive).
    pub fn is_to(&self, address: &str) -> bool {
        self.to.iter().any(|to| to.eq_ignore_ascii_case(address))
    }
}

/// Every message in `outbox`, oldest file name first; an absent folder is an empty outbox.
pub fn read_outbox(outbox: &Path) -> anyhow::Result<Vec<Mail>> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files.iter().map(|file| Mail::read(file)).collect()
}

/// Waits up to 10 s for at least `count` messages addressed to any of `addresses`.
pub async fn wait_for_mail(
    outbox: &Path,
    addresses: &[&str],
    count: usize,
) -> anyhow::Result<Vec<Mail>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mails: Vec<Mail> = read_outbox(outbox)?
            .into_iter()
            .filter(|mail| addresses.iter().any(|addr| mail.is_to(addr)))
            .collect();
        if mails.len() >= count || std::time::Instant::now() > deadline {
            return Ok(mails);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
