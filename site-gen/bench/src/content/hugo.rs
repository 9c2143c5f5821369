//! Writes the same synthetic site as a Hugo site with minimal layouts roughly equivalent to the
//! default theme: a page chrome, opportunity pages with every field and the proposal form, a
//! list page of cards for all opportunities, wiki pages with a sidebar, and an RSS feed.

use super::model::{Kind, Site, WIKI_PAGES};
use super::ours::{INDEX_MD, front_matter, wiki_page};
use anyhow::Result;
use std::fs;
use std::path::Path;

/// Hugo configuration: highlighting with CSS classes, RSS for the opportunities section only
/// (like our single feed), no taxonomies (we have none).
const CONFIG: &str = r##"baseURL = "https://codewithus.example.gov.bc.ca/"
title = "Code With Us"
languageCode = "en-ca"
buildFuture = true
disableKinds = ["taxonomy", "term"]

[outputs]
home = ["HTML"]
section = ["HTML", "RSS"]

[markup.highlight]
noClasses = false
"##;

const BASEOF: &str = r##"<!DOCTYPE html>
<html lang="en-CA">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ .Site.Title }}</title>
<meta name="description" content="{{ with .Params.teaser }}{{ . }}{{ else }}{{ .Params.description }}{{ end }}">
<link rel="stylesheet" href="/css/site.css">
<link rel="alternate" type="application/rss+xml" title="Opportunities" href="/opportunities/index.xml">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><nav aria-label="Main"><a href="/" class="brand">{{ .Site.Title }}</a>
<ul><li><a href="/opportunities/">Opportunities</a></li><li><a href="/wiki/">How it works</a></li></ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>{{ .Site.Title }} &middot; <a href="/opportunities/index.xml">RSS</a></p></footer>
</body>
</html>
"##;

const STATUS: &str = r##"{{ $s := "Open" }}{{ if eq .Params.status "cancelled" }}{{ $s = "Cancelled" }}{{ else if .Params.award }}{{ $s = "Awarded" }}{{ else if (time .Params.proposal_deadline).Before now }}{{ $s = "Under evaluation" }}{{ end }}<span class="status">{{ $s }}</span>"##;

const CARD: &str = r##"<li class="card"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ partial "status.html" . }}
<p>{{ .Params.teaser }}</p>
<p class="meta">{{ .Params.organization }} &middot; ${{ lang.FormatNumberCustom 0 .Params.reward }} &middot; Proposals due {{ .Params.proposal_deadline | time.Format "January 2, 2006" }}</p>
<ul class="skills">{{ range .Params.skills }}<li>{{ . }}</li>{{ end }}</ul></li>
"##;

const OPPORTUNITY_SINGLE: &str = r##"{{ define "main" }}
<article class="opportunity">
<h1>{{ .Title }}</h1>
{{ partial "status.html" . }}
<p class="teaser">{{ .Params.teaser }}</p>
<dl class="facts">
<dt>Organization</dt><dd>{{ .Params.organization }}</dd>
<dt>Product owner</dt><dd>{{ .Params.product_owner.name }}</dd>
<dt>Reward</dt><dd>${{ lang.FormatNumberCustom 0 .Params.reward }}</dd>
<dt>Location</dt><dd>{{ .Params.location }}{{ if .Params.remote }} (remote){{ end }}</dd>
{{ with .Params.remote_details }}<dt>Remote work</dt><dd>{{ . }}</dd>{{ end }}
<dt>Proposal deadline</dt><dd><time datetime="{{ .Params.proposal_deadline | time.Format "2006-01-02" }}">{{ .Params.proposal_deadline | time.Format "January 2, 2006" }}</time> at 4:00 PM Pacific time</dd>
<dt>Assignment</dt><dd>{{ .Params.assignment_date | time.Format "January 2, 2006" }}</dd>
<dt>Start</dt><dd>{{ .Params.start_date | time.Format "January 2, 2006" }}</dd>
{{ with .Params.completion_date }}<dt>Completion</dt><dd>{{ . | time.Format "January 2, 2006" }}</dd>{{ end }}
<dt>Repository</dt><dd><a href="{{ .Params.repository }}">{{ .Params.repository }}</a></dd>
<dt>Questions</dt><dd><a href="{{ .Params.questions }}">Ask on GitHub</a></dd>
{{ with .Params.award }}<dt>Awarded to</dt><dd>{{ .proponent }} on {{ .date | time.Format "January 2, 2006" }}</dd>{{ end }}
</dl>
<h2>Skills</h2>
<ul class="skills">{{ range .Params.skills }}<li>{{ . }}</li>{{ end }}</ul>
<div class="description">{{ .Content }}</div>
<h2>Acceptance criteria</h2>
<ol>{{ range .Params.acceptance_criteria }}<li>{{ . }}</li>{{ end }}</ol>
<h2>How proposals are evaluated</h2>
<table><thead><tr><th scope="col">Criterion</th><th scope="col">Points</th></tr></thead><tbody>
{{ range .Params.evaluation_criteria }}<tr><td>{{ .criterion }}</td><td>{{ .points }}</td></tr>{{ end }}
</tbody></table>
<h2>What to include in your proposal</h2>
<ul>{{ range .Params.proposal_requirements }}<li>{{ . }}</li>{{ end }}</ul>
{{ with .Params.addenda }}<h2>Addenda</h2>{{ range . }}<section class="addendum"><h3>{{ .date | time.Format "January 2, 2006" }}</h3><p>{{ .text | markdownify }}</p></section>{{ end }}{{ end }}
<h2 id="apply">Submit a proposal</h2>
<form method="post" action="/api/proposals">
<input type="hidden" name="opportunity" value="{{ .File.BaseFileName }}">
<input type="hidden" name="terms_version" value="2026-06">
<fieldset><legend>You are applying as</legend>
<label><input type="radio" name="proponent_type" value="individual" checked> An individual</label>
<label><input type="radio" name="proponent_type" value="organization"> An organization</label></fieldset>
<label for="legal_name">Legal name</label><input id="legal_name" name="legal_name" required maxlength="200">
<label for="organization_name">Organization name</label><input id="organization_name" name="organization_name" maxlength="200">
<label for="email">Email</label><input id="email" name="email" type="email" required>
<label for="phone">Phone (optional)</label><input id="phone" name="phone" type="tel">
<label for="proposal">Proposal</label><textarea id="proposal" name="proposal" required maxlength="10000"></textarea>
<label for="comments">Comments (optional)</label><textarea id="comments" name="comments" maxlength="10000"></textarea>
<div class="hp" aria-hidden="true"><label for="website">Leave empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<label><input type="checkbox" name="accept_terms" value="yes" required> I accept the <a href="/wiki/terms/">terms</a></label>
<button type="submit">Submit proposal</button>
</form>
</article>
{{ end }}
"##;

const OPPORTUNITY_LIST: &str = r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} opportunities</p>
<ul class="cards">{{ range .Pages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}</ul>
{{ end }}
"##;

const WIKI_SINGLE: &str = r##"{{ define "main" }}
<div class="wiki">
<nav class="sidebar" aria-label="Wiki"><ul>{{ $current := . }}{{ range (.Site.GetPage "/wiki").Pages.ByWeight }}<li><a href="{{ .RelPermalink }}"{{ if eq . $current }} aria-current="page"{{ end }}>{{ .Title }}</a></li>{{ end }}</ul></nav>
<article><h1>{{ .Title }}</h1>{{ with .Params.description }}<p class="lead">{{ . }}</p>{{ end }}{{ .Content }}</article>
</div>
{{ end }}
"##;

const HOME: &str = r##"{{ define "main" }}
<section class="intro">{{ .Content }}</section>
<h2>Latest opportunities</h2>
<ul class="cards">{{ range first 10 (where .Site.RegularPages.ByDate.Reverse "Section" "opportunities") }}{{ partial "card.html" . }}{{ end }}</ul>
<p><a href="/opportunities/">All opportunities</a></p>
{{ end }}
"##;

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem}\
.skip-link{position:absolute;left:-999px}.skip-link:focus{left:1rem}.cards{list-style:none;padding:0}\
.card{border:1px solid #ccc;padding:1rem;margin:1rem 0}.hp{display:none}\n";

/// Writes the Hugo site below `root` (config, layouts, static CSS, content).
pub fn write(site: &Site, root: &Path) -> Result<()> {
    let files: &[(&str, &str)] = &[
        ("config.toml", CONFIG),
        ("layouts/_default/baseof.html", BASEOF),
        ("layouts/_default/single.html", WIKI_SINGLE),
        ("layouts/_default/list.html", WIKI_SINGLE),
        ("layouts/opportunities/single.html", OPPORTUNITY_SINGLE),
        ("layouts/opportunities/list.html", OPPORTUNITY_LIST),
        ("layouts/index.html", HOME),
        ("layouts/partials/status.html", STATUS),
        ("layouts/partials/card.html", CARD),
        ("static/css/site.css", CSS),
        ("content/_index.md", INDEX_MD),
        (
            "content/opportunities/_index.md",
            "---\ntitle: \"Opportunities\"\n---\n",
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("relative paths have parents"))?;
        fs::write(path, text)?;
    }
    let content = root.join("content");
    fs::create_dir_all(content.join("wiki"))?;
    for i in 0..site.len() {
        let o = site.opportunity(i);
        let draft = if o.kind == Kind::Draft {
            "draft: true\n"
        } else {
            ""
        };
        let text = format!(
            "---\n{}date: {}\n{draft}---\n\n{}",
            front_matter(&o),
            o.posted,
            o.body
        );
        fs::write(
            content.join("opportunities").join(format!("{}.md", o.slug)),
            text,
        )?;
    }
    for k in 0..WIKI_PAGES {
        let page = site.wiki_page(k);
        let name = if page.path == "index" {
            "_index".to_string()
        } else {
            page.path.clone()
        };
        fs::write(
            content.join("wiki").join(format!("{name}.md")),
            wiki_page(&page),
        )?;
    }
    Ok(())
}
