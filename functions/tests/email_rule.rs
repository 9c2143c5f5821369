//! The form's address rule (`cwu_domain::email`) and the mail builder (`lettre`) agree: every
//! address the form accepts can be mailed, so no proponent is told "we email you a receipt"
//! for a receipt that can never be sent.

use cwu_domain::email::normalize_email;
use lettre::Address;

#[test]
fn every_accepted_address_can_be_mailed() {
    let label = "b".repeat(63);
    let local = "a".repeat(64);
    let accepted = [
        "ana@example.org".to_owned(),
        "o'brien+cwu@example.org".into(),
        "a.b-c_d@sub.example.ca".into(),
        "ana@café.ca".into(),
        "!#$%&'*+/=?^_`{|}~-@example.org".into(),
        format!("{local}@example.org"),
        format!("ana@{label}.ca"),
    ];
    for address in &accepted {
        let normal = normalize_email(address).unwrap_or_else(|e| panic!("{address}: {e}"));
        assert!(
            normal.is_ascii(),
            "{normal}: SES takes ASCII addresses only"
        );
        assert!(
            normal.parse::<Address>().is_ok(),
            "{normal} cannot be mailed"
        );
    }
}

#[test]
fn what_the_mail_builder_refuses_the_form_refuses() {
    let refused = [
        ".ana@example.org".to_owned(),
        "ana.@example.org".into(),
        "a..na@example.org".into(),
        format!("{}@example.org", "a".repeat(65)),
        format!("ana@{}.ca", "b".repeat(64)),
        "anä@example.org".into(),
        "a\u{200b}na@example.org".into(),
    ];
    for address in &refused {
        assert!(normalize_email(address).is_err(), "{address:?} accepted");
    }
}
