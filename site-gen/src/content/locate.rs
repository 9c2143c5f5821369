//! Finding where a field is in YAML text, so a problem found on parsed values (a [`FieldPath`]
//! such as `evaluation_criteria[2].points`) can be reported at its line and column.
//!
//! The YAML has already been parsed successfully when this runs, so a small scanner suffices:
//! block mappings by indentation, block lists by `-` items, and flow `[…]`/`{…}` collections
//! (possibly over several lines). When part of a path is not in the text (a missing key), the
//! position of the deepest part that was found is returned.

use cwu_domain::{FieldPath, Segment};

/// A 1-based line and column (in characters) within the YAML text.
pub type Position = (usize, usize);

/// Where `path` is in `yaml`: its key (or list item), or its deepest ancestor that is present.
/// `None` when not even the first key is there.
pub fn locate(yaml: &str, path: &FieldPath) -> Option<Position> {
    let doc = Doc::new(yaml);
    let mut node = Node::root();
    let mut found = None;
    for segment in &path.0 {
        let next = match segment {
            Segment::Key(key) => doc.key(&node, key),
            Segment::Index(index) => doc.item(&node, *index),
        };
        match next {
            Some(next) => {
                found = Some(doc.position(next.at));
                node = next;
            }
            None => break,
        }
    }
    found
}

/// Where `key` is written the `nth` time (1-based) at any depth, for duplicate keys.
pub fn nth_key(yaml: &str, key: &str, nth: usize) -> Option<Position> {
    let doc = Doc::new(yaml);
    let mut seen = 0;
    for line in &doc.lines {
        let content = line.content();
        let content = content.strip_prefix("- ").map_or(content, str::trim_start);
        if key_length(content, key).is_some() {
            seen += 1;
            if seen == nth {
                let at = line.start + line.text.len() - line.content().len();
                return Some(doc.position(at));
            }
        }
    }
    None
}

/// One line of the YAML text without its line end.
struct Line<'a> {
    /// Byte offset of the line in the whole text.
    start: usize,
    text: &'a str,
    /// Leading spaces.
    indent: usize,
}

impl Line<'_> {
    fn content(&self) -> &str {
        &self.text[self.indent..]
    }

    /// Blank lines and comments do not end blocks.
    fn is_content(&self) -> bool {
        let content = self.content().trim_end();
        !content.is_empty() && !content.starts_with('#')
    }
}

/// A key or list item found in the text.
#[derive(Clone, Copy)]
struct Node {
    /// Line index (0-based); `None` for the document root.
    line: Option<usize>,
    /// Column (in bytes) that children must be deeper than; list items may sit at it.
    indent: usize,
    /// Byte offset of the key or item.
    at: usize,
    /// Byte offset of the value when it starts on the same line.
    value: Option<usize>,
}

impl Node {
    fn root() -> Self {
        Node {
            line: None,
            indent: 0,
            at: 0,
            value: None,
        }
    }
}

struct Doc<'a> {
    text: &'a str,
    lines: Vec<Line<'a>>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Self {
        let mut start = 0;
        let lines = text
            .split_inclusive('\n')
            .map(|raw| {
                let line_text = raw.trim_end_matches(['\n', '\r']);
                let indent = line_text.len() - line_text.trim_start_matches(' ').len();
                let line = Line {
                    start,
                    text: line_text,
                    indent,
                };
                start += raw.len();
                line
            })
            .collect();
        Doc { text, lines }
    }

    /// 1-based line and character column of a byte offset.
    fn position(&self, at: usize) -> Position {
        let index = self
            .lines
            .partition_point(|line| line.start <= at)
            .saturating_sub(1);
        let line = &self.lines[index];
        let column = self.text[line.start..at.min(line.start + line.text.len())]
            .chars()
            .count();
        (index + 1, column + 1)
    }

    /// The value of a key or item that starts on its own line, if any.
    fn value_after(&self, line: usize, at: usize) -> Option<usize> {
        let line = &self.lines[line];
        let rest = &self.text[at..line.start + line.text.len()];
        let skipped = rest.len() - rest.trim_start().len();
        let value = rest.trim();
        (!value.is_empty() && !value.starts_with('#')).then_some(at + skipped)
    }

    /// Content lines after `node` (all lines for the root).
    fn after(&self, node: &Node) -> impl Iterator<Item = (usize, &Line<'a>)> {
        let first = node.line.map_or(0, |line| line + 1);
        self.lines
            .iter()
            .enumerate()
            .skip(first)
            .filter(|(_, line)| line.is_content())
    }

    fn key(&self, node: &Node, key: &str) -> Option<Node> {
        if let Some(value) = node.value {
            if self.text[value..].starts_with('{') {
                return self.flow_entries(value).find_map(|at| {
                    key_length(&self.text[at..], key).map(|length| self.inline_node(at, length))
                });
            }
            // A list item whose mapping starts on the dash line: `- date: 2027-02-20`.
            if let Some(length) = key_length(&self.text[value..], key) {
                return Some(self.inline_node(value, length));
            }
        }
        let mut child_indent = None;
        for (index, line) in self.after(node) {
            if node.line.is_some() && line.indent <= node.indent {
                break;
            }
            let indent = *child_indent.get_or_insert(line.indent);
            if line.indent < indent {
                break;
            }
            if line.indent == indent
                && let Some(length) = key_length(line.content(), key)
            {
                let at = line.start + line.indent;
                return Some(Node {
                    line: Some(index),
                    indent: line.indent,
                    at,
                    value: self.value_after(index, at + length),
                });
            }
        }
        None
    }

    fn item(&self, node: &Node, wanted: usize) -> Option<Node> {
        if let Some(value) = node.value {
            if self.text[value..].starts_with('[') {
                let at = self.flow_entries(value).nth(wanted)?;
                return Some(self.inline_node(at, 0));
            }
            return None;
        }
        let mut item_indent = None;
        let mut count = 0;
        for (index, line) in self.after(node) {
            let dash = line.content() == "-" || line.content().starts_with("- ");
            let indent = *item_indent.get_or_insert(line.indent);
            let parent_ended = node.line.is_some()
                && (line.indent < node.indent || (line.indent == node.indent && !dash));
            if parent_ended || line.indent < indent || (line.indent == indent && !dash) {
                break;
            }
            if line.indent == indent {
                if count == wanted {
                    let at = line.start + line.indent;
                    return Some(Node {
                        line: Some(index),
                        indent: line.indent,
                        at,
                        value: self.value_after(index, at + 1),
                    });
                }
                count += 1;
            }
        }
        None
    }

    /// A key (`key_length` > 0) or item inside a flow collection; its value follows on.
    fn inline_node(&self, at: usize, key_length: usize) -> Node {
        let line = self
            .lines
            .partition_point(|line| line.start <= at)
            .saturating_sub(1);
        let rest = &self.text[at + key_length..];
        Node {
            line: Some(line),
            indent: usize::MAX,
            at,
            value: Some(at + key_length + (rest.len() - rest.trim_start().len())),
        }
    }

    /// Byte offsets of the entries of the flow collection opening at `open` (`[` or `{`).
    fn flow_entries(&self, open: usize) -> impl Iterator<Item = usize> + '_ {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut entry_next = false;
        let mut done = false;
        self.text[open..].char_indices().filter_map(move |(i, c)| {
            if done {
                return None;
            }
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if q == '"' && c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                return None;
            }
            if entry_next && depth == 1 && !c.is_whitespace() && !matches!(c, ']' | '}' | ',') {
                entry_next = false;
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                if c == '[' || c == '{' {
                    depth += 1;
                }
                return Some(open + i);
            }
            match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    entry_next = depth == 1;
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    done = depth == 0;
                }
                ',' if depth == 1 => entry_next = true,
                _ => {}
            }
            None
        })
    }
}

/// If `text` starts with `key:` (the key optionally quoted), the length up to and including `:`.
fn key_length(text: &str, key: &str) -> Option<usize> {
    let (quoted, rest) = match text.chars().next() {
        Some(q @ ('"' | '\'')) => (1, text[1..].strip_prefix(key)?.strip_prefix(q)?),
        _ => (0, text.strip_prefix(key)?),
    };
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    let after_colon = rest[spaces..].strip_prefix(':')?;
    let ends_key = after_colon.is_empty() || after_colon.starts_with([' ', '\t', '\r', '\n']);
    ends_key.then_some(quoted * 2 + key.len() + spaces + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwu_domain::FieldPath;

    fn at(yaml: &str, path: &str) -> Option<Position> {
        // Paths written as `a[1].b`.
        let mut field = FieldPath::default();
        for part in path.split('.') {
            let (key, index) = match part.split_once('[') {
                Some((key, rest)) => (key, rest.trim_end_matches(']').parse().ok()),
                None => (part, None),
            };
            field = field.child(key);
            if let Some(index) = index {
                field = field.index(index);
            }
        }
        locate(yaml, &field)
    }

    const YAML: &str = "\
title: \"A: b\"
# a comment
product_owner:
  name: Priya
  email: p@example.ca
skills: [Rust, \"Go, really\", rust]
tags:
- one
-   two
evaluation_criteria:
  - { criterion: \"Approach\", points: 35 }
  - criterion: Experience

    points: 65
addenda:
  - date: 2027-02-01
    text: |
      points: not a key
  - date: 2027-02-20
    text: Second
award: {proponent: Ana, date: 2027-03-19}
multi: [
  a,
  {x: 1, y: [1, 2]}
]
";

    #[test]
    fn top_level_and_nested_keys() {
        assert_eq!(at(YAML, "title"), Some((1, 1)));
        assert_eq!(at(YAML, "product_owner.email"), Some((5, 3)));
        assert_eq!(at(YAML, "award.date"), Some((21, 25)));
        assert_eq!(at(YAML, "award.proponent"), Some((21, 9)));
    }

    #[test]
    fn list_items_block_and_flow() {
        assert_eq!(at(YAML, "skills[0]"), Some((6, 10)));
        assert_eq!(at(YAML, "skills[2]"), Some((6, 30)));
        assert_eq!(at(YAML, "tags[1]"), Some((9, 1)));
        assert_eq!(at(YAML, "evaluation_criteria[0].points"), Some((11, 30)));
        assert_eq!(at(YAML, "evaluation_criteria[1].criterion"), Some((12, 5)));
        assert_eq!(at(YAML, "evaluation_criteria[1].points"), Some((14, 5)));
        assert_eq!(at(YAML, "addenda[1].text"), Some((20, 5)));
        assert_eq!(at(YAML, "addenda[0].date"), Some((16, 5)));
        assert_eq!(at(YAML, "multi[1].y[1]"), Some((24, 17)));
    }

    #[test]
    fn missing_parts_fall_back_to_the_deepest_found() {
        assert_eq!(at(YAML, "addenda[5].text"), Some((15, 1)));
        assert_eq!(at(YAML, "product_owner.phone"), Some((3, 1)));
        assert_eq!(at(YAML, "reward"), None);
        assert_eq!(at(YAML, "skills[9]"), Some((6, 1)));
    }

    #[test]
    fn block_scalars_do_not_hide_keys() {
        // `points: not a key` inside `text: |` must not be taken for a key.
        assert_eq!(at(YAML, "addenda[0].points"), Some((16, 3)));
    }

    #[test]
    fn crlf_and_unicode_columns() {
        let yaml = "title: été\r\nskills: [é, b]\r\n";
        assert_eq!(at(yaml, "skills[1]"), Some((2, 13)));
    }

    #[test]
    fn duplicate_keys() {
        let yaml = "title: a\nreward: 1\ntitle: b\n";
        assert_eq!(nth_key(yaml, "title", 2), Some((3, 1)));
        assert_eq!(nth_key(yaml, "title", 3), None);
    }

    #[test]
    fn key_prefixes_are_not_keys() {
        assert_eq!(key_length("titles: x", "title"), None);
        assert_eq!(key_length("title:x", "title"), None);
        assert_eq!(key_length("\"title\" : x", "title"), Some(9));
        assert_eq!(key_length("title:", "title"), Some(6));
    }
}
