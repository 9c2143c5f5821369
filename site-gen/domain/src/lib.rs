//! The Code With Us domain model, shared by the site generator and the form handlers.
//!
//! Everything here is plain data and rules: opportunities and their front matter, statuses derived
//! from dates, rewards, the proposal form's fields and limits, and the private registry that the
//! generator writes for the functions. Nothing here does I/O beyond (de)serialising.
//!
//! ```
//! use cwu_domain::opportunity::Lifecycle;
//! use cwu_domain::{Reward, Status, urls, when};
//!
//! let reward = Reward::new(25_000).expect("within the limits");
//! assert_eq!(reward.to_string(), "$25,000");
//! // A date alone means 4:00 PM in Vancouver; at the deadline itself proposals are closed.
//! let deadline = when::parse_moment("2027-03-12").unwrap();
//! let before = when::parse_moment("2027-03-12T15:59").unwrap();
//! // No `published` date: public as soon as it is published.
//! let at = |now| Status::at(Lifecycle::Published, None, deadline, None, now);
//! assert_eq!(at(before), Status::ClosingSoon);
//! assert_eq!(at(deadline), Status::UnderEvaluation);
//! assert_eq!(urls::opportunity("permit-api"), "/opportunities/permit-api/");
//! ```

pub mod award;
pub mod email;
pub mod evaluation;
pub mod html;
pub mod money;
pub mod opportunity;
pub mod outcome;
pub mod problem;
pub mod proposal;
pub mod registry;
pub mod slug;
pub mod status;
pub mod subscription;
pub mod text;
pub mod urls;
pub mod when;

pub use money::Reward;
pub use opportunity::{FrontMatter, Opportunity};
pub use problem::{FieldPath, Problem, Segment};
pub use registry::{Registry, RegistryEntry};
pub use status::{Stage, Status};
