//! The notification handlers: subscribe and watch (double opt-in), confirm, manage, and
//! unsubscribe (a page with a button, and RFC 8058 one-click POSTs from mail clients).
//!
//! The subscribe and watch answers are the same whether or not the address is known, and
//! whether or not a mail was sent (the per-address limit may have held it back), so the forms
//! reveal nothing about who subscribed. Links carry a subscriber id, never an address.

// A refusal is the response page itself, returned early: boxing it would only add noise.
#![allow(clippy::result_large_err)]

use super::forms::{self, Values};
use super::links::{self, LinkError, Purpose, subscriber_id};
use super::mails::{Recipient, Sender};
use super::records::{
    self, Counter, Kind, NotifyStore, OptOut, Pending, Request, Subscriber, Suppression, Update,
    Watcher,
};
use crate::config::Config;
use crate::decode::{DecodeError, decode_limited};
use crate::mail::Mailer;
use crate::response::message;
use crate::store::{ProposalStore, StoreError};
use bytes::Bytes;
use cwu_domain::Registry;
use cwu_domain::email::normalize_email;
use cwu_domain::html::escape_html;
use cwu_domain::subscription::{Frequency, parse_skills};
use http::{Request as HttpRequest, Response, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

/// The largest subscribe, watch or manage post accepted.
pub const FORM_BYTES: usize = 4 * 1024;
/// Confirmation mails one address may receive per day.
pub const PER_ADDRESS_PER_DAY: u32 = 3;
/// Subscribe and watch posts one client may make per hour.
pub const PER_CLIENT_PER_HOUR: u32 = 30;
/// Days between weekly digests.
pub const DIGEST_DAYS: i64 = 7;

/// What every handler needs.
pub struct Deps<'a> {
    /// Subscriptions and outbox.
    pub store: &'a dyn NotifyStore,
    /// The outbox's sending side (the proposal store), and the mailer that sends.
    pub sending: (&'a dyn ProposalStore, &'a dyn Mailer),
    /// Opportunities and page chrome.
    pub registry: &'a Registry,
    /// Sender and secret.
    pub config: &'a Config,
    /// The handler's clock.
    pub now: Timestamp,
}

impl Deps<'_> {
    fn page(
        &self,
        status: StatusCode,
        title: &str,
        paragraphs: &[&str],
        extra: &str,
    ) -> Response<Bytes> {
        message(status, Some(self.registry), title, paragraphs, extra)
    }

    fn sender(&self) -> Sender<'_> {
        Sender {
            mail_from: &self.config.mail_from,
            secret: &self.config.signing_key,
            site: &self.registry.site,
            origin: crate::links::origin(self.config, self.registry),
        }
    }

    fn unavailable(&self, error: &StoreError) -> Response<Bytes> {
        eprintln!("functions: subscriptions: {error}");
        self.page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            &["Nothing was changed. Wait a minute and try again."],
            "",
        )
    }

    fn bad_link(&self, error: LinkError) -> Response<Bytes> {
        let (status, why) = match error {
            LinkError::Invalid => (
                StatusCode::NOT_FOUND,
                "This link is incomplete or was changed: copy the whole link from the mail.",
            ),
            LinkError::Expired => (
                StatusCode::GONE,
                "This link has expired. Use the link in a more recent mail, or subscribe again with the form below.",
            ),
        };
        self.page(
            status,
            "Link not valid",
            &[why],
            &forms::subscribe_form("again", "Subscribe again", &Values::default()),
        )
    }

    fn token(
        &self,
        request: &HttpRequest<Bytes>,
        purpose: Purpose,
    ) -> Result<(String, String), Response<Bytes>> {
        let token = links::token_in(request.uri().query())
            .ok_or_else(|| self.bad_link(LinkError::Invalid))?;
        let subject = links::verify(&self.config.signing_key, purpose, &token, self.now)
            .map_err(|e| self.bad_link(e))?;
        Ok((token, subject))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SubscribeForm {
    email: String,
    skills: String,
    frequency: Option<String>,
    opportunity: String,
    /// Honeypot: people never see it.
    website: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ManageForm {
    skills: String,
    frequency: Option<String>,
}

/// A paragraph linking the board.
fn board_link(text: &str) -> String {
    format!(r#"<p><a href="{}">{text}</a></p>"#, cwu_domain::urls::BOARD)
}

fn refused(d: &Deps, error: &DecodeError) -> Response<Bytes> {
    let (status, why) = match error {
        DecodeError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, format!("The form sent more than {} KiB; nothing was saved.", FORM_BYTES / 1024)),
        DecodeError::UnsupportedType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "This address accepts only the HTML form (application/x-www-form-urlencoded, UTF-8); nothing was saved.".to_owned()),
        DecodeError::Malformed(why) => (StatusCode::BAD_REQUEST, format!("The form data is malformed ({why}); nothing was saved.")),
    };
    d.page(status, "Form not accepted", &[&why], "")
}

/// Counts one event under `key` (a fixed window ending at `until`); `false` once `limit` is
/// reached.
async fn count(d: &Deps<'_>, key: &str, limit: u32, until: Timestamp) -> Result<bool, StoreError> {
    let mut allowed = false;
    records::update::<Counter>(d.store, Kind::Counter, key, d.now, |current| {
        let count = current.map_or(0, |c| c.count);
        allowed = count < limit;
        if allowed {
            Update::Put(Counter { count: count + 1 }, Some(until), Vec::new())
        } else {
            Update::Keep
        }
    })
    .await?;
    Ok(allowed)
}

/// The end of the fixed window of `seconds` that contains `now`, and the window's number.
fn window(now: Timestamp, seconds: i64) -> (i64, Timestamp) {
    let number = now.as_second().div_euclid(seconds);
    let end = Timestamp::from_second((number + 1) * seconds).unwrap_or(now);
    (number, end)
}

/// `false` (and a 429 page) when this client has posted too often this hour.
async fn client_allowed(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Result<(), Response<Bytes>> {
    let submitter = crate::submit::submitter(request, &d.config.ip_hash_key);
    let client = submitter.client_ip_hash.unwrap_or_else(|| "unknown".into());
    let (hour, until) = window(d.now, 3_600);
    match count(
        d,
        &format!("client|{}|{hour}", &client[..client.len().min(32)]),
        PER_CLIENT_PER_HOUR,
        until,
    )
    .await
    {
        Ok(true) => Ok(()),
        Ok(false) => Err(d.page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &["This connection sent the form too often in the last hour. Try again later."],
            "",
        )),
        Err(error) => Err(d.unavailable(&error)),
    }
}

/// Stores `request` for `email` with its confirmation mail, unless this address already got
/// [`PER_ADDRESS_PER_DAY`] confirmation mails today (then nothing, and the same answer).
async fn ask_confirmation(d: &Deps<'_>, email: &str, request: Request) -> Result<(), StoreError> {
    let id = subscriber_id(&d.config.signing_key, email);
    let (day, until) = window(d.now, 86_400);
    if !count(
        d,
        &format!("address|{id}|{day}"),
        PER_ADDRESS_PER_DAY,
        until,
    )
    .await?
    {
        return Ok(());
    }
    let opportunity = match &request {
        Request::Watch { opportunity } => d.registry.get(opportunity),
        Request::Subscribe { .. } => None,
    };
    let mail = d
        .sender()
        .confirmation(&Recipient { email, id: &id }, &request, opportunity, d.now)
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let key = format!("{id}|{}", request.what());
    let pending = Pending {
        email: email.to_owned(),
        request,
        requested_at: d.now,
    };
    let expires = d.now.saturating_add(Purpose::Confirm.validity()).ok();
    records::update::<Pending>(d.store, Kind::Pending, &key, d.now, |_| {
        Update::Put(pending.clone(), expires, vec![mail.clone()])
    })
    .await?;
    // Stored first; then sent at once as the app's policy says (a receipt is, too).
    let (proposals, mailer) = d.sending;
    crate::outbox::send_after_store(proposals, mailer, d.config, &[mail], d.now).await;
    Ok(())
}

fn check_inbox(d: &Deps) -> Response<Bytes> {
    d.page(
        StatusCode::OK,
        "Check your inbox",
        &[
            "If the address can receive mail, a message with a confirmation link is on its way. Nothing else is sent until you follow that link.",
            "No mail after a few minutes? Look in your spam folder. For your protection, each address gets at most a few confirmation mails a day.",
        ],
        &board_link("Back to the opportunities"),
    )
}

/// Handles `POST` of the subscribe form.
pub async fn subscribe(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    let form: SubscribeForm = match decode_limited(request, FORM_BYTES) {
        Ok(form) => form,
        Err(error) => return refused(d, &error),
    };
    if let Err(response) = client_allowed(request, d).await {
        return response;
    }
    let values = Values {
        email: form.email.clone(),
        skills: form.skills.clone(),
        frequency: Frequency::Immediate,
    };
    let frequency = form
        .frequency
        .as_deref()
        .map_or(Ok(Frequency::Immediate), Frequency::parse);
    let (email, skills, frequency) = match (
        normalize_email(&form.email),
        parse_skills(&form.skills),
        frequency,
    ) {
        (Ok(email), Ok(skills), Ok(frequency)) => (email, skills, frequency),
        (email, skills, frequency) => {
            let errors: Vec<String> = [email.err(), skills.err(), frequency.err()]
                .into_iter()
                .flatten()
                .collect();
            let list: String = errors
                .iter()
                .map(|e| format!("<li>{}</li>", escape_html(e)))
                .collect();
            return d.page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Check the subscription form",
                &["Nothing was saved. Please correct:"],
                &format!(
                    "<ul>{list}</ul>{}",
                    forms::subscribe_form("retry", "Subscribe", &values)
                ),
            );
        }
    };
    if !form.website.is_empty() {
        eprintln!("functions: subscribe honeypot filled; nothing stored");
        return check_inbox(d);
    }
    match ask_confirmation(d, &email, Request::Subscribe { skills, frequency }).await {
        Ok(()) => check_inbox(d),
        Err(error) => d.unavailable(&error),
    }
}

/// Handles `POST` of an opportunity's watch form.
pub async fn watch(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    let form: SubscribeForm = match decode_limited(request, FORM_BYTES) {
        Ok(form) => form,
        Err(error) => return refused(d, &error),
    };
    if let Err(response) = client_allowed(request, d).await {
        return response;
    }
    let slug = form.opportunity.trim();
    let Some(entry) = d.registry.get(slug) else {
        return d.page(
            StatusCode::NOT_FOUND,
            "Opportunity not found",
            &["There is no opportunity with this address; nothing was saved."],
            &board_link("See the opportunities"),
        );
    };
    if !entry.status_at(d.now).accepts_proposals() {
        return d.page(StatusCode::GONE, "Opportunity closed", &["This opportunity no longer accepts proposals, so it can no longer be watched. Its page shows the outcome."], "");
    }
    let email = match normalize_email(&form.email) {
        Ok(email) => email,
        Err(error) => {
            return d.page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Check the email address",
                &[&format!("Nothing was saved: {error}.")],
                &forms::watch_form(slug, &form.email),
            );
        }
    };
    if !form.website.is_empty() {
        return check_inbox(d);
    }
    match ask_confirmation(
        d,
        &email,
        Request::Watch {
            opportunity: entry.slug.clone(),
        },
    )
    .await
    {
        Ok(()) => check_inbox(d),
        Err(error) => d.unavailable(&error),
    }
}

/// Handles `GET` of a confirmation link: a button, so that mail scanners opening links
/// confirm nothing.
pub fn confirm_page(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    match d.token(request, Purpose::Confirm) {
        Ok((token, _)) => d.page(
            StatusCode::OK,
            "Confirm your request",
            &["Press the button to confirm. You can leave at any time with the link in every mail."],
            &format!(
                r#"<form method="post" action="{}"><button type="submit">Confirm</button></form>"#,
                escape_html(&links::url("", super::CONFIRM_PATH, &token))
            ),
        ),
        Err(response) => response,
    }
}

/// Handles `POST` of a confirmation: applies the request (safe to repeat).
pub async fn confirm(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    let subject = match d.token(request, Purpose::Confirm) {
        Ok((_, subject)) => subject,
        Err(response) => return response,
    };
    let Some((id, what)) = subject.split_once('|') else {
        return d.bad_link(LinkError::Invalid);
    };
    match apply_confirmation(d, id, what).await {
        Ok(Some(done)) => d.page(StatusCode::OK, "Confirmed", &[&done], &board_link("See the opportunities")),
        Ok(None) => d.page(
            StatusCode::GONE,
            "Nothing to confirm",
            &["This request was already confirmed or has expired. If you are not getting mail, subscribe again."],
            &forms::subscribe_form("again", "Subscribe again", &Values::default()),
        ),
        Err(error) => d.unavailable(&error),
    }
}

/// Applies the pending request `what` of `id`; what it did, or `None` if there was nothing.
async fn apply_confirmation(
    d: &Deps<'_>,
    id: &str,
    what: &str,
) -> Result<Option<String>, StoreError> {
    let key = format!("{id}|{what}");
    let Some((pending, _)) = records::get::<Pending>(d.store, Kind::Pending, &key, d.now).await?
    else {
        // Opened twice: the first confirmation did it.
        let done = match what.strip_prefix("watch:") {
            Some(slug) => {
                records::get::<Watcher>(d.store, Kind::Watch, &format!("{slug}|{id}"), d.now)
                    .await?
                    .map(|_| "You are watching this opportunity.".to_owned())
            }
            None => records::get::<Subscriber>(d.store, Kind::Subscriber, id, d.now)
                .await?
                .map(|_| "You are subscribed.".to_owned()),
        };
        return Ok(done);
    };
    let now = d.now;
    let done = match pending.request {
        Request::Subscribe { skills, frequency } => {
            let email = pending.email.clone();
            records::update::<Subscriber>(d.store, Kind::Subscriber, id, now, |current| {
                let (confirmed_at, digest, digest_due) = match current {
                    Some(s) => (s.confirmed_at, s.digest, s.digest_due),
                    None => (
                        now,
                        Vec::new(),
                        now + SignedDuration::from_hours(24 * DIGEST_DAYS),
                    ),
                };
                Update::Put(
                    Subscriber {
                        email: email.clone(),
                        skills: skills.clone(),
                        frequency,
                        confirmed_at,
                        digest,
                        digest_due,
                    },
                    None,
                    Vec::new(),
                )
            })
            .await?;
            format!(
                "You are subscribed to new opportunities, {}.",
                frequency.label()
            )
        }
        Request::Watch { opportunity } => {
            let watcher = Watcher {
                email: pending.email.clone(),
                since: now,
            };
            let key = format!("{opportunity}|{id}");
            records::update::<Watcher>(d.store, Kind::Watch, &key, now, |_| {
                Update::Put(watcher.clone(), None, Vec::new())
            })
            .await?;
            d.store.delete_record(Kind::OptOut, &key).await?;
            let title = d
                .registry
                .get(&opportunity)
                .map_or(opportunity.clone(), |e| e.title.clone());
            format!("You will be emailed about changes to \"{title}\".")
        }
    };
    // Subscribing again lifts an earlier unsubscribe, bounce or complaint.
    d.store.delete_record(Kind::Suppressed, id).await?;
    d.store.delete_record(Kind::Pending, &key).await?;
    Ok(Some(done))
}

/// Handles `GET` of a manage link: the subscription's settings in a form.
pub async fn manage_page(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    let (token, id) = match d.token(request, Purpose::Manage) {
        Ok(found) => found,
        Err(response) => return response,
    };
    match records::get::<Subscriber>(d.store, Kind::Subscriber, &id, d.now).await {
        Ok(Some((subscriber, _))) => {
            let values = Values {
                email: String::new(),
                skills: subscriber.skills.join(", "),
                frequency: subscriber.frequency,
            };
            let unsubscribe = links::url(
                "",
                super::UNSUBSCRIBE_PATH,
                &links::sign(
                    &d.config.signing_key,
                    Purpose::Unsubscribe,
                    &format!("{id}|all"),
                    d.now,
                ),
            );
            d.page(
                StatusCode::OK,
                "Your subscription",
                &["Change which opportunities you hear about, and how often."],
                &format!(
                    r#"{}<h2>Leave</h2><form method="post" action="{}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe from everything</button></form>"#,
                    forms::manage_form(&token, &values),
                    escape_html(&unsubscribe)
                ),
            )
        }
        Ok(None) => d.page(
            StatusCode::NOT_FOUND,
            "No subscription",
            &["There is no subscription for this link: you may have unsubscribed."],
            &forms::subscribe_form("again", "Subscribe again", &Values::default()),
        ),
        Err(error) => d.unavailable(&error),
    }
}

/// Handles `POST` of the manage form.
pub async fn manage(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    let (token, id) = match d.token(request, Purpose::Manage) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let form: ManageForm = match decode_limited(request, FORM_BYTES) {
        Ok(form) => form,
        Err(error) => return refused(d, &error),
    };
    let frequency = form
        .frequency
        .as_deref()
        .map_or(Ok(Frequency::Immediate), Frequency::parse);
    let (skills, frequency) = match (parse_skills(&form.skills), frequency) {
        (Ok(skills), Ok(frequency)) => (skills, frequency),
        (skills, frequency) => {
            let error = skills.err().or(frequency.err()).unwrap_or_default();
            let values = Values {
                email: String::new(),
                skills: form.skills.clone(),
                frequency: Frequency::Immediate,
            };
            return d.page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Check your settings",
                &[&format!("Nothing was saved: {error}.")],
                &forms::manage_form(&token, &values),
            );
        }
    };
    let mut found = false;
    let result =
        records::update::<Subscriber>(
            d.store,
            Kind::Subscriber,
            &id,
            d.now,
            |current| match current {
                Some(mut s) => {
                    found = true;
                    s.skills = skills.clone();
                    s.frequency = frequency;
                    Update::Put(s, None, Vec::new())
                }
                None => Update::Keep,
            },
        )
        .await;
    match result {
        Ok(()) if found => d.page(
            StatusCode::OK,
            "Saved",
            &[&format!(
                "You will hear about {}, {}.",
                if skills.is_empty() {
                    "every new opportunity".to_owned()
                } else {
                    format!("new opportunities needing {}", skills.join(", "))
                },
                frequency.label()
            )],
            "",
        ),
        Ok(()) => d.page(
            StatusCode::NOT_FOUND,
            "No subscription",
            &["There is no subscription for this link: you may have unsubscribed."],
            "",
        ),
        Err(error) => d.unavailable(&error),
    }
}

/// Handles `GET` of an unsubscribe link: a button (the mail client's one-click is a POST).
pub fn unsubscribe_page(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    match d.token(request, Purpose::Unsubscribe) {
        Ok((token, _)) => d.page(
            StatusCode::OK,
            "Unsubscribe",
            &["Press the button and you get no more of these mails."],
            &format!(
                r#"<form method="post" action="{}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>"#,
                escape_html(&links::url("", super::UNSUBSCRIBE_PATH, &token))
            ),
        ),
        Err(response) => response,
    }
}

/// Handles the unsubscribe `POST` (RFC 8058 one-click or the page's button): effective at
/// once, idempotent; deletes the address's records, keeping only its id where that is what
/// honours the request.
pub async fn unsubscribe(request: &HttpRequest<Bytes>, d: &Deps<'_>) -> Response<Bytes> {
    if request.body().len() > FORM_BYTES {
        return refused(d, &DecodeError::TooLarge);
    }
    let subject = match d.token(request, Purpose::Unsubscribe) {
        Ok((_, subject)) => subject,
        Err(response) => return response,
    };
    let Some((id, scope)) = subject.split_once('|') else {
        return d.bad_link(LinkError::Invalid);
    };
    let result = match scope.strip_prefix("watch:") {
        Some(slug) => leave_opportunity(d, id, slug).await,
        None => leave_everything(d, id).await,
    };
    match result {
        Ok(()) => d.page(
            StatusCode::OK,
            "Unsubscribed",
            &["You will get no more of these mails. Your address has been deleted from our lists."],
            "",
        ),
        Err(error) => d.unavailable(&error),
    }
}

async fn leave_opportunity(d: &Deps<'_>, id: &str, slug: &str) -> Result<(), StoreError> {
    let key = format!("{slug}|{id}");
    // First the opt-out (proponents stay on the list through their proposal), then the watch.
    records::update::<OptOut>(d.store, Kind::OptOut, &key, d.now, |_| {
        Update::Put(OptOut { at: d.now }, None, Vec::new())
    })
    .await?;
    d.store.delete_record(Kind::Watch, &key).await
}

async fn leave_everything(d: &Deps<'_>, id: &str) -> Result<(), StoreError> {
    // The suppression (no address in it) first: from then on nothing is sent to this id.
    let suppression = Suppression {
        reason: "unsubscribed".into(),
        at: d.now,
    };
    records::update::<Suppression>(d.store, Kind::Suppressed, id, d.now, |_| {
        Update::Put(suppression.clone(), None, Vec::new())
    })
    .await?;
    delete_personal_data(d.store, id).await
}

/// Deletes every record holding the address of `id`: subscription, watches, pending requests.
pub async fn delete_personal_data(store: &dyn NotifyStore, id: &str) -> Result<(), StoreError> {
    store.delete_record(Kind::Subscriber, id).await?;
    for (key, _) in store.records(Kind::Pending, &format!("{id}|")).await? {
        store.delete_record(Kind::Pending, &key).await?;
    }
    let suffix = format!("|{id}");
    for (key, _) in store.records(Kind::Watch, "").await? {
        if key.ends_with(&suffix) {
            store.delete_record(Kind::Watch, &key).await?;
        }
    }
    Ok(())
}

/// Routes a request under [`super::SUBSCRIBE_PATH`] (`path` without a trailing slash).
pub async fn route(request: &HttpRequest<Bytes>, path: &str, d: &Deps<'_>) -> Response<Bytes> {
    use http::Method;
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let post = request.method() == Method::POST;
    let allow = match path {
        super::SUBSCRIBE_PATH if post => return subscribe(request, d).await,
        super::WATCH_PATH if post => return watch(request, d).await,
        super::CONFIRM_PATH if post => return confirm(request, d).await,
        super::CONFIRM_PATH if read => return confirm_page(request, d),
        super::MANAGE_PATH if post => return manage(request, d).await,
        super::MANAGE_PATH if read => return manage_page(request, d).await,
        super::UNSUBSCRIBE_PATH if post => return unsubscribe(request, d).await,
        super::UNSUBSCRIBE_PATH if read => return unsubscribe_page(request, d),
        super::SUBSCRIBE_PATH | super::WATCH_PATH => "POST",
        super::CONFIRM_PATH | super::MANAGE_PATH | super::UNSUBSCRIBE_PATH => "GET, HEAD, POST",
        _ => return crate::response::not_found(Some(d.registry)),
    };
    let mut response = d.page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        &["Use the form or the link in your mail."],
        "",
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, http::HeaderValue::from_static(allow));
    response
}
