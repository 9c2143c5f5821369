//! An opportunity file's text through front-matter splitting, YAML parsing and every rule,
//! as `site-gen check` runs them: no panic, no hang, no unbounded memory, and a bounded report.
//! And the fast reader of plain YAML against serde_yaml on the file's front matter: whatever it
//! reads, it reads to serde_yaml's value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::content::plain_yaml;

fuzz_target!(|text: &str| {
    let front_matter = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split("\n---").next())
        .unwrap_or(text);
    if let Some(fast) = plain_yaml::from_str::<serde_yaml::Value>(front_matter) {
        let slow = serde_yaml::from_str::<serde_yaml::Value>(front_matter);
        assert_eq!(slow.ok().as_ref(), Some(&fast), "{front_matter:?}");
    }
    match site_gen::content::parse_opportunity("fuzzed", text) {
        Ok(page) => {
            // Whatever passes obeys the limits the build relies on.
            let skills = &page.opportunity.skills;
            assert!(!skills.is_empty() && skills.len() <= cwu_domain::opportunity::MAX_SKILLS);
        }
        Err(problems) => {
            assert!(!problems.0.is_empty());
            // One file never makes more than the capped number of problems (plus the note).
            assert!(problems.0.len() <= site_gen::content::diagnostics::MAX_PROBLEMS_PER_FILE + 1);
        }
    }
});
