//! What templates see: purpose-built, serialisable views of the content.
//!
//! Templates never get a `cwu_domain::Opportunity` (it holds the owner's private email). A list
//! template gets [`Card`]s: a few short strings per opportunity, never a rendered page, so a board
//! of 10,000 opportunities stays small in memory. Only the opportunity's own page gets an
//! [`OpportunityView`] with its description.

use super::highlight::Highlighter;
use super::markdown::{self, TocEntry};
use crate::content::config::SiteConfig;
use crate::content::{OpportunityPage, WikiPage};
use cwu_domain::outcome::Outcome;
use cwu_domain::slug::slugify;
use cwu_domain::{Opportunity, Status, urls, when};
use jiff::Timestamp;
use serde::Serialize;

/// Site-wide values every template gets as `site`.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SiteView {
    /// Title as written.
    pub title: String,
    /// One-sentence description.
    pub description: String,
    /// Without a trailing slash.
    pub base_url: String,
    /// Where the proposal form posts.
    pub form_action: String,
    /// The terms version proponents accept.
    pub terms_version: String,
    /// The public contact address (never an owner's).
    pub contact_email: String,
    /// The GitHub organization URL.
    pub github: String,
    /// The deadlines calendar as a subscription (`webcal://…`).
    pub calendar_subscription: String,
    /// The subscribe form in every page's footer (HTML).
    pub subscribe_footer_html: String,
    /// The subscribe form on the board and the home page (HTML).
    pub subscribe_page_html: String,
}

impl SiteView {
    /// The view of `config`. It holds nothing of the build's clock: the chrome of every page
    /// stays the same bytes from one hourly rebuild to the next.
    pub fn new(config: &SiteConfig) -> Self {
        use functions::notify::forms::{Values, subscribe_form};
        let empty = Values::default();
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.trim_end_matches('/').to_string(),
            form_action: config.form_action.clone(),
            terms_version: config.terms_version.clone(),
            contact_email: config.contact_email.clone(),
            github: config.github.clone(),
            calendar_subscription: urls::webcal(&config.base_url, urls::CALENDAR),
            subscribe_footer_html: subscribe_form("footer", "New opportunities by email", &empty),
            subscribe_page_html: subscribe_form("page", "Get new opportunities by email", &empty),
        }
    }
}

/// A skill with the slug of its pages and feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SkillView {
    /// The skill as written.
    pub name: String,
    /// The slug used in URLs.
    pub slug: String,
}

impl SkillView {
    /// The view of one skill name.
    pub fn new(name: &str) -> Self {
        SkillView {
            name: name.to_string(),
            slug: slugify(name),
        }
    }
}

/// A small summary of one opportunity for lists (board, home, skill pages).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Card {
    /// The slug used in URLs.
    pub slug: String,
    /// Site-absolute URL, `/opportunities/<slug>/`.
    pub url: String,
    /// Title as written.
    pub title: String,
    /// One or two sentences.
    pub teaser: String,
    /// The organization offering the work.
    pub organization: String,
    /// Status at the build's now.
    pub status: Status,
    /// The status as readers see it.
    pub status_label: &'static str,
    /// `$42,000`.
    pub reward: String,
    /// Whole dollars, for the reward filter.
    pub reward_dollars: u32,
    /// Skills asked for.
    pub skills: Vec<SkillView>,
    /// Whether remote work is possible.
    pub remote: bool,
    /// Where the work is based.
    pub location: String,
    /// `Friday, March 12, 2027, 4:00 PM PST`.
    pub proposal_deadline: String,
    /// RFC 3339, for `<time datetime>`.
    pub proposal_deadline_iso: String,
    /// `3 days left` (`5 hours left` in the last day) while open: see
    /// [`when::time_left_static`].
    pub time_left: Option<String>,
    /// The public outcome (award, acceptance, payment), once awarded.
    pub outcome: Option<OutcomeView>,
    /// For sorting only.
    #[serde(skip)]
    pub deadline_at: Timestamp,
}

impl Card {
    /// The card for `opportunity` at `now`.
    pub fn new(opportunity: &Opportunity, now: Timestamp) -> Self {
        let status = opportunity.status_at(now);
        Card {
            slug: opportunity.slug.clone(),
            url: urls::opportunity(&opportunity.slug),
            title: opportunity.title.clone(),
            teaser: opportunity.teaser.clone(),
            organization: opportunity.organization.clone(),
            status,
            status_label: status.label(),
            reward: opportunity.reward.to_string(),
            reward_dollars: opportunity.reward.dollars(),
            skills: opportunity
                .skills
                .iter()
                .map(|s| SkillView::new(s))
                .collect(),
            remote: opportunity.remote,
            location: opportunity.location.clone(),
            proposal_deadline: when::display(opportunity.proposal_deadline),
            proposal_deadline_iso: iso(opportunity.proposal_deadline),
            time_left: status
                .accepts_proposals()
                .then(|| when::time_left_static(now, opportunity.proposal_deadline))
                .flatten(),
            outcome: opportunity.outcome.as_ref().map(OutcomeView::new),
            deadline_at: opportunity.proposal_deadline,
        }
    }

    /// Board order: by status (closing soon first), then soonest deadline, then title.
    pub fn board_order(a: &Card, b: &Card) -> std::cmp::Ordering {
        (a.status, a.deadline_at, &a.title).cmp(&(b.status, b.deadline_at, &b.title))
    }
}

/// An instant in Vancouver as RFC 3339 with its offset (for `<time datetime>`).
pub fn iso(instant: Timestamp) -> String {
    when::in_vancouver(instant)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A date shown to readers with its machine-readable form.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct DateView {
    /// `March 12, 2027`.
    pub text: String,
    /// RFC 3339 with offset.
    pub iso: String,
}

impl DateView {
    fn new(instant: Timestamp) -> Self {
        DateView {
            text: when::display_date(instant),
            iso: iso(instant),
        }
    }
}

/// The public outcome of an opportunity, as pages, cards and feeds show it.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct OutcomeView {
    /// Who was awarded the work.
    pub proponent: String,
    /// Their organization, when they proposed as one.
    pub organization: Option<String>,
    /// "Ada Lovelace (Analytical Ltd)" or just the name: how feeds and short texts name them.
    pub awarded_to: String,
    /// When it was awarded.
    pub awarded: DateView,
    /// `$42,000`.
    pub amount: String,
    /// When the work was accepted, with links to the delivered code.
    pub accepted: Option<AcceptedView>,
    /// When it was paid.
    pub paid: Option<PaidView>,
}

/// The acceptance of the work.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct AcceptedView {
    /// When.
    pub date: DateView,
    /// The delivered code: merged pull requests or a release (`https://` addresses).
    pub links: Vec<String>,
}

/// The payment.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PaidView {
    /// When.
    pub date: DateView,
    /// `$42,000`.
    pub amount: String,
}

impl OutcomeView {
    /// The view of `outcome`.
    pub fn new(outcome: &Outcome) -> Self {
        let awarded = &outcome.awarded;
        OutcomeView {
            proponent: awarded.proponent.clone(),
            organization: awarded.organization.clone(),
            awarded_to: awarded_to(outcome),
            awarded: DateView::new(awarded.date),
            amount: awarded.amount.to_string(),
            accepted: outcome.accepted.as_ref().map(|a| AcceptedView {
                date: DateView::new(a.date),
                links: a.links.clone(),
            }),
            paid: outcome.paid.as_ref().map(|p| PaidView {
                date: DateView::new(p.date),
                amount: p.amount.to_string(),
            }),
        }
    }
}

/// The proponent, with their organization in brackets when there is one.
pub fn awarded_to(outcome: &Outcome) -> String {
    match &outcome.awarded.organization {
        Some(organization) => format!("{} ({organization})", outcome.awarded.proponent),
        None => outcome.awarded.proponent.clone(),
    }
}

/// One addendum, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct AddendumView {
    /// Date.
    pub date: DateView,
    /// Anchor id on the page, also used in the addendum's feed guid.
    pub anchor: String,
    /// Markdown rendered to HTML (raw HTML escaped).
    pub html: String,
}

/// One scored criterion.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    /// What is scored.
    pub criterion: String,
    /// Points out of 100.
    pub points: u32,
}

/// Everything an opportunity's own page shows. Has the owner's name, never the email.
#[derive(Debug, Clone, Serialize)]
pub struct OpportunityView {
    /// The card fields (flattened into the view).
    #[serde(flatten)]
    pub card: Card,
    /// The product owner's name (never the email).
    pub owner_name: String,
    /// How remote work is arranged.
    pub remote_details: Option<String>,
    /// When the opportunity went public, if the owner said.
    pub published: Option<DateView>,
    /// When the work is assigned.
    pub assignment_date: DateView,
    /// When work starts.
    pub start_date: DateView,
    /// When work should be done.
    pub completion_date: Option<DateView>,
    /// The code repository URL.
    pub repository: String,
    /// The GitHub issue where questions are asked, once it exists.
    pub questions: Option<String>,
    /// What must be true for the work to be accepted.
    pub acceptance_criteria: Vec<String>,
    /// Scored criteria.
    pub evaluation_criteria: Vec<CriterionView>,
    /// Sum of the points (100).
    pub total_points: u32,
    /// What a proposal must contain.
    pub proposal_requirements: Vec<String>,
    /// Newest first.
    pub addenda: Vec<AddendumView>,
    /// Whether the form is shown.
    pub accepts_proposals: bool,
    /// Site-absolute URL of this opportunity's own deadline calendar (with a reminder).
    pub calendar_url: String,
    /// Site-absolute URL of this opportunity's open contracting data (OCDS release package).
    pub ocds_url: String,
    /// The description, rendered.
    pub description_html: String,
    /// The description's headings.
    pub toc: Vec<TocEntry>,
}

impl OpportunityView {
    /// The full view of `page` at `now`.
    pub fn new(page: &OpportunityPage, now: Timestamp, highlighter: &Highlighter) -> Self {
        let mut view = OpportunityView::unrendered(page, Card::new(&page.opportunity, now));
        view.render_markdown(page, highlighter);
        view
    }

    /// The view with its Markdown not rendered yet (no description, table of contents or
    /// addendum text), from the page and its `card`. The clock reaches the view only through
    /// the card (which is why it takes no `now`): the build cache keys the page on the card, the
    /// opportunity and its description.
    pub fn unrendered(page: &OpportunityPage, card: Card) -> Self {
        let o = &page.opportunity;
        let addenda = addenda_order(o)
            .into_iter()
            .map(|i| AddendumView {
                date: DateView::new(o.addenda[i].date),
                anchor: super::feeds::addendum_anchor(o, i),
                html: String::new(),
            })
            .collect();
        OpportunityView {
            accepts_proposals: card.status.accepts_proposals(),
            calendar_url: urls::opportunity_calendar(&o.slug),
            ocds_url: urls::opportunity_ocds(&o.slug),
            card,
            owner_name: o.product_owner.name.clone(),
            remote_details: o.remote_details.clone(),
            published: o.published.map(DateView::new),
            assignment_date: DateView::new(o.assignment_date),
            start_date: DateView::new(o.start_date),
            completion_date: o.completion_date.map(DateView::new),
            repository: o.repository.clone(),
            questions: o.questions.clone(),
            acceptance_criteria: o.acceptance_criteria.clone(),
            evaluation_criteria: o
                .evaluation_criteria
                .iter()
                .map(|c| CriterionView {
                    criterion: c.criterion.clone(),
                    points: c.points,
                })
                .collect(),
            total_points: o.evaluation_criteria.iter().map(|c| c.points).sum(),
            proposal_requirements: o.proposal_requirements.clone(),
            addenda,
            description_html: String::new(),
            toc: Vec::new(),
        }
    }

    /// Renders the description and the addenda of `page` (the one this view was made from).
    pub fn render_markdown(&mut self, page: &OpportunityPage, highlighter: &Highlighter) {
        let o = &page.opportunity;
        let description = markdown::render(&page.body, highlighter);
        self.description_html = description.html;
        self.toc = description.toc;
        for (view, i) in self.addenda.iter_mut().zip(addenda_order(o)) {
            view.html = markdown::render(&o.addenda[i].text, highlighter).html;
        }
    }
}

/// The addenda's indexes newest first; the stable sort keeps same-day addenda in reverse file
/// order.
fn addenda_order(o: &Opportunity) -> Vec<usize> {
    let mut order: Vec<usize> = (0..o.addenda.len()).rev().collect();
    order.sort_by(|&a, &b| o.addenda[b].date.cmp(&o.addenda[a].date));
    order
}

/// A wiki page link in the sidebar.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct WikiLink {
    /// Site-absolute URL.
    pub url: String,
    /// Title as written.
    pub title: String,
    /// 0 for top-level pages, 1 for pages in a folder…
    pub depth: usize,
}

impl WikiLink {
    /// The sidebar link for `page`.
    pub fn new(page: &WikiPage) -> Self {
        WikiLink {
            url: page.url.clone(),
            title: page.title.clone(),
            depth: if page.path == "index" {
                0
            } else {
                page.path.matches('/').count()
            },
        }
    }
}

/// A group of cards under a heading (board sections per status).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Section<'a> {
    /// Status id, also the section anchor.
    pub id: &'static str,
    /// Status label, the section heading.
    pub label: &'static str,
    /// Cards in board order.
    pub cards: Vec<&'a Card>,
    /// How many cards of this status the whole list has (more than `cards` on a list of pages).
    pub total: usize,
}

/// Cards (already in board order) grouped by status, empty groups left out.
pub fn sections<'a>(cards: &[&'a Card]) -> Vec<Section<'a>> {
    let mut sections: Vec<Section> = Vec::new();
    for card in cards {
        match sections.last_mut() {
            Some(section) if section.id == card.status.id() => section.cards.push(card),
            _ => sections.push(Section {
                id: card.status.id(),
                label: card.status.label(),
                cards: vec![card],
                total: 0,
            }),
        }
    }
    for section in &mut sections {
        section.total = section.cards.len();
    }
    sections
}
