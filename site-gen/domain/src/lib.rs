//! The Code With Us domain model.
