//! The GitHub issue where an opportunity's questions are asked and answered in the open, kept
//! by the `questions-issue` command the workflows run (as the old Developers' Exchange did):
//!
//! - [`Mode::Open`], after a merge to the default branch: for each public opportunity that accepts
//!   proposals and has no `questions` address, create the issue (title, a link to the page, the
//!   deadline in Pacific time) and open a pull request that adds its address to the file.
//! - [`Mode::Close`], hourly: for each opportunity whose proposals are closed (under evaluation,
//!   awarded, cancelled) with a questions issue in this repository, comment once, close and lock
//!   it; an award made later gets its own comment on the locked issue.
//!
//! Every GitHub call goes through an [`Api`]: [`GhCli`] runs `gh api` (authenticated by
//! `GH_TOKEN`); [`DryRun`] prints each call instead and answers as if nothing existed yet. The
//! steps are idempotent across runs: an opportunity whose pull request branch exists is skipped,
//! a locked issue is not commented again, an award comment is found by its marker.

use anyhow::{Context as _, bail};
use base64::Engine as _;
use cwu_domain::{Status, urls, when};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create missing questions issues and the pull requests adding their addresses.
    Open,
    /// Comment on, close and lock the issues of opportunities that stopped accepting proposals.
    Close,
}

/// One opportunity as this command sees it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The slug.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The content file, relative to the repository root.
    pub source: PathBuf,
    /// The proposal deadline.
    pub proposal_deadline: Timestamp,
    /// Status now.
    pub status: Status,
    /// The questions issue address, if written.
    pub questions: Option<String>,
    /// The successful proponent, once awarded.
    pub proponent: Option<String>,
}

/// Where the issues and pull requests go.
#[derive(Debug, Clone)]
pub struct Target {
    /// `owner/name` of the site's repository.
    pub repo: String,
    /// The branch pull requests go into, e.g. `main`.
    pub base: String,
    /// The site's public address without a trailing slash, for links to pages.
    pub base_url: String,
    /// The repository root (the content files are read from here).
    pub root: PathBuf,
}

/// One GitHub REST call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `GET`, `POST`, `PUT` or `PATCH`.
    pub method: &'static str,
    /// The path under `https://api.github.com`, e.g. `/repos/o/r/issues`.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

impl Call {
    fn get(path: String) -> Self {
        Call {
            method: "GET",
            path,
            body: None,
        }
    }

    fn with(method: &'static str, path: String, body: Value) -> Self {
        Call {
            method,
            path,
            body: Some(body),
        }
    }
}

/// Makes GitHub calls: `Ok(None)` means 404 (the thing does not exist).
pub trait Api {
    /// Performs `call` and returns its JSON answer.
    fn call(&mut self, call: &Call) -> anyhow::Result<Option<Value>>;
}

/// The GitHub CLI (`gh api`), authenticated by `GH_TOKEN` as in a workflow.
#[derive(Debug, Default)]
pub struct GhCli;

impl Api for GhCli {
    fn call(&mut self, call: &Call) -> anyhow::Result<Option<Value>> {
        let mut command = Command::new("gh");
        command
            .args(["api", "--method", call.method, &call.path])
            .args(["-H", "Accept: application/vnd.github+json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if call.body.is_some() {
            command.args(["--input", "-"]).stdin(Stdio::piped());
        } else {
            command.stdin(Stdio::null());
        }
        let mut child = command
            .spawn()
            .context("cannot run `gh` (the GitHub CLI); install it or use --dry-run")?;
        if let (Some(body), Some(mut stdin)) = (&call.body, child.stdin.take()) {
            stdin.write_all(body.to_string().as_bytes())?;
        }
        let output = child.wait_with_output()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            if stderr.contains("HTTP 404") {
                return Ok(None);
            }
            bail!("{} {} failed: {}", call.method, call.path, stderr.trim());
        }
        let text = String::from_utf8_lossy(&output.stdout);
        if text.trim().is_empty() {
            return Ok(Some(Value::Null));
        }
        Ok(Some(serde_json::from_str(&text).with_context(|| {
            format!(
                "{} {} answered with something not JSON",
                call.method, call.path
            )
        })?))
    }
}

/// Prints each call instead of making it, answering as if nothing existed yet: a new issue
/// gets the number 0.
#[derive(Debug)]
pub struct DryRun<W: Write> {
    out: W,
}

impl<W: Write> DryRun<W> {
    /// A dry run printing to `out`.
    pub fn new(out: W) -> Self {
        DryRun { out }
    }
}

impl<W: Write> Api for DryRun<W> {
    fn call(&mut self, call: &Call) -> anyhow::Result<Option<Value>> {
        writeln!(self.out, "{} {}", call.method, call.path)?;
        if let Some(body) = &call.body {
            writeln!(self.out, "{}", serde_json::to_string_pretty(body)?)?;
        }
        Ok(match call.method {
            "GET" => None,
            "POST" if call.path.ends_with("/issues") => Some(json!({ "number": 0 })),
            _ => Some(Value::Null),
        })
    }
}

/// The marker that identifies this command's comments.
fn marker(what: &str, slug: &str) -> String {
    format!("<!-- code-with-us:{what}:{slug} -->")
}

/// The pull request branch for `slug`'s questions address.
pub fn branch(slug: &str) -> String {
    format!("questions/{slug}")
}

/// Runs `mode` over `entries`; returns one line per opportunity acted on.
pub fn run(
    api: &mut dyn Api,
    target: &Target,
    mode: Mode,
    entries: &[Entry],
) -> anyhow::Result<Vec<String>> {
    let mut done = Vec::new();
    for entry in entries {
        let outcome = match mode {
            Mode::Open if entry.questions.is_none() && entry.status.accepts_proposals() => {
                open(api, target, entry)?
            }
            Mode::Close if !entry.status.accepts_proposals() && entry.status != Status::Draft => {
                match entry
                    .questions
                    .as_deref()
                    .and_then(|q| issue_number(&target.repo, q))
                {
                    Some(number) => close(api, target, entry, number)?,
                    None => None,
                }
            }
            _ => None,
        };
        done.extend(outcome);
    }
    Ok(done)
}

/// The issue number when `address` is an issue of `repo`
/// (`https://github.com/<repo>/issues/<n>`).
pub fn issue_number(repo: &str, address: &str) -> Option<u64> {
    let rest = address
        .trim()
        .strip_prefix("https://github.com/")?
        .strip_prefix(repo)?
        .strip_prefix("/issues/")?;
    rest.trim_end_matches('/').parse().ok()
}

fn open(api: &mut dyn Api, target: &Target, entry: &Entry) -> anyhow::Result<Option<String>> {
    let repo = &target.repo;
    let branch = branch(&entry.slug);
    if api
        .call(&Call::get(format!("/repos/{repo}/git/ref/heads/{branch}")))?
        .is_some()
    {
        return Ok(None); // its pull request is waiting for review
    }
    let page = urls::absolute(&target.base_url, &urls::opportunity(&entry.slug));
    let issue = api
        .call(&Call::with(
            "POST",
            format!("/repos/{repo}/issues"),
            json!({
                "title": format!("Questions: {}", entry.title),
                "body": format!(
                    "Ask your questions about [{}]({page}) here, in the open: every answer is \
                     public, so all proponents get the same information.\n\n\
                     Proposals are due **{}** (Pacific time). This issue is locked when \
                     proposals close.\n\n{}",
                    entry.title,
                    when::display(entry.proposal_deadline),
                    marker("questions", &entry.slug),
                ),
            }),
        ))?
        .context("creating the issue returned nothing")?;
    let number = issue["number"]
        .as_u64()
        .context("the new issue has no number")?;
    let address = format!("https://github.com/{repo}/issues/{number}");

    let base = api
        .call(&Call::get(format!(
            "/repos/{repo}/git/ref/heads/{}",
            target.base
        )))?
        .unwrap_or_else(|| json!({ "object": { "sha": "<sha of the base branch>" } }));
    api.call(&Call::with(
        "POST",
        format!("/repos/{repo}/git/refs"),
        json!({ "ref": format!("refs/heads/{branch}"), "sha": base["object"]["sha"] }),
    ))?;
    let path = entry.source.to_string_lossy().replace('\\', "/");
    let current = api
        .call(&Call::get(format!(
            "/repos/{repo}/contents/{path}?ref={}",
            target.base
        )))?
        .unwrap_or_else(|| json!({ "sha": "<sha of the file>" }));
    let text = std::fs::read_to_string(target.root.join(&entry.source))
        .with_context(|| format!("cannot read {path}"))?;
    let updated = with_questions(&text, &address);
    api.call(&Call::with(
        "PUT",
        format!("/repos/{repo}/contents/{path}"),
        json!({
            "message": format!("{}: questions issue #{number}", entry.slug),
            "content": base64::engine::general_purpose::STANDARD.encode(updated),
            "sha": current["sha"],
            "branch": branch,
        }),
    ))?;
    api.call(&Call::with(
        "POST",
        format!("/repos/{repo}/pulls"),
        json!({
            "title": format!("{}: add the questions issue", entry.title),
            "head": branch,
            "base": target.base,
            "body": format!(
                "Adds `questions: {address}` to `{path}`, so the page links to the issue \
                 created for its questions. Merge it as is."
            ),
        }),
    ))?;
    Ok(Some(format!(
        "{}: created {address} and a pull request adding it",
        entry.slug
    )))
}

fn close(
    api: &mut dyn Api,
    target: &Target,
    entry: &Entry,
    number: u64,
) -> anyhow::Result<Option<String>> {
    let repo = &target.repo;
    let issue_path = format!("/repos/{repo}/issues/{number}");
    let issue = api.call(&Call::get(issue_path.clone()))?;
    let locked = issue.as_ref().is_some_and(|i| i["locked"] == json!(true));
    let mut acted = Vec::new();
    if let Some(proponent) = &entry.proponent {
        let award_marker = marker("awarded", &entry.slug);
        let comments = api
            .call(&Call::get(format!("{issue_path}/comments?per_page=100")))?
            .unwrap_or(Value::Null);
        let announced = comments.as_array().is_some_and(|list| {
            list.iter().any(|c| {
                c["body"]
                    .as_str()
                    .is_some_and(|b| b.contains(&award_marker))
            })
        });
        if !announced {
            api.call(&Call::with(
                "POST",
                format!("{issue_path}/comments"),
                json!({ "body": format!(
                    "This opportunity was awarded to {proponent}. Thank you to everyone who \
                     asked and answered here.\n\n{award_marker}"
                ) }),
            ))?;
            acted.push("announced the award");
        }
    } else if !locked {
        let why = match entry.status {
            Status::Cancelled => "This opportunity was cancelled".to_string(),
            _ => format!(
                "Proposals closed on {} (Pacific time)",
                when::display(entry.proposal_deadline)
            ),
        };
        api.call(&Call::with(
            "POST",
            format!("{issue_path}/comments"),
            json!({ "body": format!(
                "{why}, so this issue is closed and locked. The page keeps every answer given \
                 here: {}\n\n{}",
                urls::absolute(&target.base_url, &urls::opportunity(&entry.slug)),
                marker("closed", &entry.slug)
            ) }),
        ))?;
        acted.push("commented");
    }
    if !locked {
        api.call(&Call::with(
            "PATCH",
            issue_path.clone(),
            json!({ "state": "closed", "state_reason": "completed" }),
        ))?;
        api.call(&Call::with(
            "PUT",
            format!("{issue_path}/lock"),
            json!({ "lock_reason": "resolved" }),
        ))?;
        acted.push("closed and locked");
    }
    Ok(
        (!acted.is_empty())
            .then(|| format!("{}: issue #{number} {}", entry.slug, acted.join(", "))),
    )
}

/// `text` (an opportunity file) with `questions: <address>` added to its front matter, after
/// the `repository:` line when there is one, else before the closing `---`.
pub fn with_questions(text: &str, address: &str) -> String {
    let line = format!("questions: {address}");
    let mut out = Vec::new();
    let mut added = false;
    let mut fences = 0;
    for l in text.split_inclusive('\n') {
        let bare = l.trim_end();
        if !added && bare == "---" {
            fences += 1;
            if fences == 2 {
                out.push(format!("{line}\n"));
                added = true;
            }
        }
        out.push(l.to_string());
        if !added && fences == 1 && bare.starts_with("repository:") {
            out.push(format!("{line}\n"));
            added = true;
        }
    }
    out.concat()
}

/// The site's base URL and its opportunities as this command sees them at `now`: the public
/// ones (drafts and those scheduled for later are not announced yet), with the awards recorded in
/// `outcomes` (the outcomes file; `None` reads `.local/outcomes.json` when it exists).
pub fn entries(
    root: &Path,
    now: Timestamp,
    outcomes: Option<&Path>,
) -> anyhow::Result<(String, Vec<Entry>)> {
    let options = crate::content::LoadOptions {
        drafts: false,
        outcomes: outcomes.map(Path::to_path_buf),
    };
    let content = crate::content::load_with(root, options)
        .map_err(|d| anyhow::anyhow!("the content has {}; run `site-gen check`", d.summary()))?;
    let base_url = content.config.base_url.trim_end_matches('/').to_string();
    let entries = content
        .opportunities
        .iter()
        .map(|page| (page, page.opportunity.status_at(now)))
        .filter(|(_, status)| *status != Status::Draft)
        .map(|(page, status)| {
            let o = &page.opportunity;
            Entry {
                slug: o.slug.clone(),
                title: o.title.clone(),
                source: page.source.clone(),
                proposal_deadline: o.proposal_deadline,
                status,
                questions: o.questions.clone(),
                proponent: o.outcome.as_ref().map(|a| a.awarded.proponent.clone()),
            }
        })
        .collect();
    Ok((base_url, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_line_goes_after_repository_or_before_the_fence() {
        let text = "---\ntitle: A\nrepository: https://github.com/o/r\nstatus: published\n---\nBody\n---\n";
        assert_eq!(
            with_questions(text, "https://github.com/o/s/issues/3"),
            "---\ntitle: A\nrepository: https://github.com/o/r\nquestions: https://github.com/o/s/issues/3\nstatus: published\n---\nBody\n---\n"
        );
        assert_eq!(
            with_questions("---\ntitle: A\n---\nBody\n", "X"),
            "---\ntitle: A\nquestions: X\n---\nBody\n"
        );
    }

    #[test]
    fn issue_numbers_only_from_this_repository() {
        assert_eq!(
            issue_number("o/r", "https://github.com/o/r/issues/12"),
            Some(12)
        );
        assert_eq!(
            issue_number("o/r", "https://github.com/o/rr/issues/12"),
            None
        );
        assert_eq!(issue_number("o/r", "https://github.com/o/r/pull/12"), None);
    }
}
