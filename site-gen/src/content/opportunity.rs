//! Reading one opportunity file: the fast path (deserialize once, validate) and, only when that
//! fails, the slow path that reports every problem with its line.

use super::analyse::{Schema, analyse, is_placeholder};
use super::diagnostics::{Diagnostic, Kind};
use super::front_matter::{SplitError, split};
use super::links::{LinkRef, markdown_links};
use super::yaml::{Yaml, cap, parse_fast};
use super::{OpportunityPage, Read, locate};
use cwu_domain::opportunity::{FIELDS, NESTED_FIELDS, example_line};
use cwu_domain::{FieldPath, FrontMatter, Opportunity, Problem};
use std::path::Path;

/// The opportunity front matter keys and hint examples, all from the domain's field table.
pub const SCHEMA: Schema = Schema {
    fields: FIELDS,
    nested: NESTED_FIELDS,
    required: &[],
    example: example_line,
};

/// The hint for a file that is not an opportunity at all.
fn start_hint(error: SplitError, slug: &str) -> String {
    match error {
        SplitError::Unterminated => error.hint().to_owned(),
        _ => format!(
            "{}; `site-gen new opportunity {slug}` writes a commented template",
            error.hint()
        ),
    }
}

/// Reads the opportunity in `text` (from `file`, whose stem is the slug).
pub fn parse(file: &Path, slug: &str, text: &str) -> Read<OpportunityPage> {
    let parts = match split(text) {
        Ok(parts) => parts,
        Err(error) => {
            return Read::failed(Diagnostic::new(
                file,
                (1, 1),
                Kind::FrontMatter,
                error.to_string(),
                start_hint(error, slug),
            ));
        }
    };
    let yaml = Yaml {
        file,
        text: parts.yaml,
        first_line: parts.yaml_line,
        open_line: parts.yaml_line - 1,
    };
    // Fast path: one deserialization and the rules. `TODO` is rare outside fresh templates.
    let mut diagnostics = Vec::new();
    let mut opportunity = None;
    let fast = (!parts.yaml.contains("TODO"))
        .then(|| parse_fast::<FrontMatter>(&yaml))
        .flatten();
    let front = match fast {
        Some(front) => {
            match front.validate(slug) {
                Ok(valid) => opportunity = Some(valid),
                Err(problems) => diagnostics.extend(yaml.problems(anchored(&yaml, problems))),
            }
            Some(front)
        }
        None => {
            let analysis = analyse::<FrontMatter>(&yaml, &SCHEMA);
            diagnostics = analysis.diagnostics;
            if let Some(front) = &analysis.value {
                match front.validate(slug) {
                    Ok(valid) if analysis.broken.is_empty() => opportunity = Some(valid),
                    Ok(_) => {}
                    Err(problems) => {
                        let about_broken = |path: &FieldPath| match path.0.first() {
                            Some(cwu_domain::Segment::Key(key)) => analysis.broken.contains(key),
                            _ => false,
                        };
                        let kept = problems.into_iter().filter(|p| !about_broken(&p.path));
                        diagnostics.extend(yaml.problems(anchored(&yaml, kept.collect())));
                    }
                }
            }
            analysis.value
        }
    };
    let body = parts.body;
    diagnostics.extend(body_placeholders(file, body, parts.body_line));
    let mut links = markdown_links(body, parts.body_line);
    if let Some(front) = &front {
        links.extend(addenda_links(&yaml, front));
    }
    let page = match opportunity {
        Some(opportunity) if diagnostics.is_empty() => Some(OpportunityPage {
            opportunity,
            body: body.to_owned(),
            source: file.to_owned(),
        }),
        _ => None,
    };
    Read {
        page,
        links,
        problems: cap(file, diagnostics),
    }
}

/// A field that is required only because of another one (`remote_details` when `remote: true`)
/// is reported, when missing, at the field that requires it rather than at the opening `---`.
fn anchored(yaml: &Yaml, mut problems: Vec<Problem>) -> Vec<Problem> {
    for problem in &mut problems {
        if problem.path == FieldPath::key("remote_details")
            && locate(yaml.text, &problem.path).is_none()
        {
            problem.path = FieldPath::key("remote");
        }
    }
    problems
}

/// Links in addenda texts (Markdown too), at the line of their `text:`.
fn addenda_links(yaml: &Yaml, front: &FrontMatter) -> Vec<LinkRef> {
    let Some(addenda) = &front.addenda else {
        return Vec::new();
    };
    addenda
        .iter()
        .enumerate()
        .filter_map(|(index, addendum)| Some((index, addendum.text.as_deref()?)))
        .filter(|(_, text)| text.contains("](/") || text.contains("]: /"))
        .flat_map(|(index, text)| {
            let path = FieldPath::key("addenda").index(index).child("text");
            let (line, column) = yaml.position(&path);
            markdown_links(text, 1)
                .into_iter()
                .map(move |link| LinkRef {
                    line,
                    column,
                    ..link
                })
        })
        .collect()
}

/// Lines of the description that still start with a template `TODO:`.
fn body_placeholders<'a>(
    file: &'a Path,
    body: &'a str,
    first_line: usize,
) -> impl Iterator<Item = Diagnostic> + 'a {
    let lines = body
        .contains("TODO")
        .then(|| body.lines())
        .into_iter()
        .flatten();
    lines.enumerate().filter_map(move |(index, line)| {
        let trimmed = line.trim_start();
        is_placeholder(trimmed.split_whitespace().next().unwrap_or("")).then(|| {
            let column = line.chars().count() - trimmed.chars().count() + 1;
            Diagnostic::new(
                file,
                (first_line + index, column),
                Kind::Placeholder,
                "the description still has a template placeholder",
                "replace this TODO paragraph with your own text",
            )
        })
    })
}

/// Whether the opportunity is a draft (not built unless `--drafts`).
pub fn is_draft(opportunity: &Opportunity) -> bool {
    opportunity.lifecycle == cwu_domain::opportunity::Lifecycle::Draft
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::yaml::MAX_PROBLEMS_PER_FILE;
    use cwu_domain::opportunity::FIELD_TABLE;

    const VALID: &str = "---
title: \"Permit status API\"
teaser: \"Build an API.\"
organization: \"Ministry of Forests\"
product_owner: { name: \"Priya Sandhu\", email: \"priya@example.gov.bc.ca\" }
reward: 25000
location: \"Victoria, BC\"
remote: true
remote_details: \"Anywhere in Canada\"
skills: [Rust, PostgreSQL]
proposal_deadline: 2027-03-12
assignment_date: 2027-03-19
start_date: 2027-03-22
repository: https://github.com/bcgov/permit
questions: https://github.com/bcgov/permit/issues/1
acceptance_criteria: [\"It works\"]
evaluation_criteria:
  - { criterion: \"Approach\", points: 60 }
  - { criterion: \"Experience\", points: 40 }
proposal_requirements: [\"Describe your approach\"]
addenda:
  - date: 2027-02-01
    text: \"See [the FAQ](/wiki/faq/).\"
status: published
---
Read [how to submit](/wiki/how-to-submit/).
";

    fn lines(text: &str) -> Vec<(usize, Kind)> {
        parse(Path::new("o.md"), "permit", text)
            .problems
            .iter()
            .map(|d| (d.line, d.kind))
            .collect()
    }

    #[test]
    fn a_valid_file_reads_with_its_links() {
        let parsed = parse(Path::new("o.md"), "permit", VALID);
        assert_eq!(parsed.page.unwrap().opportunity.reward.dollars(), 25_000);
        let links: Vec<_> = parsed
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.line))
            .collect();
        assert_eq!(links, [("/wiki/how-to-submit/", 26), ("/wiki/faq/", 23)]);
    }

    #[test]
    fn rule_problems_point_at_their_lines() {
        let text = VALID
            .replace("reward: 25000", "reward: 80000")
            .replace("[Rust, PostgreSQL]", "[Rust, rust]")
            .replace("points: 40", "points: 30");
        assert_eq!(
            lines(&text),
            [(6, Kind::Rule), (10, Kind::Rule), (17, Kind::Rule)]
        );
    }

    #[test]
    fn type_problems_and_rules_are_reported_together() {
        let text = VALID
            .replace("reward: 25000", "reward: \"lots\"")
            .replace("remote: true", "remote: yes")
            .replace("start_date: 2027-03-22", "start_date: 2027-03-02")
            .replace("titl", "tilt");
        assert_eq!(
            lines(&text),
            [
                (2, Kind::UnknownField),
                (6, Kind::WrongType),
                (8, Kind::WrongType),
                (1, Kind::Rule),
                (13, Kind::Rule),
            ]
        );
    }

    #[test]
    fn links_are_kept_when_the_front_matter_is_broken() {
        let read = parse(
            Path::new("o.md"),
            "permit",
            &VALID.replace("reward: 25000", "reward: x"),
        );
        assert_eq!(read.links.len(), 2);
    }

    #[test]
    fn placeholders_in_front_matter_and_body() {
        let text = VALID
            .replace("reward: 25000", "reward: TODO")
            .replace("Read [how", "TODO: describe the work\n\nRead [how");
        assert_eq!(
            lines(&text),
            [(6, Kind::Placeholder), (26, Kind::Placeholder)]
        );
    }

    #[test]
    fn hostile_files_never_panic() {
        for text in [
            "",
            "---",
            "no front matter",
            "---\n- a\n---\n",
            "---\n42\n---\n",
            "---\n\t: x\n---\n",
            "---\n[[[[\n---\n",
            "---\n? [a]\n: b\n---\n",
            "---\n*x\n---\n",
            "---\ntitle: !!binary x\n---\n",
        ] {
            let read = parse(Path::new("o.md"), "x", text);
            assert!(read.page.is_none() && !read.problems.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn thousands_of_problems_stop_at_the_cap() {
        let keys: String = (0..20_000).map(|i| format!("key{i}: 1\n")).collect();
        let read = parse(Path::new("o.md"), "x", &format!("---\n{keys}---\n"));
        assert_eq!(read.problems.len(), MAX_PROBLEMS_PER_FILE + 1);
        // Rule problems too: 122 empty entries in two lists.
        let empty: String = (0..60).map(|_| "\"\", ").collect();
        let text = VALID.replace("[\"It works\"]", &format!("[{empty}\"\"]"));
        let text = text.replace("[\"Describe your approach\"]", &format!("[{empty}\"\"]"));
        assert_eq!(
            parse(Path::new("o.md"), "x", &text).problems.len(),
            MAX_PROBLEMS_PER_FILE + 1
        );
        // 5,000 skills are one problem: over the limit, without checking each.
        let skills: String = (0..5_000).map(|_| "Rust, ").collect();
        let text = VALID.replace("[Rust, PostgreSQL]", &format!("[{skills}Go]"));
        let problems = parse(Path::new("o.md"), "x", &text).problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("more than 20 skills"));
    }

    #[test]
    fn examples_come_from_the_domain() {
        let example = SCHEMA.example;
        assert_eq!(example("reward").as_deref(), Some("reward: 25000"));
        assert_eq!(example("award"), None);
    }

    #[test]
    fn the_examples_together_are_a_valid_opportunity() {
        let lines: Vec<String> = FIELD_TABLE
            .iter()
            .filter_map(|field| field.example_line())
            .collect();
        let front: FrontMatter = serde_yaml::from_str(&lines.join("\n")).unwrap();
        let opportunity = front.validate("permit").unwrap();
        assert_eq!(opportunity.reward.dollars(), 25_000);
    }
}
