//! A proposal form body through decoding and validation, then the form page re-rendered with
//! its errors: no panic, and whatever validates is what the mail builder can deliver.
#![no_main]

use cwu_domain::email::normalize_email;
use cwu_domain::proposal::{ProposalForm, limits};
use functions::decode::decode_body;
use functions::{FormTarget, render_form};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(form) = decode_body::<ProposalForm>(body) else {
        return;
    };
    let errors = match form.validate("2026-06") {
        Ok(fields) => {
            // The normal form is a fixed point, deliverable, and within the limits.
            assert_eq!(normalize_email(&fields.email).as_deref(), Ok(fields.email.as_str()));
            assert!(fields.email.is_ascii(), "{:?}", fields.email);
            // The one address rule accepts only what the mail builder can address.
            assert!(fields.email.parse::<lettre::Address>().is_ok(), "{:?}", fields.email);
            assert!(fields.legal_name.chars().count() <= limits::NAME);
            assert!(!fields.legal_name.chars().any(char::is_control));
            Vec::new()
        }
        Err(errors) => errors,
    };
    let html = render_form(target(), &form, &errors);
    // The form's own character-count script is the only one: no value became markup.
    assert_eq!(html.matches("<script").count(), 1, "a value became markup");
});

fn target() -> FormTarget<'static> {
    FormTarget {
        action: "/api/proposals",
        opportunity: "permit-api",
        terms_version: "2026-06",
    }
}
