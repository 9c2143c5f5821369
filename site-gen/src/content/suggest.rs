//! "Did you mean": the closest known word to a misspelt one (field names, link targets).

/// The closest known word, if it is close enough to be what was meant.
pub fn suggest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    known
        .map(|candidate| {
            let score = strsim::jaro_winkler(&word_lower, candidate);
            let contained = word_lower.len() >= 4
                && (candidate.contains(&word_lower) || word_lower.contains(candidate));
            (if contained { score.max(0.85) } else { score }, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let fields = ["title", "proposal_deadline", "reward"];
        assert_eq!(suggest("Title", fields.into_iter()), Some("title"));
        assert_eq!(
            suggest("deadline", fields.into_iter()),
            Some("proposal_deadline")
        );
        assert_eq!(suggest("colour", fields.into_iter()), None);
    }
}
