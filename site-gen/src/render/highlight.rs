//! Code highlighting with syntect, as CSS classes plus one generated stylesheet.
//!
//! Loading syntect's syntax definitions costs tens of milliseconds, so a [`Highlighter`] loads them
//! on the first code block it sees (once per build, shared by every thread) and never when the
//! content has no code at all.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use syntect::highlighting::{Color, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// CSS class prefix for highlighted tokens, so they cannot clash with the theme's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntect theme the generated stylesheet starts from (a light theme, like the site).
const THEME: &str = "InspiredGitHub";

/// The smallest contrast ratio any token colour keeps against the code background (WCAG AA).
const MIN_CONTRAST: f64 = 4.6;

/// Code blocks longer than this are not cached (they are rarely repeated).
const MAX_CACHED_BLOCK: usize = 4 * 1024;

/// Highlights code blocks; cheap to create, loads syntaxes lazily and once.
///
/// Identical blocks (the same snippet in many opportunities, a shared setup command) are
/// highlighted once per build: syntect's regex matching is the most expensive part of a page.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    cache: Mutex<HashMap<(String, String), String>>,
}

impl Highlighter {
    /// A highlighter that has not loaded anything yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether any code block has been highlighted (and so the stylesheet is needed).
    pub fn was_used(&self) -> bool {
        self.syntaxes.get().is_some()
    }

    /// `<pre><code>` HTML for `code` in `language` (a fence info word such as `rust`); unknown
    /// languages are escaped as plain text.
    pub fn to_html(&self, code: &str, language: &str) -> String {
        if code.len() > MAX_CACHED_BLOCK {
            return self.highlight(code, language);
        }
        let key = (language.to_string(), code.to_string());
        if let Some(html) = self
            .cache
            .lock()
            .expect("no panics under the lock")
            .get(&key)
        {
            return html.clone();
        }
        let html = self.highlight(code, language);
        self.cache
            .lock()
            .expect("no panics under the lock")
            .insert(key, html.clone());
        html
    }

    fn highlight(&self, code: &str, language: &str) -> String {
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let language = language.split([',', ' ']).next().unwrap_or("").trim();
        let syntax = if language.is_empty() {
            None
        } else {
            syntaxes
                .find_syntax_by_token(language)
                .or_else(|| syntaxes.find_syntax_by_token(alias(language)))
        };
        let class = if language.is_empty() {
            String::new()
        } else {
            format!(
                " class=\"language-{}\"",
                cwu_domain::html::escape_html(language)
            )
        };
        let body = match syntax {
            Some(syntax) => {
                let mut generator =
                    ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
                let mut ok = true;
                for line in LinesWithEndings::from(code) {
                    if generator
                        .parse_html_for_line_which_includes_newline(line)
                        .is_err()
                    {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    generator.finalize()
                } else {
                    cwu_domain::html::escape_html(code)
                }
            }
            None => cwu_domain::html::escape_html(code),
        };
        // `tabindex` lets keyboard users scroll wide code blocks (an axe rule).
        format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
    }
}

/// Fence words people write that syntect knows by another name.
fn alias(language: &str) -> &str {
    match language {
        "shell" | "console" | "bash" | "zsh" => "sh",
        "yml" => "yaml",
        "rs" => "rust",
        "ts" | "typescript" => "js",
        "jsonc" => "json",
        other => other,
    }
}

/// The stylesheet for highlighted code: the theme's colours darkened where needed so every token
/// keeps AA contrast against the code background.
pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let mut theme = themes.themes[THEME].clone();
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(foreground) = theme.settings.foreground.as_mut() {
        *foreground = with_contrast(*foreground, background);
    }
    for item in &mut theme.scopes {
        if let Some(foreground) = item.style.foreground.as_mut() {
            *foreground = with_contrast(*foreground, background);
        }
        // Backgrounds on tokens (e.g. "invalid") would need their own contrast check: drop them.
        item.style.background = None;
    }
    css_for_theme_with_class_style(&theme, CLASS_STYLE)
        .expect("the built-in theme has valid scopes")
}

/// `color` darkened step by step until it reaches [`MIN_CONTRAST`] against `background`.
fn with_contrast(mut color: Color, background: Color) -> Color {
    color.a = 0xff;
    while contrast(color, background) < MIN_CONTRAST && (color.r, color.g, color.b) != (0, 0, 0) {
        let darker = |c: u8| (f64::from(c) * 0.9) as u8;
        color = Color {
            r: darker(color.r),
            g: darker(color.g),
            b: darker(color.b),
            a: 0xff,
        };
    }
    color
}

/// The WCAG contrast ratio of two colours.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG relative luminance.
fn luminance(color: Color) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_with_classes_and_escapes_unknown_languages() {
        let highlighter = Highlighter::new();
        assert!(!highlighter.was_used());
        let html = highlighter.to_html("fn main() { let x = \"<b>\"; }\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(highlighter.was_used());
        let plain = highlighter.to_html("<script>\n", "no-such-language");
        assert!(plain.contains("&lt;script&gt;"), "{plain}");
        assert!(!plain.contains("<script>"), "{plain}");
    }

    #[test]
    fn stylesheet_colours_meet_aa_contrast() {
        let css = stylesheet();
        assert!(css.contains(".hl-"), "{css}");
        let background = Color::WHITE;
        for item in css.split("color: #").skip(1) {
            let hex = &item[..6];
            let value = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
            let color = Color {
                r: value(0),
                g: value(2),
                b: value(4),
                a: 0xff,
            };
            if (color.r, color.g, color.b) == (0xff, 0xff, 0xff) {
                continue; // the background itself
            }
            assert!(contrast(color, background) >= 4.5, "#{hex} in {css}");
        }
    }
}
