//! Where the handlers get the opportunity registry from: a fixed value or a file that is
//! re-read when it changes (so `site-gen serve` rebuilds reach the handlers).

use cwu_domain::Registry;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Why the registry is not available.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file could not be read (e.g. the site has not been built yet).
    #[error("cannot read the registry {path}: {source}")]
    Read {
        /// The registry file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a registry.
    #[error("the registry {path} is not valid: {source}")]
    Parse {
        /// The registry file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
}

/// Gives the handlers the registry in force.
pub trait RegistrySource: Send + Sync {
    /// The current registry.
    fn registry(&self) -> Result<Arc<Registry>, RegistryError>;
}

impl RegistrySource for Arc<Registry> {
    fn registry(&self) -> Result<Arc<Registry>, RegistryError> {
        Ok(Arc::clone(self))
    }
}

/// A registry JSON file, re-read whenever its modification time or size changes.
pub struct RegistryFile {
    path: PathBuf,
    cached: Mutex<Option<(SystemTime, u64, Arc<Registry>)>>,
}

impl RegistryFile {
    /// A source reading `path` (not read until first used).
    pub fn new(path: impl AsRef<Path>) -> Self {
        RegistryFile {
            path: path.as_ref().to_owned(),
            cached: Mutex::new(None),
        }
    }
}

impl RegistrySource for RegistryFile {
    fn registry(&self) -> Result<Arc<Registry>, RegistryError> {
        let read_error = |source| RegistryError::Read {
            path: self.path.clone(),
            source,
        };
        let meta = std::fs::metadata(&self.path).map_err(read_error)?;
        let stamp = (meta.modified().map_err(read_error)?, meta.len());
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((modified, len, registry)) = cached.as_ref()
            && (*modified, *len) == stamp
        {
            return Ok(Arc::clone(registry));
        }
        let json = std::fs::read_to_string(&self.path).map_err(read_error)?;
        let registry =
            Arc::new(
                Registry::from_json(&json).map_err(|source| RegistryError::Parse {
                    path: self.path.clone(),
                    source,
                })?,
            );
        *cached = Some((stamp.0, stamp.1, Arc::clone(&registry)));
        Ok(registry)
    }
}
