//! Finding the files to check and reading them: directories walked for `*.py`
//! honouring .gitignore; files named on the command line checked whatever their name;
//! binary, non-UTF-8 and unreadable files reported and skipped.

use ignore::WalkBuilder;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use wagcheck::SourceFile;

/// A file that was found but cannot be checked, and why.
#[derive(Debug)]
pub struct ReadError {
    pub path: String,
    pub message: String,
}

/// Expands command-line paths into files, in a stable order. A path that does not
/// exist is an error for the whole run (a typo must not pass as "no hits").
pub fn discover(paths: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        let p = Path::new(path);
        let meta = std::fs::metadata(p).map_err(|e| format!("{path}: {}", describe_io(&e)))?;
        if meta.is_file() {
            found.push(p.to_path_buf());
            continue;
        }
        let mut walked = Vec::new();
        let walker = WalkBuilder::new(p)
            .require_git(false) // .gitignore counts outside a git checkout too, as in Ruff
            .hidden(true)
            .follow_links(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                        walked.push(entry.into_path());
                    }
                }
                // An unreadable directory inside the tree: say so, keep going.
                Err(err) => eprintln!("wagcheck: warning: {err}"),
            }
        }
        walked.sort();
        found.extend(walked);
    }
    found.dedup();
    Ok(found)
}

/// Reads the files in parallel.
pub fn read_all(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<ReadError>) {
    let results: Vec<Result<SourceFile, ReadError>> =
        paths.par_iter().map(|p| read_one(p)).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(err) => errors.push(err),
        }
    }
    (files, errors)
}

pub fn read_one(path: &Path) -> Result<SourceFile, ReadError> {
    let shown = display_path(path);
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        path: shown.clone(),
        message: describe_io(&e),
    })?;
    source_from_bytes(shown, bytes)
}

/// Text from raw bytes, or why it is not Python source.
pub fn source_from_bytes(path: String, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError {
            path,
            message: format!("looks like a binary file (NUL byte at offset {pos}); skipped"),
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // A UTF-8 byte order mark: Python accepts it; keep offsets on the code.
                text.replace_range(..3, "   ");
            }
            Ok(SourceFile::new(path, text))
        }
        Err(err) => Err(ReadError {
            path,
            message: format!(
                "not valid UTF-8 (invalid byte at offset {}); skipped",
                err.utf8_error().valid_up_to()
            ),
        }),
    }
}

pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}
