//! Refusing YAML anchors (`&name`) and aliases (`*name`) before anything deserialises them.
//!
//! An alias repeats its anchored value wherever it appears, so a 200 KB front matter of aliases
//! to aliases expands to gigabytes in the parser (an allocation abort, not a diagnostic). Front
//! matter has no use for them, so the first one is reported and the YAML is not parsed. The
//! check runs the `yaml-rust2` scanner, which tells a real anchor from an `&` or `*` inside
//! quotes, block scalars or plain text.

use super::diagnostics::{Diagnostic, Kind};
use super::yaml::Yaml;
use yaml_rust2::scanner::{Scanner, TokenType};

/// A problem at the first anchor or alias in `yaml`, if it has one.
pub fn anchor_or_alias(yaml: &Yaml) -> Option<Diagnostic> {
    // Most front matter has neither character: no scan at all.
    if !yaml.text.contains(['&', '*']) {
        return None;
    }
    // The scanner stops at a syntax error, which serde_yaml then reports with its position.
    Scanner::new(yaml.text.chars()).find_map(|token| {
        let (what, name) = match token.1 {
            TokenType::Anchor(name) => ("an anchor", name),
            TokenType::Alias(name) => ("an alias", name),
            _ => return None,
        };
        let mark = token.0;
        Some(Diagnostic::new(
            yaml.file,
            (yaml.first_line + mark.line() - 1, mark.col() + 1),
            Kind::Yaml,
            format!(
                "YAML {what} (`{}{name}`) is not allowed in front matter",
                if what == "an anchor" { "&" } else { "*" }
            ),
            "write each value out in full; to start a value with & or *, put it in quotes",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn found(text: &str) -> Option<(usize, usize, String)> {
        let yaml = Yaml {
            file: Path::new("a.md"),
            text,
            first_line: 2,
            open_line: 1,
        };
        anchor_or_alias(&yaml).map(|d| (d.line, d.column, d.message))
    }

    #[test]
    fn anchors_and_aliases_are_refused_where_they_are() {
        let (line, column, message) = found("title: A\nskills: &s [a, b]\n").unwrap();
        assert_eq!((line, column), (3, 9));
        assert!(message.contains("`&s`"), "{message}");
        let (line, _, message) = found("a: 1\nb: *s\n").unwrap();
        assert_eq!(line, 3);
        assert!(message.contains("alias"), "{message}");
    }

    #[test]
    fn ampersands_and_stars_in_text_are_fine() {
        for text in [
            "title: \"R&D *urgent*\"\n",
            "title: Fish & chips\n",
            "teaser: 'a *b* c'\n",
            "body: |\n  *not* an &anchor\n",
            "teaser: one\n  *two* three\n",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn a_billion_laughs_is_refused_without_expanding() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for n in 1..30 {
            let prev = n - 1;
            text.push_str(&format!(
                "l{n}: &l{n} [*l{prev}, *l{prev}, *l{prev}, *l{prev}]\n"
            ));
        }
        assert!(found(&text).is_some());
    }
}
