//! `site-gen serve` end to end: the real binary on a copy of the repository's content and theme,
//! spoken to over plain HTTP/1.1.

mod common;

use cwu_domain::proposal::{ACCEPTED, field};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `site-gen serve`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    site: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response, headers and body as text.
struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Serve {
    /// Copies `content/` and `themes/` into a temporary site and serves it on a free port.
    fn start() -> Serve {
        let site = common::site_copy();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(site.path().join("serve.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .args(["serve", "--root"])
            .arg(site.path())
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let serve = Serve { child, port, site };
        serve.wait_for("the server to answer", || {
            serve
                .try_request("GET", "/", "", "")
                .is_ok_and(|r| r.status == 200)
        });
        serve
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.site.path().join(relative)
    }

    /// Sends one request (`Connection: close`) and reads the whole response.
    fn try_request(
        &self,
        method: &str,
        target: &str,
        headers: &str,
        body: &str,
    ) -> std::io::Result<Response> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        let raw = String::from_utf8_lossy(&raw);
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Response {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        })
    }

    fn get(&self, target: &str) -> Response {
        self.try_request("GET", target, "", "").unwrap()
    }

    /// Polls `ready` for up to a minute (debug builds on two shared cores are slow).
    fn wait_for(&self, what: &str, mut ready: impl FnMut() -> bool) {
        let started = Instant::now();
        while !ready() {
            if started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(self.path("serve.log")).unwrap_or_default();
                panic!("timed out waiting for {what}; serve's log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Rewrites a file in the site with `edit` applied to its text.
    fn edit(&self, relative: &str, edit: impl FnOnce(&str) -> String) {
        let path = self.path(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(&text)).unwrap();
    }
}

const OPEN: &str = "permit-status-api";
const OPEN_FILE: &str = "content/opportunities/permit-status-api.md";
const OVERLAY: &str = r#"id="site-gen-problems""#;

#[test]
fn serves_the_site_the_api_and_live_changes() {
    let serve = Serve::start();

    let home = serve.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("/__site-gen/live.js"), "live reload");
    assert!(!home.body.contains(OVERLAY), "no overlay while all is well");

    let missing = serve.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404 page"
    );

    for sneaky in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2F..%2F..%2Fcontent%2Fsite.yaml",
    ] {
        let response = serve.get(sneaky);
        assert!(
            matches!(response.status, 400 | 404),
            "{sneaky}: {}",
            response.status
        );
        assert!(!response.body.contains("root:"), "{sneaky}");
        assert!(!response.body.contains("terms_version"), "{sneaky}");
    }

    submits_a_proposal(&serve);
    shows_edits_and_problems(&serve);
    follows_wiki_edits_and_deletions(&serve);
}

fn submits_a_proposal(serve: &Serve) {
    let site: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(serve.path("content/site.yaml")).unwrap())
            .unwrap();
    let terms = site["terms_version"].as_str().unwrap();
    let fields = [
        (field::OPPORTUNITY, OPEN),
        (field::PROPONENT_TYPE, "individual"),
        (field::LEGAL_NAME, "Ada Lovelace"),
        (field::EMAIL, "ada@example.com"),
        (field::PHONE, ""),
        (
            field::PROPOSAL,
            "I will build the permit status API in Rust & test it.",
        ),
        (field::COMMENTS, ""),
        (field::ACCEPT_TERMS, ACCEPTED),
        (field::TERMS_VERSION, terms),
        (field::HONEYPOT, ""),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| {
            let value =
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC);
            format!("{name}={value}")
        })
        .collect();
    let response = serve
        .try_request(
            "POST",
            "/api/proposals",
            "Content-Type: application/x-www-form-urlencoded\r\n",
            &body.join("&"),
        )
        .unwrap();
    assert_eq!(response.status, 303, "{}\n{}", response.head, response.body);
    let outbox = serve.path(".local/outbox");
    let emails = || {
        std::fs::read_dir(&outbox).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
                .count()
        })
    };
    // Sealed: only the receipt; the owner hears of proposals at the deadline.
    serve.wait_for("the receipt", || emails() == 1);
}

fn shows_edits_and_problems(serve: &Serve) {
    let page = format!("/opportunities/{OPEN}/");
    let old_title = "Permit status API for the Ministry of Forests";
    assert!(serve.get(&page).body.contains(old_title));

    let new_title = "Permit status service for the Ministry of Forests";
    serve.edit(OPEN_FILE, |text| text.replacen(old_title, new_title, 1));
    serve.wait_for("the edited title", || {
        serve.get(&page).body.contains(new_title)
    });
    serve.wait_for("the board to list the new title", || {
        serve.get("/opportunities/").body.contains(new_title)
    });

    serve.edit(OPEN_FILE, |text| {
        text.replacen("reward: 42000", "reward: $42,000", 1)
    });
    serve.wait_for("the problems overlay", || {
        let page = serve.get(&page);
        page.body.contains(OVERLAY) && page.body.contains("reward")
    });
    let broken = serve.get(&page);
    assert!(broken.body.contains(new_title), "the last good page stays");
    assert!(
        broken.body.contains("permit-status-api.md"),
        "names the file"
    );

    serve.edit(OPEN_FILE, |text| {
        text.replacen("reward: $42,000", "reward: 42000", 1)
    });
    serve.wait_for("the overlay to go", || {
        !serve.get(&page).body.contains(OVERLAY)
    });
}

fn follows_wiki_edits_and_deletions(serve: &Serve) {
    let added = "Edited while serve was running.";
    serve.edit("content/wiki/faq.md", |text| format!("{text}\n{added}\n"));
    serve.wait_for("the edited wiki page", || {
        serve.get("/wiki/faq/").body.contains(added)
    });

    let gone = "wildfire-map-tiles";
    assert_eq!(serve.get(&format!("/opportunities/{gone}/")).status, 200);
    std::fs::remove_file(serve.path(&format!("content/opportunities/{gone}.md"))).unwrap();
    serve.wait_for("the deleted opportunity's page to go", || {
        serve.get(&format!("/opportunities/{gone}/")).status == 404
    });
    serve.wait_for("the board to drop it", || {
        !serve
            .get("/opportunities/")
            .body
            .contains(&format!("/opportunities/{gone}/"))
    });
}

#[test]
fn hostile_clients_cannot_redirect_away_or_exhaust_the_server() {
    let serve = Serve::start();

    // A folder's address without its slash redirects on this site, never to `//host/`.
    for sneaky in ["//opportunities", "///wiki"] {
        let response = serve.get(sneaky);
        assert_eq!(response.status, 301, "{sneaky}");
        let location = response
            .head
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .unwrap_or_default();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{sneaky} → {location}"
        );
    }

    // Idle connections beyond the cap neither take descriptors nor stop the server.
    let idle: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", serve.port)).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let descriptors = std::fs::read_dir(format!("/proc/{}/fd", serve.child.id()))
        .unwrap()
        .count();
    assert!(descriptors < 350, "{descriptors} descriptors open");
    // An idle client is disconnected once the header timeout passes.
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut byte = [0u8; 1];
    match first.read(&mut byte) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("an idle connection stays open: {other:?}"),
    }
    serve.wait_for("the server to answer again", || {
        serve
            .try_request("GET", "/", "", "")
            .is_ok_and(|r| r.status == 200)
    });
}
