//! Builds, checks and serves the Code With Us site from Markdown content and a Tera theme.
//!
//! A one-way stack, each layer using only those below it:
//!
//! - [`cli`]: the command line (the only module that knows clap) → the commands' plain options;
//! - [`cmd`]: the commands `build`, `check`, `serve` (rebuilds on change and mounts the proposal
//!   handlers) and `new` (writes authoring templates);
//! - [`render`]: loaded content and a theme → pages, feeds, calendar, sitemap and the private
//!   registry in `public/` and `private/`;
//! - [`content`]: reads and validates `content/` (site settings included), reporting every
//!   problem at once;
//! - the domain crate [`cwu_domain`]: the model shared with the functions.

pub mod cli;
pub mod cmd;
pub mod content;
pub mod render;
