// Same input, same diagnostics: the wasm API against the native CLI's `check --format json`, on
// every rule's bad and fixed examples (written to a temp dir), all rules' examples at once, and
// a file with non-ASCII text and a syntax error.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { cliBinary, cliPosition, loadEngine, ROOT } from "./engine.mjs";

const api = await loadEngine();
const RULES = api.rules();

const CLI = cliBinary();

function runCli(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wagcheck-parity-"));
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.text);
    }
    // The top folders (and top-level files), not each file: like the page, the CLI then
    // sees the whole project, which the rules about every file (SIG004) need.
    const tops = [...new Set(files.map((f) => f.path.split("/")[0]))];
    const out = spawnSync(CLI, ["check", "--format", "json", "--no-cache", ...tops], { cwd: dir, encoding: "utf8" });
    assert.ok([0, 1].includes(out.status), `CLI exit ${out.status}: ${out.stderr}`);
    return JSON.parse(out.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const key = (d) => `${d.path}:${d.start.line}:${d.start.column}:${d.rule ?? ""}`;

/** The wasm report in the CLI's shape (columns in Unicode scalar values, edits by position). */
function wasmAsCli(files, report) {
  const text = (p) => files.find((f) => f.path === p).text;
  const pos = (p, offset) => cliPosition(text(p), offset);
  return {
    version: report.version,
    files: report.files,
    diagnostics: report.diagnostics
      .map((d) => ({
        rule: d.rule,
        name: d.name,
        severity: d.severity,
        path: d.path,
        start: pos(d.path, d.from),
        end: pos(d.path, d.to),
        message: d.message,
        fix: d.fix && {
          applicability: d.fix.applicability,
          title: d.fix.title,
          edits: d.fix.edits.map((e) => ({ content: e.insert, start: pos(d.path, e.from), end: pos(d.path, e.to) })),
        },
      }))
      .sort((a, b) => key(a).localeCompare(key(b))),
    syntax_errors: report.syntaxErrors
      .map((e) => ({ path: e.path, start: pos(e.path, e.from), end: pos(e.path, e.to), message: e.message }))
      .sort((a, b) => key(a).localeCompare(key(b))),
    errors: report.errors,
  };
}

function normalizeCli(json) {
  const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  return {
    version: json.version,
    files: json.files,
    diagnostics: json.diagnostics
      .map((d) => ({
        ...pick(d, ["rule", "name", "severity", "path", "start", "end", "message"]),
        fix: d.fix && {
          applicability: d.fix.applicability,
          title: d.fix.title,
          edits: d.fix.edits.map((e) => pick(e, ["content", "start", "end"])),
        },
      }))
      .sort((a, b) => key(a).localeCompare(key(b))),
    syntax_errors: (json.syntax_errors || []).map((e) => pick(e, ["path", "start", "end", "message"])).sort((a, b) => key(a).localeCompare(key(b))),
    errors: json.errors || [],
  };
}

function assertSame(files) {
  const cli = normalizeCli(runCli(files));
  const wasm = wasmAsCli(files, api.check(files, {}));
  assert.deepEqual(wasm, cli);
  return wasm;
}

test("the CLI speaks the JSON format", () => {
  const json = runCli([{ path: "a.py", text: "x = 1\n" }]);
  assert.equal(json.version, 1);
  assert.equal(json.files, 1);
  assert.ok(Array.isArray(json.diagnostics));
});

for (const rule of RULES) {
  test(`${rule.id}: the CLI and the wasm API agree on the bad and fixed examples`, () => {
    const bad = assertSame(rule.bad);
    assert.ok(bad.diagnostics.some((d) => d.rule === rule.id), `${rule.id}: no hit`);
    assertSame(rule.fixed);
  });
}

test("all examples at once, non-ASCII text and a syntax error: same output", () => {
  const files = [];
  RULES.forEach((rule, i) => {
    for (const f of rule.bad) files.push({ path: `r${i}/bad/${f.path}`, text: f.text });
    for (const f of rule.fixed) files.push({ path: `r${i}/fixed/${f.path}`, text: f.text });
  });
  // In a folder, so the CLI is given folders only: the whole project, as the page sees it.
  files.push({ path: "misc/unicode.py", text: "# é 😀\ns = 'naïve 😀'\n" + (RULES[0]?.bad[0].text ?? "x = 1\n") });
  files.push({ path: "misc/broken.py", text: "def f(:\n    return 'é'\n" });
  const wasm = assertSame(files);
  assert.ok(wasm.syntax_errors.some((e) => e.path === "misc/broken.py"));
});
