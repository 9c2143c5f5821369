//! Opportunities: the front matter product owners write, and the validated model built from it.
//!
//! [`FrontMatter`] (in `input`) mirrors the YAML exactly, with every field optional so that one
//! pass can report every missing or broken field. [`FrontMatter::validate`] (in `rules`) applies
//! the Code With Us rules and returns either an [`Opportunity`] (in `model`) or every
//! [`Problem`](crate::Problem) found. Everything said about each field (key lists, hint examples,
//! the `new` template, the wiki reference) comes from one table, [`FIELD_TABLE`] (in `fields`).

mod fields;
pub(crate) mod input;
mod model;
pub(crate) mod rules;

pub use fields::*;
pub use input::*;
pub use model::*;
pub use rules::*;
