//! Publishing sends only what changed (issue 14): `infra/publish_site.py` against S3 and
//! CloudFront in a moto server this test starts. A first publish sends the whole built site; a
//! rebuild with no change sends nothing and invalidates nothing; after one opportunity is
//! withdrawn (set to draft), exactly the files whose bytes changed are sent, its files are
//! deleted, only their addresses are invalidated, and the bucket then holds exactly the build.

use end_to_end::harness::process::ProcessGroup;
use end_to_end::harness::site::Site;
use end_to_end::harness::{artifact_dir, free_port, repo_root, require};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BUCKET: &str = "site";

/// Every key in the bucket, those whose bytes differ from the local folder's file, and the
/// number of invalidations the distribution has.
const STATE: &str = r#"
import boto3, json, os, sys
url, distribution, public = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=url)
objects, differ = [], []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="site"):
    for o in page.get("Contents", []):
        objects.append(o["Key"])
        local = os.path.join(public, o["Key"])
        body = s3.get_object(Bucket="site", Key=o["Key"])["Body"].read()
        if os.path.isfile(local) and open(local, "rb").read() != body:
            differ.append(o["Key"])
cf = boto3.client("cloudfront", endpoint_url=url)
listed = cf.list_invalidations(DistributionId=distribution)["InvalidationList"]
print(json.dumps({"objects": objects, "differ": differ, "invalidations": listed.get("Quantity", 0)}))
"#;

struct Moto {
    _process: ProcessGroup,
    url: String,
    python: PathBuf,
}

impl Moto {
    fn start() -> Self {
        let server = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join(".venv-test/bin/moto_server"));
        let server = require(&server, "moto_server");
        // boto3 comes with moto, in the same environment.
        let python = require(&server.with_file_name("python3"), "Python of moto_server");
        let port = free_port();
        let mut command = Command::new(&server);
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        let log = artifact_dir("publish").join("moto.log");
        let mut process = ProcessGroup::spawn("moto_server", command, &log);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            process.check_alive(&log).unwrap();
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
            python,
        }
    }

    /// Runs `args` with moto's Python and dummy credentials; returns standard output.
    fn python(&self, args: &[&str]) -> String {
        let output = Command::new(&self.python)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "ca-central-1")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Publishes `public` and returns the script's report.
    fn publish(&self, public: &Path, distribution: &str) -> Value {
        let report = tempfile::NamedTempFile::new().unwrap();
        let script = repo_root().join("infra/publish_site.py");
        let line = self.python(&[
            script.to_str().unwrap(),
            public.to_str().unwrap(),
            "--bucket",
            BUCKET,
            "--distribution",
            distribution,
            "--endpoint-url",
            &self.url,
            "--report",
            report.path().to_str().unwrap(),
        ]);
        eprint!("{line}");
        serde_json::from_slice(&fs::read(report.path()).unwrap()).unwrap()
    }

    fn state(&self, distribution: &str, public: &Path) -> Value {
        let public = public.to_str().unwrap();
        serde_json::from_str(&self.python(&["-c", STATE, &self.url, distribution, public])).unwrap()
    }
}

/// Every file under `dir`: key (relative path) → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let key = path.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(key.replace('\\', "/"), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn keys(report: &Value, field: &str) -> BTreeSet<String> {
    report[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_publish_sends_only_the_files_that_changed() {
    let moto = Moto::start();
    let setup = repo_root().join("tests/fixtures/moto-site-bucket.py");
    let distribution = moto
        .python(&[setup.to_str().unwrap(), &moto.url])
        .trim()
        .to_owned();
    let site = Site::built();
    let public = site.public();

    let first = moto.publish(&public, &distribution);
    let built = tree(&public);
    assert_eq!(keys(&first, "uploaded").len(), built.len(), "first: all");
    assert_eq!(first["full"], true);

    // The same content built again: nothing to send, nothing to invalidate.
    site.build();
    let again = moto.publish(&public, &distribution);
    assert_eq!(keys(&again, "uploaded"), BTreeSet::new());
    assert_eq!(keys(&again, "deleted"), BTreeSet::new());
    assert_eq!(again["invalidation"], Value::Null);
    assert_eq!(moto.state(&distribution, &public)["invalidations"], 1);

    // One opportunity withdrawn: its files go, the lists that showed it change.
    let file = site
        .root()
        .join("content/opportunities/permit-status-api.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("status: published", "status: draft")).unwrap();
    site.build();
    let rebuilt = tree(&public);
    let changed: BTreeSet<String> = rebuilt
        .iter()
        .filter(|(key, bytes)| built.get(*key) != Some(bytes))
        .map(|(key, _)| key.clone())
        .collect();
    let removed: BTreeSet<String> = built
        .keys()
        .filter(|key| !rebuilt.contains_key(*key))
        .cloned()
        .collect();
    let after = moto.publish(&public, &distribution);
    assert_eq!(keys(&after, "uploaded"), changed);
    assert!(
        changed.contains("opportunities/index.html") && changed.len() < rebuilt.len() / 2,
        "{} of {} files changed",
        changed.len(),
        rebuilt.len()
    );
    assert_eq!(keys(&after, "deleted"), removed);
    assert!(removed.contains("opportunities/permit-status-api/index.html"));
    let invalidated = keys(&after, "invalidated");
    assert!(invalidated.contains("/opportunities/"));
    assert!(invalidated.contains("/opportunities/permit-status-api/"));
    assert!(!invalidated.contains("/*"), "{invalidated:?}");
    assert_eq!(moto.state(&distribution, &public)["invalidations"], 2);

    // The bucket holds exactly the build (and the manifest), each file's latest bytes.
    let state = moto.state(&distribution, &public);
    let mut expected: BTreeSet<String> = rebuilt.keys().cloned().collect();
    expected.insert(".publish-manifest.json".into());
    assert_eq!(keys(&state, "objects"), expected);
    assert_eq!(keys(&state, "differ"), BTreeSet::new());
}
