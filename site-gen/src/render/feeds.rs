//! RSS 2.0 feeds: every public opportunity and every addendum as items, site-wide and per skill.
//!
//! Items carry short text (the teaser, the addendum, the outcome's facts), never rendered pages.
//! Guids are permalinks: the opportunity's URL, or its URL with the anchor of the addendum, the
//! award, the acceptance or the payment, so they stay stable between builds.

use super::highlight::Highlighter;
use super::markdown;
use super::views::{SkillView, awarded_to};
use cwu_domain::{Opportunity, urls, when};
use jiff::Timestamp;
use std::io::{self, Write};

/// One feed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// Item title.
    pub title: String,
    /// Absolute URL of the page (and anchor) the item is about; also its permalink guid.
    pub link: String,
    /// Summary as HTML (feed readers render it): the opportunity's plain-text summary escaped,
    /// or an addendum's rendered Markdown.
    pub description: String,
    /// When it was published.
    pub published: Timestamp,
    /// When its text last changed, as far as dates say: an opportunity's item names its status,
    /// so it changed when that status began ([`Opportunity::status_since`]) if that is later
    /// than `published`; other items never change.
    pub changed: Timestamp,
    /// Skill names, as RSS categories.
    pub categories: Vec<String>,
    /// Skill slugs, to pick the items of a skill's feed.
    pub skill_slugs: Vec<String>,
}

/// A feed's channel.
#[derive(Debug, Clone)]
pub struct Channel<'a> {
    /// Channel title.
    pub title: &'a str,
    /// Absolute URL of the page the feed is about.
    pub link: &'a str,
    /// What the feed holds.
    pub description: &'a str,
    /// Absolute URL of the feed itself (`atom:link rel="self"`).
    pub self_url: &'a str,
}

/// The anchor id of the `index`-th addendum of an opportunity (newest first, as validated), e.g.
/// `addendum-2026-11-12` or `addendum-2026-11-12-2` for a second one that day.
pub fn addendum_anchor(opportunity: &Opportunity, index: usize) -> String {
    let date = |i: usize| {
        when::in_vancouver(opportunity.addenda[i].date)
            .strftime("%Y-%m-%d")
            .to_string()
    };
    let day = date(index);
    let same_day_before = (0..index).filter(|&i| date(i) == day).count();
    if same_day_before == 0 {
        format!("addendum-{day}")
    } else {
        format!("addendum-{day}-{}", same_day_before + 1)
    }
}

/// The feed items for one public opportunity at `now`: the opportunity itself, dated
/// `published` (see [`super::history::History::item_date`]), then one per addendum.
pub fn items(
    opportunity: &Opportunity,
    now: Timestamp,
    base_url: &str,
    published: Timestamp,
    highlighter: &Highlighter,
) -> Vec<FeedItem> {
    let page = urls::absolute(base_url, &urls::opportunity(&opportunity.slug));
    let skills: Vec<SkillView> = opportunity
        .skills
        .iter()
        .map(|s| SkillView::new(s))
        .collect();
    let categories: Vec<String> = skills.iter().map(|s| s.name.clone()).collect();
    let skill_slugs: Vec<String> = skills.into_iter().map(|s| s.slug).collect();
    let status = opportunity.status_at(now);
    let mut description = format!(
        "{} {} · {} · {} · Proposals due {}.",
        opportunity.teaser,
        opportunity.organization,
        opportunity.reward,
        status.label(),
        when::display(opportunity.proposal_deadline)
    );
    if let Some(outcome) = &opportunity.outcome {
        description.push_str(&format!(" Awarded to {}.", awarded_to(outcome)));
    }
    let mut items = vec![FeedItem {
        title: opportunity.title.clone(),
        link: page.clone(),
        // Plain text: escaped as HTML, so typed markup stays text in feed readers, as it is on
        // the page.
        description: cwu_domain::html::escape_html(&description),
        published,
        changed: opportunity
            .status_since(now)
            .map_or(published, |since| since.max(published)),
        categories: categories.clone(),
        skill_slugs: skill_slugs.clone(),
    }];
    for (index, addendum) in opportunity.addenda.iter().enumerate() {
        items.push(FeedItem {
            title: format!(
                "Addendum ({}): {}",
                when::display_date(addendum.date),
                opportunity.title
            ),
            link: format!("{page}#{}", addendum_anchor(opportunity, index)),
            // Rendered like on the page (raw HTML escaped); escaped again as XML text.
            description: markdown::render(&addendum.text, highlighter).html,
            published: addendum.date,
            changed: addendum.date,
            categories: categories.clone(),
            skill_slugs: skill_slugs.clone(),
        });
    }
    items.extend(outcome_items(opportunity, &page, &categories, &skill_slugs));
    items
}

/// The anchors of the outcome's facts on the opportunity page, which are also the feed items'
/// guids: each fact is announced once, dated when it happened. The underscore keeps them apart
/// from the description's heading ids (slugs: letters, digits and hyphens).
pub const AWARDED_ANCHOR: &str = "record_awarded";
/// See [`AWARDED_ANCHOR`].
pub const ACCEPTED_ANCHOR: &str = "record_accepted";
/// See [`AWARDED_ANCHOR`].
pub const PAID_ANCHOR: &str = "record_paid";

/// One recorded fact of an opportunity's outcome, as the feed and the calendar announce it.
#[derive(Debug, Clone)]
pub struct OutcomeFact {
    /// Its anchor on the opportunity page ([`AWARDED_ANCHOR`] and the like), also the feed
    /// item's guid and the calendar event's UID.
    pub anchor: &'static str,
    /// "Awarded", "Accepted" or "Paid".
    pub what: &'static str,
    /// When it happened.
    pub date: Timestamp,
    /// One plain sentence (or two) saying it.
    pub text: String,
}

/// The recorded facts of `opportunity`'s outcome, in order: the award, the acceptance, the
/// payment (none before the award).
pub fn outcome_facts(opportunity: &Opportunity) -> Vec<OutcomeFact> {
    let Some(outcome) = &opportunity.outcome else {
        return Vec::new();
    };
    let who = awarded_to(outcome);
    let awarded = &outcome.awarded;
    let mut facts = vec![OutcomeFact {
        anchor: AWARDED_ANCHOR,
        what: "Awarded",
        date: awarded.date,
        text: format!(
            "{} was awarded to {who} on {} for {}.",
            opportunity.title,
            when::display_date(awarded.date),
            awarded.amount
        ),
    }];
    if let Some(accepted) = &outcome.accepted {
        let mut text = format!(
            "The work of {who} was accepted on {}.",
            when::display_date(accepted.date)
        );
        if !accepted.links.is_empty() {
            text.push_str(&format!(" Delivered code: {}.", accepted.links.join(", ")));
        }
        facts.push(OutcomeFact {
            anchor: ACCEPTED_ANCHOR,
            what: "Accepted",
            date: accepted.date,
            text,
        });
    }
    if let Some(paid) = &outcome.paid {
        facts.push(OutcomeFact {
            anchor: PAID_ANCHOR,
            what: "Paid",
            date: paid.date,
            text: format!(
                "{} was paid to {who} on {}.",
                paid.amount,
                when::display_date(paid.date)
            ),
        });
    }
    facts
}

/// One item per recorded fact of the outcome: the award, the acceptance, the payment.
fn outcome_items(
    opportunity: &Opportunity,
    page: &str,
    categories: &[String],
    skill_slugs: &[String],
) -> Vec<FeedItem> {
    outcome_facts(opportunity)
        .into_iter()
        .map(|fact| FeedItem {
            title: format!("{}: {}", fact.what, opportunity.title),
            link: format!("{page}#{}", fact.anchor),
            description: cwu_domain::html::escape_html(&fact.text),
            published: fact.date,
            changed: fact.date,
            categories: categories.to_vec(),
            skill_slugs: skill_slugs.to_vec(),
        })
        .collect()
}

/// Newest first, then by link so equal dates keep a stable order.
pub fn sort(items: &mut [FeedItem]) {
    items.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.link.cmp(&b.link))
    });
}

/// An RFC 822 (RFC 2822) date in Vancouver time: `Tue, 24 Nov 2026 12:00:00 -0800`.
pub fn rfc822(instant: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&when::in_vancouver(instant))
        .expect("Vancouver times are always printable")
}

/// Writes an RSS 2.0 document. Its `lastBuildDate` ("the last time the content of the channel
/// changed") is the newest change among its items, not the build's clock, so an hourly rebuild
/// that changed nothing writes the same bytes; a feed without items has none.
pub fn write_rss<'a>(
    channel: &Channel,
    items: impl IntoIterator<Item = &'a FeedItem>,
    out: &mut impl Write,
) -> io::Result<()> {
    let items: Vec<&FeedItem> = items.into_iter().collect();
    let e = escape_xml;
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n\
         <title>{}</title>\n<link>{}</link>\n<description>{}</description>\n\
         <language>en-CA</language>\n",
        e(channel.title),
        e(channel.link),
        e(channel.description),
    )?;
    if let Some(changed) = items.iter().map(|item| item.changed).max() {
        writeln!(out, "<lastBuildDate>{}</lastBuildDate>", rfc822(changed))?;
    }
    writeln!(
        out,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        e(channel.self_url)
    )?;
    for item in items {
        out.write_all(item_xml(item).as_bytes())?;
    }
    out.write_all(b"</channel>\n</rss>\n")
}

/// One `<item>` element.
pub fn item_xml(item: &FeedItem) -> String {
    let e = escape_xml;
    let link = e(&item.link);
    let mut xml = format!(
        "<item>\n<title>{}</title>\n<link>{link}</link>\n<description>{}</description>\n\
         <guid isPermaLink=\"true\">{link}</guid>\n<pubDate>{}</pubDate>\n",
        e(&item.title),
        e(&item.description),
        rfc822(item.published),
    );
    for category in &item.categories {
        xml.push_str("<category>");
        xml.push_str(&e(category));
        xml.push_str("</category>\n");
    }
    xml.push_str("</item>\n");
    xml
}

/// Escapes text for XML content and attributes; drops characters XML 1.0 forbids.
pub fn escape_xml(text: &str) -> String {
    // Byte by byte: every character that changes is ASCII, or U+FFFE / U+FFFF, whose UTF-8
    // starts with 0xEF (never a continuation byte), so each cut is at a character boundary.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut clean, mut at) = (0, 0);
    while at < bytes.len() {
        let (replacement, width) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                at += 1;
                continue;
            }
            byte if byte < 0x20 => ("", 1),
            0xEF if bytes.get(at + 1) == Some(&0xBF)
                && matches!(bytes.get(at + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&text[clean..at]);
        out.push_str(replacement);
        at += width;
        clean = at;
    }
    out.push_str(&text[clean..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape_xml("a&b<c>d\"e'f\tg\nh\ri\u{0}j\u{1f}k\u{7f}l"),
            "a&amp;b&lt;c&gt;d&quot;e&apos;f\tg\nh\rijk\u{7f}l"
        );
        assert_eq!(
            escape_xml("é\u{FFFE}日\u{FFFF}\u{FFFD}\u{EFBF}\u{1F600}<"),
            "é日\u{FFFD}\u{EFBF}\u{1F600}&lt;"
        );
        assert_eq!(escape_xml(""), "");
        assert_eq!(escape_xml("plain"), "plain");
    }

    #[test]
    fn rfc822_dates_parse_back() {
        let now: Timestamp = "2026-11-24T20:00:00Z".parse().unwrap();
        let text = rfc822(now);
        assert_eq!(text, "Tue, 24 Nov 2026 12:00:00 -0800");
        assert_eq!(jiff::fmt::rfc2822::parse(&text).unwrap().timestamp(), now);
    }

    #[test]
    fn rss_has_required_elements_and_escapes() {
        let now: Timestamp = "2026-11-24T20:00:00Z".parse().unwrap();
        let item = FeedItem {
            title: "A <b> & \"c\"".into(),
            link: "https://x.example/opportunities/a/".into(),
            description: "d\u{1}".into(),
            published: now,
            changed: now,
            categories: vec!["Rust".into()],
            skill_slugs: vec!["rust".into()],
        };
        let channel = Channel {
            title: "T",
            link: "https://x.example/",
            description: "D",
            self_url: "https://x.example/feeds/opportunities.xml",
        };
        let mut out = Vec::new();
        write_rss(&channel, [&item], &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        for element in [
            "<title>T</title>",
            "<lastBuildDate>",
            "rel=\"self\"",
            "<language>",
        ] {
            assert!(xml.contains(element), "{element} in {xml}");
        }
        assert!(
            xml.contains("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("<guid isPermaLink=\"true\">https://x.example/opportunities/a/</guid>")
        );
        assert!(!xml.contains('\u{1}'));
    }

    #[test]
    fn last_build_date_is_the_newest_change_among_the_items() {
        let item = |published: &str, changed: &str| FeedItem {
            title: "T".into(),
            link: format!("https://x.example/{published}/"),
            description: "D".into(),
            published: published.parse().unwrap(),
            changed: changed.parse().unwrap(),
            categories: Vec::new(),
            skill_slugs: Vec::new(),
        };
        let channel = Channel {
            title: "T",
            link: "https://x.example/",
            description: "D",
            self_url: "https://x.example/feeds/opportunities.xml",
        };
        let rss = |items: &[FeedItem]| {
            let mut out = Vec::new();
            write_rss(&channel, items, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let items = [
            item("2026-11-20T20:00:00Z", "2026-11-20T20:00:00Z"),
            // An older item whose status changed later (it began closing soon).
            item("2026-11-02T20:00:00Z", "2026-11-23T00:00:00Z"),
        ];
        assert!(
            rss(&items).contains("<lastBuildDate>Sun, 22 Nov 2026 16:00:00 -0800</lastBuildDate>"),
            "{}",
            rss(&items)
        );
        let empty = rss(&[]);
        assert!(!empty.contains("<lastBuildDate>"), "{empty}");
        assert!(empty.contains("rel=\"self\""), "{empty}");
    }

    #[test]
    fn markup_in_a_description_stays_text_in_feed_readers() {
        let item = FeedItem {
            title: "T".into(),
            link: "https://x.example/a/".into(),
            description: cwu_domain::html::escape_html("<img src=x onerror=alert(1)> & more"),
            published: "2026-11-24T20:00:00Z".parse().unwrap(),
            changed: "2026-11-24T20:00:00Z".parse().unwrap(),
            categories: Vec::new(),
            skill_slugs: Vec::new(),
        };
        let xml = item_xml(&item);
        // What a reader gets after XML parsing is escaped HTML, shown as text.
        assert!(
            xml.contains("<description>&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;amp; more</description>"),
            "{xml}"
        );
    }
}
