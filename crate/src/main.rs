//! `wagcheck`: the command-line checker. Exit 0 no hits, 1 hits or syntax errors,
//! 2 usage or I/O error.

mod cli;
mod server;

use cli::args::{self, CheckArgs, Color, Command, Format};
use cli::files::{self, ReadError};
use cli::settings::{enabled_in, relative_path, Resolver};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use wagcheck::engine::Enabled;
use wagcheck::engine::{
    check_in, check_reusing, fix_files_in, runs_in_file_pass, FileError, MAX_FIX_ROUNDS,
};
use wagcheck::{rules, Applicability, Report, SourceFile};

const EXIT_CLEAN: i32 = 0;
const EXIT_HITS: i32 = 1;
const EXIT_ERROR: i32 = 2;

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let code = match args::parse(&argv) {
        Err(message) => {
            eprintln!("wagcheck: error: {message}\nRun `wagcheck --help` for usage.");
            EXIT_ERROR
        }
        Ok(Command::Help) => emit(args::USAGE),
        Ok(Command::Version) => emit(&format!("wagcheck {}\n", wagcheck::VERSION)),
        Ok(Command::Rules(format, team)) => with_team(&team, || list_rules(format)),
        Ok(Command::Explain(id, team)) => with_team(&team, || explain(&id)),
        Ok(Command::TestRules(paths)) => cli::team::test_rules(&paths),
        Ok(Command::Check(check)) => run_check(check),
        // The server loads the team rules of the project it starts in itself (and again
        // when a rule file or the config changes).
        Ok(Command::Server) => server::run(),
    };
    std::process::exit(code);
}

/// Loads the team rules (configured and `--rules`), says what is wrong with any, then
/// runs `then` with them in the rule list.
fn with_team(paths: &[String], then: impl FnOnce() -> i32) -> i32 {
    match cli::team::load(paths, true) {
        Ok(loaded) => {
            cli::team::report_errors(&loaded.errors);
            let code = then();
            if loaded.errors.is_empty() {
                code
            } else {
                EXIT_ERROR
            }
        }
        Err(message) => {
            eprintln!("wagcheck: error: {message}");
            EXIT_ERROR
        }
    }
}

/// Writes all of `text` to stdout at once; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("wagcheck: error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

fn list_rules(format: Format) -> i32 {
    let all = rules::all();
    let text = match format {
        Format::Json => {
            let list: Vec<wagcheck::js::JsRule> =
                all.iter().map(|r| wagcheck::js::JsRule::new(r)).collect();
            serde_json::to_string_pretty(&list).expect("rules serialize") + "\n"
        }
        Format::Markdown => {
            let mut out = format!("# wagcheck rules\n\n{}", wagcheck::docs::rule_table(""));
            for r in all {
                out.push('\n');
                out.push_str(
                    &wagcheck::docs::rule_markdown(r)
                        .replacen("# ", "## ", 1)
                        .replace("\n## ", "\n### "),
                );
            }
            out
        }
        _ => {
            let mut out = String::new();
            for r in all {
                out.push_str(&format!(
                    "{:<9} {:<8} {:<7} {:<34} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.fix.map_or("-", |f| f.as_str()),
                    r.name,
                    r.message
                ));
            }
            out
        }
    };
    emit(&text)
}

fn explain(id: &str) -> i32 {
    let rule = rules::find(id).or_else(|| rules::all().iter().copied().find(|r| r.name == id));
    match rule {
        Some(rule) => emit(&wagcheck::docs::rule_markdown(rule)),
        None => {
            eprintln!("wagcheck: error: unknown rule `{id}` (run `wagcheck rules` to list them)");
            EXIT_ERROR
        }
    }
}

/// The `--format json` document, keys in the documented order.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    files: usize,
    diagnostics: &'a [wagcheck::Diagnostic],
    syntax_errors: &'a [wagcheck::SyntaxError],
    errors: &'a [FileError],
}

impl<'a> From<&'a Report> for JsonReport<'a> {
    fn from(r: &'a Report) -> Self {
        Self {
            version: 1,
            files: r.files,
            diagnostics: &r.diagnostics,
            syntax_errors: &r.syntax_errors,
            errors: &r.errors,
        }
    }
}

/// Everything a check needs to know per file: its path for display and for
/// per-file-ignores, and which rules run on it.
struct Plan {
    files: Vec<SourceFile>,
    enabled: Vec<Vec<bool>>,
    /// Per file, what besides its text decides the per-file pass (for the cache key):
    /// the config that applies and the per-file rules it enables.
    settings: Vec<String>,
    /// Whether the files are the whole project (only directories were given) rather
    /// than some files of it (files named on the command line, or standard input).
    complete: bool,
    problems: Vec<ReadError>,
}

fn plan(args: &CheckArgs) -> Result<Plan, String> {
    let mut resolver = Resolver::new(&args.select, &args.ignore, !args.no_config)?;
    let (files, paths, problems) = match &args.stdin_filename {
        Some(name) => {
            if args.paths.iter().any(|p| p != "-") {
                return Err(
                    "`--stdin-filename` reads standard input: give no paths (or `-`)".into(),
                );
            }
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            let file = files::source_from_bytes(name.clone(), bytes)
                .map_err(|e| format!("{}: {}", e.path, e.message))?;
            (vec![file], vec![PathBuf::from(name)], Vec::new())
        }
        None => {
            let paths = files::discover(&args.paths)?;
            let (files, problems) = files::read_all(&paths);
            let paths = files.iter().map(|f| PathBuf::from(&f.path)).collect();
            (files, paths, problems)
        }
    };
    let complete =
        args.stdin_filename.is_none() && args.paths.iter().all(|p| Path::new(p).is_dir());
    let mut enabled = Vec::with_capacity(files.len());
    let mut keys = Vec::with_capacity(files.len());
    let mut described: Option<(*const cli::settings::Settings, String)> = None;
    // A rule as the cache key names it. A team rule is not part of the build: its text is
    // part of the key, so an edited rule file re-checks every file it runs on.
    let rule_keys: Vec<String> = rules::all()
        .iter()
        .map(|rule| match wagcheck::team::team_of(rule) {
            Some(team) => format!("{}:{:016x}", rule.id, cli::cache::text_hash(&team.source)),
            None => rule.id.to_string(),
        })
        .collect();
    for path in &paths {
        let settings = resolver.for_file(path)?;
        let rel = relative_path(&settings, path);
        let on: Vec<bool> = rules::all()
            .iter()
            .map(|r| settings.config.is_enabled_for(r, &rel))
            .collect();
        // Files mostly share one config: describe it once per run of equal settings.
        let ptr = std::sync::Arc::as_ptr(&settings);
        if described.as_ref().is_none_or(|(p, _)| *p != ptr) {
            described = Some((ptr, format!("{:?}", settings.config)));
        }
        let mut key = described
            .as_ref()
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        for ((rule, on), name) in rules::all().iter().zip(&on).zip(&rule_keys) {
            if *on && runs_in_file_pass(rule) {
                key.push(' ');
                key.push_str(name);
            }
        }
        keys.push(key);
        enabled.push(on);
    }
    Ok(Plan {
        files,
        enabled,
        settings: keys,
        complete,
        problems,
    })
}

fn run_check(args: CheckArgs) -> i32 {
    // Team rules first: the config's selectors may name them.
    let team = match cli::team::load(&args.rules, !args.no_config) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("wagcheck: error: {message}");
            return EXIT_ERROR;
        }
    };
    let mut plan = match plan(&args) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("wagcheck: error: {message}");
            return EXIT_ERROR;
        }
    };
    let enabled = |i: usize, rule: &wagcheck::Rule| enabled_in(&plan.enabled, i, rule);
    let mut problems: Vec<ReadError> = std::mem::take(&mut plan.problems);
    // A rule file that is wrong is reported with the files that could not be read: the
    // run goes on with every other rule, and exits 2.
    problems.extend(team.errors.iter().map(|e| ReadError {
        path: e.path.clone(),
        message: e.located_message(),
    }));
    let (report, files, fixed_count) = if args.fix {
        let wanted = |d: &wagcheck::Diagnostic| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe || args.unsafe_fixes)
        };
        let outcome = fix_files_in(
            &plan.files,
            &enabled,
            &wanted,
            MAX_FIX_ROUNDS,
            plan.complete,
        );
        let mut fixed = 0;
        if args.stdin_filename.is_none() {
            for ((before, after), count) in
                plan.files.iter().zip(&outcome.files).zip(&outcome.applied)
            {
                if *count == 0 || before.text == after.text {
                    continue;
                }
                match cli::write::write_atomic(Path::new(&before.path), &after.text) {
                    Ok(()) => fixed += count,
                    Err(e) => problems.push(ReadError {
                        path: before.path.clone(),
                        message: format!(
                            "cannot write the fixed file, left unchanged: {}",
                            files::describe_io(&e)
                        ),
                    }),
                }
            }
        } else {
            fixed = outcome.applied.iter().sum();
        }
        (outcome.report, outcome.files, fixed)
    } else {
        (check(&args, &plan, &enabled), plan.files.clone(), 0)
    };
    let mut report = report;
    report.errors.extend(problems.iter().map(|p| FileError {
        path: p.path.clone(),
        message: p.message.clone(),
    }));

    let format = args.format.unwrap_or(Format::Text);
    let stdin_fix = args.fix && args.stdin_filename.is_some();
    let output = match format {
        Format::Json => {
            serde_json::to_string_pretty(&JsonReport::from(&report)).expect("report serializes")
                + "\n"
        }
        Format::Sarif => {
            serde_json::to_string_pretty(&cli::sarif::render(&report)).expect("sarif serializes")
                + "\n"
        }
        _ => {
            let color = match args.color.unwrap_or(Color::Auto) {
                Color::Always => true,
                Color::Never => false,
                Color::Auto if args.output_file.is_some() => false,
                Color::Auto => {
                    std::env::var_os("NO_COLOR").is_none()
                        && (std::env::var_os("FORCE_COLOR").is_some()
                            || if stdin_fix {
                                std::io::stderr().is_terminal()
                            } else {
                                std::io::stdout().is_terminal()
                            })
                }
            };
            let mut text =
                cli::text::render(&report, &files, &cli::text::Style { color }, !args.fix);
            if args.fix {
                text.push_str(&format!(
                    "Fixed {fixed_count} {}.\n",
                    if fixed_count == 1 { "hit" } else { "hits" }
                ));
            }
            text
        }
    };
    for error in &report.errors {
        eprintln!("wagcheck: error: {}: {}", error.path, error.message);
    }
    let mut written = match &args.output_file {
        Some(path) => write_report(path, &output),
        // The fixed code goes to stdout, as formatters do; the report to stderr.
        None if stdin_fix => {
            eprint!("{output}");
            EXIT_CLEAN
        }
        None => emit(&output),
    };
    if stdin_fix && written == EXIT_CLEAN {
        written = emit(&files[0].text);
    }
    let hits = !report.diagnostics.is_empty() || !report.syntax_errors.is_empty();
    if written != EXIT_CLEAN || !report.errors.is_empty() {
        EXIT_ERROR
    } else if hits && !args.exit_zero {
        EXIT_HITS
    } else {
        EXIT_CLEAN
    }
}

/// `--output-file`: the whole report or nothing (a temporary file, then a rename), its
/// folder created if missing.
fn write_report(path: &str, output: &str) -> i32 {
    let path = Path::new(path);
    let result = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
    .and_then(|()| cli::write::write_atomic(path, output));
    match result {
        Ok(()) => EXIT_CLEAN,
        Err(e) => {
            eprintln!(
                "wagcheck: error: cannot write the report to {}: {}",
                path.display(),
                files::describe_io(&e)
            );
            EXIT_ERROR
        }
    }
}

/// The check without `--fix`: through the cache unless `--no-cache` (or the code came
/// from standard input).
fn check(args: &CheckArgs, plan: &Plan, enabled: &Enabled) -> Report {
    let use_cache = !args.no_cache && args.stdin_filename.is_none();
    if !use_cache {
        return check_in(&plan.files, enabled, None, plan.complete);
    }
    let mut cache = cli::cache::Cache::open(
        &cli::cache::dir(args.cache_dir.as_deref()),
        &format!("{:?} {:?} {}", args.select, args.ignore, args.no_config),
    );
    let keys: Vec<cli::cache::Key> = plan
        .files
        .iter()
        .zip(&plan.settings)
        .map(|(f, s)| cli::cache::Key::new(&f.text, s))
        .collect();
    let kept: Vec<_> = plan
        .files
        .iter()
        .zip(&keys)
        .map(|(f, k)| cache.get(&f.path, *k).cloned())
        .collect();
    let (report, fresh) = check_reusing(&plan.files, enabled, &kept, plan.complete);
    drop(kept);
    for ((file, key), pass) in plan.files.iter().zip(keys).zip(fresh) {
        if let Some(pass) = pass {
            cache.put(&file.path, key, pass);
        }
    }
    cache.save();
    report
}
