//! The library's modules in one bottom-up order: each may use the ones before it, never one
//! after it (README, "The order of the core"). Reads `src/` and fails on a `crate::` path that points up, or
//! on a module of `lib.rs` missing from the order. Test code (`#[cfg(test)]` items and files)
//! may use anything: it stands where the crate's own tests stand, above everything. And each
//! name is imported from the module that defines it: a `pub use` outside `lib.rs` fails unless
//! `FACADES` lists it as a module's deliberate public face.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom first. Sorting; text and grammar; diagnostics (severity, applicability, category); parsing;
/// the one walk; files re-parsed and re-walked as they are typed; imports; the file context; shared semantics; the project index; what a
/// loaded team rule is and how it matches; what a rule is; the rules; what the engine
/// applies (suppressions, fixes, configuration, docs); the engine; team rules read from
/// YAML; the JavaScript API, the syntax tree view, the wasm bindings. The binary
/// (`main.rs`, `cli/`, `server/`) stands above the library and reaches it only as
/// `wagcheck::`. No exception: a type that a lower module needs moves down.
const ORDER: &[&str] = &[
    "order",
    "source",
    "grammar",
    "examples",
    "diagnostic",
    "parse",
    "index",
    "reparse",
    "imports",
    "context",
    "semantic",
    "project",
    "team_rule",
    "rule",
    "rules",
    "suppress",
    "fix",
    "config",
    "docs",
    "engine",
    "team",
    "js",
    "syntax_tree",
    "wasm",
];

/// Files of the binary crate: `crate::` there means the binary, which the library never sees.
const BINARY: &[&str] = &["main", "cli", "server"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reads src/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `project` for `src/project/models.rs`.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().expect("a path");
    let first = first.as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The file's lines outside test code, and the files it declares as test modules
/// (`#[cfg(test)] mod tests;`). A `#[cfg(test)]` item runs to the next line that closes at
/// column 0 (rustfmt puts the closing brace of an item there; `npm test` checks rustfmt).
fn production_lines(text: &str) -> (Vec<(usize, &str)>, Vec<String>) {
    let mut lines = Vec::new();
    let mut test_files = Vec::new();
    let mut all = text.lines().enumerate().peekable();
    while let Some((number, line)) = all.next() {
        if line.trim() != "#[cfg(test)]" || line.starts_with(' ') {
            lines.push((number + 1, line));
            continue;
        }
        let Some(&(_, item)) = all.peek() else {
            break;
        };
        let item = item.trim();
        if let Some(name) = item
            .strip_prefix("mod ")
            .or_else(|| item.strip_prefix("pub mod "))
            .and_then(|rest| rest.strip_suffix(';'))
        {
            test_files.push(name.to_string());
            all.next();
            continue;
        }
        if item.ends_with(';') {
            all.next();
            continue;
        }
        for (_, skipped) in all.by_ref() {
            if skipped.starts_with('}') {
                break;
            }
        }
    }
    (lines, test_files)
}

/// The top-level modules `code` names through `crate::`, each with the line it is on:
/// `crate::context::X`, `use crate::{context::X, rule::{Y, Z}}` (over several lines too).
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::`, `my_crate::`
        }
        let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
        if code[line_start..at].contains("//") {
            continue; // a comment
        }
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            out.push((line_of(at), ident(rest)));
            continue;
        };
        // The names at depth 0 of the group, each the start of a path.
        let (mut depth, mut expect_name) = (0usize, true);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => expect_name = true,
                c if expect_name && (c.is_ascii_alphanumeric() || c == '_') => {
                    let offset = at + "crate::{".len() + i;
                    out.push((line_of(offset), ident(&group[i..])));
                    expect_name = false;
                }
                _ => {}
            }
        }
    }
    out
}

/// Every upward path in the library, as `file:line: module uses higher`.
fn upward_paths() -> Vec<String> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    // Constants of lib.rs itself (`crate::VERSION`) depend on nothing: they stand at the bottom.
    let lib = std::fs::read_to_string(root.join("lib.rs")).expect("reads lib.rs");
    let constants: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .map(|l| l.split(':').next().unwrap_or("").trim().to_string())
        .collect();
    let rank = |m: &str| {
        if constants.iter().any(|c| c == m) {
            return Some(0);
        }
        ORDER.iter().position(|o| *o == m)
    };
    let mut skip: BTreeSet<PathBuf> = BTreeSet::new();
    let mut found = Vec::new();
    let mut texts = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("reads a source file");
        let (_, test_files) = production_lines(&text);
        let dir = if path
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for name in test_files {
            skip.insert(dir.join(format!("{name}.rs")));
            skip.insert(dir.join(&name).join("mod.rs"));
        }
        texts.push((path.clone(), text));
    }
    for (path, text) in &texts {
        let relative = path.strip_prefix(&root).unwrap();
        let module = module_of(relative);
        if skip.contains(path) || module == "lib" || BINARY.contains(&module.as_str()) {
            continue;
        }
        let Some(own) = rank(&module) else {
            found.push(format!(
                "{}: module `{module}` is not in the order (tests/layers.rs ORDER)",
                relative.display()
            ));
            continue;
        };
        let (lines, _) = production_lines(text);
        // Blank lines stand in for test code, so line numbers stay those of the file.
        let mut code = vec![""; text.lines().count()];
        for (number, line) in lines {
            code[number - 1] = line;
        }
        for (number, used) in crate_paths(&code.join("\n")) {
            match rank(&used) {
                Some(r) if r <= own => {}
                Some(_) => found.push(format!(
                    "{}:{number}: `{module}` uses `{used}`, which stands above it",
                    relative.display()
                )),
                None => found.push(format!(
                    "{}:{number}: `crate::{used}` is not a module in the order",
                    relative.display()
                )),
            }
        }
    }
    found
}

#[test]
fn no_module_uses_one_above_it() {
    let found = upward_paths();
    assert!(
        found.is_empty(),
        "imports against the order of tests/layers.rs:\n{}",
        found.join("\n")
    );
}

/// The re-exports the library keeps, each with why: a module's own public face, not an old
/// path kept working. `lib.rs` (the crate's API for the CLI, the server, wasm and Python)
/// may re-export anything.
const FACADES: &[(&str, &str, &str)] = &[
    (
        "team/mod.rs",
        "pub use format::RuleError;",
        "what `team::load` returns beside its rules",
    ),
    (
        "rule.rs",
        "pub(crate) use explanation;",
        "the `explanation!` macro defined just above, given a path (`crate::rule::explanation!`) as macro_rules! items have none",
    ),
];

#[test]
fn names_are_imported_from_where_they_are_defined() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("reads a source file");
        for (number, line) in production_lines(&text).0 {
            let line = line.trim();
            let reexport = line.starts_with("pub use ") || line.starts_with("pub(crate) use ");
            let facade = FACADES
                .iter()
                .any(|(file, kept, _)| relative == Path::new(file) && line == *kept);
            if reexport && !facade {
                found.push(format!("{}:{number}: {line}", relative.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "re-exports: import the names from the module that defines them, or list a module's \
         deliberate public face in FACADES (tests/layers.rs):\n{}",
        found.join("\n")
    );
    for (file, kept, why) in FACADES {
        let text = std::fs::read_to_string(root.join(file)).expect("reads a facade's file");
        assert!(
            text.lines().any(|l| l.trim() == *kept),
            "{file} no longer has `{kept}`: drop it from FACADES ({why})"
        );
    }
}

#[test]
fn every_module_of_the_library_is_in_the_order() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let declared: Vec<String> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect();
    assert!(declared.len() >= 15, "{declared:?}");
    for module in &declared {
        assert!(
            ORDER.contains(&module.as_str()),
            "lib.rs module `{module}` is not in ORDER"
        );
    }
    for module in ORDER {
        assert!(
            declared.iter().any(|d| d == module),
            "ORDER names `{module}`, which lib.rs does not declare"
        );
    }
}

#[test]
fn the_scan_sees_what_it_must() {
    let names =
        |code: &str| -> Vec<String> { crate_paths(code).into_iter().map(|(_, n)| n).collect() };
    assert_eq!(
        names("use crate::context::{nodes_within, FileContext};"),
        ["context"]
    );
    assert_eq!(
        names("use crate::{\n    rule::{Check, Rule},\n    diagnostic::Hit,\n};"),
        ["rule", "diagnostic"]
    );
    assert_eq!(
        crate_paths("a\nuse crate::{x,\n y};")[1],
        (3, "y".to_string())
    );
    assert_eq!(
        names("    x = crate::engine::fixed_by(a); // crate::rules"),
        ["engine"]
    );
    assert!(names("$crate::foo\n// see crate::rules").is_empty());
    let text = "use crate::a;\n#[cfg(test)]\nmod tests {\n    use crate::b;\n}\nuse crate::c;\n#[cfg(test)]\nmod more;\n";
    let (lines, files) = production_lines(text);
    let kept: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
    assert_eq!(kept, ["use crate::a;", "use crate::c;"]);
    assert_eq!(files, ["more"]);
}
