//! A deterministic mutation fuzzer over check + fixes, seeded with every fixture and
//! every rule example (cargo-fuzz needs a nightly toolchain, which this project's
//! machines cannot fetch). CI runs a short, fixed number of iterations; run longer
//! by hand with `WAGCHECK_FUZZ_ITERS=200000 cargo test --release --test fuzz`, and
//! another sequence with `WAGCHECK_FUZZ_SEED=N`.
//!
//! Invariants: no panic; every range lies inside the file on char boundaries; each
//! fix alone keeps the file parsing without new syntax errors and removes a hit of
//! its rule; fixing everything converges (a second pass changes nothing); an incremental
//! re-parse from the unmutated file's tree gives the same report as a fresh parse; the
//! index's walk over tree-sitter's internals (walk.c) finds the nodes tree-sitter's own
//! cursor finds, on every input.

use std::path::Path;
use wagcheck::engine::check_cached;
use wagcheck::examples::split_files;
use wagcheck::fix::apply_fixes;
use wagcheck::parse::{parse_file, syntax_errors};
use wagcheck::reparse::ParseCache;
use wagcheck::{check_with, fix_files, rules, Report, SourceFile};

/// xorshift64*: small, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    "\n",
    "    ",
    "\t",
    "\"",
    "'",
    "'''",
    "\\",
    "#",
    "\0",
    "é",
    "😀",
    "try:\n",
    "except AttributeError:\n    pass\n",
    "cache.delete_pattern(",
    "hexdigest()[:8]",
    "@receiver(post_save)\n",
    "hasattr(instance, 'blogpage')",
    "self.action == 'list'",
    "prefetch_related(",
    "Prefetch('tags', queryset=Tag.objects.all()[:5])",
    "hashlib.md5(",
    "json.dumps(filters)",
    "def __getattr__(name):\n",
    "sender != Page",
    "kwargs['instance']",
    "class V(BaseAPIViewSet):\n",
    "get_rendition('width-1200')",
    "if ",
    "return ",
    "import ",
];

fn seeds() -> Vec<Vec<SourceFile>> {
    let mut seeds: Vec<Vec<SourceFile>> = Vec::new();
    for rule in rules::all() {
        seeds.push(split_files(rule.bad));
        seeds.push(split_files(rule.fixed));
    }
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(&path).unwrap();
                seeds.push(vec![SourceFile::new(
                    path.file_name().unwrap().to_string_lossy(),
                    text,
                )]);
            }
        }
    }
    seeds.sort_by(|a, b| a[0].path.cmp(&b[0].path).then(a[0].text.cmp(&b[0].text)));
    seeds
}

fn char_floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, text: &str, other: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = char_floor(&text, rng.below(text.len() + 1));
        let len = rng.below(40);
        let end = char_floor(&text, at + len);
        match rng.below(5) {
            0 => text.replace_range(at..end, ""),
            1 => {
                let copy = text[at..end].to_string();
                text.insert_str(at, &copy);
            }
            2 => text.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            3 => {
                let from = char_floor(other, rng.below(other.len() + 1));
                let to = char_floor(other, from + rng.below(200));
                text.insert_str(at, &other[from..to]);
            }
            _ => {
                // Re-indent a line: the commonest way pasted Python breaks.
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                text.insert_str(line_start, if rng.below(2) == 0 { "  " } else { "\t" });
            }
        }
    }
    text
}

fn check_invariants(files: &[SourceFile], report: &Report) -> Result<(), String> {
    for d in &report.diagnostics {
        let file = files
            .iter()
            .find(|f| f.path == d.path)
            .ok_or("diagnostic for an unknown path")?;
        let text = &file.text;
        let ok = |r: &std::ops::Range<usize>| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        if !ok(&d.range) {
            return Err(format!(
                "{} range {:?} outside the file or inside a character",
                d.rule, d.range
            ));
        }
        let Some(fix) = &d.fix else { continue };
        if let Some(e) = fix.edits.iter().find(|e| !ok(&e.range)) {
            return Err(format!(
                "{} fix edit {:?} outside the file or inside a character",
                d.rule, e.range
            ));
        }
        let before = parse_file(file)
            .map(|p| syntax_errors(file, &p).len())
            .unwrap_or(usize::MAX);
        let (fixed, applied) = apply_fixes(text, &[fix]);
        if applied == 0 {
            return Err(format!("{}: its own fix could not be applied", d.rule));
        }
        let fixed_file = SourceFile::new(file.path.clone(), fixed);
        let after = parse_file(&fixed_file)
            .map(|p| syntax_errors(&fixed_file, &p).len())
            .unwrap_or(usize::MAX);
        if after > before {
            return Err(format!(
                "{}: fix adds syntax errors ({before} -> {after}):\n{}",
                d.rule, fixed_file.text
            ));
        }
        if before == 0 {
            let mut set: Vec<SourceFile> = files.to_vec();
            let i = set.iter().position(|f| f.path == d.path).unwrap();
            set[i] = fixed_file;
            let count = |fs: &[SourceFile]| {
                check_with(fs, &|_, r| r.id == d.rule)
                    .diagnostics
                    .iter()
                    .filter(|x| x.path == d.path)
                    .count()
            };
            if count(&set) >= count(files) {
                return Err(format!("{}: fix did not remove a hit", d.rule));
            }
        }
    }
    let all = |_: usize, _: &wagcheck::Rule| true;
    let once = fix_files(files, &all, &|_| true, wagcheck::engine::MAX_FIX_ROUNDS);
    let twice = fix_files(
        &once.files,
        &all,
        &|_| true,
        wagcheck::engine::MAX_FIX_ROUNDS,
    );
    if twice.applied.iter().sum::<usize>() != 0 {
        return Err("fixing did not converge: a second pass changed the code".into());
    }
    Ok(())
}

/// What must not depend on how a file was parsed.
fn summary(report: &Report) -> Vec<String> {
    let hits = report
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {:?} {}", d.path, d.rule, d.range, d.message));
    let errors = report
        .syntax_errors
        .iter()
        .map(|e| format!("{} {:?} {}", e.path, e.range, e.message));
    hits.chain(errors).collect()
}

/// walk.c against tree-sitter's `TreeCursor` on the file's tree (a file the parser
/// refuses, past its limits, has no tree to compare). After a mutation, the walk copied
/// from the unmutated file's walk is also compared with a fresh one (index::Walk::again).
fn walks_agree(file: &SourceFile) -> Result<(), String> {
    match wagcheck::parse::parse(&file.text) {
        Ok(tree) => wagcheck::index::cursor_check::walks_agree(&tree),
        Err(_) => Ok(()),
    }
}

#[test]
fn mutated_inputs_keep_the_invariants() {
    let iterations: usize = std::env::var("WAGCHECK_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed: u64 = std::env::var("WAGCHECK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let mut rng = Rng(seed | 1);
    let seeds = seeds();
    assert!(!seeds.is_empty());
    // Seeds themselves first, then mutants.
    for files in &seeds {
        let report = check_with(files, &|_, _| true);
        if let Err(e) =
            check_invariants(files, &report).and_then(|()| files.iter().try_for_each(walks_agree))
        {
            panic!("seed {}: {e}", files[0].path);
        }
    }
    for i in 0..iterations {
        let base = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())][0].text;
        let mut files = base.clone();
        let k = rng.below(files.len());
        files[k].text = mutate(&mut rng, &files[k].text, other);
        let report = check_with(&files, &|_, _| true);
        let incremental_walk = |()| {
            wagcheck::index::cursor_check::incremental_walks_agree(&base[k].text, &files[k].text)
                .map(|_| ())
        };
        if let Err(e) = check_invariants(&files, &report)
            .and_then(|()| walks_agree(&files[k]))
            .and_then(incremental_walk)
        {
            panic!(
                "iteration {i} (seed {seed}): {e}\n--- input {} ---\n{}",
                files[k].path, files[k].text
            );
        }
        // As the playground does: parse the unmutated files, then the mutant from their trees.
        let cache = ParseCache::default();
        check_cached(base, &|_, _| true, Some(&cache));
        let incremental = check_cached(&files, &|_, _| true, Some(&cache));
        assert_eq!(
            summary(&incremental),
            summary(&report),
            "iteration {i} (seed {seed}): an incremental re-parse changed the report\n--- input {} ---\n{}",
            files[k].path,
            files[k].text
        );
    }
}
