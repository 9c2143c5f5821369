//! A proposal's private manage page, reached from the link in its receipt: view the current
//! version, update it (a new version) or withdraw it (after a confirmation), each only before
//! the deadline by this function's clock.
//!
//! The link's token ([`crate::links::manage_token`]) is bound to the opportunity and the
//! proposal's reference; the page finds the proposal by that reference, never by an address.
//! The forms post back to the same address (token in the query), so no cookie is involved and
//! nothing else can post on the proponent's behalf. Withdrawing writes a new version marked
//! withdrawn (the history keeps every version) and mails a confirmation; a withdrawn proposal
//! is not evaluated and can be submitted again from this page before the deadline.

use crate::compose_mail::{self, proposal_rows};
use crate::config::Config;
use crate::decode::{decode, decode_as};
use crate::form::{FormTarget, render_form};
use crate::handler::Deps;
use crate::links;
use crate::record::{self, Recorded};
use crate::response::{message, page, see_other};
use crate::store::{ProposalStore, StoredProposal};
use crate::token::{self, Purpose, TokenError};
use bytes::Bytes;
use cwu_domain::html::escape_html;
use cwu_domain::proposal::{ACCEPTED, FieldError, ProponentType, ProposalForm, field};
use cwu_domain::urls;
use cwu_domain::{Registry, RegistryEntry, when};
use http::{Request, Response, StatusCode};
use jiff::Timestamp;
use serde::Deserialize;

/// Said on the page of a proposal held as suspected spam ([`crate::quarantine`]).
const HELD: &str = " It is held apart as possible spam, because the form's hidden field was filled in when it was first sent: after the deadline the product owner reads held proposals and moves each one sent by a person into the evaluation.";

/// The proposal a manage link points at.
struct Target<'a> {
    token: String,
    opportunity: &'a RegistryEntry,
    current: StoredProposal,
}

fn query(request: &Request<Bytes>, name: &str) -> Option<String> {
    request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    })
}

/// The page for a manage link that does not work, saying what to do.
fn bad_link(registry: &Registry, error: TokenError) -> Response<Bytes> {
    let (status, why) = match error {
        TokenError::Invalid => (
            StatusCode::NOT_FOUND,
            "This link is incomplete or was changed. Open the link in your receipt email exactly as it is, or copy the whole address.",
        ),
        TokenError::Expired => (
            StatusCode::GONE,
            "This link has expired: the opportunity closed long ago. Your receipt email keeps a full copy of your proposal.",
        ),
    };
    message(
        status,
        Some(registry),
        "This link does not work",
        &[
            why,
            &format!("Need help? Write to {}.", registry.site.contact_email),
        ],
        "",
    )
}

async fn target<'a>(
    request: &Request<Bytes>,
    store: &dyn ProposalStore,
    registry: &'a Registry,
    config: &Config,
    now: Timestamp,
) -> Result<Target<'a>, Response<Bytes>> {
    let token = query(request, "t").unwrap_or_default();
    // Expiry is checked against the real deadline below; the token's own expiry is long.
    let parts = token::verify(&config.signing_key, Purpose::Manage, &token, now)
        .map_err(|e| bad_link(registry, e))?;
    let [slug, reference] = parts.as_slice() else {
        return Err(bad_link(registry, TokenError::Invalid));
    };
    let opportunity = registry
        .get(slug)
        .ok_or_else(|| bad_link(registry, TokenError::Invalid))?;
    let found = store.proposals(slug).await.map_err(|error| {
        eprintln!("functions: manage page store unavailable: {error}");
        crate::response::unavailable(registry)
    })?;
    let current = found
        .into_iter()
        .find(|p| p.reference() == reference)
        .ok_or_else(|| bad_link(registry, TokenError::Invalid))?;
    Ok(Target {
        token,
        opportunity,
        current,
    })
}

/// The form values of a stored version (to edit it or submit it again).
fn form_of(proposal: &StoredProposal) -> ProposalForm {
    let f = &proposal.fields;
    ProposalForm {
        opportunity: f.opportunity.clone(),
        proponent_type: match f.proponent_type {
            ProponentType::Individual => "individual".into(),
            ProponentType::Organization => "organization".into(),
        },
        legal_name: f.legal_name.clone(),
        organization_name: f.organization_name.clone().unwrap_or_default(),
        email: f.email.clone(),
        phone: f.phone.clone().unwrap_or_default(),
        proposal: f.proposal.clone(),
        comments: f.comments.clone().unwrap_or_default(),
        accept_terms: String::new(),
        terms_version: f.terms_version.clone(),
        website: String::new(),
    }
}

fn action(token: &str) -> String {
    format!("{}?t={token}", urls::MANAGE)
}

fn open(opportunity: &RegistryEntry, now: Timestamp) -> bool {
    opportunity.status_at(now).accepts_proposals()
}

/// The page: the current version whole, then the forms that apply.
fn view(
    registry: &Registry,
    target: &Target<'_>,
    status: StatusCode,
    form: Option<(&ProposalForm, &[FieldError])>,
    now: Timestamp,
) -> Response<Bytes> {
    let e = escape_html;
    let (o, p) = (target.opportunity, &target.current);
    let mut main = format!(
        r#"<h1>Your proposal for {title}</h1>
<p>{state}</p>
<dl class="receipt">"#,
        title = e(&o.title),
        state = if p.is_withdrawn() {
            "You withdrew this proposal: it will not be evaluated. Below is the version you withdrew.".to_owned()
        } else {
            format!(
                "This is the version that will be evaluated. Proposals close {}.{}",
                e(&when::display(o.proposal_deadline)),
                if p.suspected_spam { HELD } else { "" }
            )
        },
    );
    for (label, value) in proposal_rows(p) {
        main.push_str(&format!("<dt>{label}</dt><dd>{}</dd>", e(&value)));
    }
    main.push_str(&format!(
        r#"</dl><h2>Proposal</h2><div class="proposal-text">{}</div>"#,
        e(&p.fields.proposal)
    ));
    if let Some(comments) = &p.fields.comments {
        main.push_str(&format!(
            r#"<h2>Additional comments</h2><div class="proposal-text">{}</div>"#,
            e(comments)
        ));
    }
    let action = action(&target.token);
    if !open(o, now) {
        main.push_str(&format!(
            "<h2>Changes</h2><p>Proposals for this opportunity closed on {}, so this proposal can no longer be changed or withdrawn.</p>",
            e(&when::display(o.proposal_deadline))
        ));
    } else {
        let fresh = form_of(p);
        let (values, errors) = form.unwrap_or((&fresh, &[]));
        let target_form = FormTarget {
            action: &action,
            opportunity: &o.slug,
            terms_version: &registry.site.terms_version,
        };
        if p.is_withdrawn() {
            main.push_str("<h2>Submit it again</h2><p>Until the deadline you can submit this proposal again, changed or not. The new version is the one evaluated.</p>");
        } else {
            main.push_str("<h2>Update your proposal</h2><p>Change what you need and submit: the new version replaces this one for the evaluation, and earlier versions are kept. The email address cannot change.</p>");
        }
        main.push_str(&render_form(target_form, values, errors));
        if !p.is_withdrawn() {
            main.push_str(&format!(
                r#"<h2>Withdraw your proposal</h2><p>A withdrawn proposal is not evaluated. You can submit it again before the deadline.</p><form method="get" action="{}"><input type="hidden" name="t" value="{}"><input type="hidden" name="step" value="withdraw"><button type="submit">Withdraw…</button></form>"#,
                urls::MANAGE,
                e(&target.token)
            ));
        }
    }
    main.push_str(&format!(
        r#"<p><a href="{}">Back to {}</a></p>"#,
        e(&o.url),
        e(&o.title)
    ));
    page(
        status,
        Some(registry),
        &format!("Your proposal for {}", o.title),
        &main,
    )
}

/// `GET` the manage page (or, with `step=withdraw`, the withdrawal confirmation).
pub async fn show(request: &Request<Bytes>, deps: &Deps<'_>) -> Response<Bytes> {
    let Deps {
        store,
        registry,
        config,
        now,
        ..
    } = *deps;
    let target = match target(request, store, registry, config, now).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let confirming = query(request, "step").as_deref() == Some("withdraw");
    if confirming && open(target.opportunity, now) && !target.current.is_withdrawn() {
        let e = escape_html;
        let main = format!(
            r#"<h1>Withdraw your proposal?</h1>
<p>Your proposal for {title} (reference {reference}, version {version}) will not be evaluated. Its versions stay in the record, and you can submit it again before the deadline, {deadline}.</p>
<form method="post" action="{action}"><input type="hidden" name="withdraw" value="{yes}"><button type="submit">Yes, withdraw my proposal</button></form>
<p><a href="{back}">No, keep it</a></p>"#,
            title = e(&target.opportunity.title),
            reference = e(target.current.reference()),
            version = target.current.version,
            deadline = e(&when::display(target.opportunity.proposal_deadline)),
            action = e(&action(&target.token)),
            yes = ACCEPTED,
            back = e(&action(&target.token)),
        );
        return page(
            StatusCode::OK,
            Some(registry),
            "Withdraw your proposal?",
            &main,
        );
    }
    view(registry, &target, StatusCode::OK, None, now)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Withdraw {
    withdraw: String,
}

/// `POST` the manage page: an update (the proposal form) or a confirmed withdrawal.
pub async fn post(request: &Request<Bytes>, deps: &Deps<'_>) -> Response<Bytes> {
    let Deps {
        store,
        mailer,
        registry,
        config,
        now,
    } = *deps;
    let target = match target(request, store, registry, config, now).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let o = target.opportunity;
    let withdrawing = decode_as::<Withdraw>(request).is_ok_and(|w| w.withdraw == ACCEPTED);
    let form = if withdrawing {
        None
    } else {
        match decode(request) {
            Ok(form) => Some(form),
            Err(error) => return crate::submit::refused(registry, &error),
        }
    };
    if !open(o, now) {
        let typed = form
            .as_ref()
            .map(crate::submit::typed_text)
            .unwrap_or_default();
        return message(
            StatusCode::GONE,
            Some(registry),
            "Proposals are closed",
            &[&format!(
                "Proposals for “{}” closed on {}. Nothing was changed.",
                o.title,
                when::display(o.proposal_deadline)
            )],
            &typed,
        );
    }
    let manage_url = links::manage_url(
        config,
        registry,
        &o.slug,
        target.current.reference(),
        o.proposal_deadline,
    );
    if withdrawing {
        if target.current.is_withdrawn() {
            return see_other(&action(&target.token));
        }
        let mails = |withdrawn: &StoredProposal| {
            compose_mail::withdrawn(withdrawn, o, &registry.site, &config.mail_from, &manage_url)
                .map(|mail| vec![mail])
        };
        return match record::withdraw(store, &target.current.key(), now, &mails).await {
            Ok(Recorded::New(_, mails)) => {
                crate::outbox::send_after_store(store, mailer, config, &mails, now).await;
                see_other(&action(&target.token))
            }
            Ok(_) => see_other(&action(&target.token)),
            Err(error) => {
                eprintln!("functions: withdrawal for {} not saved: {error}", o.slug);
                crate::response::unavailable(registry)
            }
        };
    }
    let form = form.unwrap_or_default();
    let mut fields = match form.validate(&registry.site.terms_version) {
        Ok(fields) => fields,
        Err(errors) => {
            return view(
                registry,
                &target,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((&form, &errors)),
                now,
            );
        }
    };
    if fields.email != target.current.fields.email || fields.opportunity != o.slug {
        let errors = [FieldError {
            field: field::EMAIL,
            message: format!(
                "The email address of a proposal cannot change: use {}. To propose from another address, withdraw this proposal and submit a new one from the opportunity's page.",
                target.current.fields.email
            ),
        }];
        return view(
            registry,
            &target,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((&form, &errors)),
            now,
        );
    }
    fields.email = target.current.fields.email.clone();
    let submitter = crate::submit::submitter(request, &config.ip_hash_key);
    let mails = |proposal: &StoredProposal| {
        compose_mail::receipt(proposal, o, &registry.site, &config.mail_from, &manage_url)
            .map(|mail| vec![mail])
    };
    match record::record(
        store,
        fields,
        &submitter,
        now,
        record::Via::ManageLink,
        &mails,
    )
    .await
    {
        Ok(recorded) => {
            if let Recorded::New(_, mails) = &recorded {
                crate::outbox::send_after_store(store, mailer, config, mails, now).await;
            }
            let p = recorded.proposal();
            see_other(&crate::receipt::url(
                &config.signing_key,
                &o.slug,
                &p.id,
                p.version,
            ))
        }
        Err(error) => {
            eprintln!("functions: update for {} not saved: {error}", o.slug);
            crate::response::unavailable(registry)
        }
    }
}
