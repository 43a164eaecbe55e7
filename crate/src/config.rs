//! Which rules run on which file: `select` / `ignore` / `per-file-ignores`, from
//! `[tool.wagcheck]` in pyproject.toml and from the command line, as in Ruff.

use crate::rule::Rule;
use crate::rules::all;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;

/// A rule selector: an exact id (`CACHE001`), an id prefix (`CACHE`, `SIG00`), or `ALL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector, refusing one that matches no rule (a typo in a config must
    /// not silently disable checking).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().to_ascii_uppercase();
        if text == "ALL" || all().iter().any(|r| r.id.starts_with(&text)) && !text.is_empty() {
            Ok(Self(text))
        } else {
            Err(format!(
                "unknown rule id or prefix `{text}` (run `wagcheck rules` to list them)"
            ))
        }
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        self.0 == "ALL" || rule.id.starts_with(&self.0)
    }
}

pub fn parse_selectors<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Selector>, String> {
    items
        .into_iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(Selector::parse)
        .collect()
}

#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub pattern: String,
    matcher: GlobMatcher,
    pub rules: Vec<Selector>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// None means every rule.
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub per_file_ignores: Vec<PerFileIgnore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    per_file_ignores: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Read by `rule_dirs_from_pyproject`, before the selectors (which may name team
    /// rules) are parsed.
    #[allow(dead_code)]
    rule_dirs: Option<Vec<String>>,
}

/// `rule-dirs` of `[tool.wagcheck]`: directories of team rules, relative to the
/// pyproject.toml. None when the file has no such table or key.
pub fn rule_dirs_from_pyproject(text: &str) -> Result<Option<Vec<String>>, String> {
    let value: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    let Some(section) = value.get("tool").and_then(|t| t.get("wagcheck")) else {
        return Ok(None);
    };
    match section.get("rule-dirs") {
        None => Ok(None),
        Some(dirs) => dirs
            .clone()
            .try_into()
            .map(Some)
            .map_err(|_| "[tool.wagcheck] rule-dirs must be a list of directories".to_string()),
    }
}

impl Config {
    /// Reads `[tool.wagcheck]` from the text of a pyproject.toml. Ok(None) when the file
    /// has no such table.
    pub fn from_pyproject(text: &str) -> Result<Option<Self>, String> {
        let value: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        let Some(section) = value.get("tool").and_then(|t| t.get("wagcheck")) else {
            return Ok(None);
        };
        let raw: RawConfig = section
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| format!("[tool.wagcheck]: {}", e.message()))?;
        let mut config = Config::default();
        if let Some(select) = raw.select {
            config.select = Some(parse_selectors(select.iter().map(String::as_str))?);
        }
        if let Some(ignore) = raw.ignore {
            config.ignore = parse_selectors(ignore.iter().map(String::as_str))?;
        }
        for (pattern, ids) in raw.per_file_ignores.unwrap_or_default() {
            config.add_per_file_ignore(&pattern, ids.iter().map(String::as_str))?;
        }
        Ok(Some(config))
    }

    pub fn add_per_file_ignore<'a>(
        &mut self,
        pattern: &str,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), String> {
        let matcher = Glob::new(pattern)
            .map_err(|e| format!("per-file-ignores: bad pattern `{pattern}`: {e}"))?
            .compile_matcher();
        let rules = parse_selectors(ids)?;
        self.per_file_ignores.push(PerFileIgnore {
            pattern: pattern.to_string(),
            matcher,
            rules,
        });
        Ok(())
    }

    /// Whether `rule` is enabled at all (before per-file ignores).
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|sel| sel.matches(rule)));
        selected && !self.ignore.iter().any(|sel| sel.matches(rule))
    }

    /// Whether `rule` runs on the file at `path` (relative to the config's directory;
    /// a pattern without `/` also matches the file name alone, as in Ruff).
    pub fn is_enabled_for(&self, rule: &Rule, path: &str) -> bool {
        if !self.is_enabled(rule) {
            return false;
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let file_name = path.rsplit('/').next().unwrap_or(path);
        !self.per_file_ignores.iter().any(|p| {
            (p.matcher.is_match(path)
                || (!p.pattern.contains('/') && p.matcher.is_match(file_name)))
                && p.rules.iter().any(|sel| sel.matches(rule))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::find;

    #[test]
    fn reads_pyproject_section() {
        let config = Config::from_pyproject(
            r#"
[project]
name = "x"
[tool.wagcheck]
select = ["CACHE", "SIG001"]
ignore = ["CACHE003"]
per-file-ignores = { "tests/*.py" = ["CACHE010"], "conftest.py" = ["CACHE"] }
"#,
        )
        .unwrap()
        .unwrap();
        let rule = |id| find(id).unwrap();
        assert!(config.is_enabled(rule("CACHE001")));
        assert!(!config.is_enabled(rule("CACHE003")));
        assert!(!config.is_enabled(rule("ORM001")));
        assert!(config.is_enabled(rule("SIG001")));
        assert!(!config.is_enabled_for(rule("CACHE010"), "tests/test_x.py"));
        assert!(config.is_enabled_for(rule("CACHE010"), "app/x.py"));
        assert!(!config.is_enabled_for(rule("CACHE001"), "pkg/sub/conftest.py"));
    }

    #[test]
    fn refuses_unknown_ids_and_keys() {
        assert!(Selector::parse("CACHE999").is_err());
        assert!(Selector::parse("XYZ").is_err());
        assert!(Selector::parse("cache0").is_ok());
        let err = Config::from_pyproject("[tool.wagcheck]\nselec = [\"CACHE\"]\n").unwrap_err();
        assert!(err.contains("selec"), "{err}");
        assert!(Config::from_pyproject("[tool.wagcheck\n").is_err());
        assert!(Config::from_pyproject("[tool.other]\nx = 1\n")
            .unwrap()
            .is_none());
    }
}
