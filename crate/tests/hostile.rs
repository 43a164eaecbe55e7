//! Input nobody should paste, pasted anyway: the engine answers every one without a
//! panic, in bounded time, and says so when it could not check a file.

use std::time::{Duration, Instant};
use wagcheck::{check, Config, Report, SourceFile};

fn check_one(name: &str, text: String) -> (Report, Duration) {
    let started = Instant::now();
    let report = check(&[SourceFile::new(name, text)], &Config::default());
    (report, started.elapsed())
}

fn assert_ranges_valid(report: &Report, text: &str) {
    for d in &report.diagnostics {
        assert!(
            d.range.start <= d.range.end && d.range.end <= text.len(),
            "{d:?}"
        );
        assert!(
            text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end),
            "{d:?}"
        );
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            assert!(
                e.range.end <= text.len()
                    && text.is_char_boundary(e.range.start)
                    && text.is_char_boundary(e.range.end)
            );
        }
    }
    for e in &report.syntax_errors {
        assert!(e.range.end <= text.len());
    }
}

#[test]
fn odd_small_inputs_are_checked() {
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("backslash", "\\".into()),
        ("unterminated string", "x = 'abc\ncache.delete_pattern(\"\n".into()),
        ("unterminated triple", "x = \"\"\"abc\n".into()),
        ("tabs and spaces", "def f():\n\tif x:\n        return 1\n\treturn 2\n".into()),
        ("nul bytes", "x = 1\0\0\ny = 2\n".into()),
        ("python 2", "print 'hello'\nexec code in ns\nexcept Exception, e:\n    raise E, 'x'\n".into()),
        ("django template", "{% extends 'base.html' %}\n{% block content %}{{ page.title|richtext }}{% endblock %}\n".into()),
        ("minified js", "!function(e){var t={};function n(r){if(t[r])return t[r].exports}}([]);".repeat(50)),
        ("only comments", "# wagcheck: ignore[\n# noqa: \n".into()),
        ("bom and crlf", "\u{feff}import hashlib\r\nx = hashlib.md5(b'')\r\n".into()),
        ("unicode", "café = '😀'\ndef ƒ(): return café[:8]\n".into()),
    ];
    for (name, text) in cases {
        let (report, elapsed) = check_one(name, text.clone());
        assert_ranges_valid(&report, &text);
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        assert!(elapsed < Duration::from_secs(5), "{name} took {elapsed:?}");
    }
}

#[test]
fn broken_code_reports_syntax_errors_not_silence() {
    // (Python 2's `print 'x'` is not among them: the grammar still accepts it.)
    for text in [
        "def f(:\n",
        "x = (1,\n",
        "class :\n  pass\n",
        "exec code in ns, e:\n",
    ] {
        let (report, _) = check_one("broken.py", text.into());
        assert!(!report.syntax_errors.is_empty(), "{text:?}");
    }
}

#[test]
fn deep_nesting_is_refused_with_a_message() {
    let brackets = format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let nested_ifs = |levels: usize| {
        let mut text = String::new();
        for depth in 0..levels {
            text.push_str(&" ".repeat(depth));
            text.push_str("if x:\n");
        }
        text.push_str(&" ".repeat(levels));
        text.push_str("pass\n");
        text
    };
    // 10,000 indented ifs weigh 50 MB: refused for size; 2,000 (2 MB) for depth.
    for (name, text, reason) in [
        ("brackets", brackets, "nested too deeply"),
        ("2k ifs", nested_ifs(2_000), "nested too deeply"),
        ("10k ifs", nested_ifs(10_000), "too large"),
    ] {
        let (report, elapsed) = check_one(name, text);
        assert!(elapsed < Duration::from_secs(20), "{name} took {elapsed:?}");
        assert_eq!(report.errors.len(), 1, "{name}: {:?}", report.errors);
        assert!(
            report.errors[0].message.contains(reason),
            "{name}: {:?}",
            report.errors
        );
    }
}

#[test]
fn ten_megabyte_line_is_bounded() {
    let text = format!("x = '{}'\n", "a".repeat(10 * 1024 * 1024));
    let (report, elapsed) = check_one("long.py", text.clone());
    assert_ranges_valid(&report, &text);
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[test]
fn oversized_file_is_refused_with_a_message() {
    let text = "x = 1\n".repeat(wagcheck::parse::MAX_FILE_BYTES / 6 + 10);
    let (report, _) = check_one("huge.py", text);
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].message.contains("too large"),
        "{:?}",
        report.errors
    );
}

/// Found by the fuzzer: IMP002's fix appended a `raise` after a line with an unclosed
/// bracket, the bracket swallowed it, and every `--fix` appended another. Fixes are now
/// withheld in files with syntax errors; the hit itself stays.
#[test]
fn no_fix_is_offered_in_a_file_with_syntax_errors() {
    let text = "def __getattr__(name):\n    if name == \"ChoicesMeta\":\n        warnings.warn(\"deprecated\", DeprecationWarning\n";
    let files = [SourceFile::new("m.py", text)];
    let report = check(&files, &Config::default());
    let hit = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "IMP002")
        .expect("IMP002 still reported");
    assert!(hit.fix.is_none(), "{hit:?}");
    let fixed = wagcheck::fix_files(
        &files,
        &|_, _| true,
        &|_| true,
        wagcheck::engine::MAX_FIX_ROUNDS,
    );
    assert_eq!(fixed.files[0].text, text);
}

/// Found by the fuzzer: after an unterminated `'''` string at the top, SIG001's fix (a
/// quoted name replaced by a class name) changed how the broken string was read further
/// down and added a syntax error.
#[test]
fn a_syntax_error_elsewhere_in_the_file_withholds_fixes_too() {
    let text = "from django.dispatch import receiver\nfrom wagtail.signals import page_published\n\nfrom .models import BlogPostPage\nf'''rom .services import BlogCacheService\n\n\n@receiver(page_published)\ndef invalidate_blog_cache(sender, instance, **kwargs):\n    if not hasattr(instance, \"blogpostpage\"):\n        return\n";
    let report = check(&[SourceFile::new("signals.py", text)], &Config::default());
    assert!(
        report.diagnostics.iter().all(|d| d.fix.is_none()),
        "{:?}",
        report.diagnostics
    );
}
