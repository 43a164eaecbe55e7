//! Team rules: loading (and refusing) rule files, running them as built-in rules run
//! (config, suppressions, fixes, every output), their self-tests, and the CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use wagcheck::config::Config;
use wagcheck::team::{self, selftest};
use wagcheck::{check, fix_files, rules, SourceFile};

const BIN: &str = env!("CARGO_BIN_EXE_wagcheck");

/// The team rule list is one per process: tests that set it take turns.
static TEAM: Mutex<()> = Mutex::new(());

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/team-rules")
}

fn example_files() -> Vec<SourceFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| SourceFile::new(p.to_string_lossy(), std::fs::read_to_string(p).unwrap()))
        .collect()
}

/// Loads the example rules into the rule list; the guard keeps them there.
fn with_examples() -> std::sync::MutexGuard<'static, ()> {
    let guard = TEAM.lock().unwrap_or_else(|e| e.into_inner());
    let loaded = team::load(&example_files());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    rules::set_team(&loaded.rules);
    guard
}

const RULE: &str = r#"id: ACME100
name: print-call
severity: warning
message: "print($$$A)"
explanation: |
  ## What it does
  Finds print.
  ## Why is this bad?
  Logs go to the logger.
rule:
  pattern: print($$$A)
fix: logger.info($$$A)
safety: safe
examples:
  bad: "print(1)\n"
  fixed: "logger.info(1)\n"
"#;

#[test]
fn the_example_rules_pass_their_own_tests() {
    let _team = with_examples();
    let team_rules: Vec<_> = rules::all()
        .iter()
        .filter(|r| team::team_of(r).is_some())
        .collect();
    assert_eq!(team_rules.len(), 3);
    for rule in team_rules {
        let results = selftest::run(rule);
        assert!(results.len() >= 2);
        for case in results {
            assert!(case.passed, "{}: {} {:?}", rule.id, case.case, case.detail);
        }
    }
}

#[test]
fn a_wrong_case_fails_its_test() {
    let _team = TEAM.lock().unwrap_or_else(|e| e.into_inner());
    let wrong = RULE.replace("fixed: \"logger.info(1)\\n\"", "fixed: \"print(2)\\n\"")
        + "tests:\n  valid: [\"print(3)\\n\"]\n  invalid: [\"x = 1\\n\"]\n";
    let loaded = team::load(&[SourceFile::new("r.yml", wrong)]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    rules::set_team(&loaded.rules);
    let results = selftest::run(loaded.rules[0]);
    let failed: Vec<&str> = results
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.case.as_str())
        .collect();
    assert_eq!(
        failed,
        vec![
            "examples.fixed raises nothing",
            "the fix turns examples.bad into examples.fixed",
            "tests.invalid[0] raises ACME100",
            "tests.valid[0] raises nothing",
        ]
    );
    rules::set_team(&[]);
}

#[test]
fn team_rules_obey_config_and_suppressions_like_built_in_ones() {
    let _team = with_examples();
    let code = "def f(qs):\n    a = qs.count() > 0\n    b = qs.count() > 0  # noqa: ACME002\n    c = qs.count() > 0  # wagcheck: ignore[ACME002]\n";
    let files = vec![
        SourceFile::new("app/views.py", code),
        SourceFile::new("tests/test_x.py", code),
    ];
    let config = Config::from_pyproject(
        "[tool.wagcheck]\nselect = [\"ACME\"]\nper-file-ignores = { \"tests/*\" = [\"ACME002\"] }\n",
    )
    .unwrap()
    .unwrap();
    let report = check(&files, &config);
    let found: Vec<(&str, &str, usize)> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.path.as_str(), d.start.line))
        .collect();
    assert_eq!(found, vec![("ACME002", "app/views.py", 2)]);
    // The message is the rule's template with the metavariable filled in.
    assert_eq!(
        report.diagnostics[0].message,
        "`qs.count() > 0` counts every row to learn whether there is one: use `.exists()`"
    );
    assert!(Config::from_pyproject("[tool.wagcheck]\nselect = [\"ACME999\"]\n").is_err());
}

#[test]
fn the_fix_loop_applies_team_fixes() {
    let _team = with_examples();
    let files = vec![SourceFile::new(
        "a.py",
        "if qs.count() > 0 and other.count() > 0:\n    pass\n",
    )];
    let outcome = fix_files(
        &files,
        &|_, r| r.id == "ACME002",
        &|_| true,
        wagcheck::engine::MAX_FIX_ROUNDS,
    );
    assert_eq!(
        outcome.files[0].text,
        "if qs.exists() and other.exists():\n    pass\n"
    );
    assert_eq!(outcome.applied, vec![2]);
}

#[test]
fn a_wrong_document_is_an_error_at_its_place_and_the_others_load() {
    let _team = TEAM.lock().unwrap_or_else(|e| e.into_inner());
    let text = format!(
        "{RULE}---\n{}---\n{}",
        RULE.replace("ACME100", "ACME101")
            .replace("print-call", "other")
            .replace("pattern: print($$$A)", "pattern: print(("),
        RULE.replace("ACME100", "ACME102")
            .replace("print-call", "third"),
    );
    let loaded = team::load(&[SourceFile::new("team.yml", text)]);
    let ids: Vec<&str> = loaded.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec!["ACME100", "ACME102"]);
    assert_eq!(loaded.errors.len(), 1);
    let error = &loaded.errors[0];
    // The second document starts on line 18; the mapping under its `rule:` on line 28.
    assert_eq!(
        (error.path.as_str(), error.line, error.column),
        ("team.yml", 28, 3),
        "{error}"
    );
    assert!(error.to_string().contains("not valid Python"), "{error}");

    // An id taken twice: the second is refused where its id is.
    let loaded = team::load(&[
        SourceFile::new("a.yml", RULE),
        SourceFile::new("b.yml", RULE.replace("print-call", "other-name")),
    ]);
    assert_eq!(loaded.rules.len(), 1);
    let error = &loaded.errors[0];
    assert_eq!(
        (error.path.as_str(), error.line, error.column),
        ("b.yml", 1, 5)
    );
    assert!(error.message.contains("already taken (a.yml:1)"), "{error}");
}

#[test]
fn a_rule_cannot_hang_a_check() {
    let _team = TEAM.lock().unwrap_or_else(|e| e.into_inner());
    // Every node looks through its whole subtree, three levels deep: cubic work.
    let greedy = r#"id: ACME200
name: greedy
severity: info
message: m
explanation: |
  ## What it does
  x
  ## Why is this bad?
  y
rule:
  kind: expression_statement
  has:
    stopBy: end
    kind: identifier
    not:
      inside:
        stopBy: end
        has:
          stopBy: end
          kind: integer
          regex: "^7$"
examples:
  bad: "x\n"
  fixed: "1\n"
"#;
    let loaded = team::load(&[SourceFile::new("g.yml", greedy)]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    rules::set_team(&loaded.rules);
    let code = "a + b + c + d + e + f + g + h\n".repeat(3_000);
    let started = std::time::Instant::now();
    let report = check(&[SourceFile::new("big.py", code)], &Config::default());
    rules::set_team(&[]);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert!(report.diagnostics.iter().all(|d| d.rule != "ACME200"));
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.message.contains("matching steps")),
        "{:?}",
        report.errors
    );
}

// ---- The CLI ----

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wagcheck-team-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".wagcheck/rules")).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_cli_runs_team_rules_from_rule_dirs_everywhere() {
    let dir = temp_dir("cli");
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.wagcheck]\nrule-dirs = [\".wagcheck/rules\"]\n",
    )
    .unwrap();
    for file in example_files() {
        let name = Path::new(&file.path).file_name().unwrap().to_owned();
        std::fs::write(dir.join(".wagcheck/rules").join(name), &file.text).unwrap();
    }
    std::fs::write(
        dir.join("views.py"),
        "def v(qs):\n    return qs.count() > 0\n",
    )
    .unwrap();

    let out = run(&dir, &["check", "views.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("ACME002"),
        "{}",
        text(&out.stdout)
    );

    let out = run(&dir, &["check", "views.py", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "ACME002");
    assert_eq!(json["diagnostics"][0]["fix"]["applicability"], "unsafe");

    let out = run(&dir, &["check", "views.py", "--format", "sarif"]);
    let sarif = text(&out.stdout);
    assert!(sarif.contains("\"ruleId\": \"ACME002\""), "{sarif}");
    assert!(sarif.contains("count-to-test-existence"), "{sarif}");

    let out = run(&dir, &["check", "views.py", "--ignore", "ACME"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    let out = run(&dir, &["rules"]);
    assert!(
        text(&out.stdout).contains("ACME001"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&dir, &["explain", "ACME001"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("# delete-pattern-needs-fallback (ACME001)"));
    assert!(text(&out.stdout).contains("Use instead:"));

    let out = run(&dir, &["check", "views.py", "--fix", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        std::fs::read_to_string(dir.join("views.py")).unwrap(),
        "def v(qs):\n    return qs.exists()\n"
    );

    // A broken rule file: its error at line and column, exit 2, the other rules still run.
    std::fs::write(
        dir.join(".wagcheck/rules/broken.yml"),
        "id: ACME900\nname: [x\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("views.py"),
        "def v(qs):\n    return qs.count() > 0\n",
    )
    .unwrap();
    let out = run(&dir, &["check", "views.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("ACME002"),
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.yml: 2:"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_rules_reports_like_a_test_runner() {
    let examples = examples_dir();
    let out = run(Path::new("."), &["test-rules", examples.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("ok   ACME002 the fix turns examples.bad into examples.fixed"));
    assert!(
        stdout.contains("test-rules: 15 passed, 0 failed"),
        "{stdout}"
    );

    let dir = temp_dir("test-rules");
    let wrong = RULE.replace("fixed: \"logger.info(1)\\n\"", "fixed: \"print(2)\\n\"");
    std::fs::write(dir.join(".wagcheck/rules/r.yml"), wrong).unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.wagcheck]\nrule-dirs = [\".wagcheck/rules\"]\n",
    )
    .unwrap();
    let out = run(&dir, &["test-rules"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL ACME100 examples.fixed raises nothing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the rule fired at example.py:1:1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("test-rules: 1 passed, 2 failed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cache files of a check run in `dir` (one per build and rule selection).
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for build in std::fs::read_dir(dir.join(".wagcheck_cache")).unwrap() {
        let build = build.unwrap().path();
        if build.is_dir() {
            for f in std::fs::read_dir(&build).unwrap() {
                found.push(f.unwrap().path());
            }
        }
    }
    found
}

#[test]
fn the_results_cache_keys_team_rules_by_their_text() {
    let dir = temp_dir("cache");
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.wagcheck]\nrule-dirs = [\".wagcheck/rules\"]\n",
    )
    .unwrap();
    let rule_file = dir.join(".wagcheck/rules/orm.yml");
    let orm = std::fs::read_to_string(examples_dir().join("orm.yml")).unwrap();
    std::fs::write(&rule_file, &orm).unwrap();
    std::fs::write(
        dir.join("views.py"),
        "def v(qs):\n    return qs.count() > 0\n",
    )
    .unwrap();
    let json = ["check", ".", "--format", "json"];

    let cold = run(&dir, &json);
    assert_eq!(cold.status.code(), Some(1), "{}", text(&cold.stderr));
    assert!(text(&cold.stdout).contains("ACME002"));
    let warm = run(&dir, &json);
    assert_eq!(
        text(&warm.stdout),
        text(&cold.stdout),
        "a warm run with team rules reports what a cold one did"
    );

    // The warm run served the team rule's hit from the cache: a message changed there
    // shows up...
    let files = cache_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let kept = std::fs::read_to_string(&files[0]).unwrap();
    let message = "counts every row";
    assert!(kept.contains("ACME002") && kept.contains(message), "{kept}");
    std::fs::write(&files[0], kept.replace(message, "KEPT counts every row")).unwrap();
    let out = run(&dir, &json);
    assert!(text(&out.stdout).contains("KEPT"), "{}", text(&out.stdout));

    // ...until the rule file is edited: then the file is checked afresh with the new rule.
    std::fs::write(
        &rule_file,
        orm.replace("counts every row to learn", "reads every row to learn"),
    )
    .unwrap();
    let out = run(&dir, &json);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("KEPT"), "{stdout}");
    assert!(stdout.contains("reads every row to learn"), "{stdout}");

    // A rule that no longer matches leaves no hit behind (a changed pattern).
    std::fs::write(
        &rule_file,
        orm.replace("pattern: $QS.count() > 0", "pattern: $QS.count() > 1")
            .replace(
                "count() > 0:\n        notify",
                "count() > 1:\n        notify",
            )
            .replace("user.posts.count() > 0", "user.posts.count() > 1"),
    )
    .unwrap();
    let out = run(&dir, &json);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}
