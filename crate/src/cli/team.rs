//! Team rules on the command line: found through `[tool.wagcheck] rule-dirs` (in the
//! pyproject.toml found upward from the current directory) and `--rules PATH`, loaded
//! and made part of `rules::all()` before anything else reads the rule list.

use std::path::{Path, PathBuf};
use wagcheck::team::{self, Loaded, RuleError};
use wagcheck::{rules, SourceFile};

/// Rule files under `path`: the file itself, or every `*.yml` / `*.yaml` below a
/// directory, in a stable order.
fn rule_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("{}: {}", path.display(), super::files::describe_io(&e)))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {}", path.display(), super::files::describe_io(&e)))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if entry.is_dir() && !hidden {
            rule_files(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(entry);
        }
    }
    Ok(())
}

/// The configured rule directories: `rule-dirs` of the nearest pyproject.toml with a
/// `[tool.wagcheck]` table, upward from the current directory, made absolute.
pub fn configured_dirs() -> Result<Vec<PathBuf>, String> {
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        let candidate = d.join("pyproject.toml");
        if candidate.is_file() {
            let text = std::fs::read_to_string(&candidate).map_err(|e| {
                format!("{}: {}", candidate.display(), super::files::describe_io(&e))
            })?;
            if text.contains("[tool.wagcheck") {
                let dirs = wagcheck::config::rule_dirs_from_pyproject(&text)
                    .map_err(|e| format!("{}: {e}", candidate.display()))?;
                return Ok(dirs.unwrap_or_default().iter().map(|r| d.join(r)).collect());
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(Vec::new())
}

/// Reads the team rules of `paths` (and of the configured rule-dirs when `use_config`)
/// and adds the good ones to `rules::all()`. A path that does not exist is an error
/// for the whole run; a wrong rule is an error of its own, and the others load.
pub fn load(paths: &[String], use_config: bool) -> Result<Loaded, String> {
    let mut roots: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    if use_config {
        for dir in configured_dirs()? {
            if !dir.exists() {
                return Err(format!(
                    "[tool.wagcheck] rule-dirs: `{}` does not exist",
                    dir.display()
                ));
            }
            roots.push(dir);
        }
    }
    let mut files = Vec::new();
    for root in &roots {
        rule_files(root, &mut files)?;
    }
    files.dedup();
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: {}", file.display(), super::files::describe_io(&e)))?;
        sources.push(SourceFile::new(file.to_string_lossy(), text));
    }
    let loaded = team::load(&sources);
    rules::set_team(&loaded.rules);
    Ok(loaded)
}

/// Says what was wrong with each rule that did not load.
pub fn report_errors(errors: &[RuleError]) {
    for error in errors {
        eprintln!("wagcheck: error: {error}");
    }
}

/// `wagcheck test-rules`: every loaded rule's cases, reported as a test runner does.
/// Exit 0 when all pass, 1 when a case fails or a rule does not load, 2 when there is
/// nothing to test or a path is wrong.
pub fn test_rules(paths: &[String]) -> i32 {
    let loaded = match load(paths, paths.is_empty()) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("wagcheck: error: {message}");
            return 2;
        }
    };
    if loaded.rules.is_empty() && loaded.errors.is_empty() {
        eprintln!(
            "wagcheck: error: no team rules found (give a path, or set [tool.wagcheck] rule-dirs)"
        );
        return 2;
    }
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut out = String::new();
    for error in &loaded.errors {
        out.push_str(&format!("FAIL {error}\n"));
        failures.push(error.to_string());
    }
    for rule in &loaded.rules {
        let place = team::team_of(rule).map_or(String::new(), |t| format!("{}:{}", t.path, t.line));
        for case in team::selftest::run(rule) {
            if case.passed {
                passed += 1;
                out.push_str(&format!("ok   {} {}\n", rule.id, case.case));
            } else {
                let detail = case.detail.unwrap_or_default();
                out.push_str(&format!("FAIL {} {}\n", rule.id, case.case));
                failures.push(format!("{} ({place}): {}: {detail}", rule.id, case.case));
            }
        }
    }
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for failure in &failures {
            out.push_str(&format!("  {}\n", failure.replace('\n', "\n    ")));
        }
    }
    // Node's test runner's closing lines, which scripts/test.sh counts, and the plain one.
    out.push_str(&format!(
        "\n# pass {passed}\n# fail {}\ntest-rules: {passed} passed, {} failed\n",
        failures.len(),
        failures.len()
    ));
    print!("{out}");
    if failures.is_empty() {
        0
    } else {
        1
    }
}
