//! A real moto server (AWS APIs over HTTP) started by the test itself on a free loopback port.
//!
//! Each test starts its own server, so the mail it reads back from `/moto-api/data.json` is only
//! its own, and builds SDK clients pointed at it through config (never process-global env, since
//! tests run in parallel threads).
//!
//! moto handles requests on parallel threads without locking its tables: its `TransactWriteItems`
//! deep-copies a table while other threads write it (HTTP 500, "dictionary changed size during
//! iteration") and checks conditions non-atomically. Real DynamoDB applies each request
//! atomically, so the harness runs `moto_server`'s own `main` with one lock around each request:
//! connections stay concurrent (our side still races), each request is atomic as in AWS.
//! moto also deep-copies the whole table, stream included, before every transaction so it can
//! roll back, which makes N transactions cost O(N²) (200 proposals took minutes); the harness
//! snapshots just the key-to-item maps and the stream list instead, which restores exactly
//! what a transaction of `Put`s (all this store uses) can change.

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The region every test client uses.
pub const REGION: &str = "ca-central-1";

/// A running moto server, killed when dropped.
pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
}

/// One message SES accepted, as moto recorded it.
#[derive(Debug, Clone)]
pub struct SentRaw {
    /// Envelope recipients.
    pub destinations: Vec<String>,
    /// The whole MIME message.
    pub raw: String,
}

fn moto_binary() -> PathBuf {
    let path = std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv-test/bin/moto_server")
        });
    assert!(
        path.is_file(),
        "moto_server not found at {}: run tests/install-deps (or set MOTO_SERVER)",
        path.display()
    );
    path
}

/// `moto_server`'s `main` with each request run under one lock, and a cheap transaction
/// snapshot (see the module docs).
const SERIALIZED_MAIN: &str = r#"
import copy, sys, threading
from collections import defaultdict
import moto.server as server
from moto.dynamodb.models.table import Table

def snapshot(table, memo):
    # What TransactWriteItems restores on cancellation: the key -> item maps and the stream.
    # Items are shared, not copied: a Put replaces an item object, never mutates it.
    new = copy.copy(table)
    new.items = defaultdict(dict)
    for hash_key, value in table.items.items():
        new.items[hash_key] = dict(value) if isinstance(value, dict) else value
    if table.stream_shard is not None:
        shard = copy.copy(table.stream_shard)
        shard.items = list(table.stream_shard.items)
        shard.table = new
        new.stream_shard = shard
    return new

Table.__deepcopy__ = snapshot

real_run_simple = server.run_simple
lock = threading.Lock()

def run_simple(host, port, app, **options):
    def one_at_a_time(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
    return real_run_simple(host, port, one_at_a_time, **options)

server.run_simple = run_simple
server.main(sys.argv[1:])
"#;

/// The Python interpreter of the `moto_server` script (its `#!` line), so the venv's is used.
fn interpreter_of(script: &std::path::Path) -> PathBuf {
    let text = std::fs::read_to_string(script)
        .unwrap_or_else(|e| panic!("reading {}: {e}", script.display()));
    let shebang = text.lines().next().unwrap_or_default();
    let python = shebang
        .strip_prefix("#!")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.contains(' '))
        .unwrap_or_else(|| {
            panic!(
                "{} does not start with a #!/path/to/python line: run tests/install-deps",
                script.display()
            )
        });
    PathBuf::from(python)
}

fn log_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("moto-logs");
    std::fs::create_dir_all(&dir).expect("create the moto log folder");
    dir
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

impl Moto {
    /// Starts moto on a free port and waits until it answers.
    pub fn start() -> Moto {
        let binary = moto_binary();
        let python = interpreter_of(&binary);
        let mut last_error = String::new();
        // A port found free can be taken before moto binds it: try a few.
        for _ in 0..3 {
            let port = free_port();
            // Werkzeug logs each request and any server-side traceback on stderr: keep it in a
            // file under the target directory for diagnosing failures.
            let log_path = log_dir().join(format!("moto-{port}.log"));
            let log = std::fs::File::create(&log_path)
                .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));
            let mut command = Command::new(&python);
            command
                .args([
                    "-c",
                    SERIALIZED_MAIN,
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log);
            let child = command
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
            let mut moto = Moto {
                child,
                port,
                log: log_path,
            };
            match moto.wait_ready(Duration::from_secs(30)) {
                Ok(()) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                let stderr = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("exited with {status}: {stderr}"));
            }
            if matches!(self.http("GET", "/moto-api/", ""), Ok((200, _))) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("not ready after {timeout:?}"))
    }

    /// The server's log (request lines and server-side tracebacks).
    pub fn log(&self) -> &std::path::Path {
        &self.log
    }

    /// The endpoint URL for SDK clients.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK config pointing at this server with test credentials.
    pub async fn sdk_config(&self) -> SdkConfig {
        self.sdk_config_at(&self.url()).await
    }

    /// SDK config for an arbitrary endpoint (e.g. a closed port, to make calls fail).
    pub async fn sdk_config_at(&self, endpoint: &str) -> SdkConfig {
        functions::aws::sdk::defaults()
            .region(Region::new(REGION))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test", "test", None, None, "moto",
            ))
            .endpoint_url(endpoint)
            .load()
            .await
    }

    /// A minimal HTTP/1.0 request, so the harness needs no HTTP client crate.
    fn http(&self, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
        self.http_with(method, path, "", body)
    }

    /// A request with extra header lines (each ending in CRLF).
    fn http_with(
        &self,
        method: &str,
        path: &str,
        headers: &str,
        body: &str,
    ) -> Result<(u16, String), String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| e.to_string())?;
        let response = String::from_utf8(response).map_err(|e| e.to_string())?;
        let (head, body) = response.split_once("\r\n\r\n").ok_or("no end of headers")?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("no status")?;
        Ok((status, body.to_owned()))
    }

    /// moto's whole recorded state (`GET /moto-api/data.json`).
    pub fn data(&self) -> serde_json::Value {
        let (status, body) = self
            .http("GET", "/moto-api/data.json", "")
            .expect("GET /moto-api/data.json");
        assert_eq!(status, 200, "data.json: {body}");
        serde_json::from_str(&body).expect("data.json is JSON")
    }

    /// Every raw message SES accepted so far, in order.
    pub fn sent_raw(&self) -> Vec<SentRaw> {
        let data = self.data();
        let list = data["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        list.iter()
            .map(|m| SentRaw {
                destinations: m["destinations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect(),
                raw: m["raw_data"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }
}

impl Moto {
    /// One DynamoDB Streams API call (JSON protocol; moto routes it by the target header).
    fn streams_api(&self, operation: &str, payload: serde_json::Value) -> serde_json::Value {
        let headers = format!(
            "X-Amz-Target: DynamoDBStreams_20120810.{operation}\r\n\
             Content-Type: application/x-amz-json-1.0\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/dynamodb/aws4_request, \
             SignedHeaders=host, Signature=0\r\n"
        );
        let (status, body) = self
            .http_with("POST", "/", &headers, &payload.to_string())
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        assert_eq!(status, 200, "{operation}: {body}");
        serde_json::from_str(&body).expect("a JSON answer")
    }

    /// Every record on the table's stream so far, shaped as the event Lambda hands `send-mail`
    /// (`{"Records": [...]}`, the records as DynamoDB Streams returns them).
    pub fn stream_event(&self, stream_arn: &str) -> serde_json::Value {
        let description = self.streams_api(
            "DescribeStream",
            serde_json::json!({"StreamArn": stream_arn}),
        );
        let mut records = Vec::new();
        for shard in description["StreamDescription"]["Shards"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let iterator = self.streams_api(
                "GetShardIterator",
                serde_json::json!({
                    "StreamArn": stream_arn,
                    "ShardId": shard["ShardId"],
                    "ShardIteratorType": "TRIM_HORIZON",
                }),
            );
            let mut iterator = iterator["ShardIterator"].clone();
            while iterator.is_string() {
                let page = self.streams_api(
                    "GetRecords",
                    serde_json::json!({"ShardIterator": iterator, "Limit": 1000}),
                );
                let batch = page["Records"].as_array().cloned().unwrap_or_default();
                if batch.is_empty() {
                    break;
                }
                records.extend(batch);
                iterator = page["NextShardIterator"].clone();
            }
        }
        for record in &mut records {
            record["eventSourceARN"] = serde_json::Value::String(stream_arn.to_owned());
        }
        serde_json::json!({ "Records": records })
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates the proposals table exactly as the SAM template does: `pk`/`sk` strings, on-demand,
/// the sparse pending-mail index, a keys-only stream, TTL on `expires_at`.
pub async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    };
    let attribute = |name: &str, kind| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(kind)
            .build()
            .unwrap()
    };
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .attribute_definitions(attribute("pk", ScalarAttributeType::S))
        .attribute_definitions(attribute("sk", ScalarAttributeType::S))
        .attribute_definitions(attribute("outbox", ScalarAttributeType::S))
        .attribute_definitions(attribute("created_ms", ScalarAttributeType::N))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(functions::aws::dynamodb::PENDING_INDEX)
                .key_schema(key("outbox", KeyType::Hash))
                .key_schema(key("created_ms", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("create table");
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires_at")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("enable TTL");
}

/// Verifies `address` as an SES sender (moto verifies at once).
pub async fn verify_sender(client: &aws_sdk_sesv2::Client, address: &str) {
    client
        .create_email_identity()
        .email_identity(address)
        .send()
        .await
        .expect("create SES identity");
}

/// A table name no other test uses.
pub fn unique_table(test: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("proposals-{test}-{}-{n}", std::process::id())
}

/// What every AWS test starts from: its own emulator, SDK clients on it and a fresh table.
pub struct Started {
    /// The emulator (stopped when dropped).
    pub moto: Moto,
    /// DynamoDB on the emulator.
    pub ddb: aws_sdk_dynamodb::Client,
    /// SES on the emulator.
    pub ses: aws_sdk_sesv2::Client,
    /// The table just created.
    pub table: String,
}

/// Starts an emulator for `test` (its log's path printed, shown with a failing test's output)
/// with a fresh table, and `sender` verified in SES when given.
pub async fn start(test: &str, sender: Option<&str>) -> Started {
    let moto = Moto::start();
    eprintln!("{test}: moto log at {}", moto.log().display());
    let sdk = moto.sdk_config().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let ses = aws_sdk_sesv2::Client::new(&sdk);
    let table = unique_table(test);
    create_table(&ddb, &table).await;
    if let Some(sender) = sender {
        verify_sender(&ses, sender).await;
    }
    Started {
        moto,
        ddb,
        ses,
        table,
    }
}
