//! Wiki pages (`content/wiki/**/*.md`) and the home intro (`content/index.md`): their small
//! front matter, and the URL each wiki file becomes.

use super::analyse::{Schema, analyse};
use super::diagnostics::{Diagnostic, Kind};
use super::front_matter::split;
use super::links::{LinkRef, markdown_links};
use super::yaml::{Yaml, cap, parse_fast};
use super::{HomePage, Read, WikiPage};
use cwu_domain::slug::check as check_slug;
use cwu_domain::{FieldPath, urls};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Wiki front matter as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WikiFrontMatter {
    title: String,
    #[serde(default)]
    weight: i64,
    description: Option<String>,
}

/// Home intro front matter as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeFrontMatter {
    title: String,
    description: String,
}

const WIKI_SCHEMA: Schema = Schema {
    fields: &["title", "weight", "description"],
    nested: &[],
    required: &["title"],
    example: page_example,
};

const HOME_SCHEMA: Schema = Schema {
    fields: &["title", "description"],
    nested: &[],
    required: &["title", "description"],
    example: page_example,
};

fn page_example(field: &str) -> Option<String> {
    Some(
        match field {
            "title" => "title: \"How to submit a proposal\"",
            "weight" => "weight: 20",
            "description" => "description: \"One sentence for search engines and link previews.\"",
            _ => return None,
        }
        .to_owned(),
    )
}

/// A front-matter document's parts: the front matter when it is valid, body, links, problems.
struct Parts<T> {
    front: Option<T>,
    body: String,
    links: Vec<LinkRef>,
    problems: Vec<Diagnostic>,
}

/// Reads a front-matter document: fast when valid, fully analysed when not; then `rules`.
fn read_parts<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    schema: &Schema,
    rules: impl FnOnce(&T, &Yaml) -> Vec<Diagnostic>,
) -> Parts<T> {
    let parts = match split(text) {
        Ok(parts) => parts,
        Err(error) => {
            return Parts {
                front: None,
                body: String::new(),
                links: Vec::new(),
                problems: vec![Diagnostic::new(
                    file,
                    (1, 1),
                    Kind::FrontMatter,
                    error.to_string(),
                    error.hint(),
                )],
            };
        }
    };
    let yaml = Yaml {
        file,
        text: parts.yaml,
        first_line: parts.yaml_line,
        open_line: parts.yaml_line - 1,
    };
    let (front, mut problems) = match parse_fast::<T>(&yaml) {
        Some(front) => (Some(front), Vec::new()),
        None => {
            let analysis = analyse::<T>(&yaml, schema);
            (analysis.value, analysis.diagnostics)
        }
    };
    if let Some(front) = &front {
        problems.extend(rules(front, &yaml));
    }
    Parts {
        front: front.filter(|_| problems.is_empty()),
        body: parts.body.to_owned(),
        links: markdown_links(parts.body, parts.body_line),
        problems: cap(file, problems),
    }
}

/// A required text must have words in it.
fn not_blank(yaml: &Yaml, field: &str, value: &str) -> Option<Diagnostic> {
    value.trim().is_empty().then(|| {
        yaml.at(
            &FieldPath::key(field),
            Kind::Rule,
            format!("`{field}` is empty"),
            page_example(field).map_or_else(String::new, |line| format!("write it like `{line}`")),
        )
    })
}

/// Reads the wiki file `file` (relative to the site root) at `path` under `content/wiki/`.
pub fn parse_wiki(file: &Path, path: &str, text: &str) -> Read<WikiPage> {
    let parts = read_parts::<WikiFrontMatter>(file, text, &WIKI_SCHEMA, |front, yaml| {
        let mut problems: Vec<_> = not_blank(yaml, "title", &front.title).into_iter().collect();
        // Every folder and file name becomes part of the URL.
        let names = path.split('/').filter(|name| *name != "index");
        problems.extend(
            names
                .filter_map(|name| check_slug(name).err())
                .map(|message| {
                    Diagnostic::new(
                        file,
                        (1, 1),
                        Kind::Rule,
                        message,
                        "rename the file or folder",
                    )
                }),
        );
        problems
    });
    let page = parts.front.map(|front| WikiPage {
        path: path.to_owned(),
        url: urls::wiki(path),
        title: front.title.trim().to_owned(),
        weight: front.weight,
        description: front
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        body: parts.body,
        source: file.to_owned(),
    });
    Read {
        page,
        links: parts.links,
        problems: parts.problems,
    }
}

/// Reads the home intro `content/index.md`.
pub fn parse_home(file: &Path, text: &str) -> Read<HomePage> {
    let parts = read_parts::<HomeFrontMatter>(file, text, &HOME_SCHEMA, |front, yaml| {
        [("title", &front.title), ("description", &front.description)]
            .into_iter()
            .filter_map(|(field, value)| not_blank(yaml, field, value))
            .collect()
    });
    let page = parts.front.map(|front| HomePage {
        title: front.title.trim().to_owned(),
        description: front.description.trim().to_owned(),
        body: parts.body,
    });
    Read {
        page,
        links: parts.links,
        problems: parts.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(urls::wiki("index"), "/wiki/");
        assert_eq!(urls::wiki("faq"), "/wiki/faq/");
        assert_eq!(urls::wiki("guides/index"), "/wiki/guides/");
        assert_eq!(urls::wiki("guides/reindex"), "/wiki/guides/reindex/");
        assert_eq!(
            urls::wiki("for-developers/local-setup"),
            "/wiki/for-developers/local-setup/"
        );
    }

    #[test]
    fn wiki_front_matter() {
        let file = Path::new("content/wiki/faq.md");
        let read = parse_wiki(
            file,
            "faq",
            "---\ntitle: FAQ\nweight: 5\n---\nSee [terms](/wiki/terms/).\n",
        );
        let (page, links) = (read.page.unwrap(), read.links);
        assert_eq!(
            (page.title.as_str(), page.weight, page.url.as_str()),
            ("FAQ", 5, "/wiki/faq/")
        );
        assert_eq!(links[0].line, 5);
        let problems = parse_wiki(
            file,
            "faq",
            "---\ntitle: \" \"\nweight: high\nsort: 1\n---\n",
        )
        .problems;
        let found: Vec<_> = problems.iter().map(|d| (d.line, d.kind)).collect();
        assert_eq!(
            found,
            [
                (3, Kind::WrongType),
                (4, Kind::UnknownField),
                (2, Kind::Rule)
            ]
        );
        let blank = parse_wiki(file, "faq", "---\ntitle: \" \"\n---\n").problems;
        assert_eq!((blank[0].line, blank[0].kind), (2, Kind::Rule));
        let missing = parse_wiki(file, "faq", "---\nweight: 1\n---\n").problems;
        assert_eq!(
            parse_wiki(file, "Bad_Name", "---\ntitle: A\n---\n")
                .problems
                .len(),
            1
        );
        assert_eq!((missing[0].line, missing[0].kind), (1, Kind::Rule));
    }

    #[test]
    fn home_needs_title_and_description() {
        let problems =
            parse_home(Path::new("content/index.md"), "---\ntitle: Home\n---\n").problems;
        assert!(problems[0].message.contains("description"));
    }
}
