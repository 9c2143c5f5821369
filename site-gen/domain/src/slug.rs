//! Slugs: the address part made from a name (skills, headings) and the rules for file names.
//!
//! [`slugify`] is defined for every input:
//! - letters and digits are kept, lowercased, ASCII or not (`Données` → `données`);
//! - `+` and `#` are words of their own, so `C++`, `C#` and `C` stay apart (`c-plus-plus`,
//!   `c-sharp`, `c`);
//! - anything else separates words, and words are joined by single hyphens (`Node.js` →
//!   `node-js`);
//! - text with no letter, digit, `+` or `#` (empty, `!!!`) gives the empty slug, which callers
//!   must refuse or replace: it addresses nothing.
//!
//! Different names can still meet in one slug (`Node.js` and `Node js`); `check` reports that
//! for skills rather than merging their pages silently.

/// The slug of `text` (see the module documentation); empty when `text` has no word.
pub fn slugify(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        match c {
            '+' => words.push("plus".into()),
            '#' => words.push("sharp".into()),
            _ => {}
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.join("-")
}

/// A valid file-name slug for `text`, for hints: its ASCII slug, or `opportunity`.
pub fn file_name_suggestion(text: &str) -> String {
    let slug = slugify(text);
    if slug.is_empty() || !slug.is_ascii() {
        "opportunity".into()
    } else {
        slug
    }
}

/// Checks a file-name slug (the file name without `.md`): lowercase ASCII letters, digits and
/// single hyphens, at most 100 characters.
pub fn check(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug.len() <= 100
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if ok {
        Ok(())
    } else {
        let suggestion = file_name_suggestion(slug);
        Err(format!(
            "the file name `{slug}` is not a valid slug; rename it to `{suggestion}.md` \
             (lowercase letters, digits and hyphens)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defined_for_every_input() {
        assert_eq!(slugify("Permit API (v2)!"), "permit-api-v2");
        assert_eq!(slugify("GitHub Actions"), "github-actions");
        assert_eq!(slugify("Node.js"), "node-js");
        assert_eq!(slugify(""), "");
        assert_eq!(slugify(" !!! "), "");
        assert_eq!(slugify("Données"), "données");
        assert_eq!(slugify("日本語"), "日本語");
        assert_eq!(file_name_suggestion("!!!"), "opportunity");
        assert_eq!(file_name_suggestion("Données"), "opportunity");
    }

    #[test]
    fn c_languages_stay_apart() {
        assert_eq!(slugify("C++"), "c-plus-plus");
        assert_eq!(slugify("C#"), "c-sharp");
        assert_eq!(slugify("C"), "c");
        assert_eq!(slugify("F#"), "f-sharp");
    }
}
