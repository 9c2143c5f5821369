//! `sitemap.xml` and `robots.txt`.

use super::feeds::escape_xml;
use std::io::{self, Write};

/// Writes a sitemap of `urls` (site-absolute paths) under `base_url`.
pub fn write_sitemap<'a>(
    base_url: &str,
    urls: impl IntoIterator<Item = &'a str>,
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
          <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    )?;
    for url in urls {
        writeln!(
            out,
            "<url><loc>{}</loc></url>",
            escape_xml(&format!("{base_url}{url}"))
        )?;
    }
    out.write_all(b"</urlset>\n")
}

/// `robots.txt`: everything may be crawled except the form endpoint; points at the sitemap.
pub fn robots(base_url: &str, form_action: &str) -> String {
    let mut text = String::from("User-agent: *\n");
    if form_action.starts_with('/') {
        text.push_str(&format!("Disallow: {form_action}\n"));
    }
    text.push_str(&format!(
        "Allow: /\n\nSitemap: {}\n",
        cwu_domain::urls::absolute(base_url, cwu_domain::urls::SITEMAP)
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_lists_absolute_urls() {
        let mut out = Vec::new();
        write_sitemap("https://x.example", ["/", "/a&b/"], &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.contains("<loc>https://x.example/</loc>"));
        assert!(xml.contains("<loc>https://x.example/a&amp;b/</loc>"));
        assert!(
            robots("https://x.example", "/api/proposals")
                .contains("Sitemap: https://x.example/sitemap.xml")
        );
    }
}
