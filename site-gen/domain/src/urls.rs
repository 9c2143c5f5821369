//! Every public address of the site, each built by exactly one function or constant here.
//!
//! The renderer writes files at these addresses, link checking accepts exactly these targets
//! ([`fixed_files`], [`opportunity_files`]), and the functions link back to the pages with them,
//! so an address changes in one place. All are site-absolute paths; [`absolute`] adds the site's
//! base URL for feeds, the calendar, the sitemap and mail.
//!
//! ```
//! use cwu_domain::urls;
//!
//! assert_eq!(urls::opportunity("permit-api"), "/opportunities/permit-api/");
//! assert_eq!(
//!     urls::absolute("https://cwu.example.ca/", &urls::opportunity("permit-api")),
//!     "https://cwu.example.ca/opportunities/permit-api/"
//! );
//! ```

/// The home page.
pub const HOME: &str = "/";
/// The board: every opportunity.
pub const BOARD: &str = "/opportunities/";
/// The RSS feed of every opportunity and addendum.
pub const FEED: &str = "/feeds/opportunities.xml";
/// The iCalendar file of open opportunities' deadlines.
pub const CALENDAR: &str = "/opportunities.ics";
/// What earlier builds announced (first publication dates, every skill that had a feed).
pub const FEED_HISTORY: &str = "/feeds/history.json";
/// The Open Contracting Data Standard release package of every public opportunity.
pub const OCDS_RELEASES: &str = "/ocds/releases.json";
/// The sitemap.
pub const SITEMAP: &str = "/sitemap.xml";
/// robots.txt.
pub const ROBOTS: &str = "/robots.txt";
/// The page servers show for a missing address.
pub const NOT_FOUND: &str = "/404.html";
/// The code highlighting stylesheet every page links.
pub const HIGHLIGHT_CSS: &str = "/assets/highlight.css";
/// The theme's script that counts characters in the proposal form's long fields.
pub const CHARACTER_COUNT_JS: &str = "/assets/character-count.js";
/// The wiki's home page.
pub const WIKI: &str = "/wiki/";
/// Where the proposal form posts (the functions' route; `form_action` in `site.yaml`).
pub const SUBMIT: &str = "/api/proposals";
/// The receipt page a successful submission redirects to (the functions' route).
pub const RECEIPT: &str = "/api/proposals/receipt";
/// Where the subscribe form posts (the functions' route).
pub const SUBSCRIBE: &str = "/api/subscriptions";
/// Where an opportunity's "email me about changes" form posts.
pub const WATCH: &str = "/api/subscriptions/watch";
/// A subscription's confirmation link (signed token in the query).
pub const CONFIRM_SUBSCRIPTION: &str = "/api/subscriptions/confirm";
/// A subscription's management link (signed token in the query).
pub const MANAGE_SUBSCRIPTION: &str = "/api/subscriptions/manage";
/// The unsubscribe link of every notification mail (signed token in the query).
pub const UNSUBSCRIBE: &str = "/api/subscriptions/unsubscribe";

/// A proposal's private manage page (`?t=<manage token>`): view, update, withdraw.
pub const MANAGE: &str = "/api/proposals/manage";
/// The public "product owner sign-in" page: asks for an address, mails a one-time link.
pub const OWNER_SIGN_IN: &str = "/api/owner/sign-in";
/// Where a one-time sign-in link lands (`?t=<token>`); its POST starts the session.
pub const OWNER_SESSION: &str = "/api/owner/session";
/// Ends the owner's session (POST).
pub const OWNER_SIGN_OUT: &str = "/api/owner/sign-out";
/// The owner's opportunities; [`evaluation`] is one of them.
pub const EVALUATIONS: &str = "/api/owner/evaluations";
/// The path the owner's session cookie is sent for.
pub const OWNER_SCOPE: &str = "/api/owner";

/// The evaluation page of an opportunity: `/api/owner/evaluations/{slug}`.
pub fn evaluation(slug: &str) -> String {
    format!("{EVALUATIONS}/{slug}")
}

/// The CSV export of an opportunity's evaluation.
pub fn evaluation_csv(slug: &str) -> String {
    format!("{EVALUATIONS}/{slug}/export.csv")
}

/// Where the owner posts the award, the acceptance and the payment of an opportunity.
pub fn evaluation_outcome(slug: &str) -> String {
    format!("{EVALUATIONS}/{slug}/outcome")
}

/// The JSON export of an opportunity's evaluation.
pub fn evaluation_json(slug: &str) -> String {
    format!("{EVALUATIONS}/{slug}/export.json")
}

/// The files every build writes whatever the content (theme files aside).
pub fn fixed_files() -> [&'static str; 10] {
    [
        HOME,
        BOARD,
        FEED,
        FEED_HISTORY,
        CALENDAR,
        OCDS_RELEASES,
        SITEMAP,
        ROBOTS,
        NOT_FOUND,
        HIGHLIGHT_CSS,
    ]
}

/// An opportunity's page: `/opportunities/{slug}/`.
pub fn opportunity(slug: &str) -> String {
    format!("{BOARD}{slug}/")
}

/// A skill's board page: `/opportunities/skills/{skill_slug}/`.
pub fn skill(skill_slug: &str) -> String {
    format!("{BOARD}skills/{skill_slug}/")
}

/// Cards on one page of the board or of a skill page: the later ones are on numbered pages, so a
/// page stays light however many opportunities the site has.
pub const PAGE_SIZE: usize = 100;

/// How many pages a list of `cards` cards takes (one page even when empty).
pub fn page_count(cards: usize) -> usize {
    cards.div_ceil(PAGE_SIZE).max(1)
}

/// Page `number` (from 1) of the list whose first page is `first` (the board or a skill page):
/// `first` itself, then `{first}page/{number}/`.
pub fn list_page(first: &str, number: usize) -> String {
    if number <= 1 {
        first.to_owned()
    } else {
        format!("{first}page/{number}/")
    }
}

/// A skill's RSS feed: `/feeds/skills/{skill_slug}.xml`.
pub fn skill_feed(skill_slug: &str) -> String {
    format!("/feeds/skills/{skill_slug}.xml")
}

/// An open opportunity's own deadline calendar: `/opportunities/{slug}/deadline.ics`.
pub fn opportunity_calendar(slug: &str) -> String {
    format!("{}deadline.ics", opportunity(slug))
}

/// A public opportunity's Open Contracting Data Standard release package:
/// `/opportunities/{slug}/ocds.json`.
pub fn opportunity_ocds(slug: &str) -> String {
    format!("{}ocds.json", opportunity(slug))
}

/// `path` on the site as a calendar subscription (`webcal://host/path`), which calendar apps
/// subscribe to rather than import once.
pub fn webcal(base_url: &str, path: &str) -> String {
    let absolute = absolute(base_url, path);
    let rest = absolute
        .strip_prefix("https://")
        .or_else(|| absolute.strip_prefix("http://"))
        .unwrap_or(&absolute);
    format!("webcal://{rest}")
}

/// The files a published opportunity adds: its page, its open contracting data, and each of its
/// skills' page and feed.
pub fn opportunity_files<'a>(
    slug: &str,
    skill_slugs: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut files = vec![opportunity(slug), opportunity_ocds(slug)];
    for skill_slug in skill_slugs {
        files.push(skill(skill_slug));
        files.push(skill_feed(skill_slug));
    }
    files
}

/// Where a wiki file is served: `for-developers/local-setup` → `/wiki/for-developers/local-setup/`,
/// `index` → `/wiki/`, `guides/index` → `/wiki/guides/`.
pub fn wiki(path: &str) -> String {
    let folder = match path.strip_suffix("index") {
        Some(parent) if parent.is_empty() || parent.ends_with('/') => parent,
        _ => return format!("{WIKI}{path}/"),
    };
    format!("{WIKI}{folder}")
}

/// The receipt page for the already encoded query `query`.
pub fn receipt(query: &str) -> String {
    format!("{RECEIPT}?{query}")
}

/// Whether `value` is a whole `https://` address: a host with a dot, no spaces or control
/// characters (what front matter and recorded links accept).
pub fn is_https(value: &str) -> bool {
    let host = value
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next());
    host.is_some_and(|h| h.contains('.') && !h.starts_with('.'))
        && !value.contains(|c: char| c.is_whitespace() || c.is_control())
}

/// `path` under the site's `base_url` (a trailing slash on `base_url` is ignored).
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(skill("c-sharp"), "/opportunities/skills/c-sharp/");
        assert_eq!(skill_feed("rust"), "/feeds/skills/rust.xml");
        assert_eq!(wiki("index"), "/wiki/");
        assert_eq!(wiki("guides/index"), "/wiki/guides/");
        assert_eq!(wiki("guides/reindex"), "/wiki/guides/reindex/");
        assert_eq!(receipt("id=1"), "/api/proposals/receipt?id=1");
        assert_eq!(opportunity_calendar("a"), "/opportunities/a/deadline.ics");
        assert_eq!(list_page(BOARD, 1), BOARD);
        assert_eq!(
            list_page(&skill("rust"), 3),
            "/opportunities/skills/rust/page/3/"
        );
        assert_eq!(
            [0, 1, PAGE_SIZE, PAGE_SIZE + 1].map(page_count),
            [1, 1, 1, 2]
        );
        assert_eq!(
            webcal("https://cwu.example.ca/", CALENDAR),
            "webcal://cwu.example.ca/opportunities.ics"
        );
        assert_eq!(
            opportunity_files("a", ["rust"]),
            [
                "/opportunities/a/",
                "/opportunities/a/ocds.json",
                "/opportunities/skills/rust/",
                "/feeds/skills/rust.xml"
            ]
        );
    }
}
