//! Behaviour scenarios of the steps after scoring (issue 11), run on every store: the award
//! with its result mails (one per evaluated proponent, through a failing mail service),
//! acceptance and payment, the public outcomes file (rewritten by the sweep after a failed
//! write), and hostile or premature requests that must change nothing.

use super::journey::{
    after_deadline, app_with, csrf_of, get, link_in, mail_text, mails_of, post_to, sign_in_from,
    status_of,
};
use super::{MemoryOutcomes, OPEN, OWNER_EMAIL, RecordingMailer, encode, named_fields, now, post};
use crate::app::App;
use crate::mail::MailKind;
use crate::store::ProposalStore;
use cwu_domain::Registry;
use cwu_domain::urls;
use http::StatusCode;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Another owner's opportunity, beside [`OPEN`].
const ELSEWHERE: &str = "someone-elses";

fn two_owners() -> Registry {
    let mut registry = super::registry();
    let mut other = registry.get(OPEN).expect("fixture").clone();
    other.slug = ELSEWHERE.into();
    other.owner.email = "other.owner@gov.bc.ca".into();
    registry.opportunities.insert(other.slug.clone(), other);
    registry
}

/// Ana (individual), Bo (an organization), Cy, and Dee who withdraws: their references by
/// address, the signed-in owner's cookie and CSRF token, and the app after the deadline.
struct Evaluation {
    store: Arc<dyn ProposalStore>,
    outcomes: Arc<MemoryOutcomes>,
    app: App,
    mailer: Arc<RecordingMailer>,
    cookie: String,
    csrf: String,
    refs: BTreeMap<&'static str, String>,
}

const ANA: &str = "ana@example.org";
const BO: &str = "bo@example.org";
const CY: &str = "cy@example.org";
const DEE: &str = "dee@example.org";

async fn evaluation(store: Arc<dyn ProposalStore>, mailer: Arc<RecordingMailer>) -> Evaluation {
    let setup_mail = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), setup_mail.clone(), two_owners(), now());
    for (email, name, organization) in [
        (ANA, "Ana Lee", ""),
        (BO, "Bo Chen", "Bo & Sons Ltd."),
        (CY, "Cy Diaz", ""),
        (DEE, "Dee Evans", ""),
    ] {
        let form = named_fields(email, name, organization, &format!("{name}'s plan."));
        status_of(
            &open.handle(post(encode(&form))).await,
            StatusCode::SEE_OTHER,
        );
    }
    let dee = mails_of(&setup_mail, MailKind::Receipt)
        .into_iter()
        .find(|m| m.to == [DEE])
        .expect("receipt");
    let withdraw = post_to(
        &link_in(&dee, urls::MANAGE),
        &[("withdraw", "yes".into())],
        None,
    );
    status_of(&open.handle(withdraw).await, StatusCode::SEE_OTHER);

    let outcomes = Arc::new(MemoryOutcomes::default());
    let app = app_with(
        store.clone(),
        mailer.clone(),
        two_owners(),
        after_deadline(),
    )
    .with_outcomes(outcomes.clone());
    let setup = app_with(
        store.clone(),
        setup_mail.clone(),
        two_owners(),
        after_deadline(),
    );
    setup.sweep().await;
    let invitation = mails_of(&setup_mail, MailKind::Invitation)
        .into_iter()
        .find(|m| m.to == [OWNER_EMAIL])
        .expect("invited");
    let cookie = sign_in_from(&setup, &invitation).await;
    let page = app
        .handle(get(&urls::evaluation(OPEN), Some(&cookie)))
        .await;
    let csrf = csrf_of(&super::text(&page));
    let mut refs = BTreeMap::new();
    for p in crate::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("list")
        .0
    {
        let email = [ANA, BO, CY].into_iter().find(|e| *e == p.fields.email);
        refs.insert(email.expect("evaluated"), p.reference().to_owned());
    }
    assert_eq!(refs.len(), 3, "Dee withdrew: not evaluated");
    Evaluation {
        store,
        outcomes,
        app,
        mailer,
        cookie,
        csrf,
        refs,
    }
}

impl Evaluation {
    /// Posts `pairs` (plus the CSRF token) to the evaluation page (`outcome`: the award form's
    /// address); returns the status and the page.
    async fn post(&self, outcome: bool, pairs: &[(&'static str, &str)]) -> (StatusCode, String) {
        let mut all = vec![("csrf", self.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let address = if outcome {
            urls::evaluation_outcome(OPEN)
        } else {
            urls::evaluation(OPEN)
        };
        let response = self
            .app
            .handle(post_to(&address, &all, Some(&self.cookie)))
            .await;
        (response.status(), super::text(&response))
    }

    async fn score(&self, email: &str, a: &str, b: &str) {
        let reference = &self.refs[email];
        let (status, page) = self
            .post(
                false,
                &[
                    ("proposal", reference),
                    ("action", "score"),
                    ("score-0", a),
                    ("score-1", b),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    }

    async fn disqualify(&self, email: &str, reason: &str) {
        let reference = &self.refs[email];
        let (status, page) = self
            .post(
                false,
                &[
                    ("proposal", reference),
                    ("action", "disqualify"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    }

    async fn page(&self) -> String {
        let response = self
            .app
            .handle(get(&urls::evaluation(OPEN), Some(&self.cookie)))
            .await;
        status_of(&response, StatusCode::OK);
        super::text(&response)
    }

    /// What a refused request must leave alone: the events, the outbox, the file.
    async fn snapshot(&self) -> (usize, Vec<String>, usize, Option<String>) {
        (
            self.store.evaluation(OPEN).await.expect("events").len(),
            self.store.pending_mail(1_000).await.expect("outbox"),
            self.mailer.sent().len(),
            self.outcomes.json(),
        )
    }

    /// Posts a step and asserts it was refused with `status` and `message`, changing nothing.
    async fn refused(
        &self,
        case: &str,
        pairs: &[(&'static str, &str)],
        status: StatusCode,
        message: &str,
    ) {
        let before = self.snapshot().await;
        let (got, page) = self.post(true, pairs).await;
        assert_eq!(got, status, "{case}: {page}");
        assert!(
            page.contains(message),
            "{case}: expected {message:?} in {page}"
        );
        assert_eq!(self.snapshot().await, before, "{case} changed something");
    }
}

/// Scored, awarded to the top proposal through a failing mail service (one result mail per
/// evaluated proponent, none for the withdrawn one), accepted, paid; the outcomes file follows
/// each step and is rewritten by the sweep after a failed write.
pub async fn award_results_acceptance_and_payment(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::failing_first(2));
    let ev = evaluation(store.clone(), mailer.clone()).await;
    ev.score(ANA, "50", "30").await;
    ev.score(BO, "40", "30.5").await;
    ev.disqualify(CY, "No plan for the acceptance criteria.")
        .await;
    let page = ev.page().await;
    let ana = &ev.refs[ANA];
    assert!(page.contains("Review the award"), "{page}");
    assert!(
        page.contains(&format!(r#"value="{ana}" required checked"#)),
        "the top proposal is preselected"
    );
    assert!(!page.contains(&format!(r#"value="{}" required checked"#, ev.refs[BO])));

    // The review step shows the award and records nothing.
    let award = [("action", "award"), ("proposal", ana.as_str())];
    let before = ev.snapshot().await;
    let (status, review) = ev.post(true, &award).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("Confirm the award") && review.contains("Ana Lee"));
    assert!(review.contains(r#"name="confirm" value="yes""#));
    assert_eq!(ev.snapshot().await, before, "a review records nothing");

    // Confirmed while the outcomes file cannot be written: the award stands.
    ev.outcomes.fail(true);
    let mut confirmed = award.to_vec();
    confirmed.push(("confirm", "yes"));
    let (status, page) = ev.post(true, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(ev.outcomes.outcomes().opportunities.is_empty());
    ev.outcomes.fail(false);
    assert!(ev.app.sweep().await.errors.is_empty());
    let outcome = ev.outcomes.outcomes().opportunities[OPEN].clone();
    assert_eq!(outcome.awarded.proponent, "Ana Lee");
    assert_eq!(outcome.awarded.organization, None);
    assert_eq!(outcome.awarded.amount.dollars(), 25_000);
    assert_eq!(outcome.awarded.date, after_deadline());
    let json = ev.outcomes.json().expect("written");
    for private in ["@", "80.00", "plan", "Bo"] {
        assert!(!json.contains(private), "{private} in {json}");
    }
    let writes = ev.outcomes.writes();
    ev.app.sweep().await;
    assert_eq!(ev.outcomes.writes(), writes, "unchanged: not rewritten");

    // Two sends failed; the outbox sends each result once.
    ev.app.drain_outbox().await;
    let later = app_with(
        store.clone(),
        mailer.clone(),
        two_owners(),
        after_deadline() + jiff::SignedDuration::from_hours(1),
    );
    later.drain_outbox().await;
    let results = mails_of(&mailer, MailKind::Result);
    let mut recipients: Vec<&str> = results.iter().map(|m| m.to[0].as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(
        recipients,
        [ANA, BO, CY],
        "one each, none for the withdrawn"
    );
    let body = |to: &str| mail_text(results.iter().find(|m| m.to == [to]).expect("mailed"));
    let winner = body(ANA);
    for expected in [
        "awarded to you",
        "$25,000",
        "April 15, 2027",
        "https://github.com/bcgov-example/permit-status",
        "contract",
    ] {
        assert!(winner.contains(expected), "{expected}: {winner}");
    }
    let second = body(BO);
    for expected in [
        "not selected",
        "Your total: 70.50 of 100",
        "Your rank: 2 of 2",
        "Winning total: 80.00 of 100",
        "Awarded to: Ana Lee",
    ] {
        assert!(second.contains(expected), "{expected}: {second}");
    }
    let disqualified = body(CY);
    assert!(
        disqualified.contains("disqualified")
            && disqualified.contains("No plan for the acceptance criteria.")
            && disqualified.contains("Ana Lee"),
        "{disqualified}"
    );

    // Final: no second award, no more scoring; the page says who and when.
    ev.refused(
        "second award",
        &confirmed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already awarded",
    )
    .await;
    let (status, page) = ev
        .post(
            false,
            &[("proposal", ana), ("action", "score"), ("score-0", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let page = ev.page().await;
    assert!(
        page.contains("Awarded to <strong>Ana Lee</strong>"),
        "{page}"
    );
    assert!(page.contains("Record the work accepted") && !page.contains("Review the award"));
    assert!(page.contains("awarded for $25,000"), "in the audit trail");

    // Acceptance: links checked, then recorded once and mailed to the winner.
    ev.refused(
        "an http link",
        &[
            ("action", "accept"),
            ("date", "2027-03-12"),
            ("links", "http://github.com/x/pull/1"),
            ("confirm", "yes"),
        ],
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not an https:// address",
    )
    .await;
    let pr = "https://github.com/bcgov-example/permit-status/pull/7";
    let accepted = [
        ("action", "accept"),
        ("date", "2027-03-12"),
        ("links", pr),
        ("confirm", "yes"),
    ];
    let later_app = |at| {
        app_with(store.clone(), mailer.clone(), two_owners(), at).with_outcomes(ev.outcomes.clone())
    };
    let later = after_deadline() + jiff::SignedDuration::from_hours(2);
    let post_at = |at, pairs: &[(&'static str, &str)]| {
        let mut all = vec![("csrf", ev.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let request = post_to(&urls::evaluation_outcome(OPEN), &all, Some(&ev.cookie));
        let app = later_app(at);
        async move { app.handle(request).await }
    };
    status_of(&post_at(later, &accepted).await, StatusCode::SEE_OTHER);
    let outcome = ev.outcomes.outcomes().opportunities[OPEN].clone();
    let acceptance = outcome.accepted.expect("accepted");
    assert_eq!(acceptance.links, [pr]);
    assert_eq!(
        cwu_domain::when::display_date(acceptance.date),
        "March 12, 2027"
    );
    let notices = mails_of(&mailer, MailKind::Result);
    let notice = notices.last().expect("mailed");
    assert_eq!(notice.to, [ANA]);
    assert!(mail_text(notice).contains(pr));

    // Payment: the fixed price only, once.
    let wrong = post_at(
        later,
        &[
            ("action", "pay"),
            ("date", "2027-03-12"),
            ("amount", "24000"),
            ("confirm", "yes"),
        ],
    )
    .await;
    status_of(&wrong, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(super::text(&wrong).contains("must be exactly $25,000"));
    let paid = [
        ("action", "pay"),
        ("date", "2027-03-12"),
        ("amount", "$25,000"),
        ("confirm", "yes"),
    ];
    status_of(&post_at(later, &paid).await, StatusCode::SEE_OTHER);
    let again = post_at(later, &paid).await;
    status_of(&again, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(super::text(&again).contains("already recorded"));
    let outcome = ev.outcomes.outcomes().opportunities[OPEN].clone();
    assert_eq!(outcome.paid.expect("paid").amount.dollars(), 25_000);
    let results = mails_of(&mailer, MailKind::Result);
    assert_eq!(results.len(), 5, "3 results, acceptance, payment");
    assert!(mail_text(&results[4]).contains("payment of $25,000"));
    let events = store.evaluation(OPEN).await.expect("events");
    assert!(events.iter().all(|e| e.by == OWNER_EMAIL));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(
                e.change,
                cwu_domain::evaluation::Change::Award { .. }
                    | cwu_domain::evaluation::Change::Accept { .. }
                    | cwu_domain::evaluation::Change::Pay { .. }
            ))
            .count(),
        3
    );
}

/// Before the deadline, unscored, forged, another owner's, off the top without a reason,
/// acceptance or payment before the award, two confirmations at once: refused or recorded
/// once, and a refusal changes nothing.
pub async fn hostile_award_requests_change_nothing(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let ev = evaluation(store.clone(), mailer.clone()).await;
    ev.score(ANA, "50", "30").await;
    let (ana, bo) = (ev.refs[ANA].as_str(), ev.refs[BO].as_str());
    let award = |who| [("action", "award"), ("proposal", who), ("confirm", "yes")];
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    ev.refused("unscored", &award(ana), unprocessable, "not fully scored")
        .await;
    assert!(ev.page().await.contains("Not fully scored yet: 2"));
    for (case, step) in [
        ("accept", "award the work first"),
        ("pay", "award the work first"),
    ] {
        let pairs = [
            ("action", case),
            ("date", "2026-11-24"),
            ("links", "https://github.com/a/b/pull/1"),
            ("amount", "25000"),
            ("confirm", "yes"),
        ];
        ev.refused(case, &pairs, unprocessable, step).await;
    }
    ev.score(BO, "50", "30").await;
    ev.disqualify(CY, "Off topic.").await;
    let page = ev.page().await;
    assert!(page.contains("more than one shares the top rank"), "{page}");
    assert!(
        !page.contains("required checked"),
        "a tie: nothing preselected"
    );
    ev.refused("a tie", &award(ana), unprocessable, "write a justification")
        .await;
    ev.refused(
        "disqualified",
        &[
            ("action", "award"),
            ("proposal", &ev.refs[CY]),
            ("justification", "Because."),
            ("confirm", "yes"),
        ],
        unprocessable,
        "disqualified proposal cannot",
    )
    .await;
    ev.refused(
        "no action",
        &[("proposal", ana)],
        unprocessable,
        "reload the page",
    )
    .await;

    let before = ev.snapshot().await;
    let forged = |csrf: &str| {
        let mut pairs = vec![("csrf", csrf.to_owned())];
        pairs.extend(award(ana).map(|(k, v)| (k, v.to_owned())));
        pairs.push(("justification", "x".into()));
        pairs
    };
    let address = urls::evaluation_outcome(OPEN);
    let cases = [
        (
            "no csrf",
            post_to(&address, &forged(""), Some(&ev.cookie)),
            StatusCode::FORBIDDEN,
        ),
        (
            "wrong csrf",
            post_to(&address, &forged("0123"), Some(&ev.cookie)),
            StatusCode::FORBIDDEN,
        ),
        (
            "no session",
            post_to(&address, &forged(&ev.csrf), None),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another owner's",
            post_to(
                &urls::evaluation_outcome(ELSEWHERE),
                &forged(&ev.csrf),
                Some(&ev.cookie),
            ),
            StatusCode::NOT_FOUND,
        ),
        (
            "a GET",
            get(&address, Some(&ev.cookie)),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (case, request, status) in cases {
        let response = ev.app.handle(request).await;
        assert_eq!(response.status(), status, "{case}");
    }
    let sealed = app_with(store.clone(), mailer.clone(), two_owners(), now())
        .with_outcomes(ev.outcomes.clone())
        .handle(post_to(&address, &forged(&ev.csrf), Some(&ev.cookie)))
        .await;
    assert_eq!(sealed.status(), StatusCode::CONFLICT, "before the deadline");
    assert!(super::text(&sealed).contains("only after the deadline"));
    assert_eq!(
        ev.snapshot().await,
        before,
        "forged requests changed something"
    );

    // Two confirmations at once: one award, one set of result mails.
    let mut pairs = award(bo).to_vec();
    pairs.push(("justification", "Tie: Bo's plan has the clearer delivery."));
    let (first, second) = tokio::join!(ev.post(true, &pairs), ev.post(true, &pairs));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
        "{} / {}",
        first.1,
        second.1
    );
    let results = mails_of(&mailer, MailKind::Result);
    assert_eq!(results.len(), 3, "one result per evaluated proponent");
    let outcome = ev.outcomes.outcomes().opportunities[OPEN].clone();
    assert_eq!(outcome.awarded.proponent, "Bo Chen");
    assert_eq!(
        outcome.awarded.organization.as_deref(),
        Some("Bo & Sons Ltd.")
    );
    let page = ev.page().await;
    assert!(
        page.contains("Tie: Bo&#39;s plan") || page.contains("Tie: Bo&#x27;s plan"),
        "justification in the audit trail"
    );
    ev.refused(
        "payment before acceptance",
        &[
            ("action", "pay"),
            ("date", "2026-11-24"),
            ("amount", "25000"),
            ("confirm", "yes"),
        ],
        unprocessable,
        "record the work accepted first",
    )
    .await;
}
