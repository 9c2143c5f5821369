//! The receipt page a successful submission redirects to.
//!
//! Its URL carries only the opportunity slug, the proposal id and version, and an HMAC of
//! them keyed by the app's secret: nothing private (no email, no name), and it cannot be
//! forged to show a receipt for a proposal that was never accepted.

use crate::config::Config;
use crate::response::{message, page};
use bytes::Bytes;
use cwu_domain::html::escape_html;
use cwu_domain::{Registry, urls};
use hmac::{Hmac, Mac};
use http::{Request, Response, StatusCode};
use sha2::Sha256;

fn signature(secret: &str, slug: &str, id: &str, version: u32) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("receipt\0{slug}\0{id}\0{version}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The signed receipt URL (site-absolute path with query) for a proposal version.
pub fn url(secret: &str, slug: &str, id: &str, version: u32) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("opportunity", slug)
        .append_pair("id", id)
        .append_pair("version", &version.to_string())
        .append_pair("sig", &signature(secret, slug, id, version))
        .finish();
    urls::receipt(&query)
}

/// The parts of a receipt URL whose signature checks out.
fn verified(request: &Request<Bytes>, secret: &str) -> Option<(String, String, u32)> {
    let query = request.uri().query()?;
    let (mut slug, mut id, mut version, mut sig) = (None, None, None, None);
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "opportunity" => &mut slug,
            "id" => &mut id,
            "version" => &mut version,
            "sig" => &mut sig,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return None;
        }
    }
    let (slug, id, sig) = (slug?, id?, sig?);
    let version: u32 = version?.parse().ok()?;
    // Compare through the MAC's constant-time check rather than `==` on strings.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(format!("receipt\0{slug}\0{id}\0{version}").as_bytes());
    let given = hex::decode(&sig).ok()?;
    (given.len() == 16 && mac.verify_truncated_left(&given).is_ok()).then_some((slug, id, version))
}

/// Handles `GET /api/proposals/receipt?…`: 200 with the receipt, 404 when the link is not one
/// this app signed.
pub fn receipt(request: &Request<Bytes>, registry: &Registry, config: &Config) -> Response<Bytes> {
    let Some((slug, id, version)) = verified(request, &config.signing_key) else {
        return message(
            StatusCode::NOT_FOUND,
            Some(registry),
            "Receipt not found",
            &[
                "This receipt link is incomplete or was changed. Your emailed receipt has the proposal id.",
            ],
            "",
        );
    };
    let (title, url) = match registry.get(&slug) {
        Some(entry) => (entry.title.clone(), urls::opportunity(&slug)),
        None => (slug.clone(), urls::BOARD.to_owned()),
    };
    let e = escape_html;
    let updated = if version > 1 {
        format!(
            "<p>This version replaces your earlier one (version {}); the latest version is the one evaluated.</p>",
            version - 1
        )
    } else {
        String::new()
    };
    let deadline = registry
        .get(&slug)
        .map(|entry| cwu_domain::when::display(entry.proposal_deadline))
        .unwrap_or_else(|| "the deadline".into());
    let main = format!(
        r#"<h1>Proposal received</h1>
<p>Thank you. Your proposal for <a href="{url}">{title}</a> was received and saved.</p>
<dl class="receipt">
<dt>Proposal id</dt><dd><code>{id}</code></dd>
<dt>Version</dt><dd>{version}</dd>
<dt>Opportunity</dt><dd>{title}</dd>
</dl>
{updated}
<h2>What happens next</h2>
<ul>
<li>We email you a receipt with a complete copy of your proposal and a private link to it.</li>
<li>Until the deadline ({deadline}) that link lets you view, update or withdraw your proposal. The form on the opportunity's page cannot change it.</li>
<li>Proposals are sealed: nobody, not even the product owner, sees them before the deadline. Then the owner scores every proposal that was not withdrawn against the evaluation criteria and announces the award on the opportunity's page.</li>
</ul>
<p>Questions? Write to <a href="mailto:{contact}">{contact}</a>.</p>
<p><a href="{url}">Back to {title}</a></p>"#,
        url = e(&url),
        title = e(&title),
        id = e(&id),
        deadline = e(&deadline),
        contact = e(&registry.site.contact_email),
    );
    page(StatusCode::OK, Some(registry), "Proposal received", &main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RECEIPT_PATH;

    #[test]
    fn signed_urls_verify_and_tampering_fails() {
        let url = url("s3cret", "permit-api", "01J0000000000000000000000", 2);
        assert!(!url.contains('@'));
        let request = |u: &str| Request::get(u).body(Bytes::new()).unwrap();
        assert_eq!(
            verified(&request(&url), "s3cret"),
            Some(("permit-api".into(), "01J0000000000000000000000".into(), 2))
        );
        assert_eq!(verified(&request(&url), "other"), None);
        assert_eq!(
            verified(&request(&url.replace("version=2", "version=3")), "s3cret"),
            None
        );
        assert_eq!(verified(&request(&format!("{url}&id=x")), "s3cret"), None);
        assert_eq!(verified(&request(RECEIPT_PATH), "s3cret"), None);
    }
}
