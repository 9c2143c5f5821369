//! Proposal form handlers.
