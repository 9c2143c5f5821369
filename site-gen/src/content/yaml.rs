//! A YAML document inside a content file: positions in the file for its problems, the fast
//! parse, and the problems found before or while parsing (nesting too deep, syntax errors).

use super::diagnostics::{Diagnostic, Kind};
use super::locate::{locate, nth_key};
use super::plain_yaml;
use cwu_domain::{FieldPath, Problem};
use serde::de::DeserializeOwned;
use std::path::Path;

/// YAML text inside a file, with what is needed to report positions in that file.
#[derive(Debug, Clone, Copy)]
pub struct Yaml<'a> {
    /// The file, relative to the site root.
    pub file: &'a Path,
    /// The YAML text.
    pub text: &'a str,
    /// The file line of the YAML's first line.
    pub first_line: usize,
    /// The line problems about the whole document point at (the opening `---`).
    pub open_line: usize,
}

impl Yaml<'_> {
    /// The file position of `path`, or of the document when it is not written at all.
    pub fn position(&self, path: &FieldPath) -> (usize, usize) {
        match locate(self.text, path) {
            Some((line, column)) => (line + self.first_line - 1, column),
            None => (self.open_line, 1),
        }
    }

    /// A diagnostic at `path`.
    pub fn at(
        &self,
        path: &FieldPath,
        kind: Kind,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.file, self.position(path), kind, message, hint)
    }

    /// Diagnostics for rule problems from the domain's validation.
    pub fn problems(&self, problems: Vec<Problem>) -> impl Iterator<Item = Diagnostic> + '_ {
        // Locating scans the text, so a hostile file with thousands of problems stops at the cap.
        problems
            .into_iter()
            .take(MAX_PROBLEMS_PER_FILE + 1)
            .map(|p| self.at(&p.path, Kind::Rule, p.message, p.hint))
    }
}

pub use super::diagnostics::{MAX_PROBLEMS_PER_FILE, cap};

/// The fast path: `T` straight from the text, or `None` when anything is wrong with it. Plain
/// front matter is read without libyaml (see [`plain_yaml`]), to the same value.
pub fn parse_fast<T: DeserializeOwned>(yaml: &Yaml) -> Option<T> {
    if too_deep(yaml).is_some() || super::anchors::anchor_or_alias(yaml).is_some() {
        return None;
    }
    plain_yaml::from_str(yaml.text).or_else(|| serde_yaml::from_str(yaml.text).ok())
}

/// A YAML syntax error at the parser's position, with a hint for the usual causes.
pub(super) fn syntax_error(yaml: &Yaml, error: &serde_yaml::Error) -> Diagnostic {
    let message = strip_location(&error.to_string());
    if let Some(key) = message
        .strip_prefix("duplicate entry with key \"")
        .and_then(|rest| rest.split('"').next())
    {
        let position = nth_key(yaml.text, key, 2).map_or((yaml.open_line, 1), |(line, column)| {
            (line + yaml.first_line - 1, column)
        });
        return Diagnostic::new(
            yaml.file,
            position,
            Kind::Yaml,
            format!("`{key}` is written twice"),
            format!("keep one `{key}:` and delete the other"),
        );
    }
    let (line, column) = error
        .location()
        .map_or((yaml.open_line, 1), |at| (at.line(), at.column()));
    let line_text = yaml
        .text
        .lines()
        .nth(line.saturating_sub(yaml.first_line))
        .unwrap_or("");
    let hint = if message.contains("tab") || line_text.contains('\t') {
        "indent with spaces, not tabs"
    } else if message.contains("recursion limit") {
        "the value is nested far too deeply; front matter needs at most three levels"
    } else {
        "check the indentation and quoting here: text containing `: ` or ` #`, or starting \
         with `*`, `&`, `!`, `[`, `{`, `@` or a quote, must be written in double quotes"
    };
    Diagnostic::new(
        yaml.file,
        (line, column),
        Kind::Yaml,
        format!("invalid YAML: {message}"),
        hint,
    )
}

/// The deepest `[`/`{` nesting YAML may have. The YAML parser slows down with the square of the
/// nesting depth, so a hostile file of a million `[` would stall `check`; real front matter
/// nests two or three levels.
const MAX_FLOW_DEPTH: usize = 32;

/// A problem when `yaml` nests flow collections deeper than any front matter needs; checked
/// before parsing because the parser itself is the slow part.
pub fn too_deep(yaml: &Yaml) -> Option<Diagnostic> {
    // Counting is much cheaper than tracking quotes, and almost always settles it.
    let opening = yaml
        .text
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{'))
        .count();
    if opening <= MAX_FLOW_DEPTH {
        return None;
    }
    let mut depth = 0usize;
    let mut line = yaml.first_line;
    let mut line_start = 0;
    let mut quote = None;
    for (at, byte) in yaml.text.bytes().enumerate() {
        match (quote, byte) {
            (_, b'\n') => {
                line += 1;
                line_start = at + 1;
            }
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let column = yaml.text[line_start..at].chars().count() + 1;
                    return Some(Diagnostic::new(
                        yaml.file,
                        (line, column),
                        Kind::Yaml,
                        format!("the value is nested more than {MAX_FLOW_DEPTH} levels deep"),
                        "front matter needs at most three levels of `[` and `{`; check the brackets",
                    ));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Drops serde_yaml's first ` at line N column M` (the position is reported separately).
pub(super) fn strip_location(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let digits =
        |text: &str| text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after_line = &rest[digits(rest)..];
    match after_line.strip_prefix(" column ") {
        Some(after) => {
            let end = &after[digits(after)..];
            format!("{}{}", &message[..start], end)
        }
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_stripped_once() {
        assert_eq!(
            strip_location("did not find key at line 3 column 5, while parsing at line 2 column 1"),
            "did not find key, while parsing at line 2 column 1"
        );
    }
}
