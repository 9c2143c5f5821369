//! Content problems with a file, line, column and hint, and the two ways `check` prints them:
//! rustc-like reports with a source snippet (via miette) and GitHub Actions annotations.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::fmt;
use std::path::{Path, PathBuf};

/// Content files larger than this are refused when read, and never shown as snippets: they are
/// hand-written text, and a cap keeps `check` fast and safe on anything pasted into `content/`
/// by mistake. Defined here, below the reading code, because reports need it too.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// What sort of problem a diagnostic is; its title in reports and annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The file cannot be read as text (missing, too big, binary, not UTF-8).
    File,
    /// The `---` front matter block is missing or not closed.
    FrontMatter,
    /// The YAML does not parse.
    Yaml,
    /// A key that is not part of the schema.
    UnknownField,
    /// A value of the wrong type (text where a number belongs, …).
    WrongType,
    /// A value that breaks a Code With Us rule.
    Rule,
    /// A template placeholder (`TODO`) that was not filled in.
    Placeholder,
    /// Two files that map to the same page.
    Duplicate,
    /// A site-absolute link to a page the build does not generate.
    BrokenLink,
    /// A problem in `content/site.yaml`.
    Config,
    /// A problem in the outcomes file (awards, acceptances, payments recorded by the functions).
    Outcomes,
}

impl Kind {
    /// A short title, used as the GitHub annotation title.
    pub fn title(self) -> &'static str {
        match self {
            Kind::File => "unreadable file",
            Kind::FrontMatter => "front matter",
            Kind::Yaml => "invalid YAML",
            Kind::UnknownField => "unknown field",
            Kind::WrongType => "wrong type",
            Kind::Rule => "invalid value",
            Kind::Placeholder => "placeholder left in",
            Kind::Duplicate => "duplicate page",
            Kind::BrokenLink => "broken link",
            Kind::Config => "site configuration",
            Kind::Outcomes => "outcomes file",
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The content cannot be published as is (`check` exits with 1, the build stops).
    #[default]
    Error,
    /// Probably a mistake, but the content builds.
    Warning,
    /// Worth knowing, e.g. when a scheduled opportunity will appear.
    Note,
}

impl Severity {
    /// The GitHub workflow command: `error`, `warning` or `notice`.
    fn github(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        }
    }

    fn miette(self) -> miette::Severity {
        match self {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        }
    }
}

/// One problem in one file, at a 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site root (e.g. `content/opportunities/x.md`).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What sort of problem this is.
    pub kind: Kind,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub hint: String,
    /// Error unless said otherwise.
    pub severity: Severity,
}

impl Diagnostic {
    /// A problem at `line`:`column` of `file`.
    pub fn new(
        file: impl Into<PathBuf>,
        (line, column): (usize, usize),
        kind: Kind,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            kind,
            message: message.into(),
            hint: hint.into(),
            severity: Severity::Error,
        }
    }

    /// This diagnostic with `severity`.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if !self.hint.is_empty() {
            write!(f, " (help: {})", self.hint)?;
        }
        Ok(())
    }
}

/// More problems than this in one file are not all reported: the first ones are enough to
/// see what is wrong, and finding each one's line costs a scan of the text.
pub const MAX_PROBLEMS_PER_FILE: usize = 50;

/// Keeps the first [`MAX_PROBLEMS_PER_FILE`] problems and says how many more there were.
pub fn cap(file: &Path, mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if problems.len() > MAX_PROBLEMS_PER_FILE {
        problems.truncate(MAX_PROBLEMS_PER_FILE);
        problems.push(Diagnostic::new(
            file,
            (1, 1),
            Kind::File,
            format!("this file has more than {MAX_PROBLEMS_PER_FILE} problems; only the first ones are shown"),
            "fix these and run `site-gen check` again",
        ));
    }
    problems
}

/// Every problem found in `content/`, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by file, line and column, drops exact repeats and keeps at most
    /// [`MAX_PROBLEMS_PER_FILE`] per file, so
    /// no file can make a report of any size (2,500 broken links on one line, say).
    pub fn sorted(mut self) -> Self {
        let order = |a: &Diagnostic, b: &Diagnostic| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        };
        self.0.sort_by(order);
        self.0.dedup();
        let mut capped: Vec<Diagnostic> = self
            .0
            .chunk_by(|a, b| a.file == b.file)
            .flat_map(|one_file| cap(&one_file[0].file, one_file.to_vec()))
            .collect();
        capped.sort_by(order);
        capped.dedup();
        Diagnostics(capped)
    }

    /// How many files have at least one problem.
    pub fn file_count(&self) -> usize {
        let mut files: Vec<_> = self.0.iter().map(|d| &d.file).collect();
        files.sort();
        files.dedup();
        files.len()
    }

    /// A one-line summary such as `3 problems in 2 files`.
    pub fn summary(&self) -> String {
        let n = self.0.len();
        let files = self.file_count();
        format!("{n} problem{} in {files} file{}", plural(n), plural(files))
    }

    /// rustc-like reports with source snippets read from `root`; `color` adds ANSI colours.
    pub fn render_human(&self, root: &Path, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let mut sources = SourceCache::default();
        let mut out = String::new();
        for diagnostic in &self.0 {
            render_one(&handler, &mut sources, root, diagnostic, &mut out);
        }
        out
    }

    /// Whether any diagnostic is an error (warnings and notes alone do not fail a check).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// GitHub Actions workflow commands, one `::error …::…` (or `::warning`, `::notice`) line
    /// per diagnostic.
    pub fn render_github(&self) -> String {
        self.0
            .iter()
            .map(|d| {
                let file = d.file.to_string_lossy().replace('\\', "/");
                let message = if d.hint.is_empty() {
                    d.message.clone()
                } else {
                    format!("{} (help: {})", d.message, d.hint)
                };
                format!(
                    "::{} file={},line={},col={},title={}::{}\n",
                    d.severity.github(),
                    escape_property(&file),
                    d.line,
                    d.column,
                    escape_property(d.kind.title()),
                    escape_data(&message)
                )
            })
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        write!(f, "{}", self.summary())
    }
}

impl std::error::Error for Diagnostics {}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Escapes a workflow command's message, as GitHub's `toolkit/core` `escapeData` does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (`file=`, `title=`), as `escapeProperty` does.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Source files read once for snippets; `None` when a file cannot be shown as text.
#[derive(Default)]
struct SourceCache(std::collections::HashMap<PathBuf, Option<String>>);

impl SourceCache {
    fn get(&mut self, root: &Path, file: &Path) -> Option<&str> {
        self.0
            .entry(file.to_owned())
            .or_insert_with(|| {
                // The same guarded read as loading: never a link's target or a FIFO.
                let text = super::source::read_text(root, file).ok()?;
                let printable =
                    !text.contains(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
                printable.then_some(text)
            })
            .as_deref()
    }
}

fn render_one(
    handler: &GraphicalReportHandler,
    sources: &mut SourceCache,
    root: &Path,
    d: &Diagnostic,
    out: &mut String,
) {
    let name = d.file.to_string_lossy().replace('\\', "/");
    // No miette `code`: it prints on a line of its own above the message; the kind is the
    // GitHub annotation title instead.
    let mut report = MietteDiagnostic::new(d.message.clone()).with_severity(d.severity.miette());
    if !d.hint.is_empty() {
        report = report.with_help(d.hint.clone());
    }
    let source = sources.get(root, &d.file).map(str::to_owned);
    let rendered = match source
        .as_deref()
        .and_then(|text| span_at(text, d.line, d.column))
    {
        Some((offset, length)) => {
            let report = report.with_label(LabeledSpan::at(offset..offset + length, "here"));
            let report = miette::Report::new(report).with_source_code(
                NamedSource::new(name, source.unwrap_or_default()).with_language("yaml"),
            );
            let mut text = String::new();
            handler
                .render_report(&mut text, report.as_ref())
                .map(|()| text)
        }
        None => {
            // No snippet to show (missing or binary file): say where in the message itself.
            let report = MietteDiagnostic {
                message: format!("{name}:{}:{}: {}", d.line, d.column, d.message),
                ..report
            };
            let mut text = String::new();
            handler.render_report(&mut text, &report).map(|()| text)
        }
    };
    match rendered {
        Ok(text) => out.push_str(&text),
        // Rendering into a String cannot fail in practice; fall back to the plain form anyway.
        Err(_) => out.push_str(&format!("error: {d}\n")),
    }
    out.push('\n');
}

/// Lines longer than this (in bytes) are not shown as a snippet, only named: the snippet
/// renderer panics past column 65,535, and repeating a huge line under each of its problems
/// multiplies the report's size.
const MAX_SNIPPET_LINE: usize = 400;

/// The byte range to underline at `line`:`column`: from there to the end of the line's text;
/// `None` when there is no such line or it is too long to show.
fn span_at(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let rest = &text[line_start..];
    let line_text = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    if line_text.len() > MAX_SNIPPET_LINE {
        return None;
    }
    let offset = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let length = line_text[offset..].trim_end().len();
    Some((line_start + offset, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_toolkit() {
        let d = Diagnostics(vec![Diagnostic::new(
            "content/a,b:c.md",
            (3, 7),
            Kind::Rule,
            "100% wrong\r\nreally",
            "fix",
        )]);
        assert_eq!(
            d.render_github(),
            "::error file=content/a%2Cb%3Ac.md,line=3,col=7,title=invalid value::\
             100%25 wrong%0D%0Areally (help: fix)\n"
        );
    }

    #[test]
    fn spans_cover_the_rest_of_the_line() {
        let text = "---\r\nreward: 80000  \r\n";
        let (offset, length) = span_at(text, 2, 9).unwrap();
        assert_eq!(&text[offset..offset + length], "80000");
        assert_eq!(span_at(text, 9, 1), None);
        assert_eq!(span_at("é: x", 1, 2).unwrap(), (2, 3));
    }

    #[test]
    fn problems_on_very_long_lines_are_named_without_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let line = format!("{} [x](/nowhere/)", "word ".repeat(20_000));
        std::fs::write(dir.path().join("a.md"), format!("---\n---\n{line}\n")).unwrap();
        let at = |column| Diagnostic::new("a.md", (3, column), Kind::BrokenLink, "broken", "fix");
        let d = Diagnostics((0..100).map(|i| at(70_000 + i)).collect());
        let text = d.render_human(dir.path(), false);
        assert!(text.contains("a.md:3:70000"), "{text}");
        assert!(text.len() < 100 * 1_000, "{} bytes", text.len());
    }

    #[test]
    fn human_report_names_file_line_and_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\nreward: 80000\n---\n").unwrap();
        let d = Diagnostics(vec![Diagnostic::new(
            "a.md",
            (2, 9),
            Kind::Rule,
            "too much",
            "write less",
        )]);
        let text = d.render_human(dir.path(), false);
        assert!(text.contains("a.md:2:9"), "{text}");
        assert!(text.contains("reward: 80000"), "{text}");
        assert!(text.contains("write less"), "{text}");
        let missing = Diagnostics(vec![Diagnostic::new(
            "gone.md",
            (1, 1),
            Kind::File,
            "not found",
            "",
        )]);
        assert!(
            missing
                .render_human(dir.path(), false)
                .contains("gone.md:1:1: not found")
        );
    }
}
