//! The parse limit: bare tree-sitter parse of every file vs the full `wagcheck` check of
//! the same files, on the same number of threads. Prints one JSON object.
//!
//!   cargo run --release --example bench -- [--threads N] [--repeat R] DIR...
//!
//! `--only parse|check` runs just one side once, for instruction counts under
//! `valgrind --tool=callgrind` (repeatable where wall time on a busy machine is not).
//!
//! `--keystrokes N FILE` is the playground's case natively: FILE repeated to 100 KB, then
//! N checks alternately with and without one more character at the end, each re-parsed
//! incrementally from the last tree (as the wasm engine does); prints the median.

use std::time::Instant;
use wagcheck::{check, Config, SourceFile};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn keystrokes(n: usize, path: &str) {
    let unit = std::fs::read_to_string(path).expect("readable file");
    let mut text = unit.clone();
    while text.len() < 100 * 1024 {
        text.push_str(&unit);
    }
    text.truncate(text[..100 * 1024].rfind('\n').map_or(text.len(), |i| i + 1));
    let cache = wagcheck::reparse::ParseCache::default();
    let all = |_: usize, _: &wagcheck::Rule| true;
    let mut times = Vec::new();
    for i in 0..=n {
        let typed = if i % 2 == 1 {
            format!("{text}x")
        } else {
            text.clone()
        };
        let files = [SourceFile::new("bench.py", typed)];
        let t = Instant::now();
        wagcheck::engine::check_cached(&files, &all, Some(&cache));
        if i > 0 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    println!(
        "{}",
        serde_json::json!({"bytes": text.len(), "keystrokes": n, "check_ms_p50": median(times)})
    );
}

fn main() {
    let mut threads = 0usize;
    let mut repeat = 5usize;
    let mut only: Option<String> = None;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--threads N")
            }
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--repeat R")
            }
            "--only" => only = args.next(),
            "--keystrokes" => {
                let n: usize = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--keystrokes N FILE");
                let file = args.next().expect("--keystrokes N FILE");
                keystrokes(n, &file);
                return;
            }
            _ => dirs.push(arg),
        }
    }
    let mut files = Vec::new();
    for dir in &dirs {
        for entry in ignore::WalkBuilder::new(dir).build().flatten() {
            if entry.path().extension().is_some_and(|e| e == "py") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    files.push(SourceFile::new(entry.path().to_string_lossy(), text));
                }
            }
        }
    }
    let lines: usize = files.iter().map(|f| f.text.lines().count()).sum();
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let threads = pool.current_num_threads();
    let config = Config::default();
    match only.as_deref() {
        Some("parse") => {
            let ok = files
                .iter()
                .filter(|f| wagcheck::parse::parse(&f.text).is_ok())
                .count();
            println!("{{\"parsed\":{ok}}}");
            return;
        }
        Some("check") => {
            println!("{{\"hits\":{}}}", check(&files, &config).diagnostics.len());
            return;
        }
        Some(other) => panic!("--only parse|check, not {other}"),
        None => {}
    }
    let (mut parse_s, mut check_s, mut hits) = (Vec::new(), Vec::new(), 0);
    pool.install(|| {
        use rayon::prelude::*;
        // One warm-up round of each, then alternate so drift hits both alike.
        for round in 0..=repeat {
            let t = Instant::now();
            let ok = files
                .par_iter()
                .filter(|f| wagcheck::parse::parse(&f.text).is_ok())
                .count();
            let parse = t.elapsed().as_secs_f64();
            assert_eq!(ok, files.len());
            let t = Instant::now();
            hits = check(&files, &config).diagnostics.len();
            let full = t.elapsed().as_secs_f64();
            if round > 0 {
                parse_s.push(parse);
                check_s.push(full);
            }
        }
    });
    let (p, c) = (median(parse_s), median(check_s));
    println!(
        "{}",
        serde_json::json!({
            "files": files.len(), "lines": lines, "bytes": bytes, "threads": threads,
            "repeat": repeat, "hits": hits,
            "parse_s": p, "check_s": c,
            "parse_lines_per_s": lines as f64 / p, "check_lines_per_s": lines as f64 / c,
            "ratio": c / p
        })
    );
}
