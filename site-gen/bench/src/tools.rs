//! The programs the benchmark drives: installing Hugo, building site-gen, and describing the
//! machine and versions for the report.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Installs Debian's `hugo` unless a `hugo` is already on `PATH`; returns its version line.
pub fn ensure_hugo() -> Result<String> {
    if let Some(version) = hugo_version() {
        return Ok(version);
    }
    eprintln!("bench: installing Debian's hugo");
    let status = Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "-o",
            "DPkg::Lock::Timeout=600",
            "hugo",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("running apt-get")?;
    if !status.success() {
        bail!("apt-get install hugo failed ({status}); try `apt-get update` first");
    }
    hugo_version().context("hugo is still not runnable after installing it")
}

fn hugo_version() -> Option<String> {
    let out = Command::new("hugo")
        .arg("version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Builds `site-gen` in release mode and returns the binary's path.
pub fn build_site_gen(repo: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "site-gen"])
        .current_dir(repo)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build --release -p site-gen` failed ({status})");
    }
    built_site_gen(repo)
}

/// The path of the release `site-gen` binary, which must exist.
pub fn built_site_gen(repo: &Path) -> Result<PathBuf> {
    let binary = target_dir(repo).join("release/site-gen");
    if !binary.is_file() {
        bail!("{} was not built", binary.display());
    }
    Ok(binary)
}

/// The path of the debug `site-gen` binary, which must exist.
pub fn debug_site_gen(repo: &Path) -> Result<PathBuf> {
    let binary = target_dir(repo).join("debug/site-gen");
    if !binary.is_file() {
        bail!("{} was not built", binary.display());
    }
    Ok(binary)
}

/// The cargo target directory (`CARGO_TARGET_DIR` or `<repo>/target`).
pub fn target_dir(repo: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"))
}

/// One line describing the CPU and core count.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    format!(
        "{model}, {cores} cores, {:.0} GB RAM",
        mem_kib as f64 / 1024.0 / 1024.0
    )
}

/// Short commit of the work tree (with `+dirty` when site-gen has uncommitted changes).
pub fn commit(repo: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(repo)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = git(&["status", "--porcelain", "--", "site-gen/src", "themes"])
        .is_some_and(|s| !s.is_empty());
    if dirty { format!("{head}+dirty") } else { head }
}

/// The 1-minute load average (other work on the machine skews wall times).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
