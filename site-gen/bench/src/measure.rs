//! Runs one child process and measures its wall time, CPU time and peak resident memory with
//! `wait4`, which reports the resource usage of exactly that child.

use anyhow::{Context, Result, bail};
use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Resource usage of one run.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// CPU time in user mode.
    pub user: Duration,
    /// CPU time in the kernel (for a build: mostly creating and writing files).
    pub sys: Duration,
    /// Peak resident set size in KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
}

/// Runs `cmd` to completion with stdout discarded and stderr kept in `stderr_log`; fails with
/// the end of stderr when it exits unsuccessfully.
pub fn run(cmd: &mut Command, stderr_log: &Path) -> Result<Sample> {
    let log =
        File::create(stderr_log).with_context(|| format!("creating {}", stderr_log.display()))?;
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log);
    let start = Instant::now();
    let child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value that wait4 overwrites.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; `pid` is our own unreaped child (std's `Child` never
        // waits unless asked, so reaping it here is sound).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err).context("wait4");
        }
    }
    let wall = start.elapsed();
    drop(child);
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let stderr = fs::read_to_string(stderr_log).unwrap_or_default();
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{cmd:?} failed (wait status {status}):\n{}",
            tail.join("\n")
        );
    }
    Ok(Sample {
        wall,
        user: timeval(usage.ru_utime),
        sys: timeval(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss as u64,
    })
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

/// Median of `values` (mean of the two middle values for an even count); `None` when empty.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median([3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median([]), None);
    }

    #[test]
    fn measures_a_child_and_reports_failure() {
        let log = std::env::temp_dir().join(format!("bench-measure-{}.log", std::process::id()));
        let sample = run(Command::new("sh").args(["-c", "sleep 0.05"]), &log).unwrap();
        assert!(sample.wall >= Duration::from_millis(50));
        assert!(sample.max_rss_kib > 0);
        let err = run(
            Command::new("sh").args(["-c", "echo boom >&2; exit 3"]),
            &log,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("boom"));
        let _ = fs::remove_file(log);
    }
}
