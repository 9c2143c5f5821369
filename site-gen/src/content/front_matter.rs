//! Splitting a Markdown file into its YAML front matter (between `---` lines) and its body,
//! keeping the line numbers needed to point at problems in the original file.

/// A file split into front matter and body, both borrowed from the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the delimiters (without them).
    pub yaml: &'a str,
    /// The 1-based file line of the first YAML line (the line after the opening `---`).
    pub yaml_line: usize,
    /// The Markdown after the closing delimiter.
    pub body: &'a str,
    /// The 1-based file line the body starts on.
    pub body_line: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// Nothing but whitespace.
    #[error("the file is empty")]
    Empty,
    /// The first line is not `---`.
    #[error("the file does not start with a `---` line, so it has no front matter")]
    NoFrontMatter,
    /// An opening `---` without a closing one.
    #[error("the front matter starting here is never closed")]
    Unterminated,
}

impl SplitError {
    /// What to write instead.
    pub fn hint(self) -> &'static str {
        match self {
            SplitError::Empty | SplitError::NoFrontMatter => {
                "start the file with a line `---`, then the `key: value` front matter, \
                 then another `---` line, then the Markdown text"
            }
            SplitError::Unterminated => {
                "add a line with just `---` after the last front matter field, before the Markdown text"
            }
        }
    }
}

/// Splits `text` (already without a byte order mark) at its `---` delimiters. The closing
/// delimiter may also be `...`; CRLF line ends and trailing spaces on delimiters are accepted.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(SplitError::NoFrontMatter);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        let delimiter = line.trim_end();
        if delimiter == "---" || delimiter == "..." {
            let yaml_line = 2;
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line,
                body: &text[offset + line.len()..],
                body_line: yaml_line + index + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_lines() {
        let split = split("---\ntitle: A\nweight: 2\n---\n\nBody\n").unwrap();
        assert_eq!(split.yaml, "title: A\nweight: 2\n");
        assert_eq!(split.yaml_line, 2);
        assert_eq!(split.body, "\nBody\n");
        assert_eq!(split.body_line, 5);
    }

    #[test]
    fn accepts_crlf_trailing_spaces_and_dots() {
        let split = split("--- \r\ntitle: A\r\n...\r\nBody").unwrap();
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "Body");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let split = split("---\n---").unwrap();
        assert_eq!((split.yaml, split.body, split.body_line), ("", "", 3));
    }

    #[test]
    fn reports_what_is_missing() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split(" \n\n"), Err(SplitError::Empty));
        assert_eq!(split("title: A\n"), Err(SplitError::NoFrontMatter));
        assert_eq!(
            split("\n---\ntitle: A\n---\n"),
            Err(SplitError::NoFrontMatter)
        );
        assert_eq!(split("----\n"), Err(SplitError::NoFrontMatter));
        assert_eq!(split("---\ntitle: A\n"), Err(SplitError::Unterminated));
        assert_eq!(split("---"), Err(SplitError::Unterminated));
    }

    #[test]
    fn a_rule_in_the_body_is_not_a_delimiter() {
        let split = split("---\na: 1\n---\ntext\n---\nmore\n").unwrap();
        assert_eq!(split.body, "text\n---\nmore\n");
    }
}
