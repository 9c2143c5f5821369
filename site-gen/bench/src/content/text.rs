//! Synthetic English-like prose: sentences and paragraphs built from the word lists.

use super::words::{ADJECTIVES, NOUNS, TAILS, VERBS};
use crate::rng::Rng;

/// One sentence of 9-16 words, ending with a full stop.
pub fn sentence(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(100);
    s.push_str(rng.pick(&["The", "Each", "Our", "This", "One"]));
    s.push(' ');
    s.push_str(rng.pick(ADJECTIVES));
    s.push(' ');
    s.push_str(rng.pick(NOUNS));
    s.push(' ');
    s.push_str(rng.pick(VERBS));
    s.push_str(" the ");
    s.push_str(rng.pick(NOUNS));
    if rng.chance(40) {
        s.push_str(" and the ");
        s.push_str(rng.pick(ADJECTIVES));
        s.push(' ');
        s.push_str(rng.pick(NOUNS));
    }
    s.push(' ');
    s.push_str(rng.pick(TAILS));
    s.push('.');
    s
}

/// A paragraph of `sentences` sentences, wrapped at about 100 columns like hand-written content.
pub fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let joined = (0..sentences)
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ");
    wrap(&joined, 100)
}

/// Wraps text at word boundaries to lines of at most `width` columns (longer words stay whole).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width + 1);
    let mut line_len = 0;
    for word in text.split(' ') {
        if line_len > 0 && line_len + 1 + word.len() > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out
}

/// Number of whitespace-separated words in `text`.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Capitalizes the first letter of `s`.
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        let text = "aaa bbb ccc ddd eee";
        let wrapped = wrap(text, 7);
        assert_eq!(wrapped, "aaa bbb\nccc ddd\neee");
    }

    #[test]
    fn sentences_have_reasonable_length() {
        let mut rng = Rng::for_item(1, 1, 1);
        for _ in 0..50 {
            let n = word_count(&sentence(&mut rng));
            assert!((8..=20).contains(&n), "{n}");
        }
    }
}
