//! What a publish sends (issue 14): `infra/publish_site.py` against S3 and CloudFront in moto,
//! on the synthetic site of one size: the first publish, a rebuild with no change, a rebuild
//! after 1% of the opportunities changed status (published → cancelled), an hourly rebuild
//! (the clock one hour later, no content change), and the day's step (the clock at 4 PM, when
//! dates without a time close: every open opportunity's whole days left moves, and that hour's
//! deadlines close or start closing soon). Files, pages and bytes sent, files deleted,
//! addresses invalidated. Counts, not times: moto is a Python server, so its upload time says
//! nothing about S3's.

use crate::content::model::{self, NOW};
use crate::content::{SEED, ours};
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A moto server on a free loopback port, killed on drop.
struct Moto {
    child: Child,
    url: String,
    python: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    fn start(repo: &Path, log: &Path) -> Result<Moto> {
        let server = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join(".venv-test/bin/moto_server"));
        let python = server.with_file_name("python3");
        if !server.is_file() || !python.is_file() {
            bail!(
                "no moto_server at {}: run tests/install-deps",
                server.display()
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(fs::File::create(log)?)
            .spawn()
            .context("starting moto_server")?;
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            python,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(30) {
                bail!("moto did not start (log: {})", log.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(moto)
    }

    fn python(&self, args: &[&str]) -> Result<String> {
        let output = Command::new(&self.python)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "bench")
            .env("AWS_SECRET_ACCESS_KEY", "bench")
            .env("AWS_DEFAULT_REGION", "ca-central-1")
            .output()?;
        if !output.status.success() {
            bail!(
                "{args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8(output.stdout)?)
    }
}

/// One publish's figures.
struct Sent {
    files: usize,
    sent: usize,
    pages: usize,
    bytes: u64,
    deleted: usize,
    invalidated: String,
}

fn publish(moto: &Moto, repo: &Path, public: &Path, distribution: &str) -> Result<Sent> {
    let report = public.with_file_name("publish-report.json");
    let script = repo.join("infra/publish_site.py");
    let path = |p: &Path| p.to_string_lossy().into_owned();
    moto.python(&[
        &path(&script),
        &path(public),
        "--bucket",
        "site",
        "--distribution",
        distribution,
        "--endpoint-url",
        &moto.url,
        "--report",
        &path(&report),
    ])?;
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&report)?)?;
    let list = |field: &str| -> Vec<String> {
        report[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect()
    };
    let number = |field: &str| report[field].as_u64().unwrap_or(0);
    let sent = list("uploaded");
    let invalidated = list("invalidated");
    Ok(Sent {
        files: number("files") as usize,
        pages: sent.iter().filter(|k| k.ends_with(".html")).count(),
        sent: sent.len(),
        bytes: number("uploaded_bytes"),
        deleted: list("deleted").len(),
        invalidated: match invalidated.as_slice() {
            [all] if all == "/*" => "`/*`".to_owned(),
            paths => paths.len().to_string(),
        },
    })
}

fn build(site_gen: &Path, root: &Path, now: &str) -> Result<()> {
    let status = Command::new(site_gen)
        .args(["build", "--root"])
        .arg(root)
        .args(["--now", now])
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("site-gen build failed ({status})");
    }
    Ok(())
}

/// Publishes the site of `count` opportunities four times and returns the Markdown table.
pub fn measure(repo: &Path, site_gen: &Path, out: &Path, count: usize) -> Result<String> {
    let root = out.join(format!("publish-{count}"));
    if root.exists() {
        fs::remove_dir_all(&root)?;
    }
    let site = model::Site::new(SEED, count);
    ours::write(&site, &root, &repo.join("themes"))?;
    let moto = Moto::start(repo, &out.join("logs/publish-moto.log"))?;
    let setup = repo.join("tests/fixtures/moto-site-bucket.py");
    let distribution = moto
        .python(&[&setup.to_string_lossy(), &moto.url])?
        .trim()
        .to_owned();
    let public = root.join("public");
    let later = |hours| -> Result<String> {
        Ok((NOW.parse::<jiff::Timestamp>()? + jiff::SignedDuration::from_hours(hours)).to_string())
    };
    let (hour_later, four_pm) = (later(1)?, later(4)?);

    let mut rows = Vec::new();
    build(site_gen, &root, NOW)?;
    rows.push((
        "first publish (no manifest)",
        publish(&moto, repo, &public, &distribution)?,
    ));
    build(site_gen, &root, NOW)?;
    rows.push((
        "rebuild, nothing changed",
        publish(&moto, repo, &public, &distribution)?,
    ));
    // 1% of the opportunities change status: published ones become cancelled.
    let changes = (count / 100).max(1);
    let mut changed = 0;
    for i in 0..count {
        if changed == changes {
            break;
        }
        let file = root
            .join("content/opportunities")
            .join(format!("{}.md", site.slug(i)));
        let text = fs::read_to_string(&file)?;
        if text.contains("\nstatus: published\n") && !text.contains("\naward:") {
            fs::write(
                &file,
                text.replace("\nstatus: published\n", "\nstatus: cancelled\n"),
            )?;
            changed += 1;
        }
    }
    build(site_gen, &root, NOW)?;
    let one_percent = format!("rebuild, {changed} statuses changed (1%)");
    rows.push((
        one_percent.as_str(),
        publish(&moto, repo, &public, &distribution)?,
    ));
    build(site_gen, &root, &hour_later)?;
    rows.push((
        "hourly rebuild: clock +1 h, no content change",
        publish(&moto, repo, &public, &distribution)?,
    ));
    build(site_gen, &root, &four_pm)?;
    rows.push((
        "the day's step: clock at 4 PM (days left, that hour's statuses)",
        publish(&moto, repo, &public, &distribution)?,
    ));

    let mut table = String::from(
        "| Publish | files in site | files sent | of them HTML pages | bytes sent | deleted | invalidated paths |\n\
         |---|--:|--:|--:|--:|--:|--:|\n",
    );
    for (name, s) in &rows {
        let _ = writeln!(
            table,
            "| {name} | {} | {} | {} | {:.1} MB | {} | {} |",
            s.files,
            s.sent,
            s.pages,
            s.bytes as f64 / 1e6,
            s.deleted,
            s.invalidated
        );
    }
    Ok(table)
}
