//! Email addresses: a practical check (not full RFC 5322) and the normal form used as a key.

/// The longest address SMTP can carry.
pub const MAX_EMAIL: usize = 254;

/// Checks that `text` looks like a deliverable address and returns it trimmed and lowercased,
/// so `Ana@Example.org ` and `ana@example.org` are the same proponent.
pub fn normalize_email(text: &str) -> Result<String, String> {
    let email = text.trim().to_lowercase();
    let hint = "write an address like name@example.ca";
    if email.is_empty() {
        return Err(format!("the email address is empty; {hint}"));
    }
    if email.chars().count() > MAX_EMAIL {
        return Err(format!(
            "the email address is longer than {MAX_EMAIL} characters"
        ));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!("`{email}` has no @; {hint}"));
    };
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if local.is_empty() || local.chars().any(bad_char) || !domain_ok {
        return Err(format!("`{email}` is not a valid email address; {hint}"));
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_and_space() {
        assert_eq!(
            normalize_email("  Ana.Lee@Example.ORG ").unwrap(),
            "ana.lee@example.org"
        );
    }

    #[test]
    fn rejects_malformed_and_hostile_addresses() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@exa mple.org",
            "ana@example.org\r\nBcc: x@evil.test",
            "ana@@example.org",
            "<script>@example.org",
            "ana@.example.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalize_email(&format!("{}@example.org", "a".repeat(250))).is_err());
    }
}
