//! Email addresses: the one rule for what the form accepts, the content checker accepts and the
//! mail builder sends to, and the normal form used as the proponent's key.
//!
//! The rule accepts exactly what SES delivers without SMTPUTF8: an ASCII dot-atom local part
//! (RFC 5321: at most 64 characters, no leading, trailing or doubled dot) and a domain of at
//! least two LDH labels of at most 63 characters (253 in all). Internationalised domains are
//! converted to their ASCII (punycode) form with UTS #46, so `ana@café.ca` is stored and mailed
//! as `ana@xn--caf-dma.ca`; non-ASCII local parts are refused, because SES cannot deliver them.
//! Invisible characters (zero-width, bidirectional, soft hyphen) are refused anywhere in an
//! address, so they never make a second proponent of one address.

/// The longest address SMTP can carry.
pub const MAX_EMAIL: usize = 254;
/// The longest local part (before the `@`), RFC 5321.
pub const MAX_LOCAL_PART: usize = 64;
/// The longest domain label, RFC 1035.
pub const MAX_LABEL: usize = 63;

/// Checks that `text` is a deliverable address and returns its normal form: trimmed,
/// lowercased, with an internationalised domain in ASCII, so `Ana@Example.org ` and
/// `ana@example.org` are the same proponent.
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
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(format!("`{}` has no @; {hint}", printable(&email)));
    };
    let invalid = || {
        format!(
            "`{}` is not a valid email address; {hint}",
            printable(&email)
        )
    };
    // Refused rather than dropped: what was typed is what is mailed and stored.
    if !is_local_part(local) || domain.chars().any(crate::text::is_invisible) {
        return Err(invalid());
    }
    let domain = ascii_domain(domain).ok_or_else(invalid)?;
    let normal = format!("{local}@{domain}");
    if normal.len() > MAX_EMAIL {
        return Err(format!(
            "the email address is longer than {MAX_EMAIL} characters"
        ));
    }
    Ok(normal)
}

/// An RFC 5322 dot-atom of ASCII characters, at most [`MAX_LOCAL_PART`] long.
fn is_local_part(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    !local.is_empty()
        && local.len() <= MAX_LOCAL_PART
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// The domain in ASCII (IDN converted), when it is a host name mail can be delivered to.
fn ascii_domain(domain: &str) -> Option<String> {
    // `domain_to_ascii_strict` maps and checks with UTS #46 (STD3 rules, DNS lengths); it
    // refuses empty labels, so a leading, trailing or doubled dot fails there.
    let ascii = if domain.is_ascii() {
        domain.to_owned()
    } else {
        idna::domain_to_ascii_strict(domain).ok()?
    };
    let labels: Vec<&str> = ascii.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let top_level_ok = labels
        .last()
        .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
    (labels.len() >= 2 && ascii.len() <= 253 && labels.iter().all(label_ok) && top_level_ok)
        .then_some(ascii)
}

/// `text` with control and invisible characters shown as `\u{…}`, for messages.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || crate::text::is_invisible(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_space_and_international_domains() {
        assert_eq!(
            normalize_email("  Ana.Lee@Example.ORG ").unwrap(),
            "ana.lee@example.org"
        );
        assert_eq!(
            normalize_email("ana@Café.ca").unwrap(),
            "ana@xn--caf-dma.ca"
        );
        assert_eq!(
            normalize_email("o'brien+cwu@example.org").unwrap(),
            "o'brien+cwu@example.org"
        );
    }

    #[test]
    fn rejects_malformed_hostile_and_undeliverable_addresses() {
        let label = "a".repeat(MAX_LABEL + 1);
        let local = "a".repeat(MAX_LOCAL_PART + 1);
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
            ".ana@example.org",
            "ana.@example.org",
            "a..na@example.org",
            &format!("{local}@example.org"),
            &format!("ana@{label}.org"),
            "ana@-example.org",
            "ana@example.123",
            "anä@example.org",
            "a\u{200b}na@example.org",
            "ana@exa\u{200b}mple.org",
            "ana@exam\u{202e}ple.org",
            "ana@exam\u{ad}ple.org",
            "\"ana\"@example.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalize_email(&format!("{}@example.org", "a".repeat(250))).is_err());
    }

    #[test]
    fn messages_show_invisible_characters() {
        let message = normalize_email("a\u{200b}na@example.org").unwrap_err();
        assert!(message.contains("a\\u{200b}na"), "{message}");
    }
}
