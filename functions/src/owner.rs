//! Product owner sign-in: a one-time link mailed to the owner address in the registry, then a
//! session cookie, and a CSRF token for every POST made in the session.
//!
//! - The public sign-in page answers the same whether or not the address is an owner's, so it
//!   reveals nobody; requests are limited per address and per client ([`PER_ADDRESS`],
//!   [`PER_CLIENT`] an hour) with store counters.
//! - A sign-in link is a signed token bound to the owner's id (a keyed digest of the address:
//!   no address in URLs) and a nonce. Opening it shows a button; only the POST uses it, once
//!   (a store counter on the nonce), so a mail scanner that follows links cannot burn it.
//! - The session is a signed cookie (`HttpOnly; Secure; SameSite=Strict`, [`SESSION_LENGTH`]),
//!   bound to the owner id and a session nonce; the CSRF token is a keyed digest of that nonce.

use crate::compose_mail;
use crate::config::Config;
use crate::decode::decode_as;
use crate::handler::Deps;
use crate::links;
use crate::response::{message, page, see_other};
use crate::token::{self, Purpose, TokenError};
use bytes::Bytes;
use cwu_domain::html::escape_html;
use cwu_domain::opportunity::Contact;
use cwu_domain::urls;
use cwu_domain::{Registry, RegistryEntry};
use http::{HeaderValue, Request, Response, StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

/// The session cookie's name.
pub const COOKIE: &str = "cwu_owner";
/// How long a session lasts.
pub const SESSION_LENGTH: SignedDuration = SignedDuration::from_hours(4);
/// Sign-in requests allowed per address per hour.
pub const PER_ADDRESS: u64 = 5;
/// Sign-in requests allowed per client (IP address) per hour.
pub const PER_CLIENT: u64 = 20;

/// A signed-in owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The owner's id ([`owner_id`]).
    pub owner_id: String,
    /// The owner as in the registry.
    pub owner: Contact,
    /// The token every POST in this session must carry.
    pub csrf: String,
}

impl Session {
    /// Whether this owner owns `opportunity`.
    pub fn owns(&self, opportunity: &RegistryEntry) -> bool {
        opportunity.owner.email == self.owner.email
    }

    /// Whether `token` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, token: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), token.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// An owner's id: a keyed digest of their address, safe to put in links.
pub fn owner_id(key: &str, email: &str) -> String {
    token::digest(key, "owner", email)
}

/// The owner with this id, from the registry's opportunities.
fn owner_by_id(registry: &Registry, key: &str, id: &str) -> Option<Contact> {
    registry
        .opportunities
        .values()
        .map(|o| &o.owner)
        .find(|owner| owner_id(key, &owner.email) == id)
        .cloned()
}

/// The session of `request`, if it carries a valid, unexpired session cookie of a current owner.
pub fn session(
    request: &Request<Bytes>,
    registry: &Registry,
    config: &Config,
    now: Timestamp,
) -> Option<Session> {
    let value = cookie(request, COOKIE)?;
    let parts = token::verify(&config.signing_key, Purpose::Session, &value, now).ok()?;
    let [owner_id, nonce] = parts.as_slice() else {
        return None;
    };
    let owner = owner_by_id(registry, &config.signing_key, owner_id)?;
    Some(Session {
        owner_id: owner_id.clone(),
        owner,
        csrf: token::digest(&config.signing_key, "csrf", nonce),
    })
}

fn cookie(request: &Request<Bytes>, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// The page every owner address without a valid session is sent to.
pub fn sign_in_required(registry: &Registry) -> Response<Bytes> {
    message(
        StatusCode::UNAUTHORIZED,
        Some(registry),
        "Sign in first",
        &["This page is for product owners. Your session has ended or you have not signed in."],
        &format!(
            r#"<p><a href="{}">Sign in as a product owner</a></p>"#,
            urls::OWNER_SIGN_IN
        ),
    )
}

/// The public sign-in page (`GET`), with an optional notice above the form.
pub fn sign_in_page(registry: &Registry, status: StatusCode, notice: &str) -> Response<Bytes> {
    let main = format!(
        r#"<h1>Product owner sign-in</h1>
{notice}<p>Product owners read and score the proposals for their opportunities here after the deadline. Enter the address the opportunity lists for you and we email you a link that signs you in once.</p>
<form method="post" action="{action}">
<div class="field"><label for="owner-email">Your email address</label>
<input type="email" id="owner-email" name="email" autocomplete="email" required></div>
<button type="submit">Email me a sign-in link</button>
</form>"#,
        action = urls::OWNER_SIGN_IN,
    );
    page(status, Some(registry), "Product owner sign-in", &main)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailForm {
    email: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    t: String,
}

/// The start of an hour-long rate-limit window, and when it ends.
fn window(now: Timestamp) -> (i64, Timestamp) {
    let hour = now.as_second().div_euclid(3_600);
    let end = Timestamp::from_second((hour + 2) * 3_600).unwrap_or(now);
    (hour, end)
}

/// `POST` on the sign-in page: mails a one-time link when the address is an owner's, and
/// answers the same either way.
pub async fn request_link(request: &Request<Bytes>, deps: &Deps<'_>) -> Response<Bytes> {
    let Deps {
        store,
        mailer,
        registry,
        config,
        now,
    } = *deps;
    let Ok(form) = decode_as::<EmailForm>(request) else {
        return sign_in_page(
            registry,
            StatusCode::BAD_REQUEST,
            r#"<p class="error-summary" role="alert">Use the form below to ask for a link.</p>"#,
        );
    };
    let Ok(email) = cwu_domain::email::normalize_email(&form.email) else {
        return sign_in_page(
            registry,
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"<p class="error-summary" role="alert">Enter an email address, like name@example.ca.</p>"#,
        );
    };
    let key = &config.signing_key;
    let (hour, end) = window(now);
    let client = crate::submit::submitter(request, key)
        .client_ip_hash
        .unwrap_or_else(|| "unknown".into());
    let by_address = store
        .increment(
            &format!(
                "sign-in:address:{}:{hour}",
                token::digest(key, "address", &email)
            ),
            end,
        )
        .await;
    let by_client = store
        .increment(&format!("sign-in:client:{client}:{hour}"), end)
        .await;
    match (by_address, by_client) {
        (Ok(a), Ok(c)) if a <= PER_ADDRESS && c <= PER_CLIENT => {}
        (Ok(_), Ok(_)) => {
            return message(
                StatusCode::TOO_MANY_REQUESTS,
                Some(registry),
                "Too many sign-in requests",
                &[
                    "Too many sign-in links were asked for from here or for this address in the last hour. Use the newest link you received, or wait an hour and ask again.",
                ],
                "",
            );
        }
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("functions: sign-in rate limit unavailable: {error}");
            return crate::response::unavailable(registry);
        }
    }
    let owner = registry
        .opportunities
        .values()
        .map(|o| &o.owner)
        .find(|owner| owner.email == email);
    if let Some(owner) = owner {
        let url = links::sign_in_url(
            config,
            registry,
            &owner_id(key, &owner.email),
            now,
            links::SIGN_IN_LINK,
        );
        match compose_mail::sign_in(
            &owner.name,
            &owner.email,
            &registry.site,
            &config.mail_from,
            &url,
            now,
        ) {
            Ok(mail) => {
                if let Err(error) = crate::outbox::queue(store, mailer, config, &[mail], now).await
                {
                    eprintln!("functions: sign-in mail not stored: {error}");
                    return crate::response::unavailable(registry);
                }
            }
            Err(error) => eprintln!("functions: sign-in mail not composed: {error}"),
        }
    }
    message(
        StatusCode::OK,
        Some(registry),
        "Check your email",
        &[
            &format!(
                "If {email} is the address of a product owner on this site, we have emailed it a sign-in link. The link works once, for 15 minutes."
            ),
            "Nothing arrived? Check your spam folder, and that you used the address your opportunity lists for you.",
        ],
        "",
    )
}

/// The page for a link that cannot sign anyone in, saying what to do instead.
fn bad_link(registry: &Registry, error: Option<TokenError>) -> Response<Bytes> {
    let (status, why) = match error {
        Some(TokenError::Invalid) => (
            StatusCode::BAD_REQUEST,
            "This sign-in link is incomplete or was changed.",
        ),
        Some(TokenError::Expired) => (StatusCode::GONE, "This sign-in link has expired."),
        None => (StatusCode::GONE, "This sign-in link was already used."),
    };
    message(
        status,
        Some(registry),
        "This link cannot sign you in",
        &[
            why,
            "Ask for a new link: each one works once, for a short time.",
        ],
        &format!(
            r#"<p><a href="{}">Get a new sign-in link</a></p>"#,
            urls::OWNER_SIGN_IN
        ),
    )
}

fn query_token(request: &Request<Bytes>) -> String {
    request
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(name, _)| name == "t")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

/// `GET` of a sign-in link: a button that signs in (opening the link changes nothing).
pub fn landing(
    request: &Request<Bytes>,
    registry: &Registry,
    config: &Config,
    now: Timestamp,
) -> Response<Bytes> {
    let token = query_token(request);
    if let Err(error) = token::verify(&config.signing_key, Purpose::SignIn, &token, now) {
        return bad_link(registry, Some(error));
    }
    let main = format!(
        r#"<h1>Sign in as a product owner</h1>
<p>Select the button to sign in on this device. The session lasts 4 hours.</p>
<form method="post" action="{action}">
<input type="hidden" name="t" value="{token}">
<button type="submit">Sign in</button>
</form>"#,
        action = urls::OWNER_SESSION,
        token = escape_html(&token),
    );
    page(StatusCode::OK, Some(registry), "Sign in", &main)
}

/// `POST` of a sign-in link: uses it (once) and starts the session.
pub async fn start(request: &Request<Bytes>, deps: &Deps<'_>) -> Response<Bytes> {
    let Deps {
        store,
        registry,
        config,
        now,
        ..
    } = *deps;
    let form = decode_as::<TokenForm>(request).unwrap_or_default();
    let key = &config.signing_key;
    let parts = match token::verify(key, Purpose::SignIn, &form.t, now) {
        Ok(parts) => parts,
        Err(error) => return bad_link(registry, Some(error)),
    };
    let [owner_id, nonce] = parts.as_slice() else {
        return bad_link(registry, Some(TokenError::Invalid));
    };
    if owner_by_id(registry, key, owner_id).is_none() {
        return bad_link(registry, Some(TokenError::Invalid));
    }
    let until = now.saturating_add(links::INVITATION_LINK).unwrap_or(now);
    match store
        .increment(&format!("sign-in:used:{nonce}"), until)
        .await
    {
        Ok(1) => {}
        Ok(_) => return bad_link(registry, None),
        Err(error) => {
            eprintln!("functions: sign-in not recorded: {error}");
            return crate::response::unavailable(registry);
        }
    }
    let expires = now.saturating_add(SESSION_LENGTH).unwrap_or(now);
    let session = token::sign(
        key,
        Purpose::Session,
        &[owner_id, &crate::ids::random()],
        expires,
    );
    let mut response = see_other(urls::EVALUATIONS);
    set_cookie(&mut response, &session, SESSION_LENGTH.as_secs());
    response
}

fn set_cookie(response: &mut Response<Bytes>, value: &str, max_age: i64) {
    let cookie = format!(
        "{COOKIE}={value}; Path={}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict",
        urls::OWNER_SCOPE
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

/// `POST` sign-out: clears the cookie (with a valid CSRF token only).
pub fn sign_out(
    request: &Request<Bytes>,
    registry: &Registry,
    config: &Config,
    now: Timestamp,
) -> Response<Bytes> {
    let Some(session) = session(request, registry, config, now) else {
        return sign_in_required(registry);
    };
    let form = decode_as::<CsrfForm>(request).unwrap_or_default();
    if !session.csrf_matches(&form.csrf) {
        return csrf_refused(registry);
    }
    let mut response = see_other(urls::OWNER_SIGN_IN);
    set_cookie(&mut response, "", 0);
    response
}

/// 403 for a POST without this session's CSRF token: nothing was changed.
pub fn csrf_refused(registry: &Registry) -> Response<Bytes> {
    message(
        StatusCode::FORBIDDEN,
        Some(registry),
        "Not saved: the form has expired",
        &[
            "Nothing was changed: this form did not come from your current session. Reload the evaluation page and make the change again.",
        ],
        &format!(
            r#"<p><a href="{}">Your evaluations</a></p>"#,
            urls::EVALUATIONS
        ),
    )
}

/// The sign-out button, for the pages of a session.
pub fn sign_out_form(session: &Session) -> String {
    format!(
        r#"<form method="post" action="{}" class="sign-out"><input type="hidden" name="csrf" value="{}"><button type="submit">Sign out</button></form>"#,
        urls::OWNER_SIGN_OUT,
        escape_html(&session.csrf)
    )
}
