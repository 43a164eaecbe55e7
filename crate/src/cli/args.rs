//! Command-line arguments, parsed by hand: few flags, exact error messages, exit 2.

pub const USAGE: &str = "\
wagcheck: a Django/Wagtail pattern checker

Usage:
  wagcheck check [PATH...] [options]   check Python files and directories (default: .)
  wagcheck rules [--format text|json|markdown]
  wagcheck explain ID                  the full documentation of a rule
  wagcheck test-rules [PATH...]        run the team rules' examples and cases (default:
                                       the rule-dirs of [tool.wagcheck])
  wagcheck server                      the language server, on stdin/stdout (for editors)
  wagcheck --version

Options for check:
  --format text|json|sarif   output format (default: text)
  --select IDS               only these rules (ids or prefixes, comma-separated; ALL)
  --ignore IDS               never these rules
  --fix                      apply safe fixes and write the files
  --unsafe-fixes             with --fix, also apply fixes that change behaviour
  --stdin-filename PATH      read the code from standard input, named PATH
  --no-config                ignore [tool.wagcheck] in pyproject.toml files
  --color auto|always|never  colours in text output (default: auto)
  --rules PATH               team rules: a .yml file or a directory of them (repeatable;
                             also for rules, explain; added to [tool.wagcheck] rule-dirs)
  --output-file PATH         write the report to PATH (atomically) instead of stdout
  --exit-zero                exit 0 even when there are hits (errors still exit 2)
  --no-cache                 neither read nor write the cache
  --cache-dir DIR            where the cache lives (default: .wagcheck_cache, or
                             $WAGCHECK_CACHE_DIR)

Exit status: 0 no hits, 1 hits or syntax errors, 2 usage or I/O error.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Default)]
pub struct CheckArgs {
    pub paths: Vec<String>,
    pub format: Option<Format>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub stdin_filename: Option<String>,
    pub no_config: bool,
    pub color: Option<Color>,
    /// `--rules PATH`: team rule files or directories.
    pub rules: Vec<String>,
    pub output_file: Option<String>,
    pub exit_zero: bool,
    pub no_cache: bool,
    pub cache_dir: Option<String>,
}

#[derive(Debug)]
pub enum Command {
    Check(CheckArgs),
    /// The format, and `--rules` paths.
    Rules(Format, Vec<String>),
    Explain(String, Vec<String>),
    /// Rule files or directories (none: the configured rule-dirs).
    TestRules(Vec<String>),
    Server,
    Help,
    Version,
}

fn value<'a>(
    flag: &str,
    inline: Option<&'a str>,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Result<&'a str, String> {
    match inline {
        Some(v) => Ok(v),
        None => rest
            .next()
            .map(String::as_str)
            .ok_or_else(|| format!("`{flag}` needs a value")),
    }
}

fn format_of(text: &str, allowed: &[Format]) -> Result<Format, String> {
    let format = match text {
        "text" => Format::Text,
        "json" => Format::Json,
        "sarif" => Format::Sarif,
        "markdown" => Format::Markdown,
        other => return Err(format!("unknown format `{other}`")),
    };
    if allowed.contains(&format) {
        Ok(format)
    } else {
        Err(format!("format `{text}` is not available here"))
    }
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut iter = args.iter();
    let Some(command) = iter.next() else {
        return Ok(Command::Help);
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" | "version" => Ok(Command::Version),
        "check" => parse_check(&mut iter).map(Command::Check),
        "server" => match iter.next() {
            // `--stdio` is what several editors' LSP clients add by default.
            None => Ok(Command::Server),
            Some(arg) if arg == "--stdio" && iter.next().is_none() => Ok(Command::Server),
            Some(other) => Err(format!("unexpected argument `{other}` for `server`")),
        },
        "rules" => {
            let mut format = Format::Text;
            let mut rules = Vec::new();
            while let Some(arg) = iter.next() {
                let (flag, inline) = split_flag(arg);
                match flag {
                    "--format" => {
                        format = format_of(
                            value(flag, inline, &mut iter)?,
                            &[Format::Text, Format::Json, Format::Markdown],
                        )?
                    }
                    "--rules" => rules.push(value(flag, inline, &mut iter)?.to_string()),
                    other => return Err(format!("unexpected argument `{other}` for `rules`")),
                }
            }
            Ok(Command::Rules(format, rules))
        }
        "explain" => {
            let mut id = None;
            let mut rules = Vec::new();
            while let Some(arg) = iter.next() {
                let (flag, inline) = split_flag(arg);
                match flag {
                    "--rules" => rules.push(value(flag, inline, &mut iter)?.to_string()),
                    _ if id.is_none() && !arg.starts_with('-') => id = Some(arg.clone()),
                    _ => return Err(format!("unexpected argument `{arg}` for `explain`")),
                }
            }
            let id = id.ok_or("`explain` needs a rule id, e.g. `wagcheck explain CACHE001`")?;
            Ok(Command::Explain(id, rules))
        }
        "test-rules" => {
            let mut paths = Vec::new();
            for arg in iter {
                if arg.starts_with('-') {
                    return Err(format!("unexpected option `{arg}` for `test-rules`"));
                }
                paths.push(arg.clone());
            }
            Ok(Command::TestRules(paths))
        }
        other => Err(format!(
            "unknown command `{other}` (expected check, rules, explain or test-rules)"
        )),
    }
}

fn non_empty(flag: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err(format!("`{flag}` needs a non-empty value"))
    } else {
        Ok(value.to_string())
    }
}

fn split_flag(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once('=') {
        Some((flag, value)) if arg.starts_with("--") => (flag, Some(value)),
        _ => (arg, None),
    }
}

fn parse_check<'a>(iter: &mut impl Iterator<Item = &'a String>) -> Result<CheckArgs, String> {
    let mut args = CheckArgs::default();
    let mut only_paths = false;
    while let Some(arg) = iter.next() {
        if only_paths || !arg.starts_with('-') || arg == "-" {
            args.paths.push(arg.clone());
            continue;
        }
        let (flag, inline) = split_flag(arg);
        match flag {
            "--" => only_paths = true,
            "--format" => {
                args.format = Some(format_of(
                    value(flag, inline, iter)?,
                    &[Format::Text, Format::Json, Format::Sarif],
                )?)
            }
            "--select" => args.select.push(value(flag, inline, iter)?.to_string()),
            "--ignore" => args.ignore.push(value(flag, inline, iter)?.to_string()),
            "--fix" => args.fix = true,
            "--unsafe-fixes" => args.unsafe_fixes = true,
            "--no-config" => args.no_config = true,
            "--rules" => args.rules.push(value(flag, inline, iter)?.to_string()),
            "--exit-zero" => args.exit_zero = true,
            "--no-cache" => args.no_cache = true,
            "--output-file" => {
                args.output_file = Some(non_empty(flag, value(flag, inline, iter)?)?)
            }
            "--cache-dir" => args.cache_dir = Some(non_empty(flag, value(flag, inline, iter)?)?),
            "--stdin-filename" => {
                args.stdin_filename = Some(value(flag, inline, iter)?.to_string())
            }
            "--color" => {
                args.color = Some(match value(flag, inline, iter)? {
                    "auto" => Color::Auto,
                    "always" => Color::Always,
                    "never" => Color::Never,
                    other => {
                        return Err(format!(
                            "unknown colour mode `{other}` (auto, always, never)"
                        ))
                    }
                })
            }
            other => {
                return Err(format!(
                    "unknown option `{other}` for `check` (see `wagcheck --help`)"
                ))
            }
        }
    }
    if args.unsafe_fixes && !args.fix {
        return Err("`--unsafe-fixes` goes with `--fix`".into());
    }
    if args.paths.is_empty() && args.stdin_filename.is_none() {
        args.paths.push(".".into());
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_check_flags() {
        let Ok(Command::Check(a)) = p(&[
            "check",
            "src",
            "--format=json",
            "--select",
            "CACHE",
            "--fix",
            "--unsafe-fixes",
        ]) else {
            panic!()
        };
        assert_eq!(a.paths, vec!["src"]);
        assert_eq!(a.format, Some(Format::Json));
        assert_eq!(a.select, vec!["CACHE"]);
        assert!(a.fix && a.unsafe_fixes);
        let Ok(Command::Check(a)) = p(&["check"]) else {
            panic!()
        };
        assert_eq!(a.paths, vec!["."]);
        let Ok(Command::Check(a)) = p(&[
            "check",
            "--output-file=out.sarif",
            "--exit-zero",
            "--no-cache",
            "--cache-dir",
            "/tmp/c",
        ]) else {
            panic!()
        };
        assert_eq!(a.output_file.as_deref(), Some("out.sarif"));
        assert_eq!(a.cache_dir.as_deref(), Some("/tmp/c"));
        assert!(a.exit_zero && a.no_cache);
    }

    #[test]
    fn refuses_bad_usage() {
        assert!(p(&["check", "--format", "xml"]).is_err());
        assert!(p(&["check", "--bogus"]).is_err());
        assert!(p(&["check", "--select"]).is_err());
        assert!(p(&["check", "--unsafe-fixes"]).is_err());
        assert!(p(&["frobnicate"]).is_err());
        assert!(p(&["explain"]).is_err());
        assert!(p(&["check", "--output-file"]).is_err());
        assert!(p(&["check", "--output-file="]).is_err());
    }
}
