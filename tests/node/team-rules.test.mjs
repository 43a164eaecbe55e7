// Team rules through the wasm API: the same rule gives the same hits in the page's engine and
// in the CLI (`--rules`), rule files that are wrong come back as errors at their line and
// column, the examples run as tests, and the syntax tree names kinds, fields and ranges.
// Team rules run in the second module (web/pkg-team); the page's first module (web/pkg) is
// built without them, refuses them clearly, and keeps the syntax tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { cliBinary, cliPosition, loadEngine, ROOT } from "./engine.mjs";

const api = await loadEngine("pkg-team");
const core = await loadEngine("pkg");
const RULES_DIR = path.join(ROOT, "examples/team-rules");
const ruleFiles = fs
  .readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort()
  .map((f) => ({ path: `examples/team-rules/${f}`, text: fs.readFileSync(path.join(RULES_DIR, f), "utf8") }));

// Code each example rule fires on, and near misses it must leave alone.
const CODE = [
  {
    path: "app/services.py",
    text: [
      "from django.core.cache import cache, caches",
      "",
      "def invalidate():",
      "    cache.delete_pattern('blog:*')",
      "    try:",
      "        caches['x'].delete_pattern('a:*')",
      "    except AttributeError:",
      "        pass",
      "    if Post.objects.filter(ok=True).count() > 0:",
      "        return Author.objects.raw('SELECT 1')  # é",
      "    return qs.count() > 10",
      "",
    ].join("\n"),
  },
  { path: "app/other.py", text: "TOP = Author.objects.raw('SELECT 1')\nx = qs.count() > 0\n" },
];

function cliReport(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wagcheck-team-"));
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.text);
    }
    const out = spawnSync(
      cliBinary(),
      ["check", "--no-config", "--rules", RULES_DIR, "--select", "ACME", "--format", "json", ...files.map((f) => f.path)],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(out.status, 1, out.stderr);
    return JSON.parse(out.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the same team rules give the same hits in the wasm engine and the CLI", () => {
  const wasm = api.check(CODE, { rules: ruleFiles, select: ["ACME"] });
  assert.deepEqual(wasm.ruleErrors, []);
  const cli = cliReport(CODE);
  const shape = (d, pos) => ({ rule: d.rule, path: d.path, start: pos(d), message: d.message, fix: d.fix?.applicability ?? null });
  const text = (p) => CODE.find((f) => f.path === p).text;
  const fromWasm = wasm.diagnostics.map((d) => shape(d, (x) => cliPosition(text(x.path), x.from)));
  const fromCli = cli.diagnostics.map((d) => shape(d, (x) => x.start));
  assert.deepEqual(fromWasm, fromCli);
  assert.deepEqual(
    fromWasm.map((d) => `${d.rule} ${d.path}:${d.start.line}`),
    [
      "ACME002 app/other.py:2",
      "ACME001 app/services.py:4",
      "ACME002 app/services.py:9",
      "ACME003 app/services.py:10",
    ],
  );
});

test("team rules show in rules() and their fixes apply through applyFixes", () => {
  const files = [{ path: "a.py", text: "ok = qs.count() > 0\n" }];
  const result = api.applyFixes(files, { unsafe: true }, { rules: ruleFiles });
  assert.equal(result.files[0].text, "ok = qs.exists()\n");
  const info = api.rules().find((r) => r.id === "ACME002");
  assert.equal(info.fix, "unsafe");
  assert.match(info.markdown, /# count-to-test-existence \(ACME002\)/);
  // Without rules in the options, the rule list is the built-in one again.
  api.check(files, {});
  assert.equal(api.rules().find((r) => r.id === "ACME002"), undefined);
});

test("a wrong rule file is an error at its line and column; the other rules run", () => {
  const broken = { path: "broken.yml", text: ruleFiles[1].text.replace("pattern: $QS.count() > 0", "pattern: $QS.count( > 0") };
  const report = api.check([{ path: "a.py", text: "if qs.count() > 0:\n    cache.delete_pattern('x')\n" }], {
    rules: [ruleFiles[0], broken],
  });
  assert.equal(report.ruleErrors.length, 1);
  const error = report.ruleErrors[0];
  assert.equal(error.path, "broken.yml");
  assert.equal(error.rule, "ACME002");
  assert.equal(error.line, 20);
  assert.equal(error.column, 3);
  assert.match(error.message, /not valid Python/);
  assert.deepEqual(report.diagnostics.map((d) => d.rule), ["ACME001"]);
});

test("testRules runs every example and case", () => {
  const result = api.testRules(ruleFiles);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.rules.map((r) => r.rule.id), ["ACME001", "ACME003", "ACME002"]);
  for (const r of result.rules) for (const c of r.cases) assert.ok(c.passed, `${r.rule.id} ${c.case}: ${c.detail}`);
  const fixCase = result.rules[2].cases.find((c) => c.case.startsWith("the fix turns"));
  assert.ok(fixCase?.passed);
});

test("the first-load module has no team rules: a clear error, not a silent empty result", () => {
  assert.equal(core.testRules, undefined);
  assert.throws(() => core.check(CODE, { rules: ruleFiles }), /built without team rules/);
  const report = core.check(CODE, { rules: [] });
  assert.deepEqual(report.ruleErrors, []);
  assert.deepEqual(
    core.rules().map((r) => r.id),
    api.rules().map((r) => r.id).filter((id) => !id.startsWith("ACME")),
  );
});

test("syntaxTree names kinds, fields and UTF-16 ranges (in both modules)", () => {
  assert.deepEqual(core.syntaxTree("x = 1\n"), api.syntaxTree("x = 1\n"));
  const tree = core.syntaxTree("é = cache.get(k)\n");
  assert.equal(tree.root.kind, "module");
  const assignment = tree.root.children[0].children[0];
  const right = assignment.children.find((c) => c.field === "right");
  assert.equal(right.kind, "call");
  assert.deepEqual([right.from, right.to], [4, 16]);
  assert.deepEqual(right.start, { line: 1, column: 5 });
  assert.equal(tree.truncated, false);
});
