//! An opportunity file's text through front-matter splitting, YAML parsing and every rule,
//! as `site-gen check` runs them: no panic, no hang, no unbounded memory, and a bounded report.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
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
