//! A second Hugo site over the same content with plain templates: a page (title and body), a
//! list page (links to its pages) and Hugo's built-in RSS feed and sitemap. It answers the
//! question a person choosing a generator asks (what does the generator cost for the same
//! content?), where the mirrored site of [`super::hugo`] answers how fast Hugo renders what we
//! render. It reads the mirrored site's `content/` (`contentDir`), so the content is written once.

use anyhow::Result;
use std::fs;
use std::path::Path;

/// Hugo's configuration: defaults except the site's address and title, future dates built
/// (deadlines are in the future) and no taxonomy pages (the content has none).
fn config(content_dir: &Path) -> String {
    format!(
        r#"baseURL = "https://codewithus.example.gov.bc.ca/"
title = "Code With Us"
languageCode = "en-ca"
buildFuture = true
disableKinds = ["taxonomy", "term"]
contentDir = {:?}
"#,
        content_dir.to_string_lossy()
    )
}

const SINGLE: &str = r#"<!DOCTYPE html>
<html lang="en-CA">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ .Content }}
</main></body>
</html>
"#;

const LIST: &str = r#"<!DOCTYPE html>
<html lang="en-CA">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body>
</html>
"#;

/// Writes the plain Hugo site below `root`, reading its pages from `content_dir`.
pub fn write(root: &Path, content_dir: &Path) -> Result<()> {
    let files = [
        ("config.toml", config(content_dir)),
        ("layouts/_default/single.html", SINGLE.to_owned()),
        ("layouts/_default/list.html", LIST.to_owned()),
    ];
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("relative paths have parents"))?;
        fs::write(path, text)?;
    }
    Ok(())
}
