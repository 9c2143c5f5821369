//! The Code With Us domain model, shared by the site generator and the form handlers.
//!
//! Everything here is plain data and rules: opportunities and their front matter, statuses derived
//! from dates, rewards, the proposal form's fields and limits, and the private registry that the
//! generator writes for the functions. Nothing here does I/O beyond (de)serialising.

pub mod email;
pub mod html;
pub mod money;
pub mod opportunity;
pub mod problem;
pub mod proposal;
pub mod registry;
pub mod slug;
pub mod status;
pub mod urls;
pub mod when;

pub use money::Reward;
pub use opportunity::{FrontMatter, Opportunity};
pub use problem::{FieldPath, Problem, Segment};
pub use registry::{Registry, RegistryEntry};
pub use status::Status;
