//! Which config applies to which file: the nearest pyproject.toml with a
//! `[tool.wagcheck]` table, searched upward from the file, merged with the command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use wagcheck::config::{parse_selectors, Config};

/// A pyproject.toml that cannot be read, or whose `[tool.wagcheck]` is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl From<ConfigError> for String {
    fn from(e: ConfigError) -> Self {
        e.to_string()
    }
}

/// A config and the directory its per-file-ignores are relative to.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub root: Option<PathBuf>,
    pub config: Config,
}

pub struct Resolver {
    select: Option<Vec<wagcheck::config::Selector>>,
    ignore: Vec<wagcheck::config::Selector>,
    use_files: bool,
    cache: HashMap<PathBuf, Option<std::sync::Arc<Settings>>>,
    default: std::sync::Arc<Settings>,
}

impl Resolver {
    pub fn new(select: &[String], ignore: &[String], use_files: bool) -> Result<Self, String> {
        let select = if select.is_empty() {
            None
        } else {
            Some(parse_selectors(select.iter().map(String::as_str))?)
        };
        let ignore = parse_selectors(ignore.iter().map(String::as_str))?;
        let mut resolver = Self {
            select,
            ignore,
            use_files,
            cache: HashMap::new(),
            default: Default::default(),
        };
        resolver.default = std::sync::Arc::new(resolver.merge(None, Config::default()));
        Ok(resolver)
    }

    /// The command line wins: `--select` replaces the file's select, `--ignore` adds.
    fn merge(&self, root: Option<PathBuf>, mut config: Config) -> Settings {
        if let Some(select) = &self.select {
            config.select = Some(select.clone());
        }
        config.ignore.extend(self.ignore.iter().cloned());
        Settings { root, config }
    }

    /// Settings for a file, searching upward from its directory.
    pub fn for_file(&mut self, file: &Path) -> Result<std::sync::Arc<Settings>, ConfigError> {
        if !self.use_files {
            return Ok(self.default.clone());
        }
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let mut dir = absolute.parent().map(Path::to_path_buf);
        let mut visited = Vec::new();
        let mut found = None;
        while let Some(d) = dir {
            if let Some(cached) = self.cache.get(&d) {
                found = cached.clone();
                break;
            }
            visited.push(d.clone());
            let candidate = d.join("pyproject.toml");
            if candidate.is_file() {
                let error = |message| ConfigError {
                    path: candidate.clone(),
                    message,
                };
                let text = std::fs::read_to_string(&candidate)
                    .map_err(|e| error(super::files::describe_io(&e)))?;
                let config = Config::from_pyproject(&text).map_err(error)?;
                if let Some(config) = config {
                    found = Some(std::sync::Arc::new(self.merge(Some(d.clone()), config)));
                    break;
                }
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        for d in visited {
            self.cache.insert(d, found.clone());
        }
        Ok(found.unwrap_or_else(|| self.default.clone()))
    }

    /// Which rules run on `file`, in the order of `rules::all()` (see `enabled_in`).
    pub fn rules_for(&mut self, file: &Path) -> Result<Vec<bool>, ConfigError> {
        let settings = self.for_file(file)?;
        let rel = relative_path(&settings, file);
        Ok(wagcheck::rules::all()
            .iter()
            .map(|r| settings.config.is_enabled_for(r, &rel))
            .collect())
    }
}

/// Whether `rule` runs on file `i`, from a table of `Resolver::rules_for` rows. A row
/// made for another rule list (the server reloads team rules while a cross-file pass
/// runs on another thread; the server re-runs it) enables nothing, rather than the
/// wrong rules or an index out of bounds.
pub fn enabled_in(table: &[Vec<bool>], i: usize, rule: &wagcheck::Rule) -> bool {
    let all = wagcheck::rules::all();
    all.binary_search_by_key(&rule.id, |r| r.id).is_ok_and(|k| {
        table
            .get(i)
            .is_some_and(|row| row.len() == all.len() && row[k])
    })
}

/// The file's path relative to the config's directory, with `/` separators, for
/// per-file-ignores.
pub fn relative_path(settings: &Settings, file: &Path) -> String {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let rel = match &settings.root {
        Some(root) => absolute
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute),
        None => file.to_path_buf(),
    };
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_for_another_rule_list_enables_nothing() {
        let all = wagcheck::rules::all();
        let rule = all[0];
        assert!(enabled_in(&[vec![true; all.len()]], 0, rule));
        // One rule short (made before a team rule was added): nothing, and no panic.
        assert!(!enabled_in(&[vec![true; all.len() - 1]], 0, rule));
        assert!(!enabled_in(&[vec![true; all.len() + 1]], 0, rule));
    }
}
