//! `private/registry.json`: what the proposal functions need, written outside `public/`.

use super::output::write_if_changed;
use crate::content::config::SiteConfig;
use cwu_domain::registry::SiteInfo;
use cwu_domain::{Opportunity, Registry, RegistryEntry};
use std::io;
use std::path::Path;

/// The registry for the built opportunities, with the theme's page chrome as `page_shell`.
pub fn registry<'a>(
    config: &SiteConfig,
    opportunities: impl IntoIterator<Item = &'a Opportunity>,
    page_shell: String,
) -> Registry {
    let base_url = config.base_url.trim_end_matches('/');
    Registry {
        site: SiteInfo {
            title: config.title.clone(),
            base_url: base_url.to_string(),
            contact_email: config.contact_email.clone(),
            terms_version: config.terms_version.clone(),
        },
        page_shell,
        opportunities: opportunities
            .into_iter()
            .map(|o| (o.slug.clone(), RegistryEntry::new(o, base_url)))
            .collect(),
    }
}

/// Writes the registry to `path` unless it already holds the same JSON; a changed file is
/// replaced atomically (the functions may be reading it).
pub fn write(registry: &Registry, path: &Path) -> io::Result<()> {
    write_if_changed(path, registry.to_json().as_bytes())
}
