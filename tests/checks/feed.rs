//! RSS 2.0 checks beyond "it is XML": the elements RSS 2.0 and our feeds promise, RFC 822 dates,
//! a self link, unique permalink guids.

use roxmltree::{Document, Node};
use std::collections::HashSet;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// One item of a feed, as the tests need it.
#[derive(Debug, Clone)]
pub struct Item {
    /// `<title>`.
    pub title: String,
    /// `<link>`.
    pub link: String,
    /// `<guid>`.
    pub guid: String,
    /// `<pubDate>` parsed.
    pub published: Option<jiff::Timestamp>,
}

/// Checks one RSS document; returns the problems (empty = valid) and the items it read.
pub fn check_rss(name: &str, xml: &str) -> (Vec<String>, Vec<Item>) {
    let mut problems = Vec::new();
    let mut items = Vec::new();
    let document = match Document::parse(xml) {
        Ok(document) => document,
        Err(e) => return (vec![format!("{name}: not well-formed XML: {e}")], items),
    };
    let rss = document.root_element();
    if rss.tag_name().name() != "rss" || rss.attribute("version") != Some("2.0") {
        problems.push(format!("{name}: root element is not <rss version=\"2.0\">"));
    }
    let Some(channel) = child(rss, "channel") else {
        problems.push(format!("{name}: no <channel>"));
        return (problems, items);
    };
    for required in ["title", "link", "description"] {
        if text(channel, required).is_empty() {
            problems.push(format!(
                "{name}: <channel> has no (or an empty) <{required}>"
            ));
        }
    }
    let self_link = channel.children().find(|node| {
        node.tag_name().namespace() == Some(ATOM)
            && node.tag_name().name() == "link"
            && node.attribute("rel") == Some("self")
    });
    match self_link {
        None => problems.push(format!("{name}: <channel> has no <atom:link rel=\"self\">")),
        Some(link) => {
            if !link.attribute("href").is_some_and(is_absolute_url) {
                problems.push(format!("{name}: atom:link rel=self has no absolute href"));
            }
            if link.attribute("type") != Some("application/rss+xml") {
                problems.push(format!(
                    "{name}: atom:link rel=self should have type=\"application/rss+xml\""
                ));
            }
        }
    }
    for date in ["pubDate", "lastBuildDate"] {
        if let Some(node) = child(channel, date) {
            check_date(name, "channel", date, node_text(node), &mut problems);
        }
    }

    let mut guids = HashSet::new();
    for (index, item) in channel
        .children()
        .filter(|node| node.has_tag_name("item"))
        .enumerate()
    {
        let label = format!("item {}", index + 1);
        for required in ["title", "link", "description", "guid", "pubDate"] {
            if text(item, required).is_empty() {
                problems.push(format!("{name}: {label} has no (or an empty) <{required}>"));
            }
        }
        let link = text(item, "link");
        if !link.is_empty() && !is_absolute_url(&link) {
            problems.push(format!(
                "{name}: {label} <link> {link:?} is not an absolute URL"
            ));
        }
        let guid = text(item, "guid");
        if let Some(node) = child(item, "guid") {
            let permalink = node.attribute("isPermaLink") != Some("false");
            if permalink && !is_absolute_url(&guid) {
                problems.push(format!(
                    "{name}: {label} <guid> {guid:?} is a permalink but not an absolute URL"
                ));
            }
        }
        if !guid.is_empty() && !guids.insert(guid.clone()) {
            problems.push(format!("{name}: {label} repeats guid {guid:?}"));
        }
        let published = child(item, "pubDate")
            .and_then(|node| check_date(name, &label, "pubDate", node_text(node), &mut problems));
        items.push(Item {
            title: text(item, "title"),
            link,
            guid,
            published,
        });
    }
    (problems, items)
}

/// Parses an RFC 822 (as updated by RFC 2822) date, recording a problem when it is not one.
fn check_date(
    name: &str,
    place: &str,
    element: &str,
    value: &str,
    problems: &mut Vec<String>,
) -> Option<jiff::Timestamp> {
    match jiff::fmt::rfc2822::parse(value.trim()) {
        Ok(zoned) => Some(zoned.timestamp()),
        Err(e) => {
            problems.push(format!(
                "{name}: {place} <{element}> {value:?} is not an RFC 822 date: {e}"
            ));
            None
        }
    }
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|child| child.tag_name().name() == name && child.tag_name().namespace().is_none())
}

fn node_text<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or("")
}

fn text(node: Node, name: &str) -> String {
    child(node, name)
        .map(|child| child.text().unwrap_or("").trim().to_string())
        .unwrap_or_default()
}

fn is_absolute_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>T</title><link>https://x.example/</link><description>D</description>
<atom:link href="https://x.example/feed.xml" rel="self" type="application/rss+xml"/>
<item><title>A</title><link>https://x.example/a/</link><description>a</description>
<guid>https://x.example/a/</guid><pubDate>Tue, 24 Nov 2026 12:00:00 -0800</pubDate></item>
</channel></rss>"#;

    #[test]
    fn a_good_feed_passes() {
        let (problems, items) = check_rss("good", GOOD);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn repeated_guids_and_missing_self_link_are_reported() {
        let item = GOOD
            .split("<item>")
            .nth(1)
            .unwrap()
            .split("</channel>")
            .next()
            .unwrap();
        let xml = GOOD
            .replace(r#"<atom:link href="https://x.example/feed.xml" rel="self" type="application/rss+xml"/>"#, "")
            .replace("</channel>", &format!("<item>{item}</channel>"));
        let (problems, _) = check_rss("bad", &xml);
        assert!(
            problems.iter().any(|p| p.contains("repeats guid")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("atom:link")),
            "{problems:?}"
        );
    }
}
