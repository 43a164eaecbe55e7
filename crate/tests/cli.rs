//! The CLI as a user runs it: temp dirs, real files, exit codes, output formats.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_wagcheck");

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("wagcheck-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs the CLI with `input` on standard input.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DELETE_PATTERN: &str = "from django.core.cache import cache\n\n\ndef invalidate():\n    cache.delete_pattern(\"blog:*\")\n";
/// A hit of a rule that reads its file alone (kept in the cache with the file's pass).
const COUNT_AS_EXISTENCE: &str =
    "from .models import Post\n\n\ndef has_posts():\n    return Post.objects.count() > 0\n";

#[test]
fn clean_code_exits_zero() {
    let t = TempDir::new("clean");
    t.write("app/models.py", "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n");
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("No hits. (1 file checked)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn hits_exit_one_with_location_source_and_caret() {
    let t = TempDir::new("hits");
    t.write("services.py", DELETE_PATTERN);
    let o = run(t.path(), &["check", "services.py"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("services.py:5:5: CACHE001 "), "{out}");
    assert!(
        out.contains("5 |     cache.delete_pattern(\"blog:*\")"),
        "{out}"
    );
    assert!(out.contains("  |     ^^^^"), "{out}");
    assert!(out.contains("Found 1 hit in 1 file checked."), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped: {out:?}");
    let o = Command::new(BIN)
        .args(["check", "services.py", "--color", "always"])
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(stdout(&o).contains("\x1b["), "colour on request");
}

#[test]
fn json_output_has_the_documented_shape() {
    let t = TempDir::new("json");
    t.write("services.py", DELETE_PATTERN);
    let o = run(t.path(), &["check", "services.py", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "CACHE001");
    assert_eq!(d["name"], "delete-pattern-without-fallback");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "services.py");
    assert_eq!(d["start"]["line"], 5);
    assert_eq!(d["start"]["column"], 5);
    assert!(d["end"]["line"].is_number() && d["message"].is_string());
    assert!(d.get("fix").is_some());
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let t = TempDir::new("sarif");
    t.write("services.py", DELETE_PATTERN);
    let o = run(t.path(), &["check", "services.py", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "wagcheck");
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        wagcheck::rules::all().len()
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "CACHE001");
    assert_eq!(result["level"], "warning");
    let idx = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "CACHE001");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 5);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "services.py"
    );
}

#[test]
fn usage_errors_exit_two_with_one_clear_line() {
    let t = TempDir::new("usage");
    for (args, needle) in [
        (
            &["check", "missing_dir"][..],
            "missing_dir: no such file or directory",
        ),
        (
            &["check", "--select", "CACHE999"][..],
            "unknown rule id or prefix `CACHE999`",
        ),
        (&["check", "--format", "xml"][..], "unknown format `xml`"),
        (
            &["check", "--frobnicate"][..],
            "unknown option `--frobnicate`",
        ),
        (&["explain", "NOPE1"][..], "unknown rule `NOPE1`"),
        (&["launch"][..], "unknown command `launch`"),
    ] {
        let o = run(t.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn unreadable_binary_and_non_utf8_files_are_reported_and_skipped() {
    let t = TempDir::new("badfiles");
    t.write("good.py", DELETE_PATTERN);
    t.write("binary.py", b"\x00\x01\x02");
    t.write("latin1.py", b"x = '\xe9'\n");
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("binary.py: looks like a binary file"), "{err}");
    assert!(err.contains("latin1.py: not valid UTF-8"), "{err}");
    assert!(
        stdout(&o).contains("good.py:5:5: CACHE001"),
        "the rest is still checked"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let t = TempDir::new("unreadable");
    let p = t.write("secret.py", "x = 1\n");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&p).is_ok() {
        return; // running as root: permissions do not stop reads
    }
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("secret.py: permission denied"));
}

#[test]
fn syntax_errors_are_reported_not_silent() {
    let t = TempDir::new("syntax");
    t.write("broken.py", "def f(:\n    cache.delete_pattern('x')\n");
    let o = run(t.path(), &["check", "broken.py"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("broken.py:1:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("syntax error"), "{}", stdout(&o));
}

#[test]
fn directories_honour_gitignore_and_take_only_python() {
    let t = TempDir::new("walk");
    t.write(".gitignore", "build/\n");
    t.write("build/gen.py", DELETE_PATTERN);
    t.write("notes.txt", DELETE_PATTERN);
    t.write("src/app.py", DELETE_PATTERN);
    let o = run(t.path(), &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"], 1, "{v}");
    assert_eq!(v["diagnostics"][0]["path"], "./src/app.py");
}

#[test]
fn suppression_comments_silence_a_hit() {
    let t = TempDir::new("noqa");
    t.write(
        "s.py",
        "from django.core.cache import cache\ncache.delete_pattern('a')  # wagcheck: ignore[CACHE001]\ncache.delete_pattern('b')  # noqa: CACHE001\ncache.delete_pattern('c')  # noqa: CACHE010\n",
    );
    let o = run(t.path(), &["check", "s.py", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<u64> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![4]);
}

#[test]
fn pyproject_config_is_found_upward_and_applied() {
    let t = TempDir::new("config");
    t.write("pyproject.toml", "[tool.wagcheck]\nignore = [\"CACHE003\"]\nper-file-ignores = { \"legacy/*.py\" = [\"CACHE001\"] }\n");
    t.write("legacy/old.py", DELETE_PATTERN);
    t.write("app/new.py", DELETE_PATTERN);
    let o = run(&t.path().join("app"), &["check", "..", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["../app/new.py"], "{v}");
    // --select on the command line replaces the file's select.
    let o = run(t.path(), &["check", ".", "--select", "SIG"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // --no-config ignores the file.
    let o = run(t.path(), &["check", ".", "--no-config", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 2);
}

#[test]
fn malformed_pyproject_is_a_clear_error() {
    let t = TempDir::new("badconfig");
    t.write("pyproject.toml", "[tool.wagcheck]\nselect = \"CACHE\n");
    t.write("a.py", "x = 1\n");
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pyproject.toml"), "{}", stderr(&o));
    t.write("pyproject.toml", "[tool.wagcheck]\nselect = [\"NOPE\"]\n");
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule id or prefix `NOPE`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn stdin_is_checked_under_the_given_name() {
    let t = TempDir::new("stdin");
    let o = run_stdin(
        t.path(),
        &["check", "--stdin-filename", "apps/blog/services.py"],
        DELETE_PATTERN,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("apps/blog/services.py:5:5: CACHE001"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rules_and_explain_list_every_rule_with_docs() {
    let t = TempDir::new("rules");
    let o = run(t.path(), &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), wagcheck::rules::all().len());
    for rule in list {
        for key in [
            "id",
            "name",
            "severity",
            "category",
            "message",
            "explanation",
            "markdown",
        ] {
            assert!(
                rule[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} of {rule}"
            );
        }
        assert!(
            !rule["bad"].as_array().unwrap().is_empty()
                && !rule["fixed"].as_array().unwrap().is_empty()
        );
    }
    let o = run(t.path(), &["rules", "--format", "markdown"]);
    assert!(stdout(&o).starts_with("# wagcheck rules"));
    let o = run(t.path(), &["explain", "cache001"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("## What it does")
            && out.contains("## Example")
            && out.contains("Use instead:"),
        "{out}"
    );
}

/// Code with one safe and one unsafe fix (CACHE012's sort_keys, CACHE011's sha256).
const FIXABLE: &str = "import hashlib\nimport json\n\nfrom django.core.cache import cache\n\n\ndef cached_list(filters):\n    digest = hashlib.md5(json.dumps(filters).encode()).hexdigest()\n    key = f\"blog:list:{digest}\"\n    return cache.get(key)\n";

#[test]
fn fix_writes_safe_fixes_then_unsafe_on_request_and_converges() {
    let t = TempDir::new("fix");
    let path = t.write("views.py", FIXABLE);
    let o = run(t.path(), &["check", "views.py", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"CACHE011") && rules.contains(&"CACHE012"),
        "{rules:?}"
    );

    let o = run(t.path(), &["check", "views.py", "--fix"]);
    let after_safe = fs::read_to_string(&path).unwrap();
    assert!(
        after_safe.contains("sort_keys=True"),
        "{after_safe}\n{}",
        stdout(&o)
    );
    assert!(
        after_safe.contains("hashlib.md5"),
        "unsafe fix applied without --unsafe-fixes"
    );
    assert!(stdout(&o).contains("Fixed 1 hit."), "{}", stdout(&o));

    run(t.path(), &["check", "views.py", "--fix", "--unsafe-fixes"]);
    let after_all = fs::read_to_string(&path).unwrap();
    assert!(
        after_all.contains("hashlib.sha256") && !after_all.contains("md5"),
        "{after_all}"
    );
    let o = run(t.path(), &["check", "views.py", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        after_all,
        "a second --fix changes nothing"
    );
    assert!(stdout(&o).contains("Fixed 0 hits."), "{}", stdout(&o));
    let leftovers: Vec<_> = fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".wagcheck.tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temp files left behind: {leftovers:?}"
    );
}

#[test]
fn a_file_that_cannot_be_written_is_reported_and_left_untouched() {
    let t = TempDir::new("fixfail");
    let path = t.write("views.py", FIXABLE);
    // The temp file's place is taken by a directory: the write fails before the rename.
    fs::create_dir(t.path().join(".views.py.wagcheck.tmp")).unwrap();
    let o = run(t.path(), &["check", "views.py", "--fix", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("views.py: cannot write the fixed file, left unchanged"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXABLE);
}

#[test]
fn fix_from_stdin_prints_the_fixed_code() {
    let t = TempDir::new("stdinfix");
    let o = run_stdin(
        t.path(),
        &["check", "--stdin-filename", "views.py", "--fix"],
        FIXABLE,
    );
    assert!(stdout(&o).contains("sort_keys=True"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("CACHE011"),
        "report on stderr: {}",
        stderr(&o)
    );
    assert!(
        !t.path().join("views.py").exists(),
        "nothing written to disk"
    );
}

/// With `WAGCHECK_UPDATE_SNAPSHOTS=1`, the tests that compare a generated text with its
/// committed copy rewrite the copy instead (then review it in the diff).
fn updating() -> bool {
    std::env::var_os("WAGCHECK_UPDATE_SNAPSHOTS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn docs_rules_md_is_the_generated_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let committed = fs::read_to_string(&path).unwrap();
    let o = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["rules", "--format", "markdown"],
    );
    if updating() && stdout(&o) != committed {
        fs::write(&path, stdout(&o)).unwrap();
        return;
    }
    assert!(
        stdout(&o) == committed,
        "docs/rules.md is stale: regenerate it with `cargo run -- rules --format markdown > docs/rules.md` \
         (or `WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck`)"
    );
}

/// The README's rule table is the catalogue's (`docs::rule_table`), between its markers.
#[test]
fn readme_rule_table_is_the_generated_catalogue() {
    const BEGIN: &str =
        "<!-- rules table: generated from the catalogue, do not edit; see \"Adding a rule\" -->\n";
    const END: &str = "<!-- end of the rules table -->\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README.md has the rules table's first marker")
        + BEGIN.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README.md has the rules table's end marker");
    let table = wagcheck::docs::rule_table("docs/rules.md");
    if updating() && readme[start..end] != table {
        fs::write(
            &path,
            format!("{}{table}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert!(
        readme[start..end] == table,
        "README.md's rule table is stale: regenerate it with `WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck --test cli readme`"
    );
}

#[test]
fn output_file_gets_the_report_and_exit_zero_passes_hits() {
    let t = TempDir::new("output-file");
    t.write("services.py", DELETE_PATTERN);
    let o = run(
        t.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--output-file",
            "out/report.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "the report goes to the file only");
    let written = fs::read_to_string(t.path().join("out/report.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(doc["diagnostics"][0]["rule"], "CACHE001");
    // Text to a file is never coloured, whatever the terminal.
    let o = run(
        t.path(),
        &["check", ".", "--output-file=report.txt", "--exit-zero"],
    );
    assert_eq!(o.status.code(), Some(0), "--exit-zero: hits, yet exit 0");
    let text = fs::read_to_string(t.path().join("report.txt")).unwrap();
    assert!(
        text.contains("CACHE001") && !text.contains('\x1b'),
        "{text}"
    );
    // --exit-zero does not hide errors.
    let o = run(t.path(), &["check", "missing.py", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(t.path(), &["check", ".", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("CACHE001"), "--exit-zero still reports");
}

#[test]
fn output_file_that_cannot_be_written_leaves_nothing_behind() {
    let t = TempDir::new("output-file-error");
    t.write("services.py", DELETE_PATTERN);
    // A file where the report's folder should be: the folder cannot be made.
    t.write("blocked", "not a folder");
    let o = run(
        t.path(),
        &["check", ".", "--output-file", "blocked/report.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write the report to blocked/report.json"),
        "{}",
        stderr(&o)
    );
    // An existing report is replaced whole or not at all: a folder in its place makes
    // the rename fail, and no temporary file is left.
    fs::create_dir_all(t.path().join("dir.json")).unwrap();
    let o = run(t.path(), &["check", ".", "--output-file", "dir.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let leftovers: Vec<_> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let o = run(t.path(), &["check", ".", "--output-file"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The cache file of the one selection these tests use.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for build in fs::read_dir(dir.join(".wagcheck_cache")).unwrap() {
        let build = build.unwrap().path();
        if build.is_dir() {
            for f in fs::read_dir(&build).unwrap() {
                found.push(f.unwrap().path());
            }
        }
    }
    found
}

#[test]
fn cache_reuses_unchanged_files_and_rechecks_changed_ones() {
    let t = TempDir::new("cache");
    t.write("apps/blog/services.py", COUNT_AS_EXISTENCE);
    t.write("apps/blog/models.py", "x = 1\n");
    let cold = run(t.path(), &["check", ".", "--format", "json"]);
    assert_eq!(cold.status.code(), Some(1));
    let root = t.path().join(".wagcheck_cache");
    assert!(fs::read_to_string(root.join("CACHEDIR.TAG"))
        .unwrap()
        .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    assert!(fs::read_to_string(root.join(".gitignore"))
        .unwrap()
        .ends_with("*\n"));
    let files = cache_files(t.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let warm = run(t.path(), &["check", ".", "--format", "json"]);
    assert_eq!(
        stdout(&warm),
        stdout(&cold),
        "a warm run reports what a cold one did"
    );

    // The warm run read the kept result: a message changed in the cache shows up...
    let kept = fs::read_to_string(&files[0]).unwrap();
    let message = "`count()` asks whether there is any row";
    assert!(kept.contains(message));
    fs::write(
        &files[0],
        kept.replace(message, &format!("KEPT: {message}")),
    )
    .unwrap();
    let o = run(t.path(), &["check", "."]);
    assert!(stdout(&o).contains("KEPT:"), "{}", stdout(&o));
    // ...but never for a file whose text changed, nor with --no-cache.
    let o = run(t.path(), &["check", ".", "--no-cache"]);
    assert!(!stdout(&o).contains("KEPT:"));
    t.write("apps/blog/services.py", format!("{COUNT_AS_EXISTENCE}\n"));
    let o = run(t.path(), &["check", "."]);
    assert!(!stdout(&o).contains("KEPT:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("ORM011"));

    // Another rule set is another key: ignored rules are not served from the cache.
    let o = run(t.path(), &["check", ".", "--ignore", "ORM011"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    t.write("pyproject.toml", "[tool.wagcheck]\nignore = [\"ORM011\"]\n");
    let o = run(t.path(), &["check", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "config is in the key: {}",
        stdout(&o)
    );
    fs::remove_file(t.path().join("pyproject.toml")).unwrap();

    // A corrupt cache is ignored (and rewritten), never an error.
    for f in cache_files(t.path()) {
        fs::write(f, "{ not json").unwrap();
    }
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    // --no-cache writes nothing.
    let u = TempDir::new("no-cache");
    u.write("services.py", DELETE_PATTERN);
    run(u.path(), &["check", ".", "--no-cache"]);
    assert!(!u.path().join(".wagcheck_cache").exists());
    // --cache-dir and $WAGCHECK_CACHE_DIR choose the folder.
    run(u.path(), &["check", ".", "--cache-dir", "elsewhere"]);
    assert!(u.path().join("elsewhere/CACHEDIR.TAG").is_file());
    let o = Command::new(BIN)
        .args(["check", "."])
        .current_dir(u.path())
        .env("WAGCHECK_CACHE_DIR", u.path().join("from-env"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(u.path().join("from-env/CACHEDIR.TAG").is_file());
    assert!(!u.path().join(".wagcheck_cache").exists());
}

const APPS_PY: &str =
    "from django.apps import AppConfig\n\n\nclass BlogConfig(AppConfig):\n    name = \"apps.blog\"\n";
const SIGNALS_PY: &str = "from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n\n@receiver(post_save)\ndef refresh(sender, instance, **kwargs):\n    pass\n";

#[test]
fn cross_file_rules_stay_right_with_the_cache() {
    let t = TempDir::new("cache-project");
    t.write("apps/blog/apps.py", APPS_PY);
    t.write("apps/blog/signals.py", SIGNALS_PY);
    t.write("apps/blog/models.py", "x = 1\n");
    let o = run(t.path(), &["check", "."]);
    assert!(stdout(&o).contains("SIG004"), "{}", stdout(&o));
    // signals.py is unchanged (served from the cache), yet its receivers are now
    // connected by models.py: the project rule re-runs and the hit goes.
    t.write(
        "apps/blog/models.py",
        "from . import signals  # noqa: F401\n",
    );
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    t.write("apps/blog/models.py", "x = 1\n");
    let o = run(t.path(), &["check", "."]);
    assert!(stdout(&o).contains("SIG004"), "{}", stdout(&o));
    // A suppression in the unchanged file still silences the project rule's hit.
    t.write(
        "apps/blog/signals.py",
        SIGNALS_PY.replace(
            "@receiver(post_save)",
            "@receiver(post_save)  # noqa: SIG004",
        ),
    );
    run(t.path(), &["check", "."]);
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn cross_file_rules_on_some_files_claim_only_what_they_see() {
    let t = TempDir::new("partial");
    t.write("apps/blog/apps.py", APPS_PY);
    t.write("apps/blog/signals.py", SIGNALS_PY);
    // Connected by models.py, which pre-commit does not pass when it did not change.
    t.write(
        "apps/blog/models.py",
        "from . import signals  # noqa: F401\n",
    );
    let partial = [
        "check",
        "apps/blog/apps.py",
        "apps/blog/signals.py",
        "--no-cache",
    ];
    let o = run(t.path(), &partial);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Not connected at all: on the whole tree SIG004 reports it; on the two files it
    // still cannot know (the importer could be any file not given) and stays silent.
    t.write("apps/blog/models.py", "x = 1\n");
    assert_eq!(run(t.path(), &partial).status.code(), Some(0));
    let o = run(t.path(), &["check", "apps", "--no-cache"]);
    assert!(stdout(&o).contains("SIG004"), "{}", stdout(&o));
    let o = run(t.path(), &["check", "apps", "--fix", "--no-cache"]);
    assert!(stdout(&o).contains("SIG004"), "{}", stdout(&o));

    // IMP001: two files that clash are a hit whatever else exists; but which side wins
    // depends on a `services/__init__.py` that a partial set may not show.
    t.write("apps/blog/services.py", "x = 1\n");
    t.write("apps/blog/services/__init__.py", "");
    t.write("apps/blog/services/cache.py", "y = 2\n");
    let o = run(
        t.path(),
        &[
            "check",
            "apps/blog/services.py",
            "apps/blog/services/cache.py",
            "--no-cache",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("IMP001") && !out.contains("namespace package"),
        "{out}"
    );
    let o = run(
        t.path(),
        &["check", "apps", "--select", "IMP001", "--no-cache"],
    );
    assert!(
        stdout(&o).contains("shadowed by the package"),
        "{}",
        stdout(&o)
    );
}
