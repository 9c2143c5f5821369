//! The theme's Tera templates, read and parsed once per build.

use super::cache::{Digest, Key};
use std::path::{Path, PathBuf};
use tera::{Context, Tera};
use thiserror::Error;

/// A template problem: a file that cannot be read, bad syntax, or a failed render.
#[derive(Debug, Error)]
pub enum TemplateError {
    /// The templates folder or a file in it cannot be read.
    #[error("cannot read theme templates in {}: {source}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template does not parse, or rendering failed.
    #[error("template {name}: {message}")]
    Tera {
        /// The template name.
        name: String,
        /// Tera's explanation, with its causes.
        message: String,
    },
}

/// The parsed templates of one theme.
pub struct Templates {
    tera: Tera,
    /// Of every template's name and text, for the build cache's keys.
    digest: Digest,
}

impl Templates {
    /// Parses every `*.html` file under `dir` (names are paths relative to it, e.g. `page.html`).
    pub fn load(dir: &Path) -> Result<Self, TemplateError> {
        let mut files = Vec::new();
        collect(dir, dir, &mut files)?;
        files.sort();
        let mut tera = Tera::new();
        tera.add_raw_templates(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| tera_error("(theme)", &e))?;
        let mut key = Key::new("templates");
        for (name, text) in &files {
            key.str(name).str(text);
        }
        Ok(Templates {
            tera,
            digest: key.finish(),
        })
    }

    /// A digest of every template (names and text): pages rendered with other templates get
    /// other cache keys.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Makes `value` available to every template as `key`.
    pub fn set_global(&mut self, key: &'static str, value: &impl serde::Serialize) {
        self.tera.global_context().insert(key, value);
    }

    /// Renders `name` with `context` into `out`.
    pub fn render_to(
        &self,
        name: &str,
        context: &Context,
        out: impl std::io::Write,
    ) -> Result<(), TemplateError> {
        self.tera
            .render_to(name, context, out)
            .map_err(|e| tera_error(name, &e))
    }

    /// Renders `name` with `context` into a string.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(|e| tera_error(name, &e))
    }
}

/// Tera's error with its chain of causes (the first line alone rarely says what went wrong).
fn tera_error(name: &str, error: &tera::Error) -> TemplateError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    TemplateError::Tera {
        name: name.to_string(),
        message,
    }
}

/// Reads the `.html` files under `dir` recursively, with names relative to `base`.
fn collect(
    base: &Path,
    dir: &Path,
    files: &mut Vec<(String, String)>,
) -> Result<(), TemplateError> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TemplateError::Read { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let path = entry.map_err(read_error(dir))?.path();
        if path.is_dir() {
            collect(base, &path, files)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).map_err(read_error(&path))?;
            let name = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((name, text));
        }
    }
    Ok(())
}
