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
    match link_blocks(markdown) {
        Some(blocks) => blocks
            .into_iter()
            .flat_map(|(line, text)| parse_links(text, first_line + line))
            .collect(),
        None => parse_links(markdown, first_line),
    }
}

/// The links in `markdown` as pulldown-cmark finds them.
fn parse_links(markdown: &str, first_line: usize) -> Vec<LinkRef> {
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

/// The parts of `markdown` that can hold a link, each with its first line (0-based), or `None`
/// when the whole text must be parsed.
///
/// Parsing a whole description only for its few links cost as much as a third of rendering it.
/// Without reference or footnote definitions (`]:`), every link is written `[text](dest)`, and
/// a link's paragraph ends at a blank line. After a blank line, a line starting in the first
/// column closes every open block (lists, quotes, indented code) and starts afresh, unless a
/// fenced code block or an HTML block that blank lines do not end is still open: fences are
/// tracked (and any fence not in the first column gives up), HTML blocks give up. So parsing
/// each part between such lines that has a `](` finds exactly the links parsing the whole would.
fn link_blocks(markdown: &str) -> Option<Vec<(usize, &str)>> {
    /// The bytes worth a closer look: line ends, and what starts links, definitions, fences
    /// and HTML; the others are skipped at a few instructions each.
    const MARKS: [bool; 256] = {
        let (mut marks, chars) = ([false; 256], b"\n\r]`~<");
        let mut i = 0;
        while i < chars.len() {
            marks[chars[i] as usize] = true;
            i += 1;
        }
        marks
    };
    let bytes = markdown.as_bytes();
    let blank = |text: &[u8]| text.iter().all(|b| matches!(b, b' ' | b'\t'));
    // Where blocks start (byte offset, line), where links may be, and the open fence's
    // character and length. One pass, looking closer only at the few bytes that matter.
    let mut starts = vec![(0, 0)];
    let mut links = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let (mut line, mut line_start, mut previous_blank) = (0, 0, false);
    let mut from = 0;
    loop {
        // The end of the text ends its last line.
        let (at, byte) = match bytes[from..].iter().position(|b| MARKS[usize::from(*b)]) {
            Some(n) => (from + n, bytes[from + n]),
            None if line_start < bytes.len() => (bytes.len(), b'\n'),
            None => break,
        };
        from = at + 1;
        match byte {
            b'\n' => {
                let text = &bytes[line_start..at];
                let run = |c: u8| text.iter().take_while(|b| **b == c).count();
                match (fence, text.first()) {
                    (Some((c, length)), _) => {
                        if run(c) >= length && blank(&text[run(c)..]) {
                            fence = None;
                        }
                    }
                    (None, Some(&first)) => {
                        if previous_blank && !matches!(first, b' ' | b'\t') {
                            starts.push((line_start, line));
                        }
                        let n = run(first);
                        let info = &text[n..];
                        if matches!(first, b'`' | b'~')
                            && n >= 3
                            && !(first == b'`' && info.contains(&b'`'))
                        {
                            fence = Some((first, n));
                        }
                    }
                    (None, None) => {}
                }
                previous_blank = blank(text);
                (line, line_start) = (line + 1, at + 1);
            }
            b'\r' => return None,
            // A reference or footnote definition; a link.
            b']' => match bytes.get(at + 1) {
                Some(b':') => return None,
                Some(b'(') => links.push(at),
                _ => {}
            },
            // A fence anywhere but at the start of a line (indented, in a list or a quote).
            b'`' | b'~' => {
                let starts_run = at == 0 || bytes[at - 1] != byte;
                if starts_run && at != line_start && bytes[at..].starts_with(&[byte; 3]) {
                    return None;
                }
            }
            // An HTML block, which blank lines may not end.
            b'<' if blank(&bytes[line_start..at]) => return None,
            _ => {}
        }
        if from > bytes.len() {
            break;
        }
    }
    let mut blocks: Vec<(usize, &str)> = Vec::new();
    for at in links {
        let block = starts.partition_point(|(start, _)| *start <= at) - 1;
        let (start, line) = starts[block];
        let end = starts.get(block + 1).map_or(markdown.len(), |next| next.0);
        if blocks.last().is_none_or(|(last, _)| *last != line) {
            blocks.push((line, &markdown[start..end]));
        }
    }
    Some(blocks)
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

    /// Random Markdown from lines that matter to its block structure and to links.
    fn random_markdown(seed: &mut u64, lines: usize) -> String {
        // Lines the split handles, and (rarer) lines that make it parse the whole text.
        const LINES: &[&str] = &[
            "",
            "",
            "",
            "text [a](/x) more",
            "plain words",
            "## Heading [h](/h)",
            "- item [b](/b)",
            "  continued [c](/c)",
            "1. one [o](/o)",
            "> quote [q](/q)",
            ">",
            "    code [i](/i)",
            "```",
            "~~~",
            "| a | b |",
            "|---|---|",
            "| [t](/t) | x |",
            "[open](/open",
            ")",
            "***",
            "---",
            "===",
            "`code [x](/no)`",
            "`open [y](/y)",
            "close`",
            "*em [e](/e)*",
            "[multi",
            "line](/m)",
            "\t[tab](/tab)",
            "[^1] note",
            "see [ref]",
            "![img](/img.png)",
            "[a]( /space)",
            "[a](</angle>)",
            "[x](/y \"t",
            "itle\")",
            "\\[esc](/esc)",
            "[a](//proto)",
            "é [u](/ü)",
            "  - nested [n](/n)",
            "[a](/a)[b](/b)",
            "a <b>c</b> [d](/d)",
        ];
        const RARE: &[&str] = &[
            "[^1]: foot [f](/f)",
            "[ref]: /r",
            "<div>",
            "<pre>",
            "</pre>",
            "<!-- c",
            "-->",
            "- ```",
            "  ```",
            "> ```",
            "text\r",
            "```rust",
            "````",
            "``` a`b",
        ];
        let mut text = String::new();
        for _ in 0..lines {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let pick = (*seed >> 8) as usize;
            let from = if seed.is_multiple_of(16) { RARE } else { LINES };
            text.push_str(from[pick % from.len()]);
            text.push('\n');
        }
        text
    }

    #[test]
    fn parsing_only_the_blocks_with_links_finds_what_parsing_everything_finds() {
        let (mut seed, mut split) = (0x2545_f491_4f6c_dd1d_u64, 0);
        for n in 0..20_000 {
            let markdown = random_markdown(&mut seed, 1 + n % 30);
            let Some(blocks) = link_blocks(&markdown) else {
                continue;
            };
            let parsed: usize = blocks.iter().map(|(_, text)| text.len()).sum();
            split += usize::from(blocks.len() > 1 || parsed < markdown.len());
            let found: Vec<LinkRef> = blocks
                .into_iter()
                .flat_map(|(line, text)| parse_links(text, 3 + line))
                .collect();
            assert_eq!(found, parse_links(&markdown, 3), "{markdown}");
        }
        assert!(split > 3_000, "only {split} texts were split");
    }

    #[test]
    fn a_description_is_parsed_only_where_it_links() {
        let md = "## Intro\n\nWords.\n\n```rust\nlet a = 1;\n\n[no](/code/)\n```\n\n- a\n- b\n\n\
                  See [the FAQ](/wiki/faq/).\n\n| a | b |\n|---|---|\n";
        let blocks = link_blocks(md).unwrap();
        // The code block may not link, but only parsing tells.
        let code = "```rust\nlet a = 1;\n\n[no](/code/)\n```\n\n";
        assert_eq!(blocks, [(4, code), (13, "See [the FAQ](/wiki/faq/).\n\n")]);
        assert_eq!(markdown_links(md, 5)[0].line, 18);
        // Reference definitions, HTML blocks and indented fences: the whole text is parsed.
        for whole in ["[a]: /x\n", "<pre>\n\n[a](/x)\n", "- ```\n\n[a](/x)\n"] {
            assert_eq!(link_blocks(whole), None, "{whole}");
        }
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
