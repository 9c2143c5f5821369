//! The synthetic site, independent of output format: opportunities and wiki pages drawn from a
//! seeded generator, with dates arranged so that every status occurs at the benchmark's `now`.

use super::text::{capitalize, paragraph, sentence, word_count};
use super::words::{
    ADJECTIVES, FIRST_NAMES, HEADINGS, LAST_NAMES, LOCATIONS, NOUNS, ORGANIZATIONS, PRODUCTS,
    SKILLS, WIKI_CORE,
};
use crate::rng::Rng;
use jiff::civil::{Date, date};
use jiff::{Span, ToSpan};
use std::fmt::Write as _;

/// The fixed clock of the benchmark build (`--now`), the project's test clock.
pub const NOW: &str = "2026-11-24T12:00:00-08:00";
/// The calendar date of [`NOW`] in Vancouver.
const TODAY: Date = date(2026, 11, 24);
/// Words of prose each opportunity body reaches at least.
const BODY_WORDS: usize = 600;
/// Number of wiki pages, including the wiki home.
pub const WIKI_PAGES: usize = 50;

/// Random streams, so the same index draws unrelated numbers for different purposes.
const STREAM_OPPORTUNITY: u64 = 1;
const STREAM_WIKI: u64 = 2;

/// What status an opportunity has at [`NOW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Deadline months ahead.
    Open,
    /// Deadline within the coming week.
    ClosingSoon,
    /// Deadline passed, not awarded.
    UnderEvaluation,
    /// Deadline passed and `award` set.
    Awarded,
    /// `status: cancelled`.
    Cancelled,
    /// `status: draft` (not built, never linked to).
    Draft,
}

/// The kind of opportunity number `i`: a fixed mix (1% drafts, 2% cancelled, 10% awarded,
/// 10% under evaluation, 5% closing soon, the rest open).
pub fn kind(i: usize) -> Kind {
    match (i % 100, i % 20) {
        (0, _) => Kind::Draft,
        (1 | 51, _) => Kind::Cancelled,
        (r, _) if r % 10 == 2 => Kind::Awarded,
        (r, _) if r % 10 == 3 => Kind::UnderEvaluation,
        (_, 4) => Kind::ClosingSoon,
        _ => Kind::Open,
    }
}

/// The file stem of opportunity `i` (unique through the index suffix).
pub fn slug(seed: u64, i: usize) -> String {
    let mut rng = Rng::for_item(seed, STREAM_OPPORTUNITY, i as u64);
    let product = rng.pick(PRODUCTS);
    format!("{}-{:05}", product.to_lowercase().replace(' ', "-"), i)
}

/// A person's name and the matching example email address.
pub struct Person {
    /// Full name.
    pub name: String,
    /// `first.last@example.gov.bc.ca`.
    pub email: String,
}

/// One evaluation criterion.
pub struct Criterion {
    /// What is evaluated.
    pub criterion: String,
    /// Points (all criteria sum to 100).
    pub points: u32,
}

/// An addendum to an opportunity.
pub struct Addendum {
    /// When it was published.
    pub date: Date,
    /// Its text.
    pub text: String,
}

/// A synthetic opportunity with every front-matter field of the schema.
pub struct Opportunity {
    /// File stem.
    pub slug: String,
    /// Status at [`NOW`].
    pub kind: Kind,
    /// `title`.
    pub title: String,
    /// `teaser`.
    pub teaser: String,
    /// `organization`.
    pub organization: &'static str,
    /// `product_owner`.
    pub owner: Person,
    /// `reward` in whole dollars.
    pub reward: u32,
    /// `location`.
    pub location: &'static str,
    /// `remote`.
    pub remote: bool,
    /// `remote_details` (set exactly when remote).
    pub remote_details: Option<String>,
    /// `skills`.
    pub skills: Vec<&'static str>,
    /// `proposal_deadline` (bare date: 4:00 PM Vancouver).
    pub deadline: Date,
    /// `assignment_date`.
    pub assignment: Date,
    /// `start_date`.
    pub start: Date,
    /// `completion_date`.
    pub completion: Option<Date>,
    /// `repository`.
    pub repository: String,
    /// `questions`.
    pub questions: String,
    /// `acceptance_criteria`.
    pub acceptance: Vec<String>,
    /// `evaluation_criteria`.
    pub evaluation: Vec<Criterion>,
    /// `proposal_requirements`.
    pub requirements: Vec<String>,
    /// `addenda`.
    pub addenda: Vec<Addendum>,
    /// `award`: proponent and date.
    pub award: Option<(String, Date)>,
    /// Date the opportunity was posted (Hugo's `date`, for feed order).
    pub posted: Date,
    /// Markdown description.
    pub body: String,
}

impl Opportunity {
    /// The front-matter `status` value.
    pub fn status(&self) -> &'static str {
        match self.kind {
            Kind::Draft => "draft",
            Kind::Cancelled => "cancelled",
            _ => "published",
        }
    }
}

/// A wiki page.
pub struct WikiPage {
    /// Path below `wiki/` without `.md` (`index` for the wiki home).
    pub path: String,
    /// `title`.
    pub title: String,
    /// `weight` (sidebar order).
    pub weight: u32,
    /// `description`.
    pub description: String,
    /// Markdown body.
    pub body: String,
}

/// The site's opportunities and wiki, generated lazily one item at a time.
pub struct Site {
    seed: u64,
    slugs: Vec<String>,
}

impl Site {
    /// A site of `count` opportunities drawn from `seed`.
    pub fn new(seed: u64, count: usize) -> Self {
        Site {
            seed,
            slugs: (0..count).map(|i| slug(seed, i)).collect(),
        }
    }

    /// Number of opportunities.
    pub fn len(&self) -> usize {
        self.slugs.len()
    }

    /// Whether the site has no opportunities.
    pub fn is_empty(&self) -> bool {
        self.slugs.is_empty()
    }

    /// Slug of opportunity `i`.
    pub fn slug(&self, i: usize) -> &str {
        &self.slugs[i]
    }

    /// A random opportunity other than `not` that is built (not a draft), if there is one.
    fn linkable(&self, rng: &mut Rng, not: Option<usize>) -> Option<&str> {
        if self.slugs.len() < 3 {
            return None;
        }
        let mut j = rng.below(self.slugs.len());
        while kind(j) == Kind::Draft || Some(j) == not {
            j = (j + 1) % self.slugs.len();
        }
        Some(&self.slugs[j])
    }

    /// Opportunity number `i`.
    pub fn opportunity(&self, i: usize) -> Opportunity {
        let mut rng = Rng::for_item(self.seed, STREAM_OPPORTUNITY, i as u64);
        let product = rng.pick(PRODUCTS); // same first draw as `slug`
        let kind = kind(i);
        let organization = rng.pick(ORGANIZATIONS);
        let title = format!(
            "{} {} for the {}, phase {}",
            capitalize(rng.pick(ADJECTIVES)),
            product,
            organization,
            i + 1
        );
        let teaser = format!("{} {}", sentence(&mut rng), sentence(&mut rng));
        let owner = person(&mut rng);
        let reward = (rng.range(10, 700) * 100) as u32;
        let location = rng.pick(LOCATIONS);
        let remote = rng.chance(70);
        let remote_details = remote.then(|| {
            format!(
                "Fully remote within Canada. The team works Pacific time and meets every {} at 10:00 AM.",
                rng.pick(&["Monday", "Tuesday", "Wednesday", "Thursday"])
            )
        });
        let skill_count = rng.range(2, 5) as usize;
        let skills: Vec<&'static str> = rng
            .distinct(SKILLS, skill_count)
            .into_iter()
            .copied()
            .collect();

        let deadline = match kind {
            Kind::Open | Kind::Cancelled | Kind::Draft => {
                date(2027, 1, 5) + days(rng.range(0, 300))
            }
            Kind::ClosingSoon => TODAY + days(rng.range(1, 6)),
            Kind::UnderEvaluation => date(2026, 9, 1) + days(rng.range(0, 70)),
            Kind::Awarded => date(2026, 6, 1) + days(rng.range(0, 150)),
        };
        let assignment = deadline + days(rng.range(3, 10));
        let start = assignment + days(rng.range(0, 7));
        let completion = rng.chance(80).then(|| start + days(rng.range(30, 120)));
        let repo_name = product.to_lowercase().replace(' ', "-");
        let repository = format!("https://github.com/bcgov-example/{repo_name}-{i}");
        let questions = format!("{repository}/issues/1");

        let acceptance = (0..rng.range(3, 5)).map(|_| sentence(&mut rng)).collect();
        let evaluation = evaluation(&mut rng, &skills);
        let requirements = (0..rng.range(2, 4)).map(|_| sentence(&mut rng)).collect();
        let mut addenda: Vec<Addendum> = (0..[0, 0, 0, 1, 2][rng.below(5)])
            .map(|_| Addendum {
                date: (deadline - days(rng.range(3, 40))).min(date(2026, 11, 20)),
                text: format!(
                    "{} See `fixtures/sample.json` in the repository.",
                    sentence(&mut rng)
                ),
            })
            .collect();
        addenda.sort_by_key(|a| a.date);
        let award = (kind == Kind::Awarded).then(|| (person(&mut rng).name, assignment));
        let posted = deadline - days(rng.range(20, 45));
        let body = self.body(&mut rng, i, &skills);
        Opportunity {
            slug: self.slugs[i].clone(),
            kind,
            title,
            teaser,
            organization,
            owner,
            reward,
            location,
            remote,
            remote_details,
            skills,
            deadline,
            assignment,
            start,
            completion,
            repository,
            questions,
            acceptance,
            evaluation,
            requirements,
            addenda,
            award,
            posted,
            body,
        }
    }

    /// The Markdown description: five sections with lists, a table, links to other opportunities
    /// and the wiki, a Rust code block in every fifth opportunity, at least [`BODY_WORDS`] words.
    fn body(&self, rng: &mut Rng, i: usize, skills: &[&str]) -> String {
        let mut sections: Vec<String> = Vec::with_capacity(5);
        sections.push(format!("{}\n\n{}", paragraph(rng, 5), paragraph(rng, 4)));

        let mut built = format!("{}\n\nThe service will:\n\n", paragraph(rng, 3));
        for _ in 0..rng.range(4, 6) {
            let _ = writeln!(built, "- {}", sentence(rng));
        }
        sections.push(built);

        let mut tech = String::from("| Item | Choice |\n|------|--------|\n");
        let _ = writeln!(tech, "| Language | {} |", skills[0]);
        let _ = writeln!(tech, "| Database | PostgreSQL 16, read-only replica |");
        let _ = writeln!(
            tech,
            "| Deployment | Container on the {} platform |",
            rng.pick(&["OpenShift", "AWS", "Azure"])
        );
        let _ = write!(
            tech,
            "\n{} Configuration lives in `config/{}.toml`.",
            paragraph(rng, 3),
            rng.pick(NOUNS).replace(' ', "-")
        );
        if i.is_multiple_of(5) {
            tech.push_str("\n\n");
            tech.push_str(&rust_block(rng));
        }
        sections.push(tech);

        let mut work = paragraph(rng, 4);
        let links: Vec<String> = (0..3)
            .filter_map(|k| {
                let text = ["a related opportunity", "earlier work", "a similar project"][k];
                self.linkable(rng, Some(i))
                    .map(|s| format!("[{text}](/opportunities/{s}/)"))
            })
            .collect();
        if !links.is_empty() {
            let _ = write!(work, "\n\nThis builds on {}.", links.join(", "));
        }
        work.push_str("\n\n");
        for step in 1..=4 {
            let _ = writeln!(work, "{step}. {}", sentence(rng));
        }
        sections.push(work);

        sections.push(format!(
            "Ask questions on the GitHub issue so everyone sees the answer, and read\n\
             [how to submit a proposal](/wiki/how-to-submit/) and the [terms](/wiki/terms/).\n\
             Payment is made **once** every acceptance criterion is met; see\n\
             [how payment works](/wiki/payment/). *{}*",
            sentence(rng)
        ));

        let mut words: usize = sections.iter().map(|s| word_count(s)).sum();
        while words < BODY_WORDS {
            let extra = paragraph(rng, 4);
            words += word_count(&extra);
            sections[0].push_str("\n\n");
            sections[0].push_str(&extra);
        }
        let mut out = String::with_capacity(5000);
        for (heading, section) in HEADINGS.iter().zip(&sections) {
            let _ = write!(out, "## {heading}\n\n{}\n\n", section.trim_end());
        }
        out
    }

    /// Wiki page `k` of [`WIKI_PAGES`]: the home, the core pages opportunities link to, then guides.
    pub fn wiki_page(&self, k: usize) -> WikiPage {
        let mut rng = Rng::for_item(self.seed, STREAM_WIKI, k as u64);
        let (path, title) = match k {
            0 => ("index".to_string(), "How Code With Us works".to_string()),
            k if k <= WIKI_CORE.len() => (
                WIKI_CORE[k - 1].0.to_string(),
                WIKI_CORE[k - 1].1.to_string(),
            ),
            k => (
                format!("guide-{k:02}"),
                format!(
                    "Guide {k}: {} {}s",
                    capitalize(rng.pick(ADJECTIVES)),
                    rng.pick(NOUNS)
                ),
            ),
        };
        let mut body = format!(
            "{}\n\n## Before you start\n\n{}\n\n",
            paragraph(&mut rng, 5),
            paragraph(&mut rng, 4)
        );
        for _ in 0..4 {
            let _ = writeln!(body, "- {}", sentence(&mut rng));
        }
        let _ = write!(
            body,
            "\n## Next steps\n\n{}\n\nSee also:\n\n",
            paragraph(&mut rng, 4)
        );
        for _ in 0..3 {
            let other = rng.below(WIKI_PAGES);
            let (href, text) = wiki_link(other);
            let _ = writeln!(body, "- [{text}]({href})");
        }
        if let Some(s) = self.linkable(&mut rng, None) {
            let _ = writeln!(body, "- [an example opportunity](/opportunities/{s}/)");
        }
        WikiPage {
            path,
            title,
            weight: k as u32 + 1,
            description: sentence(&mut rng),
            body,
        }
    }
}

/// Site-absolute URL and link text of wiki page `k`.
fn wiki_link(k: usize) -> (String, String) {
    match k {
        0 => ("/wiki/".to_string(), "the wiki home".to_string()),
        k if k <= WIKI_CORE.len() => (
            format!("/wiki/{}/", WIKI_CORE[k - 1].0),
            WIKI_CORE[k - 1].1.to_lowercase(),
        ),
        k => (format!("/wiki/guide-{k:02}/"), format!("guide {k}")),
    }
}

fn days(n: i64) -> Span {
    n.days()
}

fn person(rng: &mut Rng) -> Person {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    Person {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}@example.gov.bc.ca",
            first.to_lowercase(),
            last.to_lowercase()
        ),
    }
}

/// Evaluation criteria whose points sum to 100.
fn evaluation(rng: &mut Rng, skills: &[&str]) -> Vec<Criterion> {
    const SPLITS: &[&[u32]] = &[
        &[40, 30, 20, 10],
        &[35, 30, 20, 15],
        &[50, 30, 20],
        &[40, 35, 25],
    ];
    let names = [
        format!("Experience with {}", skills[0]),
        "Proposed approach, including testing".to_string(),
        format!("Experience with {}", skills[1]),
        "Plan for working in the open and communicating progress".to_string(),
    ];
    rng.pick(SPLITS)
        .iter()
        .zip(names)
        .map(|(&points, criterion)| Criterion { criterion, points })
        .collect()
}

/// A fenced Rust code block of a dozen lines.
fn rust_block(rng: &mut Rng) -> String {
    let noun = rng.pick(NOUNS).replace(' ', "_");
    let ty = capitalize(&noun.replace('_', ""));
    format!(
        "```rust\n\
         /// Looks up a {noun} by its tracking number.\n\
         pub fn find_{noun}(store: &Store, id: &str) -> Result<{ty}, Error> {{\n\
         \x20   let record = store.get(id).ok_or(Error::NotFound)?;\n\
         \x20   if record.retired {{\n\
         \x20       return Err(Error::Gone(id.to_string()));\n\
         \x20   }}\n\
         \x20   let total: u64 = record.items.iter().map(|item| item.cost).sum();\n\
         \x20   Ok({ty} {{ id: record.id.clone(), total, status: record.status }})\n\
         }}\n\
         ```"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_occurs_in_a_hundred() {
        let kinds: Vec<Kind> = (0..100).map(kind).collect();
        for k in [
            Kind::Open,
            Kind::ClosingSoon,
            Kind::UnderEvaluation,
            Kind::Awarded,
            Kind::Cancelled,
            Kind::Draft,
        ] {
            assert!(kinds.contains(&k), "{k:?}");
        }
    }

    #[test]
    fn opportunities_are_deterministic_and_consistent() {
        let site = Site::new(42, 200);
        for i in 0..200 {
            let a = site.opportunity(i);
            assert_eq!(a.body, site.opportunity(i).body);
            assert!(a.deadline < a.assignment && a.assignment <= a.start);
            assert!(a.completion.is_none_or(|c| a.start <= c));
            assert_eq!(a.evaluation.iter().map(|c| c.points).sum::<u32>(), 100);
            assert!(word_count(&a.body) >= BODY_WORDS);
            assert_eq!(a.remote, a.remote_details.is_some());
            assert_eq!(i % 5 == 0, a.body.contains("```rust"));
            assert!(!a.body.contains(&format!("/opportunities/{}/", a.slug)));
            let slug_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
            assert!(a.slug.chars().all(slug_chars), "{}", a.slug);
        }
    }
}
