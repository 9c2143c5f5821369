//! The benchmark's synthetic content, as a library so site-gen's tests build the same large site
//! (the page-weight test) instead of a second generator.

pub mod content;
mod rng;
