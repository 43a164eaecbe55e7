// The wasm API under node: shapes, positions, every rule's examples and fixes, options, errors.
// Rules are whatever rules() returns; each one is held to the same strict checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { loadEngine, position, ROOT } from "./engine.mjs";

const api = await loadEngine();
const RULES = api.rules();
const SEVERITIES = ["blocker", "warning", "info"];

function checkOk(files, options) {
  const report = api.check(files, options);
  assert.equal(report.version, 1);
  assert.equal(report.files, files.length);
  assert.ok(Array.isArray(report.diagnostics) && Array.isArray(report.syntaxErrors) && Array.isArray(report.errors));
  return report;
}

/** Every position a report carries is inside its file and agrees with line/column. */
function assertPositions(files, report) {
  const text = (p) => files.find((f) => f.path === p)?.text;
  for (const item of [...report.diagnostics, ...report.syntaxErrors]) {
    const t = text(item.path);
    assert.ok(t !== undefined, `unknown path ${item.path}`);
    assert.ok(0 <= item.from && item.from <= item.to && item.to <= t.length, `${JSON.stringify(item)} out of range`);
    assert.deepEqual(position(t, item.from), item.start, `start of ${item.rule ?? "syntax error"} at ${item.from}`);
    assert.deepEqual(position(t, item.to), item.end, `end of ${item.rule ?? "syntax error"} at ${item.to}`);
    for (const edit of item.fix?.edits || []) {
      assert.ok(0 <= edit.from && edit.from <= edit.to && edit.to <= t.length, `edit ${JSON.stringify(edit)} out of range`);
      assert.equal(typeof edit.insert, "string");
    }
  }
}

test("version() is the crate's version", () => {
  const cargo = fs.readFileSync(path.join(ROOT, "crate/Cargo.toml"), "utf8");
  assert.equal(api.version(), /^version = "([^"]+)"/m.exec(cargo)[1]);
});

test("the first module carries no explanation: the page gets them once, as the build's HTML", async () => {
  // web/pkg is built without the `explanations` feature (crate/src/rule.rs, `explanation!`):
  // a rule file that includes its Markdown another way would put it back in the first load.
  const full = new Map((await loadEngine("pkg-team")).rules().map((r) => [r.id, r]));
  const wasm = fs.readFileSync(path.join(ROOT, "web/pkg/wagcheck_bg.wasm"));
  for (const rule of RULES) {
    assert.equal(rule.explanation, "", `${rule.id}: explanation text in the first module`);
    const text = full.get(rule.id)?.explanation ?? "";
    assert.match(text, /## What it does/, `${rule.id}: the team module (and the CLI) keep it`);
    const line = text.split("\n").find((l) => l.length > 60 && !l.startsWith("```") && !/^\s/.test(l));
    if (line) assert.equal(wasm.indexOf(line), -1, `${rule.id}: "${line}" is in web/pkg's module`);
  }
});

test("rules() gives complete, unique rule records", () => {
  const ids = new Set();
  for (const rule of RULES) {
    assert.ok(!ids.has(rule.id), `duplicate ${rule.id}`);
    ids.add(rule.id);
    assert.match(rule.id, /^[A-Z]+[0-9]+$/);
    assert.match(rule.name, /^[a-z][a-z-]*$/);
    assert.ok(SEVERITIES.includes(rule.severity), rule.id);
    for (const key of ["category", "message", "markdown"]) {
      assert.equal(typeof rule[key], "string", `${rule.id}.${key}`);
      assert.ok(rule[key].length > 0, `${rule.id}.${key} empty`);
    }
    assert.ok(rule.markdown.includes(rule.id), `${rule.id}: markdown lacks its id`);
    assert.ok([null, "safe", "unsafe"].includes(rule.fix), `${rule.id}.fix`);
    for (const key of ["bad", "fixed"]) {
      assert.ok(rule[key].length > 0, `${rule.id}.${key} has no file`);
      for (const f of rule[key]) assert.ok(typeof f.path === "string" && typeof f.text === "string");
    }
  }
});

for (const rule of RULES) {
  test(`${rule.id}: the bad example hits, the fixed example is clean`, () => {
    const bad = checkOk(rule.bad);
    assert.deepEqual(bad.syntaxErrors, [], `${rule.id} bad example does not parse`);
    const hits = bad.diagnostics.filter((d) => d.rule === rule.id);
    assert.ok(hits.length > 0, `${rule.id}: no hit on its bad example`);
    for (const d of hits) {
      assert.equal(d.name, rule.name);
      assert.equal(d.severity, rule.severity);
      assert.equal(d.category, rule.category);
      if (rule.fix) assert.ok(d.fix === null || d.fix.applicability === rule.fix, `${rule.id}: fix kind`);
      else assert.equal(d.fix, null);
    }
    assertPositions(rule.bad, bad);
    const fixed = checkOk(rule.fixed);
    assert.deepEqual(fixed.syntaxErrors, [], `${rule.id} fixed example does not parse`);
    assert.deepEqual(fixed.diagnostics.map((d) => `${d.rule} ${d.path}:${d.start.line}`), [], `${rule.id}: fixed example has hits`);
  });

  test(`${rule.id}: select and ignore`, () => {
    const only = checkOk(rule.bad, { select: [rule.id] });
    assert.ok(only.diagnostics.length > 0);
    assert.ok(only.diagnostics.every((d) => d.rule === rule.id));
    const without = checkOk(rule.bad, { ignore: [rule.id] });
    assert.ok(without.diagnostics.every((d) => d.rule !== rule.id));
  });

  test(`${rule.id}: positions survive non-ASCII text (UTF-16 offsets)`, () => {
    const prefix = "# é 😀 naïve — ünïcode\n";
    const files = rule.bad.map((f) => ({ path: f.path, text: prefix + f.text }));
    const plain = checkOk(rule.bad).diagnostics.filter((d) => d.rule === rule.id);
    const shifted = checkOk(files).diagnostics.filter((d) => d.rule === rule.id);
    assertPositions(files, { diagnostics: shifted, syntaxErrors: [] });
    const slice = (fs, d) => fs.find((f) => f.path === d.path).text.slice(d.from, d.to);
    // Hits on a file's first line may fairly move to the new first line (IMP001 points there).
    assert.deepEqual(
      shifted.filter((d) => d.start.line > 2).map((d) => [d.path, d.start.line - 1, slice(files, d)]),
      plain.filter((d) => d.start.line > 1).map((d) => [d.path, d.start.line, slice(rule.bad, d)]),
    );
  });

  if (rule.fix) {
    test(`${rule.id}: applyFixes removes the hits and the result parses`, () => {
      const result = api.applyFixes(rule.bad, { unsafe: true, rules: [rule.id] });
      assert.ok(result.applied.length > 0, `${rule.id}: no fix applied`);
      assert.deepEqual(result.report.syntaxErrors, [], `${rule.id}: fixed code does not parse`);
      assert.deepEqual(result.report.diagnostics.filter((d) => d.rule === rule.id), []);
      // The report is the check of the returned files.
      const again = checkOk(result.files);
      assert.deepEqual(again.diagnostics, result.report.diagnostics);
      if (rule.fix === "unsafe") {
        const safeOnly = api.applyFixes(rule.bad, { rules: [rule.id] });
        assert.deepEqual(safeOnly.files, rule.bad, `${rule.id}: an unsafe fix ran without unsafe: true`);
      }
    });

    test(`${rule.id}: one hit fixed by path + rule + from`, () => {
      const hit = checkOk(rule.bad).diagnostics.find((d) => d.rule === rule.id && d.fix);
      assert.ok(hit, `${rule.id}: no fixable hit`);
      const result = api.applyFixes(rule.bad, { path: hit.path, rule: hit.rule, from: hit.from });
      // `applied` counts the fixes applied in each file: one in all.
      assert.equal(result.applied.reduce((a, b) => a + b, 0), 1);
      const before = checkOk(rule.bad).diagnostics.filter((d) => d.rule === rule.id).length;
      const after = result.report.diagnostics.filter((d) => d.rule === rule.id).length;
      assert.ok(after < before, `${rule.id}: the hit is still there`);
      // The edits of the hit, applied in JS, give the same file.
      const file = rule.bad.find((f) => f.path === hit.path);
      let text = file.text;
      for (const e of [...hit.fix.edits].sort((a, b) => b.from - a.from)) text = text.slice(0, e.from) + e.insert + text.slice(e.to);
      assert.equal(result.files.find((f) => f.path === hit.path).text, text);
    });
  }
}

test("syntax errors are reported with positions, and checking goes on", () => {
  const files = [
    { path: "broken.py", text: "def f(:\n    return 1\n" },
    { path: "ok.py", text: "x = 1\n" },
  ];
  const report = checkOk(files);
  assert.ok(report.syntaxErrors.length > 0);
  assert.ok(report.syntaxErrors.every((e) => e.path === "broken.py" && e.message.length > 0));
  assertPositions(files, report);
});

test("empty input and empty files", () => {
  assert.equal(checkOk([]).diagnostics.length, 0);
  const r = checkOk([{ path: "empty.py", text: "" }]);
  assert.deepEqual([r.diagnostics, r.syntaxErrors, r.errors], [[], [], []]);
});

test("a file's text may come as UTF-8 bytes (the page's keystroke path): same report; bad UTF-8 is refused", async () => {
  const { inlineInputs } = await import("../../web/engine.js");
  // Non-ASCII before the hits, so positions (UTF-16 in the report) differ from byte offsets.
  const files = RULES.flatMap((r, i) => r.bad.map((f) => ({ path: `r${i}/${f.path}`, text: `# café ☕ 𝄞\n${f.text}` })));
  const asText = checkOk(files);
  assert.ok(asText.diagnostics.length > 10);
  const { inputs } = inlineInputs(files, new Map(), () => 0);
  assert.ok(inputs.every((f) => f.text instanceof Uint8Array));
  assert.deepEqual(checkOk(inputs), asText);
  assertPositions(files, asText);
  assert.throws(
    () => api.check([{ path: "bad.py", text: new Uint8Array([0x78, 0x20, 0xff, 0x0a]) }], {}),
    /text is not UTF-8 \(invalid byte at offset 2\)/,
  );
  assert.equal(checkOk([{ path: "a.py", text: "x = 1\n" }]).files, 1);
});

test("a file checked again in the page as its edits since the last check gives the report of its whole text", async () => {
  const { Engine, DocFile } = await import("../../web/engine.js");
  const { EditorState } = await import("@codemirror/state");
  const savedWorker = globalThis.Worker;
  globalThis.Worker = class {
    postMessage() {}
    terminate() {}
  };
  try {
    const engine = new Engine({ workerUrl: "worker.js" });
    // Every check in the page, however long it takes on this machine.
    engine.measured = () => {};
    /** What each check sent the module, and the texts and report it gave. */
    const sent = [];
    const checks = [];
    engine.inline = {
      check(inputs, options) {
        sent.push(inputs);
        return api.check(inputs, options);
      },
    };
    let seed = 11;
    const random = (n) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ["x", "\n", "    ", "é", "😀", ".filter(a=1)", "def f(request):\n    return Page.objects.all()\n", "for p in Page.objects.all():\n    p.specific\n", "(", "'"];
    // Every rule's bad examples, after a non-ASCII line (UTF-16 offsets differ from bytes).
    let a = EditorState.create({ doc: `# café ☕ 𝄞\n${RULES.flatMap((r) => r.bad.map((f) => f.text)).join("\n")}` });
    const b = EditorState.create({ doc: "from wagtail.models import Page\n\nclass BlogPage(Page):\n    pass\n" });
    /** A place between two characters (never inside a surrogate pair), as CodeMirror gives them. */
    const place = (doc) => {
      const text = doc.toString();
      let at = random(text.length + 1);
      if (at > 0 && at < text.length && /[\uDC00-\uDFFF]/.test(text[at])) at -= 1;
      return at;
    };
    const check = (edit, doc) => {
      const files = [new DocFile("a.py", doc, edit), new DocFile("b.py", b.doc)];
      const report = engine.checkNow(files, {});
      assert.ok(report, "checked in the page");
      checks.push({ texts: [doc.toString(), b.doc.toString()], report });
    };
    check(null, a.doc);
    for (let step = 0; step < 150; step++) {
      // One change, two in one transaction, or two transactions composed (as the checker does).
      const changes = [];
      for (let n = 1 + random(2); n > 0; n--) {
        const from = place(a.doc);
        const to = random(3) ? from : Math.min(a.doc.length, place(a.doc) < from ? from : from + random(40));
        const safeTo = to < a.doc.length && /[\uDC00-\uDFFF]/.test(a.doc.toString()[to]) ? to - 1 : to;
        changes.push({ from, to: Math.max(from, safeTo), insert: pieces[random(pieces.length)] });
      }
      changes.sort((x, y) => x.from - y.from);
      const disjoint = changes.filter((c, i) => i === 0 || c.from >= changes[i - 1].to);
      const tr = a.update({ changes: disjoint });
      let edit = { base: a.doc, changes: tr.changes };
      a = tr.state;
      if (random(4) === 0) {
        const more = a.update({ changes: { from: place(a.doc), insert: "y" } });
        edit = { base: edit.base, changes: edit.changes.compose(more.changes) };
        a = more.state;
      }
      check(edit, a.doc);
    }
    // Edits were sent, not texts: the other file as unchanged, the typed one as its changes.
    const edited = sent.slice(1);
    assert.ok(edited.every((inputs) => inputs.every((f) => f.text === undefined && Array.isArray(f.edits))));
    assert.ok(edited.every((inputs) => inputs[1].edits.length === 0 && inputs[0].edits.length > 0));

    // An edit not from the text last checked (a check skipped): the whole text, and right.
    const skipped = a.update({ changes: { from: 0, insert: "z = 1\n" } }).state;
    const next = skipped.update({ changes: { from: 0, insert: "w = 2\n" } });
    check({ base: skipped.doc, changes: next.changes }, next.newDoc);
    assert.ok(sent.at(-1)[0].text instanceof Uint8Array);
    a = next.state;

    // The module checked other texts meanwhile (it has lost the page's): its refusal makes
    // the page send the whole texts, once.
    api.check([{ path: "other.py", text: "x = 1\n" }], {});
    const calls = sent.length;
    const last = a.update({ changes: { from: a.doc.length, insert: "v = 3\n" } });
    check({ base: a.doc, changes: last.changes }, last.newDoc);
    assert.equal(sent.length, calls + 2, "refused, then sent whole");
    assert.ok(sent.at(-1).every((f) => f.text instanceof Uint8Array));

    // Each report is the one the whole texts give.
    for (const { texts, report } of checks) {
      const files = [{ path: "a.py", text: texts[0] }, { path: "b.py", text: texts[1] }];
      assert.deepEqual(report, checkOk(files));
      assertPositions(files, report);
    }
    assert.ok(checks.some((c) => c.report.diagnostics.length > 10));
  } finally {
    globalThis.Worker = savedWorker;
  }
});

test("bad arguments throw a JS Error and leave the engine usable", () => {
  assert.throws(() => api.check("not files", {}), Error);
  assert.throws(() => api.check([{ path: 1 }], {}), Error);
  assert.throws(() => api.check([], { select: ["NOT A RULE !"] }), Error);
  assert.throws(() => api.applyFixes([], { from: "x" }), Error);
  // A file's edits: malformed, or to a text the module does not hold.
  assert.throws(() => api.check([{ path: "a.py", text: 5 }], {}), /text must be a string or its UTF-8 bytes/);
  assert.throws(() => api.check([{ path: "a.py" }], {}), /neither text nor edits/);
  assert.throws(() => api.check([{ path: "a.py", base: 1, edits: "x" }], {}), /edits must be \[from, to, insert\]/);
  assert.throws(() => api.check([{ path: "a.py", base: 1, edits: [[0, "1", "x"]] }], {}), /edits must be \[from, to, insert\]/);
  checkOk([{ path: "a.py", text: "x = 1\n", token: 7 }]);
  assert.throws(() => api.check([{ path: "a.py", base: 8, edits: [] }], {}), /^Error: stale base|stale base: a.py/);
  assert.throws(() => api.check([{ path: "a.py", base: 7, edits: [[9, 9, "y"]] }], {}), /stale base: a.py: an edit is past the text's end/);
  assert.equal(checkOk([{ path: "a.py", base: 7, edits: [[5, 5, "2"]], token: 8 }]).files, 1);
  assert.equal(checkOk([{ path: "a.py", text: "x = 1\n" }]).files, 1);
});

test("deeply nested code is reported, not a trap", () => {
  const deep = "x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n";
  const report = checkOk([{ path: "deep.py", text: deep }, { path: "ok.py", text: "x = 1\n" }]);
  assert.ok(report.errors.some((e) => e.path === "deep.py" && /nested/.test(e.message)), JSON.stringify(report.errors));
  assert.equal(checkOk([{ path: "a.py", text: "x = 1\n" }]).files, 1);
});

test("a panic traps the instance (the page re-creates it)", () => {
  // In a child process: a trapped instance is not reusable.
  const script = `
    import(${JSON.stringify(path.join(import.meta.dirname, "engine.mjs"))}).then(async (m) => {
      const api = await m.loadEngine();
      console.error = () => {};
      try { api.panicForTesting(); console.log("no trap"); }
      catch (e) { console.log(e instanceof WebAssembly.RuntimeError ? "trap" : "other " + e); }
    });`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(out.stdout.trim(), "trap", out.stderr);
});

test("the TypeScript declarations type the API (not any)", () => {
  const dts = fs.readFileSync(path.join(ROOT, "web/pkg/wagcheck.d.ts"), "utf8");
  for (const decl of [
    /export function check\(files: SourceInput\[\], options: Options \| undefined\): Report;/,
    /export function rules\(\): RuleInfo\[\];/,
    /export function applyFixes\(files: SourceFile\[\], selection: FixSelection \| undefined, options: Options \| undefined\): FixResult;/,
    /export function version\(\): string;/,
    /export interface Diagnostic \{/,
  ]) {
    assert.match(dts, decl);
  }
});
