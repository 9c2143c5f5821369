//! The notification forms' HTML: subscribe (footer, board, home page), watch (each open
//! opportunity) and manage. Plain HTML POSTs that work without JavaScript; every value escaped.

use super::{MANAGE_PATH, SUBSCRIBE_PATH, WATCH_PATH};
use cwu_domain::email::MAX_EMAIL;
use cwu_domain::html::escape_html;
use cwu_domain::subscription::Frequency;

/// What a subscribe or manage form shows (empty for a fresh form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    /// The address as typed.
    pub email: String,
    /// The skills as typed (comma-separated).
    pub skills: String,
    /// The chosen frequency.
    pub frequency: Frequency,
}

fn frequency_choices(prefix: &str, chosen: Frequency) -> String {
    let mut html = String::from("<fieldset><legend>How often</legend>");
    for (frequency, label) in [
        (Frequency::Immediate, "Each new opportunity"),
        (Frequency::Weekly, "A weekly digest"),
    ] {
        let id = format!("{prefix}-{}", frequency.id());
        html.push_str(&format!(
            r#"<div class="choice"><input type="radio" id="{id}" name="frequency" value="{}"{}><label for="{id}">{label}</label></div>"#,
            frequency.id(),
            if frequency == chosen { " checked" } else { "" }
        ));
    }
    html.push_str("</fieldset>");
    html
}

fn skills_field(prefix: &str, skills: &str) -> String {
    format!(
        r#"<div class="field"><label for="{prefix}-skills">Skills (optional)</label><p class="hint" id="{prefix}-skills-hint">Separate skills with commas, for example: Rust, Python. Leave empty to hear about every opportunity.</p><input id="{prefix}-skills" name="skills" type="text" maxlength="2000" aria-describedby="{prefix}-skills-hint" value="{}"></div>"#,
        escape_html(skills)
    )
}

/// The subscribe form headed `title`; `prefix` keeps its ids unique when a page has several
/// (`footer`, `page`…), and `title` must differ between forms on one page (each form is a
/// landmark named by its heading).
pub fn subscribe_form(prefix: &str, title: &str, values: &Values) -> String {
    format!(
        r#"<form class="subscribe" method="post" action="{SUBSCRIBE_PATH}" aria-labelledby="{prefix}-subscribe-title"><h2 id="{prefix}-subscribe-title">{}</h2><div class="field"><label for="{prefix}-email">Email address</label><input id="{prefix}-email" name="email" type="email" autocomplete="email" required maxlength="{MAX_EMAIL}" value="{}"></div>{}{}<p class="hint">We email you a link to confirm; nothing else is sent until you follow it. Every mail has a one-click unsubscribe. <a href="{}">What we keep and why</a>.</p><button type="submit">Subscribe</button></form>"#,
        escape_html(title),
        escape_html(&values.email),
        skills_field(prefix, &values.skills),
        frequency_choices(prefix, values.frequency),
        cwu_domain::urls::wiki("subscribing"),
    )
}

/// The "email me about changes to this opportunity" form for `slug`.
pub fn watch_form(slug: &str, email: &str) -> String {
    format!(
        r#"<form class="watch" method="post" action="{WATCH_PATH}" aria-labelledby="watch-title"><h2 id="watch-title">Email me about changes to this opportunity</h2><p>Addenda, a changed deadline or dates, a cancellation or the award. If you submit a proposal you are told anyway.</p><input type="hidden" name="opportunity" value="{}"><div class="field"><label for="watch-email">Email address</label><input id="watch-email" name="email" type="email" autocomplete="email" required maxlength="{MAX_EMAIL}" value="{}"></div><button type="submit">Watch this opportunity</button></form>"#,
        escape_html(slug),
        escape_html(email)
    )
}

/// The manage form for the subscription the signed `token` names (it travels in the query).
pub fn manage_form(token: &str, values: &Values) -> String {
    format!(
        r#"<form method="post" action="{}">{}{}<button type="submit">Save</button></form>"#,
        escape_html(&super::links::url("", MANAGE_PATH, token)),
        skills_field("manage", &values.skills),
        frequency_choices("manage", values.frequency),
    )
}
