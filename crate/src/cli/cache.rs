//! The results cache, as Ruff's: a file whose text and enabled rules are unchanged since
//! the last run is not checked again. What is kept is the engine's per-file pass
//! (`engine::FilePass`: the one-file rules' hits, syntax errors, imports, suppressions);
//! the rules that look across files always re-run over every file (see
//! `engine::runs_in_file_pass`).
//!
//! Layout: `.wagcheck_cache/` (or `--cache-dir`, `$WAGCHECK_CACHE_DIR`) holds a
//! `CACHEDIR.TAG` and a `.gitignore` of `*`, and one folder per build of wagcheck
//! (version and a hash of its sources: a rebuilt binary never reads an older one's
//! results), with one file per command-line rule selection. Each entry is keyed by the
//! file's path and holds the hash of its text and of the rules and config that applied.
//! A cache that cannot be read is ignored, one that cannot be written is left alone:
//! the cache never changes what a run reports, nor fails it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use wagcheck::engine::FilePass;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

pub const DEFAULT_DIR: &str = ".wagcheck_cache";

/// The build's identity: the version and a hash of the crate's sources (build.rs), so a
/// development build with a changed rule does not read results of the old one.
pub fn build_id() -> String {
    format!("{}-{}", wagcheck::VERSION, env!("WAGCHECK_SOURCE_HASH"))
}

/// What an entry is valid for: the file's text, and the rules and config applied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    text: u128,
    settings: u64,
}

impl Key {
    /// `settings` describes everything besides the text that the per-file pass depends
    /// on: the rules enabled on the file and the config they came from.
    pub fn new(text: &str, settings: &str) -> Self {
        Self {
            text: xxh3_128(text.as_bytes()),
            settings: xxh3_64(settings.as_bytes()),
        }
    }
}

/// A short hash of a text, for keys.
pub fn text_hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: Key,
    pass: FilePass,
}

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    build: String,
    entries: HashMap<String, Entry>,
}

pub struct Cache {
    file: PathBuf,
    stored: Stored,
    changed: bool,
}

impl Cache {
    /// Opens the cache for this build and command line (`selection`: the flags that
    /// choose rules). Missing or unreadable: an empty cache.
    pub fn open(dir: &Path, selection: &str) -> Self {
        let build = build_id();
        let file = dir
            .join(&build)
            .join(format!("{:016x}.json", xxh3_64(selection.as_bytes())));
        let stored = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.build == build)
            .unwrap_or(Stored {
                build,
                entries: HashMap::new(),
            });
        Self {
            file,
            stored,
            changed: false,
        }
    }

    /// The kept pass of `path`, if it was made with this key.
    pub fn get(&self, path: &str, key: Key) -> Option<&FilePass> {
        self.stored
            .entries
            .get(path)
            .filter(|e| e.key == key)
            .map(|e| &e.pass)
    }

    pub fn put(&mut self, path: &str, key: Key, pass: FilePass) {
        self.stored
            .entries
            .insert(path.to_string(), Entry { key, pass });
        self.changed = true;
    }

    /// Writes the cache if anything changed, dropping entries of files that no longer
    /// exist. Atomic (temporary file, then rename); a failure is a warning, not an error.
    pub fn save(mut self) {
        let before = self.stored.entries.len();
        self.stored
            .entries
            .retain(|path, _| Path::new(path).is_file());
        if !self.changed && self.stored.entries.len() == before {
            return;
        }
        if let Err(e) = self.write() {
            eprintln!(
                "wagcheck: warning: cannot write the cache {}: {}",
                self.file.display(),
                super::files::describe_io(&e)
            );
        }
    }

    fn write(&self) -> std::io::Result<()> {
        let build_dir = self
            .file
            .parent()
            .expect("the cache file is in a build folder");
        let root = build_dir
            .parent()
            .expect("the build folder is in the cache folder");
        std::fs::create_dir_all(build_dir)?;
        mark_cache_dir(root)?;
        let json = serde_json::to_string(&self.stored).map_err(std::io::Error::other)?;
        super::write::write_atomic(&self.file, &json)
    }
}

/// A `CACHEDIR.TAG` (backup tools skip the folder) and a `.gitignore` of `*` (git never
/// shows it), as Ruff writes into `.ruff_cache`.
fn mark_cache_dir(root: &Path) -> std::io::Result<()> {
    let tag = root.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by wagcheck.\n\
             # For information about cache directory tags see https://bford.info/cachedir/\n",
        )?;
    }
    let gitignore = root.join(".gitignore");
    if !gitignore.exists() {
        std::fs::write(&gitignore, "# Automatically created by wagcheck.\n*\n")?;
    }
    Ok(())
}

/// Where the cache lives: `--cache-dir`, else `$WAGCHECK_CACHE_DIR`, else
/// `.wagcheck_cache` in the current directory.
pub fn dir(flag: Option<&str>) -> PathBuf {
    flag.map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("WAGCHECK_CACHE_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}
