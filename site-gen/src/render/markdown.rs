//! Markdown to HTML: tables, heading anchors, a table of contents, highlighted code, and no raw HTML.
//!
//! Product owners' Markdown is semi-trusted, so raw HTML in it is shown as text (escaped) and
//! links with script-capable schemes are neutralised. Body headings start at `<h2>`: the page
//! title is the only `<h1>`.

use super::highlight::Highlighter;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 2 to 6.
    pub level: u8,
    /// The anchor id (unique in the page).
    pub id: String,
    /// The heading as plain text.
    pub title: String,
}

/// A rendered Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML (safe to insert unescaped).
    pub html: String,
    /// Level-2 and level-3 headings, in order.
    pub toc: Vec<TocEntry>,
}

/// Renders `markdown` to HTML, highlighting code blocks with `highlighter`.
pub fn render(markdown: &str, highlighter: &Highlighter) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut toc = Vec::new();
    let mut ids = Ids::default();
    let mut events: Vec<Event> = Vec::new();
    // Events of the heading or code block being collected, if any.
    let mut heading: Option<(u8, Vec<Event>)> = None;
    let mut code: Option<(String, String)> = None;

    for event in Parser::new_ext(markdown, options) {
        if let Some((language, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let block = highlighter.to_html(text, language);
                    events.push(Event::Html(block.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            // Raw HTML becomes visible text: escaped by the HTML writer.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
                continue;
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level_number(level), Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, inner)) = heading.take() {
                    let title = plain_text(&inner);
                    let id = unique_id(&title, &mut ids);
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                    let escaped_id = cwu_domain::html::escape_html(&id);
                    let label = cwu_domain::html::escape_html(&title);
                    events.push(Event::Html(
                        format!(
                            "<h{level} id=\"{escaped_id}\">{inner_html} <a class=\"anchor\" \
                             href=\"#{escaped_id}\" aria-label=\"Link to this section: {label}\">#</a></h{level}>\n"
                        )
                        .into(),
                    ));
                    if level <= 3 {
                        toc.push(TocEntry { level, id, title });
                    }
                }
                continue;
            }
            other => other,
        };
        match heading.as_mut() {
            Some((_, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, toc }
}

/// Body headings are shifted so the first level is `<h2>`.
fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of inline events, for anchors and the table of contents.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// The anchor ids given out in one page.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    /// For each base, the suffix to try next: 10,000 equal headings take linear time instead
    /// of trying `-2`, `-3`… from the start for each.
    next: HashMap<String, usize>,
    /// Candidate ids tried so far: what the tests bound to prove the work is linear.
    tries: usize,
}

/// A slug for `title` not used yet in this page (`-2`, `-3`… appended on repeats).
fn unique_id(title: &str, ids: &mut Ids) -> String {
    let base = match cwu_domain::slug::slugify(title) {
        slug if slug.is_empty() => "section".to_string(),
        slug => slug,
    };
    ids.tries += 1;
    if ids.used.insert(base.clone()) {
        return base;
    }
    let n = ids.next.entry(base.clone()).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        ids.tries += 1;
        if ids.used.insert(id.clone()) {
            return id;
        }
    }
}

/// Links may not run script: `javascript:`, `vbscript:` and `data:` URLs become `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme: String = url
        .trim_start()
        .chars()
        .take_while(|c| *c != ':' && *c != '/')
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = url.contains(':');
    if has_scheme && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> Rendered {
        render(markdown, &Highlighter::new())
    }

    #[test]
    fn headings_get_anchors_and_a_toc() {
        let out = html("# Intro\n\n## The *problem*\n\n### Details\n\n## The problem\n");
        assert!(out.html.contains("<h2 id=\"intro\">"), "{}", out.html);
        assert!(
            out.html
                .contains("<h2 id=\"the-problem\">The <em>problem</em> <a class=\"anchor\" href=\"#the-problem\""),
            "{}",
            out.html
        );
        assert!(out.html.contains("id=\"the-problem-2\""), "{}", out.html);
        let ids: Vec<_> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["intro", "the-problem", "details", "the-problem-2"]);
        assert_eq!(out.toc[1].title, "The problem");
        assert_eq!(out.toc[2].level, 3);
    }

    #[test]
    fn heading_ids_are_unique_in_linear_work() {
        let mut ids = Ids::default();
        // A heading that looks like a repeat's id comes first: the repeats skip it.
        assert_eq!(unique_id("Step 2", &mut ids), "step-2");
        let given: Vec<String> = (0..10_000).map(|_| unique_id("Step", &mut ids)).collect();
        assert_eq!(given[..3], ["step", "step-3", "step-4"]);
        assert_eq!(given.iter().collect::<HashSet<_>>().len(), 10_000);
        // Trying -2, -3… from the start for each repeat made 50 million tries.
        // Two tries per repeat (the base, then its next suffix).
        assert!(ids.tries <= 2 * 10_000 + 1, "{} tries", ids.tries);
    }

    #[test]
    fn raw_html_is_escaped_and_script_links_neutralised() {
        let out = html(
            "<script>alert(1)</script>\n\nHi <b onclick=\"x\">there</b> [x](javascript:alert(1)) [y]( JavaScript:alert(1))\n",
        );
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("<b "), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;"), "{}", out.html);
        assert!(
            !out.html.to_lowercase().contains("javascript:"),
            "{}",
            out.html
        );
    }

    #[test]
    fn code_blocks_are_highlighted_and_tables_render() {
        let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n");
        assert!(out.html.contains("<table>"), "{}", out.html);
        assert!(out.html.contains("<pre class=\"code\""), "{}", out.html);
        assert!(out.html.contains("hl-"), "{}", out.html);
    }

    #[test]
    fn no_code_means_no_syntax_loading() {
        let highlighter = Highlighter::new();
        render("Just *text* and `inline code`.\n", &highlighter);
        assert!(!highlighter.was_used());
    }
}
