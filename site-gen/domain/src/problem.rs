//! Validation problems that point at a field, so callers can map them to a file and line.

use std::fmt;

/// One step of a path into front matter or a form: a key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key such as `evaluation_criteria`.
    Key(String),
    /// A zero-based list index.
    Index(usize),
}

/// Where a problem is, e.g. `evaluation_criteria[2].points`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// A path of one key.
    pub fn key(key: &str) -> Self {
        FieldPath(vec![Segment::Key(key.to_owned())])
    }

    /// This path followed by a list index.
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Index(index));
        path
    }

    /// This path followed by a key.
    pub fn child(&self, key: &str) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Key(key.to_owned()));
        path
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A broken rule: where, what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field the problem is about.
    pub path: FieldPath,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: FieldPath, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            path,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.hint)
    }
}
