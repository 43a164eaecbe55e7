//! What every fix writes, compared whole with a reviewed snapshot (as Ruff's fix
//! snapshots): `tests/fixes/<ID>.snap` holds, for each rule with a fix, the diff its fixes
//! (safe and unsafe) make to the rule's bad example, whether that output is the rule's
//! fixed example exactly, and the diff they make to every fixture set where the rule has
//! a fix. The diff is taken against the input with every changed line written out, so
//! any change to the output (a fix that deletes the statement, a lost indent, a second
//! edit) changes the snapshot and fails here.
//!
//! After a deliberate change, rewrite the snapshots and review them in the diff:
//!
//! ```sh
//! WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck --test fix_snapshots
//! ```

mod common;

use common::fixture_sets;
use std::fs;
use std::path::PathBuf;
use wagcheck::examples::split_files;
use wagcheck::rule::Rule;
use wagcheck::{check_with, fix_files, rules, SourceFile};

const UPDATE: &str = "WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck --test fix_snapshots";

fn snapshots_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixes")
}

fn snapshot_path(rule: &Rule) -> PathBuf {
    snapshots_dir().join(format!("{}.snap", rule.id))
}

fn only(rule: &'static Rule) -> impl Fn(usize, &Rule) -> bool + Sync {
    move |_, r| r.id == rule.id
}

fn with_fix() -> impl Iterator<Item = &'static Rule> {
    rules::all().iter().copied().filter(|r| r.fix.is_some())
}

/// One case of a snapshot: the files before, and what the rule's fixes wrote.
struct Case {
    title: String,
    before: Vec<SourceFile>,
    after: Vec<SourceFile>,
}

/// The rule's fixes, every applicability, applied to `files` until none is left.
fn fixed(rule: &'static Rule, files: &[SourceFile]) -> Vec<SourceFile> {
    fix_files(
        files,
        &only(rule),
        &|_| true,
        wagcheck::engine::MAX_FIX_ROUNDS,
    )
    .files
}

/// The cases of a rule: its bad example, then each fixture set its fixes change.
fn cases(rule: &'static Rule, fixtures: &[(String, Vec<SourceFile>)]) -> Vec<Case> {
    let bad = split_files(rule.bad);
    let mut cases = vec![Case {
        title: "bad example".into(),
        after: fixed(rule, &bad),
        before: bad,
    }];
    for (name, files) in fixtures {
        let after = fixed(rule, files);
        if after.iter().zip(files).any(|(a, b)| a.text != b.text) {
            cases.push(Case {
                title: format!("fixture {name}"),
                before: files.clone(),
                after,
            });
        }
    }
    cases
}

/// The snapshot text of a rule's cases.
fn render(rule: &'static Rule, cases: &[Case]) -> String {
    let applicability = rule.fix.map_or("none", |a| a.as_str());
    let mut out = format!(
        "# {} {}: what its fixes ({applicability}) write. Checked by crate/tests/fix_snapshots.rs;\n\
         # after a deliberate change: {UPDATE}\n",
        rule.id, rule.name
    );
    for case in cases {
        out.push_str(&format!("\n## {}\n", case.title));
        if case.title == "bad example" {
            let gives_fixed = split_files(rule.fixed)
                .iter()
                .map(|f| (&f.path, &f.text))
                .eq(case.after.iter().map(|f| (&f.path, &f.text)));
            out.push_str(if gives_fixed {
                "gives the fixed example exactly: yes\n"
            } else {
                "gives the fixed example exactly: no\n"
            });
        }
        for d in check_with(&case.before, &only(rule)).diagnostics {
            if let Some(fix) = &d.fix {
                out.push_str(&format!(
                    "fix at {}:{}:{} ({}): {}\n",
                    d.path,
                    d.start.line,
                    d.start.column,
                    fix.applicability.as_str(),
                    fix.title
                ));
            }
        }
        for (before, after) in case.before.iter().zip(&case.after) {
            if before.text != after.text {
                out.push_str(&format!("--- {}\n", before.path));
                out.push_str(&line_diff(&before.text, &after.text));
            }
        }
    }
    out
}

/// A line diff of `a` to `b`: each run of changed lines under `@@ -L,N +L,M @@`, with
/// one line of context either side. Lines keep their `\r`, shown as `\r`, so a changed
/// line ending shows. Given `a`, the diff determines `b` exactly.
fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.split_inclusive('\n').collect();
    let b: Vec<&str> = b.split_inclusive('\n').collect();
    // Longest common subsequence, from the end.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // The edit script: (' ' | '-' | '+', line in a, line in b).
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    let show = |line: &str| {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let marked = body.replace('\r', "\\r");
        if line.ends_with('\n') {
            format!("{marked}\n")
        } else {
            format!("{marked}\n\\ no newline at end of file\n")
        }
    };
    let mut out = String::new();
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(1);
        let mut end = k;
        // A hunk goes on while the next change is within two lines of context.
        while end < ops.len() && ops[end..].iter().take(3).any(|o| o.0 != ' ') {
            end += 1;
        }
        let end = (end + 1).min(ops.len());
        let hunk = &ops[start..end];
        let old = hunk.iter().filter(|o| o.0 != '+').count();
        let new = hunk.iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{},{old} +{},{new} @@\n",
            hunk[0].1 + 1,
            hunk[0].2 + 1
        ));
        for &(op, i, j) in hunk {
            let line = if op == '+' { b[j] } else { a[i] };
            out.push(op);
            out.push_str(&show(line));
        }
        k = end;
    }
    out
}

fn updating() -> bool {
    std::env::var_os("WAGCHECK_UPDATE_SNAPSHOTS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn every_fix_writes_its_snapshot() {
    let fixtures = fixture_sets();
    let mut failures = Vec::new();
    for rule in with_fix() {
        let actual = render(rule, &cases(rule, &fixtures));
        let path = snapshot_path(rule);
        let committed = fs::read_to_string(&path).ok();
        if committed.as_deref() == Some(actual.as_str()) {
            continue;
        }
        if updating() {
            fs::create_dir_all(snapshots_dir()).unwrap();
            fs::write(&path, &actual).unwrap();
            eprintln!("wrote {}", path.display());
            continue;
        }
        match committed {
            None => failures.push(format!(
                "{}: has a fix but no snapshot {}: write it with `{UPDATE}` and review it",
                rule.id,
                path.display()
            )),
            Some(committed) => failures.push(format!(
                "{}: the fixes write something else than {} says; if that is intended, \
                 rewrite it with `{UPDATE}` and review the diff. Changed lines (- snapshot, + now):\n{}",
                rule.id,
                path.display(),
                line_diff(&committed, &actual)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn no_snapshot_without_a_rule_with_a_fix() {
    let mut stale = Vec::new();
    for entry in fs::read_dir(snapshots_dir()).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let known = path.extension().is_some_and(|e| e == "snap") && with_fix().any(|r| r.id == id);
        if !known {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots of no rule with a fix (delete them): {stale:?}"
    );
}

/// The snapshots are a real check: for every rule, a fix that deleted the statement it
/// was about (the first fixed line of the bad example) instead of rewriting it would not
/// match its snapshot.
#[test]
fn a_fix_that_deletes_the_statement_fails_its_snapshot() {
    let fixtures = fixture_sets();
    for rule in with_fix() {
        let mut cases = cases(rule, &fixtures);
        let bad = &mut cases[0];
        let hit = check_with(&bad.before, &only(rule))
            .diagnostics
            .into_iter()
            .find(|d| d.fix.is_some())
            .unwrap_or_else(|| panic!("{}: the bad example offers no fix", rule.id));
        let file = bad.before.iter().position(|f| f.path == hit.path).unwrap();
        let deleted: String = bad.before[file]
            .text
            .split_inclusive('\n')
            .enumerate()
            .filter(|(i, _)| i + 1 != hit.start.line)
            .map(|(_, line)| line)
            .collect();
        bad.after[file].text = deleted;
        let committed = fs::read_to_string(snapshot_path(rule)).unwrap_or_default();
        assert_ne!(
            render(rule, &cases),
            committed,
            "{}: deleting line {} would match the snapshot",
            rule.id,
            hit.start.line
        );
    }
}

#[test]
fn line_diff_determines_the_output() {
    let a = "a\nb\nc\nd\ne\nf\ng\n";
    assert_eq!(line_diff(a, a), "");
    assert_eq!(
        line_diff(a, "a\nB\nc\nd\ne\nf\n"),
        "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -6,2 +6,1 @@\n f\n-g\n"
    );
    assert_eq!(
        line_diff("x\r\ny", "x\r\n  y\n"),
        "@@ -1,2 +1,2 @@\n x\\r\n-y\n\\ no newline at end of file\n+  y\n"
    );
}
