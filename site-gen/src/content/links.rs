//! Internal links: finding site-absolute links (`/wiki/faq/`) in Markdown with pulldown-cmark,
//! and checking each against the pages the build will generate.

use super::diagnostics::{Diagnostic, Kind};
use super::suggest::suggest;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::HashSet;
use std::path::Path;

/// A site-absolute link and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    /// The destination as written, e.g. `/wiki/faq/#payment`.
    pub url: String,
    /// 1-based file line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Site-absolute links and images in `markdown`, whose first line is file line `first_line`.
pub fn markdown_links(markdown: &str, first_line: usize) -> Vec<LinkRef> {
    // Most bodies link somewhere, but parsing ones that cannot hold a site link is wasted work.
    if !(markdown.contains("](/") || markdown.contains("]: /") || markdown.contains("](</")) {
        return Vec::new();
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut lines = LineCounter::new(markdown);
    Parser::new_ext(markdown, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if dest_url.starts_with('/') && !dest_url.starts_with("//") =>
            {
                let (line, column) = lines.position(range.start);
                Some(LinkRef {
                    url: dest_url.into_string(),
                    line: first_line + line - 1,
                    column,
                })
            }
            _ => None,
        })
        .collect()
}

/// Line and column of byte offsets, for offsets that mostly come in increasing order.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn position(&mut self, at: usize) -> (usize, usize) {
        if at < self.offset {
            *self = LineCounter::new(self.text);
        }
        for (i, byte) in self.text.as_bytes()[self.offset..at].iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = at;
        let column = self.text[self.line_start..at].chars().count() + 1;
        (self.line, column)
    }
}

/// Every site-absolute URL the build generates.
#[derive(Debug, Default)]
pub struct Targets {
    pages: HashSet<String>,
    drafts: HashSet<String>,
}

impl Targets {
    /// Adds a generated page or file (`/wiki/faq/`, `/feeds/opportunities.xml`).
    pub fn add(&mut self, url: String) {
        self.pages.insert(url);
    }

    /// Adds a page that is only built with `--drafts`.
    pub fn add_draft(&mut self, url: String) {
        self.drafts.insert(url);
    }

    /// Diagnostics for the links in `file` that go nowhere.
    pub fn check(&self, file: &Path, links: &[LinkRef]) -> Vec<Diagnostic> {
        links
            .iter()
            .filter_map(|link| {
                let (message, hint) = self.problem(&link.url)?;
                Some(Diagnostic::new(
                    file,
                    (link.line, link.column),
                    Kind::BrokenLink,
                    message,
                    hint,
                ))
            })
            .collect()
    }

    fn problem(&self, url: &str) -> Option<(String, String)> {
        let path = url.split(['#', '?']).next().unwrap_or(url);
        let path = path.strip_suffix("index.html").unwrap_or(path);
        if self.pages.contains(path) {
            return None;
        }
        let message = format!("the link `{url}` goes to a page that does not exist");
        let with_slash = format!("{path}/");
        let hint = if self.pages.contains(&with_slash) {
            format!("end it with a slash: `{with_slash}`")
        } else if self.drafts.contains(path) {
            return Some((
                format!("the link `{url}` goes to a draft opportunity, which is not published"),
                "publish that opportunity (`status: published`) or remove the link".into(),
            ));
        } else {
            match suggest(path, self.pages.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "link to an existing page, e.g. `/wiki/` or `/opportunities/`".into(),
            }
        };
        Some((message, hint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_site_links_with_lines() {
        let md = "Intro [a](/wiki/)\n\n* [b](https://x.ca/) and ![i](/logo.svg)\n\n[ref]: /wiki/faq/\n\nSee [the faq][ref] and `[no](/code/)`.\n";
        let links: Vec<_> = markdown_links(md, 10)
            .into_iter()
            .map(|l| (l.url, l.line, l.column))
            .collect();
        assert_eq!(
            links,
            [
                ("/wiki/".into(), 10, 7),
                ("/logo.svg".into(), 12, 26),
                ("/wiki/faq/".into(), 16, 5),
            ]
        );
    }

    #[test]
    fn checks_targets_with_hints() {
        let mut targets = Targets::default();
        targets.add("/wiki/faq/".into());
        targets.add("/wiki/how-to-submit/".into());
        targets.add_draft("/opportunities/secret/".into());
        let hint = |url: &str| targets.problem(url).map(|(_, hint)| hint);
        assert_eq!(hint("/wiki/faq/#who"), None);
        assert_eq!(hint("/wiki/faq/index.html"), None);
        assert!(hint("/wiki/faq").unwrap().contains("`/wiki/faq/`"));
        assert!(
            hint("/wiki/how-to-sumbit/")
                .unwrap()
                .contains("how-to-submit")
        );
        assert!(hint("/opportunities/secret/").unwrap().contains("publish"));
    }
}
