//! Rules for one-line text that people type (titles, names, teasers): what may not be in it.
//!
//! Control characters (including NUL, CR and LF, which YAML escapes such as `"\0"` and `"\r\n"`
//! produce) would reach pages, feeds and mail headers; invisible and bidirectional formatting
//! characters let a name look like something it is not (U+202E reverses what follows) or make
//! two different-looking values of one. Both are refused where the text enters.

/// Whether `c` is a character people cannot see: bidirectional controls, zero-width characters,
/// the byte order mark, variation selectors, tags and other default-ignorable code points.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// What is wrong with `text` as a one-line value, if anything: a control character (a line
/// break, NUL, …) or an invisible formatting character.
pub fn one_line_problem(text: &str) -> Option<&'static str> {
    if text.chars().any(char::is_control) {
        Some("it contains a line break or another control character")
    } else if text.chars().any(is_invisible) {
        Some("it contains an invisible or text-direction character (such as U+200B or U+202E)")
    } else {
        None
    }
}

/// What is wrong with `name` as the name of a person or organization shown as the sender or
/// subject of a mail, if anything: everything [`one_line_problem`] refuses, plus no letter or
/// digit at all, an address in angle brackets (`Priya <priya@gov.bc.ca>` would pose as
/// someone else in the owner's mail) and MIME encoded words (`=?utf-8?q?…?=`, which mail
/// programs decode into line breaks and other text).
pub fn name_problem(name: &str) -> Option<&'static str> {
    if let Some(problem) = one_line_problem(name) {
        Some(problem)
    } else if !name.chars().any(char::is_alphanumeric) {
        Some("it has no letters or digits")
    } else if name.contains(['<', '>', '@']) {
        Some("it contains <, > or @, as an email address does")
    } else if name.contains("=?") {
        Some("it contains =?, which mail programs read as encoded text")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_values_refuse_controls_and_invisible_characters() {
        assert_eq!(one_line_problem("Permit status API — phase 2"), None);
        assert_eq!(one_line_problem("Café Ōtautahi 日本"), None);
        for bad in [
            "a\0b",
            "a\r\nb",
            "a\u{7}",
            "a\u{85}b",
            "a\u{200b}b",
            "gov\u{202e}ac.cb",
            "\u{feff}x",
        ] {
            assert!(one_line_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn names_cannot_pose_as_addresses_or_encoded_words() {
        assert_eq!(name_problem("Priya Sandhu"), None);
        assert_eq!(name_problem("O'Brien & Daughters, Ltd."), None);
        for bad in [
            "Priya Sandhu <priya.sandhu@gov.bc.ca>",
            "priya@gov.bc.ca",
            "=?utf-8?q?Ana=0D=0ABcc:_x@evil.test?=",
            "\u{200b}\u{200c}\u{200d}",
            "...",
            "Ana\u{202e}",
        ] {
            assert!(name_problem(bad).is_some(), "{bad:?}");
        }
    }
}
