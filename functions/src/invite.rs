//! The deadline sweep: once an opportunity's deadline has passed (by this function's clock),
//! its owner gets one mail with the number of proposals and a sign-in link.
//!
//! Run every few minutes (a scheduled Lambda on AWS; a timer in `site-gen serve`). Each
//! invitation has a fixed outbox id ([`crate::compose_mail::fixed_id`] of the opportunity and its
//! deadline) and is added only if absent, so running the sweep again, or twice at once, mails
//! each owner once. A deadline moved later gets a new invitation after the new deadline.

use crate::compose_mail;
use crate::config::Config;
use crate::evaluate::evaluated;
use crate::links;
use crate::mail::Mailer;
use crate::outbox;
use crate::owner::owner_id;
use crate::store::ProposalStore;
use cwu_domain::{Registry, Status};
use jiff::{SignedDuration, Timestamp};

/// Deadlines further back than this get no invitation (e.g. a site's first deployment with
/// years of closed opportunities).
pub const LOOK_BACK: SignedDuration = SignedDuration::from_hours(24 * 14);

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Invitations added to the outbox by this run.
    pub invited: Vec<String>,
    /// Errors met (the next run tries again).
    pub errors: Vec<String>,
}

/// Adds the invitation of every opportunity whose deadline passed, within [`LOOK_BACK`], and
/// that has none yet; sends it as [`Config::after_submit`] says.
pub async fn sweep(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    registry: &Registry,
    config: &Config,
    now: Timestamp,
) -> SweepReport {
    let mut report = SweepReport::default();
    let since = now.checked_sub(LOOK_BACK).unwrap_or(now);
    for opportunity in registry.opportunities.values() {
        if opportunity.proposal_deadline > now
            || opportunity.proposal_deadline < since
            || opportunity.status_at(now) != Status::UnderEvaluation
        {
            continue;
        }
        let id = compose_mail::fixed_id(
            opportunity.proposal_deadline,
            &format!("invitation\0{}", opportunity.slug),
        );
        let result = async {
            if store.mail(&id).await?.is_some() {
                return Ok(false);
            }
            let (proposals, _) = evaluated(store, &opportunity.slug).await?;
            let url = links::sign_in_url(
                config,
                registry,
                &owner_id(&config.signing_key, &opportunity.owner.email),
                now,
                links::INVITATION_LINK,
            );
            let mail = compose_mail::invitation(
                opportunity,
                proposals.len(),
                &registry.site,
                &config.mail_from,
                &url,
                now,
            )
            .map_err(|e| crate::store::StoreError::Unavailable(e.to_string()))?;
            debug_assert_eq!(mail.id, id);
            outbox::queue(store, mailer, config, &[mail], now).await?;
            Ok::<bool, crate::store::StoreError>(true)
        }
        .await;
        match result {
            Ok(true) => report.invited.push(opportunity.slug.clone()),
            Ok(false) => {}
            Err(error) => report.errors.push(format!("{}: {error}", opportunity.slug)),
        }
    }
    report
}
