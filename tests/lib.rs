//! Helpers shared by the end-to-end tests.
//!
//! `harness` starts what a person would use (a built site in a temporary folder, `site-gen serve`,
//! headless Chromium through chromedriver) and kills it all on drop; `checks` holds the quality
//! gates (axe-core, the Nu HTML Checker, lychee, RSS and iCalendar checks), each a plain function
//! returning the problems it found so that a test can both require zero problems on the real site
//! and prove, on a small broken fixture, that the gate does report them.

pub mod checks;
pub mod harness;
