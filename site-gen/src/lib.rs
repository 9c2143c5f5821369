//! Builds, checks and serves the Code With Us site.
