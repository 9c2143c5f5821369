//! The submit handler: from a form POST to a stored proposal, its mails and a 303 to the
//! receipt, or a page saying exactly what went wrong.
//!
//! Order of checks (first failure wins): size 413, content type 415, encoding 400, unknown
//! opportunity 404, not accepting proposals by this function's clock 410, field rules 422,
//! storage 503.
//!
//! **Spam.** A filled honeypot (`website`) most likely means a program, but an autofill
//! extension can fill it for a person: the proposal is stored, held as suspected spam and
//! answered with an honest 202 "held for a check" page instead of the receipt
//! ([`crate::quarantine`]). People never see the field (visually hidden, out of the tab
//! order, `aria-hidden`, `autocomplete=off`).

mod pages;

use crate::decode::decode;
use crate::handler::Deps;
use crate::outbox;
use crate::receipt;
use crate::record::{Recorded, Submitter, Via, record};
use crate::response::message;
use crate::store::StoredProposal;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{Request, Response, StatusCode, header};
use pages::{already_submitted, closed, invalid, not_saved};
pub use pages::{refused, typed_text};
use sha2::Sha256;
use std::net::IpAddr;

/// The client's address, put in the request's extensions by whoever accepted the connection
/// (`serve`: the socket peer; Lambda: the request context or CloudFront's `X-Forwarded-For`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The longest user agent kept.
const MAX_USER_AGENT: usize = 512;

/// Hex HMAC-SHA-256 of the address under `key`. Not anonymous: whoever holds the key can try
/// all 2^32 IPv4 addresses, so the hash is kept and protected like the email address.
pub fn hash_ip(key: &str, ip: IpAddr) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(b"ip\0");
    mac.update(ip.to_string().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Who sent the request, from its extensions and headers.
pub fn submitter(request: &Request<Bytes>, secret: &str) -> Submitter {
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map(|c| c.0)
        .or_else(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
        });
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(MAX_USER_AGENT)
                .collect::<String>()
        })
        .filter(|v| !v.is_empty());
    Submitter {
        client_ip_hash: ip.map(|ip| hash_ip(secret, ip)),
        user_agent,
        filled_honeypot: false,
    }
}

/// Handles `POST /api/proposals` (see the module documentation for the responses).
pub async fn submit(request: &Request<Bytes>, deps: &Deps<'_>) -> Response<Bytes> {
    let Deps {
        store,
        mailer,
        registry,
        config,
        now,
    } = *deps;
    let form = match decode(request) {
        Ok(form) => form,
        Err(error) => return refused(registry, &error),
    };
    let slug = form.opportunity.trim();
    let Some(opportunity) = registry.get(slug) else {
        return message(
            StatusCode::NOT_FOUND,
            Some(registry),
            "Opportunity not found",
            &["There is no opportunity with this address, so your proposal was not saved."],
            crate::response::BOARD_LINK,
        );
    };
    let status = opportunity.status_at(now);
    if !status.accepts_proposals() {
        return closed(registry, opportunity, &form, now);
    }
    let fields = match form.validate(&registry.site.terms_version) {
        Ok(fields) => fields,
        Err(errors) => return invalid(registry, opportunity, &form, &errors),
    };
    let manage_url = |reference: &str| {
        crate::links::manage_url(
            config,
            registry,
            slug,
            reference,
            opportunity.proposal_deadline,
        )
    };
    let build_mails = |proposal: &StoredProposal| {
        if proposal.suspected_spam {
            return Ok(Vec::new()); // see crate::quarantine: no mail to a typed address
        }
        crate::compose_mail::receipt(
            proposal,
            opportunity,
            &registry.site,
            &config.mail_from,
            &manage_url(proposal.reference()),
        )
        .map(|mail| vec![mail])
    };
    let submitter = Submitter {
        filled_honeypot: form.is_spam(),
        ..submitter(request, &config.ip_hash_key)
    };
    if submitter.filled_honeypot {
        eprintln!("functions: honeypot filled for {slug}; held as suspected spam");
    }
    match record(
        store,
        fields,
        &submitter,
        now,
        Via::PublicForm,
        &build_mails,
    )
    .await
    {
        Ok(Recorded::Exists(current)) => {
            // Nothing changes; the address that owns the proposal gets its link again.
            let reminder = crate::compose_mail::already_submitted(
                &current,
                opportunity,
                &registry.site,
                &config.mail_from,
                &manage_url(current.reference()),
                now,
            );
            match reminder {
                Ok(mail) => {
                    if let Err(error) = outbox::queue(store, mailer, config, &[mail], now).await {
                        eprintln!("functions: reminder for {slug} not stored: {error}");
                    }
                }
                Err(error) => eprintln!("functions: reminder for {slug} not composed: {error}"),
            }
            already_submitted(registry, opportunity, &form)
        }
        Ok(recorded) if recorded.proposal().suspected_spam => {
            crate::quarantine::received(registry, opportunity, recorded.proposal())
        }
        Ok(recorded) => {
            if let Recorded::New(_, mails) = &recorded {
                outbox::send_after_store(store, mailer, config, mails, now).await;
            }
            let p = recorded.proposal();
            crate::response::see_other(&receipt::url(&config.signing_key, slug, &p.id, p.version))
        }
        Err(error) => {
            eprintln!("functions: proposal for {slug} not saved: {error}");
            not_saved(registry, opportunity, &form)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::RedbStore;
    use crate::store::{ProposalKey, ProposalStore};
    use crate::testing::{
        self, CANCELLED, CLOSED, OPEN, RecordingMailer, UnavailableStore, app_at, encode, fields,
        post, text,
    };
    use crate::{AfterSubmit, App};
    use cwu_domain::proposal::field;
    use http::Method;
    use jiff::{SignedDuration, Timestamp};
    use std::sync::Arc;

    struct Setup {
        _dir: tempfile::TempDir,
        store: Arc<RedbStore>,
        mailer: Arc<RecordingMailer>,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(RedbStore::open(&dir.path().join("p.redb")).unwrap());
        Setup {
            _dir: dir,
            store,
            mailer: Arc::new(RecordingMailer::default()),
        }
    }

    impl Setup {
        fn app_at(&self, at: Timestamp) -> App {
            app_at(
                self.store.clone(),
                self.mailer.clone(),
                AfterSubmit::SendNew,
                at,
            )
        }
        fn app(&self) -> App {
            self.app_at(testing::now())
        }
    }

    fn with(changes: &[(&str, &str)]) -> String {
        let mut pairs = fields("ana@example.org", "My proposal.");
        for (name, value) in changes {
            for pair in pairs.iter_mut().filter(|p| p.0 == *name) {
                pair.1 = (*value).to_owned();
            }
        }
        encode(&pairs)
    }

    fn assert_secure(response: &Response<Bytes>) {
        let h = response.headers();
        assert!(h.get(header::CONTENT_SECURITY_POLICY).is_some());
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
    }

    #[tokio::test]
    async fn success_redirects_to_a_receipt_without_private_data() {
        let s = setup();
        let response = s.app().handle(post(with(&[]))).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_secure(&response);
        let location = response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(location.starts_with("/api/proposals/receipt?opportunity=permit-api&id="));
        assert!(!location.contains("ana") && !location.contains("%40"));

        let receipt = s
            .app()
            .handle(Request::get(&location).body(Bytes::new()).unwrap())
            .await;
        assert_eq!(receipt.status(), StatusCode::OK);
        assert_secure(&receipt);
        let body = text(&receipt);
        let stored = s.store.proposals(OPEN).await.unwrap().remove(0);
        assert!(body.contains(&stored.id) && body.contains("<dd>1</dd>"));
        assert!(body.contains("Permit status API") && body.contains("What happens next"));
        assert!(!body.contains("ana@example.org"));
        let head = Request::builder()
            .method(Method::HEAD)
            .uri(&location)
            .body(Bytes::new());
        let head = s.app().handle(head.unwrap()).await;
        assert_eq!(head.status(), StatusCode::OK);
        assert!(head.body().is_empty());

        let forged = location.replace("version=1", "version=7");
        let forged = s
            .app()
            .handle(Request::get(forged).body(Bytes::new()).unwrap())
            .await;
        assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn field_errors_give_422_with_the_values_kept() {
        let s = setup();
        let body = with(&[
            (field::EMAIL, "not an address"),
            (field::PROPONENT_TYPE, "organization"),
            (field::LEGAL_NAME, "Ana <b>Lee</b>"),
        ]);
        let response = s.app().handle(post(body)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_secure(&response);
        let html = text(&response);
        assert!(html.contains("<title>Error: check your proposal for Permit status API"));
        assert!(html.contains(r#"class="error-summary""#));
        assert!(html.contains(r##"href="#proposal-email""##));
        assert!(html.contains(r##"href="#proposal-organization_name""##));
        assert!(html.contains(r#"value="not an address""#));
        assert!(html.contains("Ana &lt;b&gt;Lee&lt;/b&gt;"));
        assert!(html.contains("My proposal."));
        assert!(html.contains(r#"value="organization" required checked"#));
        assert!(s.store.proposals(OPEN).await.unwrap().is_empty());
        assert!(s.mailer.sent().is_empty());

        let old_terms = s
            .app()
            .handle(post(with(&[(field::TERMS_VERSION, "2025-01")])))
            .await;
        assert_eq!(old_terms.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&old_terms).contains("changed to version 2026-06"));
    }

    #[tokio::test]
    async fn unknown_closed_and_cancelled_opportunities() {
        let s = setup();
        let app = s.app();
        let unknown = app
            .handle(post(with(&[(field::OPPORTUNITY, "nope")])))
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let closed = app
            .handle(post(with(&[(field::OPPORTUNITY, CLOSED)])))
            .await;
        assert_eq!(closed.status(), StatusCode::GONE);
        assert!(text(&closed).contains("closed on"));
        let cancelled = app
            .handle(post(with(&[(field::OPPORTUNITY, CANCELLED)])))
            .await;
        assert_eq!(cancelled.status(), StatusCode::GONE);
        assert!(text(&cancelled).contains("Cancelled"));
        assert!(s.store.proposals(CLOSED).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_deadline_is_checked_by_the_handlers_clock() {
        let s = setup();
        let deadline = testing::registry().get(OPEN).unwrap().proposal_deadline;
        let second = SignedDuration::from_secs(1);
        let before = s.app_at(deadline - second).handle(post(with(&[]))).await;
        assert_eq!(
            before.status(),
            StatusCode::SEE_OTHER,
            "open one second before"
        );
        let at = s
            .app_at(deadline)
            .handle(post(with(&[(field::PROPOSAL, "Changed at the deadline.")])))
            .await;
        assert_eq!(
            at.status(),
            StatusCode::GONE,
            "closed at the deadline itself"
        );
        let after = s.app_at(deadline + second).handle(post(with(&[]))).await;
        assert_eq!(after.status(), StatusCode::GONE);
        let history = s
            .store
            .history(&ProposalKey {
                opportunity: OPEN.into(),
                email: "ana@example.org".into(),
            })
            .await
            .unwrap();
        assert_eq!(history.len(), 1, "nothing stored after the deadline");
    }

    #[tokio::test]
    async fn transport_errors_have_their_statuses() {
        let s = setup();
        let app = s.app();
        let get = app
            .handle(Request::get("/api/proposals").body(Bytes::new()).unwrap())
            .await;
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(get.headers()[header::ALLOW], "POST");
        assert_secure(&get);
        let put_receipt = Request::put("/api/proposals/receipt")
            .body(Bytes::new())
            .unwrap();
        let put_receipt = app.handle(put_receipt).await;
        assert_eq!(put_receipt.headers()[header::ALLOW], "GET, HEAD");

        let json = Request::post("/api/proposals")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(with(&[])))
            .unwrap();
        assert_eq!(
            app.handle(json).await.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let huge = "a".repeat(cwu_domain::proposal::limits::BODY_BYTES + 1);
        assert_eq!(
            app.handle(post(huge)).await.status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let bad =
            post(format!("{}&legal_name=%FF", with(&[])).replacen("legal_name=Ana+Lee&", "", 1));
        assert_eq!(app.handle(bad).await.status(), StatusCode::BAD_REQUEST);
        let dup = post(format!("{}&legal_name=Eve", with(&[])));
        let dup = app.handle(dup).await;
        assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
        assert!(text(&dup).contains("legal_name"));
        let elsewhere = app
            .handle(Request::get("/api/other").body(Bytes::new()).unwrap())
            .await;
        assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
        assert!(s.store.proposals(OPEN).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_filled_honeypot_is_kept_held_and_said_so() {
        let s = setup();
        let response = s
            .app()
            .handle(post(with(&[(field::HONEYPOT, "http://spam.test")])))
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_secure(&response);
        let html = text(&response);
        assert!(html.contains("held for a check") && html.contains("My proposal."));
        let stored = s.store.proposals(OPEN).await.unwrap();
        assert!(stored.len() == 1 && stored[0].suspected_spam);
        assert!(
            s.store.pending_mail(10).await.unwrap().is_empty(),
            "no receipt"
        );
        assert!(s.mailer.sent().is_empty());
    }

    #[tokio::test]
    async fn storage_failure_is_503_and_keeps_the_text() {
        let mailer = Arc::new(RecordingMailer::default());
        let app = app_at(
            Arc::new(UnavailableStore),
            mailer.clone(),
            AfterSubmit::SendNew,
            testing::now(),
        );
        let response = app.handle(post(with(&[]))).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "60");
        let html = text(&response);
        assert!(html.contains("was not saved") && html.contains("nothing was saved"));
        assert!(
            html.contains("My proposal."),
            "the text comes back in the form"
        );
        assert!(mailer.sent().is_empty());
    }

    #[test]
    fn hashes_are_stable_and_salted() {
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(hash_ip("a", ip), hash_ip("a", ip));
        assert_ne!(hash_ip("a", ip), hash_ip("b", ip));
        assert_eq!(hash_ip("a", ip).len(), 64);
        let request = Request::post("/")
            .header("x-forwarded-for", "198.51.100.1, 10.0.0.1")
            .header(header::USER_AGENT, "UA\tx")
            .body(Bytes::new())
            .unwrap();
        let who = submitter(&request, "a");
        assert_eq!(
            who.client_ip_hash,
            Some(hash_ip("a", "198.51.100.1".parse().unwrap()))
        );
        assert_eq!(who.user_agent.as_deref(), Some("UAx"));
        let mut request = request;
        request.extensions_mut().insert(ClientIp(ip));
        assert_eq!(
            submitter(&request, "a").client_ip_hash,
            Some(hash_ip("a", ip))
        );
    }
}
