//! Reading a content file as text, turning every way that can fail (missing, too big, binary,
//! not UTF-8) into a diagnostic instead of an error that stops the run.

use super::diagnostics::{Diagnostic, Kind, MAX_FILE_BYTES};
use std::io::Read;
use std::path::Path;

/// Reads `root/relative` as UTF-8 text without a byte order mark.
pub fn read_text(root: &Path, relative: &Path) -> Result<String, Diagnostic> {
    let problem = |position, message: String, hint: &str| {
        Diagnostic::new(relative, position, Kind::File, message, hint)
    };
    // Only regular files: a link would print its target's lines in diagnostics (CI logs, the
    // `serve` overlay), and opening a FIFO blocks forever. Checked before opening for the
    // FIFO, and again on the opened file in case it was swapped in between.
    let path = root.join(relative);
    let not_regular = |kind: std::fs::FileType| {
        let what = if kind.is_symlink() {
            "a symbolic link"
        } else {
            "not a regular file (a FIFO, socket or device)"
        };
        problem(
            (1, 1),
            format!("this is {what}"),
            "content files must be regular files in the repository; replace it with the file itself",
        )
    };
    if let Ok(meta) = std::fs::symlink_metadata(&path)
        && !meta.file_type().is_file()
        && !meta.is_dir()
    {
        return Err(not_regular(meta.file_type()));
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&path).and_then(|file| {
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("it is not a regular file"));
        }
        // Sized up front: `take` hides the length, and growing the buffer costs extra reads.
        let size = meta.len() as usize;
        bytes.reserve_exact(size.min(MAX_FILE_BYTES) + 1);
        file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)
    });
    if let Err(error) = read {
        return Err(problem(
            (1, 1),
            format!("cannot read this file: {error}"),
            "check that the file exists and is readable",
        ));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(problem(
            (1, 1),
            "the file is larger than 1 MiB".into(),
            "content files are short Markdown text; shorten it, or move large data out of `content/`",
        ));
    }
    // `contains` on bytes is a fast memchr; the position is only needed for the rare binary file.
    if bytes.contains(&0)
        && let Some(nul) = bytes.iter().position(|&b| b == 0)
    {
        return Err(problem(
            position_of(&bytes, nul),
            "this is a binary file, not text".into(),
            "content files must be UTF-8 Markdown text; remove this file or save it as text",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        problem(
            position_of(error.as_bytes(), at),
            "the file is not valid UTF-8 text".into(),
            "save the file with UTF-8 encoding (most editors offer it in \"Save as\")",
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// 1-based line and column of byte `at`, counting columns in bytes (the text is not UTF-8).
fn position_of(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<String, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.md"), bytes).unwrap();
        read_text(dir.path(), Path::new("f.md"))
    }

    #[test]
    fn strips_the_byte_order_mark() {
        assert_eq!(read("\u{feff}---\n".as_bytes()).unwrap(), "---\n");
    }

    #[test]
    fn refuses_binary_invalid_utf8_huge_and_missing() {
        let binary = read(b"ab\ncd\0").unwrap_err();
        assert_eq!((binary.line, binary.column), (2, 3));
        let latin1 = read(b"---\ntitle: caf\xe9\n").unwrap_err();
        assert_eq!((latin1.line, latin1.column), (2, 11));
        assert!(latin1.message.contains("UTF-8"));
        let huge = read(&vec![b'a'; MAX_FILE_BYTES + 1]).unwrap_err();
        assert!(huge.message.contains("1 MiB"));
        let dir = tempfile::tempdir().unwrap();
        let missing = read_text(dir.path(), Path::new("nope.md")).unwrap_err();
        assert!(missing.message.contains("cannot read"));
    }

    #[test]
    fn refuses_links_and_fifos_without_reading_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), "TOKEN=hunter2\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), dir.path().join("link.md")).unwrap();
        let link = read_text(dir.path(), Path::new("link.md")).unwrap_err();
        assert!(link.message.contains("symbolic link"), "{link}");
        assert!(!link.to_string().contains("hunter2"));
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // Opening a FIFO for reading would block this test forever.
        let pipe = read_text(dir.path(), Path::new("pipe.md")).unwrap_err();
        assert!(pipe.message.contains("not a regular file"), "{pipe}");
    }
}
