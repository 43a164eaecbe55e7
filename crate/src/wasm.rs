//! The WebAssembly API: `check`, `rules`, `applyFixes`, `syntaxTree`, `version`, with
//! plain JS objects in and out. Positions cross into JS as UTF-16 offsets and 1-based
//! line/UTF-16 column, which is what JS strings and CodeMirror count.
//!
//! Built twice for the page: without the `team` feature (web/pkg/, the first load) and
//! with it (web/pkg-team/: also `testRules` and the `rules` option, loaded when team
//! rules are used). The first module refuses the `rules` option with a clear error, and
//! is built without the `explanations` feature: its rules' explanations are empty (the
//! page has them as HTML from the build, loaded when first shown).

use crate::config::{parse_selectors, Config};
use crate::diagnostic::Diagnostic;
use crate::engine::{check_cached, fix_files, Report};
use crate::js::{apply_utf16_edits, JsFixResult, JsReport, JsRule, Utf16Edit};
use crate::reparse::{ParseCache, Tag};
use crate::source::SourceFile;
#[cfg(feature = "team")]
use crate::team::{self, RuleError};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface SourceFile { path: string; text: string; }
/**
 * What `check` reads: a file's text as a string, or as its UTF-8 bytes (faster to pass in);
 * or, for a file this module checked before, the changes since then: `edits` (`[from, to,
 * insert]`, UTF-16 offsets of that text, in order) to the text sent with `token: base`.
 * When that is not the text this module last checked for the path, `check` throws an error
 * whose message starts with "stale base": send the whole text. `token` names this check's
 * text of the file for the next one.
 */
export interface SourceInput {
  path: string; text?: string | Uint8Array; token?: number; base?: number;
  edits?: [number, number, string][];
}
export interface RuleFile { path: string; text: string; }
export interface Options { select?: string[]; ignore?: string[]; rules?: RuleFile[]; }
export interface RuleError { path: string; line: number; column: number; rule: string | null; message: string; }
export interface Position { line: number; column: number; }
export interface Edit { from: number; to: number; insert: string; }
export interface Fix { applicability: "safe" | "unsafe"; title: string; edits: Edit[]; }
export type Severity = "blocker" | "warning" | "info";
export interface Diagnostic {
  rule: string; name: string; severity: Severity; category: string; path: string;
  message: string; from: number; to: number; start: Position; end: Position; fix: Fix | null;
}
export interface SyntaxError {
  path: string; message: string; from: number; to: number; start: Position; end: Position;
}
export interface FileError { path: string; message: string; }
export interface Report {
  version: 1; files: number; diagnostics: Diagnostic[]; syntaxErrors: SyntaxError[];
  errors: FileError[]; ruleErrors: RuleError[];
}
export interface TreeNode {
  kind: string; field?: string; named: boolean; error?: boolean; from: number; to: number;
  start: Position; end: Position; children: TreeNode[];
}
export interface SyntaxTree { root: TreeNode | null; truncated: boolean; error: string | null; }
export interface CaseResult { case: string; passed: boolean; detail: string | null; }
export interface RuleTests { rule: RuleInfo; path: string; line: number; cases: CaseResult[]; }
export interface TestReport { rules: RuleTests[]; errors: RuleError[]; }
export interface RuleInfo {
  id: string; name: string; severity: Severity; category: string; message: string;
  /** Markdown. Empty for the built-in rules in web/pkg (built without the `explanations`
   *  feature: the page shows the build's HTML, dist/assets/rule-docs.js), and so missing
   *  from their `markdown` page there too. */
  explanation: string; markdown: string; bad: SourceFile[]; fixed: SourceFile[];
  fix: "safe" | "unsafe" | null;
}
export interface FixSelection {
  unsafe?: boolean; rules?: string[]; path?: string; rule?: string; from?: number;
}
export interface FixResult { files: SourceFile[]; applied: number[]; report: Report; ruleErrors: RuleError[]; }
"#;

#[wasm_bindgen(start)]
pub fn start() {
    // Readable panic messages in the console; the page still treats a panic as a trap
    // and re-creates the engine.
    console_error_panic_hook::set_once();
}

/// A file as `applyFixes` and the team rule options take it: `{path, text}`.
#[derive(Deserialize)]
struct JsFile {
    path: String,
    text: String,
}

/// The start of the error `check` throws when a file's edits are not to the text this
/// module last checked for it (the page then sends the whole text).
const STALE_BASE: &str = "stale base";

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsOptions {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    /// Team rule files: loaded and made part of the rule list for this call (and for
    /// `rules()` until the next call says otherwise).
    rules: Vec<JsFile>,
}

/// Without team rules there are no rule errors; `ruleErrors` is still there, empty, so
/// both modules answer in one shape.
#[cfg(not(feature = "team"))]
#[derive(serde::Serialize)]
enum RuleError {}

/// A result with the errors of the team rule files that did not load.
#[derive(serde::Serialize)]
struct WithRuleErrors<T: serde::Serialize> {
    #[serde(flatten)]
    result: T,
    #[serde(rename = "ruleErrors")]
    rule_errors: Vec<RuleError>,
}

/// What to fix: every fixable hit (safe only unless `unsafe`), optionally only some
/// rules, or the one hit at `path` + `from` (UTF-16 offset) of `rule`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct JsSelection {
    #[serde(rename = "unsafe")]
    include_unsafe: bool,
    rules: Option<Vec<String>>,
    path: Option<String>,
    rule: Option<String>,
    from: Option<usize>,
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn read_files(files: JsValue) -> Result<Vec<SourceFile>, JsError> {
    let files: Vec<JsFile> = serde_wasm_bindgen::from_value(files)
        .map_err(|e| JsError::new(&format!("files must be [{{path, text}}]: {e}")))?;
    Ok(files
        .into_iter()
        .map(|f| SourceFile::new(f.path, f.text))
        .collect())
}

/// Loads the team rules the options name (none: the built-in rules alone), then reads
/// the selectors, which may name them.
fn read_config(options: JsValue) -> Result<(Config, Vec<RuleError>), JsError> {
    let options: JsOptions = if options.is_undefined() || options.is_null() {
        JsOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options)
            .map_err(|e| JsError::new(&format!("bad options: {e}")))?
    };
    #[cfg(feature = "team")]
    let rule_errors = use_team(options.rules).errors;
    #[cfg(not(feature = "team"))]
    let rule_errors = if options.rules.is_empty() {
        Vec::new()
    } else {
        return Err(JsError::new(
            "this engine module is built without team rules: load the team module (web/pkg-team/) to use the `rules` option",
        ));
    };
    let mut config = Config::default();
    if let Some(select) = &options.select {
        config.select =
            Some(parse_selectors(select.iter().map(String::as_str)).map_err(|e| JsError::new(&e))?);
    }
    config.ignore =
        parse_selectors(options.ignore.iter().map(String::as_str)).map_err(|e| JsError::new(&e))?;
    Ok((config, rule_errors))
}

/// Loads team rule files and makes them the team rules of the rule list.
#[cfg(feature = "team")]
fn use_team(files: Vec<JsFile>) -> team::Loaded {
    let files: Vec<SourceFile> = files
        .into_iter()
        .map(|f| SourceFile::new(f.path, f.text))
        .collect();
    let loaded = team::load(&files);
    crate::rules::set_team(&loaded.rules);
    loaded
}

thread_local! {
    // The playground checks the same files again on every keystroke: keep their trees
    // and re-parse incrementally. Files no longer passed in are forgotten.
    static PARSE_CACHE: ParseCache = ParseCache::default();
}

/// A file of `check` (`SourceInput`): its whole text, or the edits since the text the
/// page named `base` in an earlier check. A 100 KB file's text costs the page a join of
/// the editor's lines and an encoding per keystroke; one typed character's edit does not.
struct JsInput {
    path: String,
    text: Option<String>,
    /// The page's name for this text, so a later check can send edits to it.
    token: Option<u32>,
    base: Option<u32>,
    edits: Vec<Utf16Edit>,
}

/// One `SourceInput`, read by hand rather than with serde (1 KB less of the page's gzipped
/// module).
fn read_input(value: JsValue) -> Result<JsInput, JsError> {
    let bad = |why: &str| JsError::new(&format!("files must be [{{path, text}}]: {why}"));
    let get = |key: &str| {
        js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let number = |v: JsValue| {
        v.as_f64()
            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
            .map(|n| n as u32)
    };
    let path = get("path")
        .as_string()
        .ok_or_else(|| bad("a file without a string path"))?;
    let text = get("text");
    let text = if text.is_undefined() {
        None
    } else if let Some(text) = text.as_string() {
        Some(text)
    } else if let Some(bytes) = text.dyn_ref::<js_sys::Uint8Array>() {
        // What the page sends: the browser encodes natively, where wasm-bindgen's glue
        // copies a string into the module one character at a time.
        Some(String::from_utf8(bytes.to_vec()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            bad(&format!("text is not UTF-8 (invalid byte at offset {at})"))
        })?)
    } else {
        return Err(bad(&format!(
            "{path}: text must be a string or its UTF-8 bytes (Uint8Array)"
        )));
    };
    let listed = get("edits");
    let edits = if listed.is_undefined() {
        Vec::new()
    } else {
        let edit = |edit: JsValue| {
            let part = |i: u32| js_sys::Reflect::get_u32(&edit, i).unwrap_or(JsValue::UNDEFINED);
            let (from, to) = (number(part(0))?, number(part(1))?);
            Some((from as usize, to as usize, part(2).as_string()?))
        };
        listed
            .dyn_into::<js_sys::Array>()
            .ok()
            .and_then(|list| list.iter().map(edit).collect::<Option<Vec<_>>>())
            .ok_or_else(|| bad(&format!("{path}: edits must be [from, to, insert] arrays")))?
    };
    Ok(JsInput {
        path,
        text,
        token: number(get("token")),
        base: number(get("base")),
        edits,
    })
}

/// The page's name for each file's text (`ParseCache::tag`, once checked), by path.
type Tags = Vec<(String, Tag)>;

/// The files of `check`, each file's text rebuilt from its edits where it came as edits
/// (from the text PARSE_CACHE keeps, which must be the one the page named `base`), with
/// the page's names for them to keep once checked.
fn read_inputs(files: JsValue) -> Result<(Vec<SourceFile>, Tags), JsError> {
    let inputs = files
        .dyn_into::<js_sys::Array>()
        .map_err(|_| JsError::new("files must be [{path, text}]: not an array"))?
        .iter()
        .map(read_input)
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = Vec::with_capacity(inputs.len());
    let mut named = Vec::new();
    for input in inputs {
        let (text, ascii) = match (input.text, input.base) {
            (Some(text), _) => {
                // Known only when the page will send edits to it.
                let ascii = input.token.is_some() && text.is_ascii();
                (text, ascii)
            }
            (None, Some(base)) => {
                let stale =
                    |why: &str| JsError::new(&format!("{STALE_BASE}: {}: {why}", input.path));
                let (text, ascii) = PARSE_CACHE
                    .with(|cache| {
                        cache.with_tagged_text(&input.path, base, |old, ascii| {
                            let text = apply_utf16_edits(old, ascii, &input.edits);
                            let inserted_ascii = input.edits.iter().all(|(_, _, i)| i.is_ascii());
                            (text, ascii && inserted_ascii)
                        })
                    })
                    .ok_or_else(|| stale("not the text last checked"))?;
                (text.map_err(stale)?, ascii)
            }
            (None, None) => {
                return Err(JsError::new(&format!(
                    "files must be [{{path, text}}]: {} has neither text nor edits",
                    input.path
                )))
            }
        };
        if let Some(token) = input.token {
            named.push((input.path.clone(), Tag { token, ascii }));
        }
        files.push(SourceFile::new(input.path, text));
    }
    Ok((files, named))
}

/// Checks files `[{path, text}]` (or a file's edits since its last check: `SourceInput`)
/// with options `{select?, ignore?}`.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "SourceInput[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let (files, named) = read_inputs(files)?;
    let (config, rule_errors) = read_config(options)?;
    let report: Report = PARSE_CACHE
        .with(|cache| check_cached(&files, &|_, rule| config.is_enabled(rule), Some(cache)));
    // PARSE_CACHE now holds these texts: these are their names (a file sent without one
    // can only be sent whole next time).
    PARSE_CACHE.with(|cache| {
        for (path, tag) in named {
            cache.tag(&path, tag);
        }
    });
    to_js(&WithRuleErrors {
        result: JsReport::new(&files, &report),
        rule_errors,
    })
}

/// The syntax tree of `text` as team rules see it: kinds, fields, ranges.
#[wasm_bindgen(js_name = syntaxTree, unchecked_return_type = "SyntaxTree")]
pub fn syntax_tree(text: &str) -> Result<JsValue, JsError> {
    to_js(&crate::syntax_tree::syntax_tree(text))
}

/// Loads team rule files `[{path, text}]` and runs each rule's examples and cases.
/// The rules stay in the rule list, as after `check` with them.
#[cfg(feature = "team")]
#[wasm_bindgen(js_name = testRules, unchecked_return_type = "TestReport")]
pub fn test_rules(
    #[wasm_bindgen(unchecked_param_type = "RuleFile[]")] files: JsValue,
) -> Result<JsValue, JsError> {
    let files: Vec<JsFile> = serde_wasm_bindgen::from_value(files)
        .map_err(|e| JsError::new(&format!("rule files must be [{{path, text}}]: {e}")))?;
    let loaded = use_team(files);
    #[derive(serde::Serialize)]
    struct RuleTests {
        rule: JsRule,
        path: String,
        line: usize,
        cases: Vec<team::selftest::CaseResult>,
    }
    #[derive(serde::Serialize)]
    struct TestReport {
        rules: Vec<RuleTests>,
        errors: Vec<RuleError>,
    }
    let rules = loaded
        .rules
        .iter()
        .map(|rule| {
            let team = team::team_of(rule).expect("loaded rules are team rules");
            RuleTests {
                rule: JsRule::new(rule),
                path: team.path.clone(),
                line: team.line,
                cases: team::selftest::run(rule),
            }
        })
        .collect();
    to_js(&TestReport {
        rules,
        errors: loaded.errors,
    })
}

/// Every rule with its documentation and examples.
#[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
pub fn rules() -> Result<JsValue, JsError> {
    to_js(
        &crate::rules::all()
            .iter()
            .map(|r| JsRule::new(r))
            .collect::<Vec<_>>(),
    )
}

/// Applies fixes chosen by `selection` and returns `{files, applied, report}`.
#[wasm_bindgen(js_name = applyFixes, unchecked_return_type = "FixResult")]
pub fn apply_fixes(
    #[wasm_bindgen(unchecked_param_type = "SourceFile[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FixSelection | undefined")] selection: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let files = read_files(files)?;
    let (config, rule_errors) = read_config(options)?;
    let selection: JsSelection = if selection.is_undefined() || selection.is_null() {
        JsSelection::default()
    } else {
        serde_wasm_bindgen::from_value(selection)
            .map_err(|e| JsError::new(&format!("bad selection: {e}")))?
    };
    let rules = match &selection.rules {
        Some(ids) => {
            Some(parse_selectors(ids.iter().map(String::as_str)).map_err(|e| JsError::new(&e))?)
        }
        None => None,
    };
    // One hit: its place as a byte offset, converted once rather than per diagnostic.
    let one_hit = match (&selection.path, &selection.rule, selection.from) {
        (Some(path), Some(rule), Some(from)) => {
            let text = files
                .iter()
                .find(|f| &f.path == path)
                .map_or("", |f| f.text.as_str());
            Some((
                path.as_str(),
                rule.as_str(),
                crate::js::byte_offset(text, from),
            ))
        }
        _ => None,
    };
    let wanted = |d: &Diagnostic| {
        let Some(fix) = &d.fix else { return false };
        if fix.applicability == crate::diagnostic::Applicability::Unsafe
            && !selection.include_unsafe
            && selection.from.is_none()
        {
            return false;
        }
        if let Some(rules) = &rules {
            if !rules
                .iter()
                .any(|s| crate::rules::find(d.rule).is_some_and(|r| s.matches(r)))
            {
                return false;
            }
        }
        one_hit.is_none_or(|(path, rule, start)| {
            d.path == path && d.rule == rule && d.range.start == start
        })
    };
    // One hit: one round, so offsets of the original text stay meaningful.
    let rounds = if selection.from.is_some() {
        1
    } else {
        crate::engine::MAX_FIX_ROUNDS
    };
    let outcome = fix_files(&files, &|_, rule| config.is_enabled(rule), &wanted, rounds);
    to_js(&WithRuleErrors {
        result: JsFixResult::new(&outcome),
        rule_errors,
    })
}

/// Panics on purpose, so the page's recovery from an engine trap can be tested.
#[wasm_bindgen(js_name = panicForTesting)]
pub fn panic_for_testing() {
    panic!("wagcheck: panic requested by panicForTesting()");
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}
