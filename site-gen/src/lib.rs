//! Builds, checks and serves the Code With Us site from Markdown content and a Tera theme.
//!
//! The flow is `content` (read and validate `content/`) → `build` (render pages, feeds, calendar,
//! sitemap and the private registry) → `public/`. `check` reports every content problem at once,
//! `serve` rebuilds on change and mounts the proposal handlers, `new` writes authoring templates.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod new;
pub mod serve;
