//! The proposal form's HTML, shared by the static opportunity page and the 422 response.
//!
//! `site-gen` inserts [`render_form`] with empty values into each open opportunity's page; the
//! submit handler renders the same form with the entered values and each error next to its
//! field. Plain HTML: it works without JavaScript and every value is escaped.

use cwu_domain::html::escape_html;
use cwu_domain::proposal::{ACCEPTED, FieldError, ProposalForm, field, limits};
use cwu_domain::urls;
use std::fmt::Write;

/// Where the form posts and what it is about.
#[derive(Debug, Clone, Copy)]
pub struct FormTarget<'a> {
    /// The form's `action`, site.yaml `form_action` (e.g. `/api/proposals`).
    pub action: &'a str,
    /// The opportunity's slug, sent as the hidden `opportunity` field.
    pub opportunity: &'a str,
    /// The terms version in force, shown next to the checkbox and sent as `terms_version`.
    pub terms_version: &'a str,
}

/// The element id of a field's input (for labels and error-summary links).
pub fn input_id(name: &str) -> String {
    format!("proposal-{name}")
}

/// The proposal form; `values` are shown in the fields and `errors` next to theirs, with a
/// summary at the top linking to each field. Pass `&ProposalForm::default()` and `&[]` for a
/// fresh form.
pub fn render_form(target: FormTarget<'_>, values: &ProposalForm, errors: &[FieldError]) -> String {
    let mut html = String::with_capacity(8 * 1024);
    let errors_for = |name: &str| -> Vec<&str> {
        errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.as_str())
            .collect()
    };
    let _ = write!(
        html,
        r#"<form class="proposal-form" method="post" action="{}" accept-charset="UTF-8">"#,
        escape_html(target.action)
    );
    if !errors.is_empty() {
        summary(&mut html, errors);
    }
    let _ = write!(
        html,
        r#"<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">"#,
        field::OPPORTUNITY,
        escape_html(target.opportunity),
        field::TERMS_VERSION,
        escape_html(target.terms_version)
    );

    proponent_type(
        &mut html,
        &values.proponent_type,
        &errors_for(field::PROPONENT_TYPE),
    );
    let text_fields = [
        TextField {
            name: field::LEGAL_NAME,
            label: "Legal name",
            hint: "Your full legal name, as it would appear on a contract.",
            kind: "text",
            autocomplete: "name",
            max: limits::NAME,
            required: true,
        },
        TextField {
            name: field::ORGANIZATION_NAME,
            label: "Organization name",
            hint: "Required if you are proposing as an organization: its legal name. Leave empty if you are an individual.",
            kind: "text",
            autocomplete: "organization",
            max: limits::NAME,
            required: false,
        },
        TextField {
            name: field::EMAIL,
            label: "Email address",
            hint: "We send your receipt here. One proposal per email address per opportunity: to change or withdraw it later, use the private link in your receipt email.",
            kind: "email",
            autocomplete: "email",
            max: limits::EMAIL,
            required: true,
        },
        TextField {
            name: field::PHONE,
            label: "Phone number (optional)",
            hint: "Digits, spaces and + - ( ) x only.",
            kind: "tel",
            autocomplete: "tel",
            max: limits::PHONE,
            required: false,
        },
    ];
    let value_of = |name: &str| -> &str {
        match name {
            n if n == field::LEGAL_NAME => &values.legal_name,
            n if n == field::ORGANIZATION_NAME => &values.organization_name,
            n if n == field::EMAIL => &values.email,
            _ => &values.phone,
        }
    };
    for text in &text_fields {
        text_input(&mut html, text, value_of(text.name), &errors_for(text.name));
    }
    text_area(
        &mut html,
        &TextField {
            name: field::PROPOSAL,
            label: "Proposal",
            hint: "Answer each of the opportunity's proposal requirements and address its evaluation criteria: the product owner scores your proposal against them. Plain text.",
            kind: "",
            // Not "off": browsers keep an "off" field's text out of the session history, so
            // Back (after a network error or a 413) would show it empty.
            autocomplete: "on",
            max: limits::PROPOSAL,
            required: true,
        },
        &values.proposal,
        &errors_for(field::PROPOSAL),
        16,
    );
    text_area(
        &mut html,
        &TextField {
            name: field::COMMENTS,
            label: "Additional comments (optional)",
            hint: "Anything else the product owner should know.",
            kind: "",
            autocomplete: "on",
            max: limits::COMMENTS,
            required: false,
        },
        &values.comments,
        &errors_for(field::COMMENTS),
        5,
    );
    terms(
        &mut html,
        target.terms_version,
        values.accept_terms == ACCEPTED,
        &errors_for(field::ACCEPT_TERMS),
    );
    honeypot(&mut html);
    // The script travels with the form, so the static page and the 422 both count.
    let _ = write!(
        html,
        r#"<button type="submit" class="button">Submit proposal</button><script src="{}" defer></script></form>"#,
        urls::CHARACTER_COUNT_JS
    );
    html
}

/// A one-line input or a textarea's description.
struct TextField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    max: usize,
    required: bool,
}

/// The "There is a problem" box linking to each field in error.
fn summary(html: &mut String, errors: &[FieldError]) {
    let _ = write!(
        html,
        r#"<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title"><h2 id="error-summary-title">There {} with your proposal</h2><ul>"#,
        if errors.len() == 1 {
            "is a problem".to_owned()
        } else {
            format!("are {} problems", errors.len())
        }
    );
    for error in errors {
        let target = if error.field == field::PROPONENT_TYPE {
            format!("{}-individual", input_id(field::PROPONENT_TYPE))
        } else {
            input_id(error.field)
        };
        let _ = write!(
            html,
            r##"<li><a href="#{target}">{}</a></li>"##,
            escape_html(&error.message)
        );
    }
    html.push_str("</ul></div>");
}

/// `aria-describedby` ids, `aria-invalid` and the error paragraph for one field.
struct Described {
    describedby: String,
    invalid: &'static str,
    error_html: String,
}

fn describe(name: &str, has_hint: bool, errors: &[&str]) -> Described {
    let id = input_id(name);
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{id}-hint"));
    }
    let mut error_html = String::new();
    if !errors.is_empty() {
        ids.push(format!("{id}-error"));
        let _ = write!(error_html, r#"<p class="field-error" id="{id}-error">"#);
        for (i, message) in errors.iter().enumerate() {
            if i > 0 {
                error_html.push(' ');
            }
            let _ = write!(
                error_html,
                r#"<span class="visually-hidden">Error: </span>{}"#,
                escape_html(message)
            );
        }
        error_html.push_str("</p>");
    }
    Described {
        describedby: ids.join(" "),
        invalid: if errors.is_empty() {
            ""
        } else {
            r#" aria-invalid="true""#
        },
        error_html,
    }
}

fn field_class(errors: &[&str]) -> &'static str {
    if errors.is_empty() {
        "field"
    } else {
        "field field--error"
    }
}

fn proponent_type(html: &mut String, value: &str, errors: &[&str]) {
    let name = field::PROPONENT_TYPE;
    let id = input_id(name);
    let d = describe(name, false, errors);
    let described = if d.describedby.is_empty() {
        String::new()
    } else {
        format!(r#" aria-describedby="{}""#, d.describedby)
    };
    let _ = write!(
        html,
        r#"<fieldset class="{}"{described}><legend>Are you proposing as an individual or an organization?</legend>{}"#,
        field_class(errors),
        d.error_html
    );
    for (option, label) in [
        ("individual", "An individual"),
        ("organization", "An organization"),
    ] {
        let checked = if value == option { " checked" } else { "" };
        let _ = write!(
            html,
            r#"<div class="choice"><input type="radio" id="{id}-{option}" name="{name}" value="{option}" required{checked}{}> <label for="{id}-{option}">{label}</label></div>"#,
            d.invalid
        );
    }
    html.push_str("</fieldset>");
}

fn open_field(
    html: &mut String,
    text: &TextField,
    errors: &[&str],
    limit: bool,
) -> (String, Described) {
    let id = input_id(text.name);
    let d = describe(text.name, true, errors);
    let limit = if limit {
        format!(" At most {} characters.", group_thousands(text.max))
    } else {
        String::new()
    };
    let _ = write!(
        html,
        r#"<div class="{}"><label for="{id}">{}</label><p class="hint" id="{id}-hint">{}{limit}</p>{}"#,
        field_class(errors),
        text.label,
        escape_html(text.hint),
        d.error_html
    );
    (id, d)
}

/// No `maxlength`: a browser would cut a long paste silently. The server's 422 says what is
/// too long, the hints of the long fields give their limits, and their `data-limit` drives the
/// theme's live count (`character-count.js`) where JavaScript runs.
fn attributes(text: &TextField, d: &Described) -> String {
    format!(
        r#" name="{}" autocomplete="{}" aria-describedby="{}"{}{}"#,
        text.name,
        text.autocomplete,
        d.describedby,
        if text.required { " required" } else { "" },
        d.invalid
    )
}

fn text_input(html: &mut String, text: &TextField, value: &str, errors: &[&str]) {
    let (id, d) = open_field(html, text, errors, false);
    let _ = write!(
        html,
        r#"<input type="{}" id="{id}"{} value="{}"></div>"#,
        text.kind,
        attributes(text, &d),
        escape_html(value)
    );
}

/// `10000` as `10,000`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn text_area(html: &mut String, text: &TextField, value: &str, errors: &[&str], rows: u32) {
    let (id, d) = open_field(html, text, errors, true);
    // A newline right after the start tag is dropped by parsers; add one so a value that starts
    // with a newline survives a round trip.
    let _ = write!(
        html,
        "<textarea id=\"{id}\" rows=\"{rows}\" data-limit=\"{}\"{}>\n{}</textarea></div>",
        text.max,
        attributes(text, &d),
        escape_html(value)
    );
}

fn terms(html: &mut String, version: &str, checked: bool, errors: &[&str]) {
    let name = field::ACCEPT_TERMS;
    let id = input_id(name);
    let d = describe(name, true, errors);
    let version = escape_html(version);
    let _ = write!(
        html,
        r#"<div class="{} field--checkbox">{}<input type="checkbox" id="{id}" name="{name}" value="{ACCEPTED}" required aria-describedby="{}"{}{}> <label for="{id}">I accept the <a href="/wiki/terms/">terms</a> (version {version})</label><p class="hint" id="{id}-hint">Read the <a href="/wiki/terms/">Code With Us terms, version {version}</a>, before you submit.</p></div>"#,
        field_class(errors),
        d.error_html,
        d.describedby,
        if checked { " checked" } else { "" },
        d.invalid,
    );
}

/// A field people never see or reach; bots that fill every input reveal themselves.
fn honeypot(html: &mut String) {
    let name = field::HONEYPOT;
    let id = input_id(name);
    let _ = write!(
        html,
        r#"<div class="visually-hidden" aria-hidden="true"><label for="{id}">Leave this field empty</label><input type="text" id="{id}" name="{name}" value="" tabindex="-1" autocomplete="off"></div>"#
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: FormTarget<'static> = FormTarget {
        action: "/api/proposals",
        opportunity: "permit-api",
        terms_version: "2026-06",
    };

    #[test]
    fn fresh_form_has_every_field_and_no_errors() {
        let html = render_form(TARGET, &ProposalForm::default(), &[]);
        for name in [
            field::OPPORTUNITY,
            field::PROPONENT_TYPE,
            field::LEGAL_NAME,
            field::ORGANIZATION_NAME,
            field::EMAIL,
            field::PHONE,
            field::PROPOSAL,
            field::COMMENTS,
            field::ACCEPT_TERMS,
            field::TERMS_VERSION,
            field::HONEYPOT,
        ] {
            assert!(
                html.contains(&format!(r#"name="{name}""#)),
                "{name} missing"
            );
        }
        assert!(!html.contains("error-summary"));
        assert!(!html.contains("aria-invalid"));
        assert!(
            !html.contains("maxlength"),
            "a long paste is never cut silently"
        );
        assert!(html.contains("At most 10,000 characters."));
        // The public form never replaces a proposal (issue 10); the hint must not say it does.
        assert!(html.contains("use the private link in your receipt email"));
        assert_eq!(html.matches(r#"data-limit="10000""#).count(), 2);
        assert!(
            html.contains(r#"<script src="/assets/character-count.js" defer></script></form>"#)
        );
        assert!(html.contains("version 2026-06"));
        assert!(html.contains(r#"tabindex="-1" autocomplete="off""#));
        // Only the honeypot is "off": typed text must come back with the Back button.
        assert_eq!(html.matches(r#"autocomplete="off""#).count(), 1);
    }

    #[test]
    fn values_are_escaped_and_errors_linked() {
        let hostile = r#""><script>alert(1)</script>"#;
        let values = ProposalForm {
            proponent_type: "organization".into(),
            legal_name: hostile.into(),
            proposal: format!("</textarea>{hostile}"),
            accept_terms: ACCEPTED.into(),
            ..ProposalForm::default()
        };
        let errors = [
            FieldError {
                field: field::EMAIL,
                message: "Enter a valid email <b>now</b>.".into(),
            },
            FieldError {
                field: field::PROPONENT_TYPE,
                message: "Choose.".into(),
            },
        ];
        let target = FormTarget {
            opportunity: hostile,
            ..TARGET
        };
        let html = render_form(target, &values, &errors);
        assert!(!html.contains("<script>"));
        assert_eq!(
            html.matches("</textarea>").count(),
            2,
            "only the two real ends"
        );
        assert!(html.contains("&lt;/textarea&gt;"));
        assert!(!html.contains("<b>"));
        assert!(html.contains(r##"href="#proposal-email""##));
        assert!(html.contains(r##"href="#proposal-proponent_type-individual""##));
        assert!(html.contains(r#"id="proposal-email-error""#));
        assert!(html.contains(r#"aria-describedby="proposal-email-hint proposal-email-error" required aria-invalid="true""#));
        assert!(html.contains(r#"value="organization" required checked"#));
        assert!(html.contains(
            r#"value="yes" required aria-describedby="proposal-accept_terms-hint" checked"#
        ));
        assert!(html.contains("There are 2 problems"));
    }
}
