// Team rules in the page: the first load leaves the team module alone and stays within its
// budget; the Rules view loads it, shows a rule's hits in the code as the rule is typed, marks
// a broken rule file at its line and column while the other rules still run, runs the rules'
// tests, and its rules go out and come back through a .yml file and a share link.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { openPage, ROOT, settled, setText, startBrowser } from "./browser.mjs";

let browser;
before(async () => (browser = await startBrowser()));
after(async () => browser && (await browser.close()));

const DIST = path.join(ROOT, "dist");
const TEAM_FILES = /team-worker\.js|wagcheck-team_bg\.wasm/;

const PRINT_RULE = `id: ACME100
name: print-call
severity: warning
message: "print() in app code: use the logger"
explanation: |
  ## What it does
  Finds print() calls.

  ## Why is this bad?
  Output of print() is lost in production; the logger keeps it.
rule:
  pattern: print($$$A)
examples:
  bad: "print(1)\\n"
  fixed: "logger.info(1)\\n"
`;

const CODE = "import logging\n\n\ndef view(request):\n    print(request)\n    return None\n";

const checks = (page) => page.evaluate(() => window.wagcheck.checker.checks);

/** Types text into the YAML editor (replacing it), as a paste would, and waits for its hits. */
async function setYaml(page, text) {
  const before = await checks(page);
  await page.evaluate((t) => {
    const view = window.wagcheck.rulesView.view;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t }, userEvent: "input.paste" });
  }, text);
  await rulesSettled(page, before);
}

/**
 * Waits until the Rules view has run the text now in its editor and the checker has checked
 * with it since `before` (its count of checks when the rules were changed).
 */
async function rulesSettled(page, before) {
  await page.waitForFunction(
    (n) => {
      const view = window.wagcheck.rulesView;
      const c = window.wagcheck.checker;
      return Boolean(view) && !view.busy && c.checks > n && !c.inFlight;
    },
    before,
    { timeout: 60000, polling: 100 },
  );
  await settled(page, 60000);
}

async function openRulesView(page) {
  const before = await checks(page);
  await page.click("a[href='#write']");
  await page.waitForSelector("[data-testid=yaml-editor] .cm-content", { timeout: 60000 });
  await rulesSettled(page, before);
}

const rulesOfReport = (page) => page.evaluate(() => window.wagcheck.checker.report.diagnostics.map((d) => `${d.rule}:${d.path}`));

test("the first load fetches no team code and stays under 700 KB gzip", async () => {
  const page = await browser.context.newPage();
  const fetched = new Set();
  page.on("request", (req) => fetched.add(new URL(req.url()).pathname.replace(/^\//, "") || "index.html"));
  await page.goto(browser.url);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
  await settled(page);
  await page.waitForTimeout(500);
  const firstLoad = JSON.parse(fs.readFileSync(path.join(DIST, "first-load.json"), "utf8"));
  const files = [...fetched].filter((f) => fs.existsSync(path.join(DIST, f)) && fs.statSync(path.join(DIST, f)).isFile());
  assert.deepEqual(files.filter((f) => TEAM_FILES.test(f)), [], "team module fetched at first load");
  // Everything fetched is in first-load.json (which the size test holds to the budget), but
  // the service worker, which the browser fetches on its own.
  assert.deepEqual(files.filter((f) => !firstLoad.includes(f) && f !== "sw.js"), []);
  const gz = files.filter((f) => f !== "sw.js").reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length, 0);
  assert.ok(gz < 700 * 1000, `first load ${gz} bytes gzip`);
  assert.equal(await page.evaluate(() => window.wagcheck.engines.teamStarted), false);
  await page.close();
});

test("the Rules view: the starter rule's tests pass and its hits show in the code", async () => {
  const { page, errors } = await openPage(browser.context, browser.url);
  const fetched = [];
  page.on("request", (req) => fetched.push(req.url()));
  await setText(page, "from django.core.cache import cache\n\n\ndef invalidate():\n    cache.delete_pattern('blog:*')\n");
  await settled(page);
  await openRulesView(page);
  assert.ok(fetched.some((u) => /team-worker\.js/.test(u)), "the team worker is loaded when the view opens");
  assert.ok(fetched.some((u) => /wagcheck-team_bg\.wasm/.test(u)));
  // examples/team-rules/cache.yml: three rules, every case passes.
  const cases = await page.locator(".rule-tests .case").count();
  assert.ok(cases >= 6, `${cases} cases`);
  assert.equal(await page.locator(".rule-tests .case.fail").count(), 0);
  assert.match(await page.locator(".rules-status").textContent(), /(\d+) of \1 tests pass/);
  // The built-in CACHE001 and the team's ACME001 both find the unguarded delete_pattern.
  const rules = await rulesOfReport(page);
  assert.ok(rules.includes("ACME001:example.py") || rules.some((r) => r.startsWith("ACME001:")), rules.join());
  assert.ok(rules.some((r) => r.startsWith("CACHE001:")), rules.join());
  // The explanation renders as the catalogue's does.
  assert.equal(await page.locator(".rules-doc .rule-doc[data-rule=ACME001] .rule-title").count(), 1);
  // A team hit's explanation opens in the checker, like a built-in one's.
  await page.locator(".hits li", { hasText: "ACME001" }).first().click();
  await page.waitForSelector(".explain .rule-doc[data-rule=ACME001]");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a rule's hits appear as it is typed; a broken rule file is marked at its line and column", async () => {
  const { page, errors } = await openPage(browser.context, browser.url);
  await setText(page, CODE);
  await settled(page);
  await openRulesView(page);
  await setYaml(page, PRINT_RULE);
  let rules = await rulesOfReport(page);
  assert.ok(rules.includes("ACME100:example.py") || rules.some((r) => r.startsWith("ACME100:")), rules.join());
  // The hit is a lint mark in the code editor.
  await page.waitForSelector(".checker .cm-lintRange");
  assert.equal(await page.locator(".rule-tests[data-rule=ACME100] .case.fail").count(), 0);

  // Typing the pattern further changes the hits: print(1, 2) only.
  await setYaml(page, PRINT_RULE.split("pattern: print($$$A)").join("pattern: print($A, $B)").replace('bad: "print(1)\\n"', 'bad: "print(1, 2)\\n"'));
  rules = await rulesOfReport(page);
  assert.ok(!rules.some((r) => r.startsWith("ACME100:")), rules.join());

  // A second rule whose pattern is not Python: an error at its line and column; the first runs.
  // (split/join: in replace()'s replacement text "$$" is one "$".)
  const second = PRINT_RULE.replace("ACME100", "ACME101").replace("print-call", "print-call-two").split("pattern: print($$$A)").join("pattern: print($$$A");
  const broken = `${PRINT_RULE}---\n${second}`;
  await setYaml(page, broken);
  const error = page.locator(".rules-error").first();
  await error.waitFor();
  const line = Number(await error.getAttribute("data-line"));
  const patternLine = broken.split("\n").findIndex((l) => l.endsWith("pattern: print($$$A")) + 1;
  assert.ok(patternLine > 20);
  assert.equal(line, patternLine, await error.textContent());
  assert.match(await error.textContent(), /not valid Python/);
  // Marked in the YAML editor too.
  await page.waitForSelector("[data-testid=yaml-editor] .cm-lintRange-error");
  rules = await rulesOfReport(page);
  assert.ok(rules.some((r) => r.startsWith("ACME100:")), `the good rule still runs: ${rules.join()}`);
  // Bad YAML: an error, not a frozen view.
  await setYaml(page, "id: [ACME1\n");
  assert.ok((await page.locator(".rules-error").count()) >= 1);
  assert.match(await page.locator(".rules-status").textContent(), /error/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("rules go out as a .yml file and a share link, and come back", async () => {
  const { page, errors } = await openPage(browser.context, browser.url);
  await setText(page, CODE);
  await settled(page);
  await openRulesView(page);
  await setYaml(page, PRINT_RULE);

  // Export: a download of the editor's text.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-action=rules-export]")]);
  assert.match(download.suggestedFilename(), /\.yml$/);
  const exported = fs.readFileSync(await download.path(), "utf8");
  assert.equal(exported, PRINT_RULE);

  // Load: the file picker replaces the editor's text and runs it.
  await setYaml(page, "");
  assert.ok(!(await rulesOfReport(page)).some((r) => r.startsWith("ACME100:")));
  let before = await checks(page);
  await page.setInputFiles(".rules-view input[type=file]", { name: "acme.yml", mimeType: "text/yaml", buffer: Buffer.from(exported) });
  await rulesSettled(page, before);
  assert.equal(await page.locator(".rules-path").textContent(), "acme.yml");
  assert.ok((await rulesOfReport(page)).some((r) => r.startsWith("ACME100:")));

  // Drag and drop of a .yml file loads it the same way.
  before = await checks(page);
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text.replace("ACME100", "ACME200")], "dropped.yml", { type: "text/yaml" }));
    const target = document.querySelector(".rules-view");
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, exported);
  await page.waitForFunction(() => document.querySelector(".rules-path")?.textContent === "dropped.yml");
  await rulesSettled(page, before);
  assert.ok((await rulesOfReport(page)).some((r) => r.startsWith("ACME200:")));

  // Share: the link carries the rules; opened in a fresh page, they run and the view shows them.
  await page.click("#copy-link");
  await page.waitForFunction(() => document.querySelector("#share-url").value.includes("#s="));
  const url = await page.locator("#share-url").inputValue();
  const other = await browser.context.newPage();
  await other.goto(url);
  await other.waitForSelector("html[data-ready=true]", { timeout: 30000 });
  await other.waitForFunction(
    () => window.wagcheck.checker.report?.diagnostics.some((d) => d.rule === "ACME200") && window.wagcheck.checker.ruleById.has("ACME200"),
    null,
    { timeout: 60000 },
  );
  await openRulesView(other);
  assert.match(await other.evaluate(() => window.wagcheck.rulesView.view.state.doc.toString()), /id: ACME200/);
  assert.equal(await other.locator(".rules-path").textContent(), "dropped.yml");
  await other.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("the syntax tree panel: kinds and fields, the node under the cursor, click to select, copy as pattern", async () => {
  const { page, errors } = await openPage(browser.context, browser.url);
  const code = "from django.core.cache import cache\n\n\ndef invalidate():\n    cache.delete_pattern('blog:*')\n";
  await setText(page, code);
  await settled(page);
  await openRulesView(page);
  await page.waitForSelector(".syntax-tree .tree-node[data-kind=call]");
  // Field names as tree-sitter gives them: the call's function is an attribute.
  const call = page.locator(".tree-node[data-kind=call]").first();
  const fn = page.locator(".tree-node[data-kind=call] + ul .tree-node[data-kind=attribute]").first();
  assert.match(await fn.textContent(), /^function: attribute \[5:5-5:25\]$/);
  // A click selects the node's code in the code editor.
  await call.click();
  const selected = await page.evaluate(() => {
    const s = window.wagcheck.checker.editorSelection();
    return window.wagcheck.checker.getFiles()[0].text.slice(s.from, s.to);
  });
  assert.equal(selected, "cache.delete_pattern('blog:*')");
  // The node under the cursor is highlighted: put the cursor inside the string.
  await page.evaluate((at) => window.wagcheck.checker.goTo(window.wagcheck.checker.editorSelection().path, at, at, false), code.indexOf("blog"));
  await page.waitForFunction(() => document.querySelector(".tree-node.current")?.dataset.kind === "string_content" || document.querySelector(".tree-node.current")?.dataset.kind === "string");
  assert.ok((await page.locator(".tree-node.ancestor[data-kind=call]").count()) === 1);
  // Copy as pattern: the selected call's code as a rule's pattern, with its kind.
  await call.click();
  await page.click("[data-action=copy-pattern]");
  const snippet = await page.locator("[data-testid=pattern-snippet]").textContent();
  assert.equal(snippet, "rule:\n  pattern: cache.delete_pattern('blog:*')\n  # kind: call\n");
  assert.deepEqual(errors, []);
  await page.close();
});
