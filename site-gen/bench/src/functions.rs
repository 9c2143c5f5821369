//! The Lambda functions: zip sizes from `target/lambda/**/bootstrap.zip` (built by
//! `infra/build-functions`) and, where a binary can run on this machine, cold start (process
//! start to first response) against a minimal local Lambda Runtime API.

use anyhow::{Context, Result, bail};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// The zip size target: 4 MB (decimal, the stricter reading).
pub const ZIP_TARGET_BYTES: u64 = 4_000_000;

/// One function's zip and, when measurable, its cold starts.
pub struct Function {
    /// Function name (the zip's directory).
    pub name: String,
    /// Zip path relative to the target directory.
    pub zip: PathBuf,
    /// Zip size in bytes.
    pub zip_bytes: u64,
    /// Cold start median and which binary was started, or why it was not measured.
    pub cold_start: Result<(Duration, String), String>,
}

/// Finds every `bootstrap.zip` below `<target>/lambda` and measures what can be measured.
pub fn measure(target: &Path, registry: Option<&Path>, logs: &Path) -> Vec<Function> {
    let mut zips = Vec::new();
    find_zips(&target.join("lambda"), &mut zips);
    zips.sort();
    zips.into_iter()
        .map(|zip| {
            let dir = zip.parent().unwrap_or(target);
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let zip_bytes = fs::metadata(&zip).map(|m| m.len()).unwrap_or(0);
            let native = target.join("release").join(&name);
            let cold_start = cold_starts(&name, &dir.join("bootstrap"), &native, registry, logs);
            let zip = Path::new("target").join(zip.strip_prefix(target).unwrap_or(&zip));
            Function {
                name,
                zip,
                zip_bytes,
                cold_start,
            }
        })
        .collect()
}

fn find_zips(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_zips(&path, out);
        } else if path.file_name().is_some_and(|n| n == "bootstrap.zip") {
            out.push(path);
        }
    }
}

/// Median of five cold starts of the zip's `bootstrap` when it runs on this machine, else of a
/// native release build of the same binary (`target/release/<name>`), or why neither could run.
fn cold_starts(
    name: &str,
    bootstrap: &Path,
    native: &Path,
    registry: Option<&Path>,
    logs: &Path,
) -> Result<(Duration, String), String> {
    let arch = std::env::consts::ARCH;
    let (binary, label) = if bootstrap.is_file() && runs_here(bootstrap) {
        (bootstrap, "bootstrap".to_string())
    } else if native.is_file() && runs_here(native) {
        (native, format!("native {arch} release build"))
    } else {
        return Err(format!(
            "not measured: arm64 build, this machine is {arch}, and no `target/release/{name}`"
        ));
    };
    let Some(registry) = registry else {
        return Err("not measured: no registry.json built".into());
    };
    let event = if name.contains("mail") {
        STREAM_EVENT
    } else {
        URL_EVENT
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        let time = cold_start(binary, event, registry, logs)
            .map_err(|e| format!("not measured: {e:#}"))?;
        times.push(time);
    }
    times.sort();
    Ok((times[times.len() / 2], label))
}

/// Whether an ELF binary is for this machine's architecture.
fn runs_here(binary: &Path) -> bool {
    let mut header = [0u8; 20];
    let read = File::open(binary).and_then(|mut f| f.read_exact(&mut header));
    let machine = u16::from_le_bytes([header[18], header[19]]);
    let here = match std::env::consts::ARCH {
        "x86_64" => 62,
        "aarch64" => 183,
        _ => return false,
    };
    read.is_ok() && &header[..4] == b"\x7fELF" && machine == here
}

/// A Lambda function URL request that fails form validation (no AWS call needed to answer).
const URL_EVENT: &str = r#"{"version":"2.0","routeKey":"$default","rawPath":"/api/proposals","rawQueryString":"","headers":{"host":"bench.lambda-url.ca-central-1.on.aws","content-type":"application/x-www-form-urlencoded"},"requestContext":{"accountId":"123456789012","apiId":"bench","domainName":"bench.lambda-url.ca-central-1.on.aws","domainPrefix":"bench","http":{"method":"POST","path":"/api/proposals","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"bench","routeKey":"$default","stage":"$default","time":"24/Nov/2026:20:00:00 +0000","timeEpoch":1795550400000},"body":"opportunity=bench","isBase64Encoded":false}"#;

/// An empty DynamoDB stream batch.
const STREAM_EVENT: &str = r#"{"Records":[]}"#;

/// Starts the function against a one-shot Runtime API and times spawn to its first response.
fn cold_start(
    binary: &Path,
    event: &'static str,
    registry: &Path,
    logs: &Path,
) -> Result<Duration> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let api = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let accept = {
        let stop = stop.clone();
        thread::spawn(move || {
            let served = Arc::new(AtomicBool::new(false));
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (tx, served) = (tx.clone(), served.clone());
                        thread::spawn(move || runtime_api(conn, event, &served, &tx));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(1)),
                }
            }
        })
    };
    let start = Instant::now();
    let mut child = Command::new(binary)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_LAMBDA_RUNTIME_API", api.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_REGION", "ca-central-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("PROPOSALS_TABLE", "bench")
        .env("MAIL_FROM", "bench@example.gov.bc.ca")
        .env("REGISTRY_PATH", registry)
        .env("LINK_SIGNING_KEY", "bench")
        .env("IP_HASH_KEY", "bench")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(logs.join("cold-start.log"))?)
        .spawn()
        .context("starting the function")?;
    let result = rx.recv_timeout(Duration::from_secs(10));
    let elapsed = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    stop.store(true, Ordering::Relaxed);
    let _ = accept.join();
    match result {
        Ok(Ok(())) => Ok(elapsed),
        Ok(Err(path)) => bail!("the function reported an error at {path}"),
        Err(_) => bail!("no response within 10 s"),
    }
}

/// Serves one Runtime API connection: hands out the event once, reports the first result.
fn runtime_api(
    conn: TcpStream,
    event: &str,
    served: &AtomicBool,
    tx: &mpsc::Sender<Result<(), String>>,
) {
    let _ = conn.set_nonblocking(false);
    let Ok(mut writer) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string();
        if path.ends_with("/invocation/next") {
            if served.swap(true, Ordering::SeqCst) {
                thread::sleep(Duration::from_secs(30)); // Lambda freezes here; we kill first.
                return;
            }
            let _ = write!(
                writer,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: bench-1\r\n\
                 Lambda-Runtime-Deadline-Ms: 4102444800000\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:ca-central-1:123456789012:function:bench\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\n\
                 Content-Length: {}\r\n\r\n{event}",
                event.len()
            );
        } else {
            let _ = tx.send(if path.ends_with("/response") {
                Ok(())
            } else {
                Err(path)
            });
            let _ = write!(
                writer,
                "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{{}}"
            );
        }
    }
}
