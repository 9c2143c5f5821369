//! A fast reader for the plain YAML that front matter nearly always is, giving exactly what
//! serde_yaml gives, or `None` when the text leaves that subset (serde_yaml reads it then).
//!
//! libyaml's scanner was a fifth of a cold build's CPU; front matter needs little of YAML. The
//! subset: `key: value` lines, nested mappings and `- ` lists by indentation (in a list, an item
//! may be a mapping), one-line `[a, b]` and `{ k: v }` collections, and one-line scalars: double
//! quoted without escapes, single quoted, or plain (starting with a letter or digit, no `: `).
//! Blank lines and `#` comments anywhere. Everything else — multi-line scalars, block scalars,
//! anchors, tags, escapes, tabs, carriage returns, control characters, YAML's other line breaks,
//! a list at its key's own indentation, an indented document — is refused, as is any type
//! serde_yaml would read differently (a quoted number, `0x1F`, `yes`): refusing costs only time.
//! The tests compare the two readers on every content file and thousands of mutations of them.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::borrow::Cow;
use std::fmt;

/// `T` from `text` when the text is plain YAML (see the module doc) and `T` reads from it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let node = parse(text)?;
    T::deserialize(&node).ok()
}

/// A parsed value. An empty value (`key:`) is the empty plain scalar, as in YAML.
#[derive(Debug, Clone, PartialEq)]
enum Node<'a> {
    /// A scalar's text, and whether it was plain (unquoted): only plain ones can be null,
    /// numbers or booleans.
    Scalar(Cow<'a, str>, bool),
    Seq(Vec<Node<'a>>),
    Map(Vec<(&'a str, Node<'a>)>),
}

/// A line with content: its indentation (spaces) and the rest, without trailing spaces.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

fn parse(text: &str) -> Option<Node<'_>> {
    if !printable(text) {
        return None;
    }
    let lines: Vec<Line> = text
        .split('\n')
        .filter_map(|line| {
            let content = line.trim_start_matches(' ');
            let text = content.trim_end_matches(' ');
            (!text.is_empty() && !text.starts_with('#')).then_some(Line {
                indent: line.len() - content.len(),
                text,
            })
        })
        .collect();
    let first = lines.first()?;
    if first.indent != 0 {
        return None;
    }
    let mut reader = Reader {
        lines: &lines,
        at: 0,
    };
    let root = reader.block_map(0, None)?;
    (reader.at == lines.len()).then_some(root)
}

/// Whether `text` has only characters libyaml reads as printable: no tab, carriage return,
/// control character, byte order mark, or the Unicode line breaks YAML 1.1 counts (NEL, LS, PS).
fn printable(text: &str) -> bool {
    // Without branches per byte, the usual all-ASCII text is checked several bytes at a time.
    let control = text.bytes().fold(false, |found, b| {
        found | ((b < b' ' && b != b'\n') | (b == 0x7F))
    });
    !control && (text.is_ascii() || text.chars().all(allowed))
}

/// See [`printable`].
fn allowed(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

struct Reader<'l, 'a> {
    lines: &'l [Line<'a>],
    at: usize,
}

impl<'a> Reader<'_, 'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied()
    }

    /// A block mapping whose keys are at `indent`; `first` is its first entry when it starts on
    /// a list item's line (`- key: value`).
    fn block_map(&mut self, indent: usize, mut first: Option<&'a str>) -> Option<Node<'a>> {
        let mut entries = Vec::new();
        loop {
            let text = match first.take() {
                Some(text) => text,
                None => match self.peek() {
                    Some(line) if line.indent == indent => line.text,
                    Some(line) if line.indent > indent => return None,
                    _ => break,
                },
            };
            self.at += 1;
            let (key, rest) = split_key(text)?;
            let value = if rest.is_empty() {
                match self.peek() {
                    Some(line) if line.indent > indent => self.block(line)?,
                    _ => Node::Scalar(Cow::Borrowed(""), true),
                }
            } else {
                self.inline_value(rest, indent)?
            };
            entries.push((key, value));
        }
        Some(Node::Map(entries))
    }

    /// The nested block starting at `line`: a list or a mapping.
    fn block(&mut self, line: Line<'a>) -> Option<Node<'a>> {
        if is_item(line.text) {
            self.block_seq(line.indent)
        } else {
            self.block_map(line.indent, None)
        }
    }

    /// A block list whose `- ` are at `indent`.
    fn block_seq(&mut self, indent: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        while let Some(line) = self
            .peek()
            .filter(|l| l.indent == indent && is_item(l.text))
        {
            let after = line.text.strip_prefix("- ")?;
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || is_item(rest) {
                return None;
            }
            let item = if starts_scalar(rest) && split_key(rest).is_some() {
                let column = indent + 2 + (after.len() - rest.len());
                self.block_map(column, Some(rest))?
            } else {
                self.at += 1;
                self.inline_value(rest, indent)?
            };
            items.push(item);
        }
        match self.peek() {
            Some(line) if line.indent > indent => None,
            _ => Some(Node::Seq(items)),
        }
    }

    /// A value written on its key's (or item's) line, which must be its only line: a more
    /// indented line after it would continue it.
    fn inline_value(&mut self, text: &'a str, indent: usize) -> Option<Node<'a>> {
        if self.peek().is_some_and(|line| line.indent > indent) {
            return None;
        }
        let (node, rest) = match text.as_bytes()[0] {
            b'[' => flow_seq(&text[1..])?,
            b'{' => flow_map(&text[1..])?,
            b'"' | b'\'' => quoted(text)?,
            _ => return block_plain(text).map(|s| Node::Scalar(Cow::Borrowed(s), true)),
        };
        end_of_line(rest).then_some(node)
    }
}

/// Whether a line is a list item.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Whether `text` starts like a plain scalar or key: a letter or digit.
fn starts_scalar(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// `key: rest` (or `key:` alone) with a plain identifier key; the rest without a comment.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(text.len());
    let key = &text[..end];
    if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') || key.len() > 100 {
        return None;
    }
    let rest = text[end..].strip_prefix(':')?;
    if rest.is_empty() {
        return Some((key, rest));
    }
    let rest = rest.strip_prefix(' ')?.trim_start_matches(' ');
    Some((key, if rest.starts_with('#') { "" } else { rest }))
}

/// What may follow a value on its line: nothing, or spaces and a comment.
fn end_of_line(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// A plain scalar in block context: up to a ` #` comment, without `: ` or a final `:`.
fn block_plain(text: &str) -> Option<&str> {
    if !starts_scalar(text) {
        return None;
    }
    let value = text.find(" #").map_or(text, |at| &text[..at]);
    let value = value.trim_end_matches(' ');
    (!value.contains(": ") && !value.ends_with(':')).then_some(value)
}

/// A quoted scalar at the start of `text` (which starts with its quote), and what follows it.
/// Double-quoted ones with escapes are refused.
fn quoted(text: &str) -> Option<(Node<'_>, &str)> {
    let quote = text.as_bytes()[0] as char;
    let inner = &text[1..];
    if quote == '"' {
        let end = inner.find(['"', '\\'])?;
        if inner.as_bytes()[end] != b'"' {
            return None;
        }
        return Some((
            Node::Scalar(Cow::Borrowed(&inner[..end]), false),
            &inner[end + 1..],
        ));
    }
    let mut value = String::new();
    let mut rest = inner;
    loop {
        let end = rest.find('\'')?;
        value.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        match rest.strip_prefix('\'') {
            Some(after) => {
                value.push('\'');
                rest = after;
            }
            None => return Some((Node::Scalar(Cow::Owned(value), false), rest)),
        }
    }
}

/// One flow item (quoted, or plain without any character that matters in flow context) and
/// what follows it, from `text` without leading spaces.
fn flow_scalar(text: &str) -> Option<(Node<'_>, &str)> {
    if text.starts_with(['"', '\'']) {
        return quoted(text);
    }
    if !starts_scalar(text) {
        return None;
    }
    let end = text.find([',', ']', '}']).unwrap_or(text.len());
    let value = text[..end].trim_end_matches(' ');
    if value.contains([':', '#', '[', '{', '"', '\'']) {
        return None;
    }
    Some((Node::Scalar(Cow::Borrowed(value), true), &text[end..]))
}

/// The items of a one-line `[...]` after its `[`, and what follows the `]`.
fn flow_seq(text: &str) -> Option<(Node<'_>, &str)> {
    let mut items = Vec::new();
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(']') {
        return Some((Node::Seq(items), after));
    }
    loop {
        let (item, after) = match rest.as_bytes().first()? {
            b'{' => flow_map(&rest[1..])?,
            _ => flow_scalar(rest)?,
        };
        items.push(item);
        rest = after.trim_start_matches(' ');
        match rest.as_bytes().first()? {
            b',' => rest = rest[1..].trim_start_matches(' '),
            b']' => return Some((Node::Seq(items), &rest[1..])),
            _ => return None,
        }
    }
}

/// The entries of a one-line `{...}` after its `{`, and what follows the `}`.
fn flow_map(text: &str) -> Option<(Node<'_>, &str)> {
    let mut entries = Vec::new();
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix('}') {
        return Some((Node::Map(entries), after));
    }
    loop {
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
        let key = &rest[..end];
        if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let value = rest[end..].strip_prefix(": ")?.trim_start_matches(' ');
        let (value, after) = flow_scalar(value)?;
        entries.push((key, value));
        rest = after.trim_start_matches(' ');
        match rest.as_bytes().first()? {
            b',' => rest = rest[1..].trim_start_matches(' '),
            b'}' => return Some((Node::Map(entries), &rest[1..])),
            _ => return None,
        }
    }
}

/// Why a value does not read: it is outside the subset, or not what the type wants. Either
/// way serde_yaml reads the text instead, and explains any problem.
#[derive(Debug)]
struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not plain YAML")
    }
}

impl std::error::Error for Unsupported {}

impl de::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// A plain scalar's text (quoted ones are never null, numbers or booleans).
fn plain<'n>(node: &'n Node) -> Option<&'n str> {
    match node {
        Node::Scalar(text, true) => Some(text),
        _ => None,
    }
}

/// serde_yaml's reading of a plain decimal integer (`0x…`, `+…` and the like are refused).
fn decimal<T: std::str::FromStr>(node: &Node) -> Result<T, Unsupported> {
    let text = plain(node).ok_or(Unsupported)?;
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain_decimal = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain_decimal
        .then(|| text.parse().ok())
        .flatten()
        .ok_or(Unsupported)
}

impl<'de> de::Deserializer<'de> for &Node<'_> {
    type Error = Unsupported;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Unsupported> {
        Err(Unsupported)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match plain(self) {
            Some("true" | "True" | "TRUE") => visitor.visit_bool(true),
            Some("false" | "False" | "FALSE") => visitor.visit_bool(false),
            _ => Err(Unsupported),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_i64(decimal(self)?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_u64(decimal(self)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Scalar(text, _) => visitor.visit_str(text),
            _ => Err(Unsupported),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match plain(self) {
            Some("" | "~" | "null" | "Null" | "NULL") => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Seq(items) => {
                let value = visitor.visit_seq(Items(items.iter()))?;
                Ok(value)
            }
            _ => Err(Unsupported),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self {
            Node::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
            _ => Err(Unsupported),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        match self {
            Node::Scalar(text, _) if !text.is_empty() => {
                visitor.visit_enum(IntoDeserializer::<Unsupported>::into_deserializer(
                    text.as_ref(),
                ))
            }
            _ => Err(Unsupported),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

struct Items<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Unsupported;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unsupported> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }
}

struct Entries<'n, 'a> {
    entries: std::slice::Iter<'n, (&'a str, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = Unsupported;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unsupported> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(IntoDeserializer::<Unsupported>::into_deserializer(*key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unsupported> {
        seed.deserialize(self.value.take().ok_or(Unsupported)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwu_domain::FrontMatter;
    use cwu_domain::opportunity::Lifecycle;
    use serde::Deserialize;
    use std::fmt::Debug;
    use std::path::Path;

    /// Whether this reader read `text` as `T`; when it did, the value must be serde_yaml's.
    fn read_same<T: DeserializeOwned + Debug>(text: &str) -> bool {
        let Some(fast) = from_str::<T>(text) else {
            return false;
        };
        match serde_yaml::from_str::<T>(text) {
            Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text:?}"),
            Err(error) => panic!("read {fast:?} where serde_yaml fails ({error}): {text:?}"),
        }
        true
    }

    /// Every kind of field front matter has.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        text: Option<String>,
        required: String,
        number: Option<i64>,
        count: Option<u32>,
        flag: Option<bool>,
        list: Option<Vec<String>>,
        status: Option<Lifecycle>,
        nested: Option<Vec<Probe>>,
    }

    const SPELLINGS: &[&str] = &[
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nul",
        "\"\"",
        "''",
        "\"null\"",
        "'~'",
        "0",
        "00",
        "007",
        "-0",
        "-1",
        "+1",
        "1_000",
        "0x1F",
        "0o7",
        "0b1",
        "1e3",
        "1.5",
        ".inf",
        "-.inf",
        ".nan",
        "123456789012345678901",
        "42",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "yes",
        "no",
        "on",
        "false",
        "published",
        "\"published\"",
        "'draft'",
        "Draft",
        "a b",
        "a  b",
        "a: b",
        "a:b",
        "a:",
        "a #b",
        "a#b",
        "a # b # c",
        "'it''s'",
        "'it's'",
        "\"a'b\"",
        "\"a\\\"b\"",
        "\"a #b\"",
        "R&D",
        "&a b",
        "*a",
        "!tag a",
        "!!str 1",
        "|",
        ">",
        "- a",
        "-a",
        "? a",
        "%a",
        "@a",
        "`a`",
        "[a, b]",
        "[a,b]",
        "[ a , b ]",
        "[]",
        "[a,]",
        "[a, [b]]",
        "[a: b]",
        "[a:b]",
        "[C#, F#]",
        "[\"a, b\", 'c']",
        "[a] x",
        "[a] #c",
        "[a]#c",
        "{}",
        "{a: 1}",
        "{ text: x, number: 2 }",
        "{text: x}",
        "{a:1}",
        "\"unclosed",
        "'unclosed",
        "[unclosed",
        "a, b",
        "a]",
        "a}",
        "a ]",
        "Victoria, BC",
        "https://x.ca/a?b=c#d",
        "2027-03-12",
        "2026-11-24T12:00:00-08:00",
        "Ministère",
        "日本語",
        "a\u{A0}b",
        "\"é\"",
    ];

    #[test]
    fn every_spelling_of_every_field_reads_as_serde_yaml_reads_it() {
        let mut read = 0;
        for field in [
            "text", "required", "number", "count", "flag", "list", "status", "nested",
        ] {
            for spelling in SPELLINGS {
                let line = format!("{field}: {spelling}").trim_end().to_owned();
                let required = if field == "required" {
                    ""
                } else {
                    "required: x\n"
                };
                for text in [
                    format!("{required}{line}\n"),
                    format!("{line}\n{required}"),
                    format!("{required}nested:\n  - {line}\n    required: y\n"),
                    format!("{required}nested:\n  - required: y\n    {line}\n"),
                ] {
                    read += usize::from(read_same::<Probe>(&text));
                }
            }
        }
        assert!(read > 400, "only {read} documents read");
    }

    #[test]
    fn layouts_read_as_serde_yaml_reads_them() {
        let cases = [
            ("required: x\nlist:\n  - a\n  - b\n", true),
            ("required: x\nlist:\n    - a\n    - b\n", true),
            ("required: x\nlist:\n- a\n- b\n", false),
            ("required: x\nlist:\n  - a\n   - b\n", false),
            ("required: x\nlist:\n  - a\n    b\n", false),
            ("required: x\nlist:\n  -  a\n", true),
            ("required: x\nlist:\n  -\n", false),
            ("required: x\nlist:\n  - - a\n", false),
            (
                "required: x\nlist:\n  - a\n\n  # note\n  - b\n# end\n",
                true,
            ),
            ("required: x\ntext: a\n  b\n", false),
            ("required: x\ntext: \"a\n  b\"\n", false),
            ("required: x\ntext: a\n  # not a continuation\n", true),
            ("required: x\ntext: >\n  a\n", false),
            ("required: x\n  text: a\n", false),
            ("  required: x\n", false),
            (
                "required: x\nnested:\n  - required: y\n    nested:\n      - required: z\n",
                true,
            ),
            (
                "required: x\nnested:\n  - required: y\n      text: z\n",
                false,
            ),
            ("required: x\nnested:\n  - required: y\n   text: z\n", false),
            (
                "required: x\nnested:\n  -   required: y\n      text: z\n",
                true,
            ),
            (
                "required: x\nnested:\n  - { required: y, number: 2 }\n",
                true,
            ),
            (
                "required: x\nnested: [{ required: y }, {required: z}]\n",
                true,
            ),
            ("required: x\nrequired: y\n", false),
            // Ignored, as serde_yaml ignores it, by a type that allows unknown fields.
            ("required: x\nunknown: [y, {z: 1}]\n", true),
            ("required: x\ntext: a\n---\n", false),
            ("required: x\n...\n", false),
            ("required: x\ntext:a\n", false),
            ("required: x\ntext : a\n", false),
            ("required: x\n\"text\": a\n", false),
            ("required: x\ntext: a\r\n", false),
            ("required: x\ntext:\ta\n", false),
            ("required: x\ntext: a\u{85}b\n", false),
            ("required: x\ntext: a\u{2028}b\n", false),
            ("required: x\ntext: \u{FEFF}a\n", false),
            ("required: x\ntext: a\u{7}b\n", false),
            ("# only a comment\n", false),
            ("", false),
        ];
        for (text, plain) in cases {
            assert_eq!(read_same::<Probe>(text), plain, "{text:?}");
        }
        assert!(!read_same::<FrontMatter>("title: x\nunknown: y\n"));
    }

    /// Front matter of every opportunity and wiki page in the repository's content.
    fn content_front_matter() -> Vec<(std::path::PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap();
                let yaml = crate::content::split(&text).unwrap().yaml.to_owned();
                (e.path().to_owned(), yaml)
            })
            .collect()
    }

    #[test]
    fn the_repository_content_is_plain_yaml() {
        for (path, yaml) in content_front_matter() {
            let opportunity = path.parent().is_some_and(|p| p.ends_with("opportunities"));
            if opportunity {
                assert!(read_same::<FrontMatter>(&yaml), "{}", path.display());
            } else {
                assert!(parse(&yaml).is_some(), "{}", path.display());
            }
        }
    }

    /// Inserting characters that matter in YAML at many places of real front matter never
    /// makes this reader disagree with serde_yaml.
    #[test]
    fn mutated_front_matter_reads_as_serde_yaml_reads_it_or_not_at_all() {
        const INSERTS: &[&str] = &[
            "#", " #", ":", ": ", " ", "\n", "\n  ", "\n    ", "-", "- ", "\"", "'", "[", "]", "{",
            "}", ",", "&a ", "*", "!", "|", ">", "~", "\\", "0", "a", "\n#", "é",
        ];
        let (mut tried, mut read) = (0, 0);
        for (path, yaml) in content_front_matter() {
            if !path.parent().is_some_and(|p| p.ends_with("opportunities")) {
                continue;
            }
            let boundaries: Vec<usize> = (0..=yaml.len())
                .filter(|&i| yaml.is_char_boundary(i))
                .collect();
            for (n, &at) in boundaries.iter().enumerate().step_by(5) {
                let insert = INSERTS[n % INSERTS.len()];
                for mutated in [
                    format!("{}{insert}{}", &yaml[..at], &yaml[at..]),
                    // The same with the next character replaced.
                    match boundaries.get(n + 1) {
                        Some(&next) => format!("{}{insert}{}", &yaml[..at], &yaml[next..]),
                        None => continue,
                    },
                ] {
                    tried += 1;
                    read += usize::from(read_same::<FrontMatter>(&mutated));
                }
            }
        }
        // Most mutations land in quoted text, where they change nothing YAML cares about.
        assert!(read * 2 > tried, "{read} of {tried} mutations read");
    }
}
