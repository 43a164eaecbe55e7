// The playground in headless Chromium: examples, lint marks, hit list, explanation, fixes through
// the diff, several files, the catalogue, sharing, storage, crash recovery, big pastes, layout.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadExample, openPage, ROOT, setText, settled, startBrowser } from "./browser.mjs";
import { SEED_EXAMPLES as SEEDS } from "../../web/seeds.js";
import { loadEngine } from "../node/engine.mjs";

const PANIC = [/panicForTesting|panic requested|RuntimeError: unreachable/];
let browser;
let rules;

before(async () => {
  browser = await startBrowser();
  const { page } = await openPage(browser.context, browser.url);
  rules = await page.evaluate(() => window.wagcheck.rules);
  await page.close();
});
after(async () => browser && (await browser.close()));

async function freshPage(options) {
  const opened = await openPage(browser.context, browser.url, options);
  await opened.page.evaluate(() => localStorage.clear());
  return opened;
}

/** Waits until the files differ from `before` (an accepted fix has landed). */
async function changedFrom(page, before) {
  await page.waitForFunction((b) => JSON.stringify(window.wagcheck.checker.getFiles()) !== b, JSON.stringify(before));
}

/** Loads the first seed example; returns its rule. */
async function loadFirstSeed(page) {
  const first = rules.find((r) => r.id === SEEDS[0]);
  assert.ok(first, `${SEEDS[0]} is a rule`);
  await loadExample(page, first.id);
  return first;
}

const hitRows = (page, id) => page.locator(id ? `.hits .hit[data-rule="${id}"]` : ".hits .hit:not(.hit-syntax)");

test("the page loads from its own origin only, under a strict CSP, with no console errors", async () => {
  const { page, errors } = await freshPage();
  await settled(page);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*(https?:|'unsafe-inline')/);
  assert.equal(await page.locator("script:not([src])").count(), 0, "no inline script");
  assert.match(await page.textContent("#version"), /engine \d+\.\d+\.\d+ · \d+ rules/);
  const options = await page.locator("#examples option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(options, [...SEEDS, "clean"]);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const id of SEEDS) {
  test(`seed example ${id}: hits as lint marks and list rows, hover tooltip, explanation`, async () => {
    const rule = rules.find((r) => r.id === id);
    assert.ok(rule, `${id} is a rule`);
    const { page, errors } = await freshPage();
    await loadExample(page, id);
    const tabs = await page.locator(".tab").evaluateAll((ts) => ts.map((x) => x.dataset.path));
    assert.deepEqual(tabs, rule.bad.map((f) => f.path));
    const rows = hitRows(page, id);
    assert.ok((await rows.count()) > 0, `no ${id} row`);
    const row = rows.first();
    assert.match(await row.textContent(), new RegExp(rule.severity, "i"));
    // Clicking the row selects the hit's range in its file and shows the explanation.
    const hitPath = await row.getAttribute("data-path");
    await row.locator(".hit-main").click();
    assert.equal(await page.getAttribute(".tab[aria-selected=true]", "data-path"), hitPath);
    const sel = await page.evaluate(() => {
      const v = window.wagcheck.checker.view;
      return { from: v.state.selection.main.from, to: v.state.selection.main.to };
    });
    const d = await page.evaluate(
      ([p, from]) => window.wagcheck.checker.report.diagnostics.find((x) => x.path === p && x.from === from),
      [hitPath, Number(await row.getAttribute("data-from"))],
    );
    assert.deepEqual(sel, { from: d.from, to: d.to });
    const doc = page.locator(`.explain .rule-doc[data-rule="${id}"]`);
    await doc.waitFor();
    assert.ok((await doc.locator(".example-bad pre").count()) >= 1);
    assert.ok((await doc.locator(".example-fixed pre").count()) >= 1);
    assert.equal(await doc.locator(`a[href="#rule=${id}"]`).count(), 1);
    // Lint marks in the editor: an underline (or a point mark) and a gutter marker.
    const marks = page.locator(`.cm-editor .cm-lintRange.wag-${rule.severity}, .cm-editor .cm-lintPoint`);
    assert.ok((await marks.count()) > 0, "no lint mark");
    assert.ok((await page.locator(".cm-editor .cm-lint-marker").count()) > 0, "no gutter marker");
    const range = page.locator(`.cm-editor .cm-lintRange.wag-${rule.severity}`).first();
    if (await range.count()) {
      await range.hover();
      const tip = page.locator(".cm-tooltip-lint");
      await tip.waitFor();
      const text = await tip.textContent();
      assert.ok(text.includes(id), `tooltip lacks ${id}: ${text}`);
      assert.ok(text.includes(d.message.replace(/`/g, "")) || text.includes(d.message), `tooltip lacks the message: ${text}`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("every rule's bad example, loaded from the catalogue, shows that rule's hits", async () => {
  const { page, errors } = await freshPage();
  for (const rule of rules) {
    await page.evaluate((id) => (location.hash = `#rule=${id}`), rule.id);
    const card = page.locator(`.rule-card.open[data-rule="${rule.id}"]`);
    await card.waitFor();
    await card.getByRole("button", { name: "Load the bad example" }).click();
    await page.locator("#playground:not([hidden])").waitFor();
    await settled(page);
    assert.ok((await hitRows(page, rule.id).count()) > 0, `${rule.id}: no hit row`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("the clean example has no hits; syntax errors and an empty editor are explained", async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  assert.equal(await hitRows(page).count(), 0);
  await page.locator(".no-hits").waitFor();
  await setText(page, "def broken(:\n    return 1\n");
  await settled(page);
  await page.locator(".hits .hit-syntax").first().waitFor();
  assert.match(await page.textContent(".status"), /syntax error/i);
  assert.ok((await page.locator(".cm-editor .wag-syntax, .cm-editor .cm-lintPoint-error").count()) > 0);
  await setText(page, "");
  await settled(page);
  assert.match(await page.textContent(".status .empty"), /paste Django or Wagtail code/i);
  assert.ok(await page.locator(".cm-placeholder").isVisible());
  assert.deepEqual(errors, []);
  await page.close();
});

test("a fix is shown as a diff; Reject keeps the code, Accept removes the hit, undo restores it", async () => {
  const rule = rules.find((r) => r.fix === "safe") || rules.find((r) => r.fix);
  const { page, errors } = await freshPage();
  await page.evaluate((id) => (location.hash = `#rule=${id}`), rule.id);
  await page.locator(`.rule-card.open[data-rule="${rule.id}"]`).getByRole("button", { name: "Load the bad example" }).click();
  await settled(page);
  const before = await page.evaluate(() => window.wagcheck.checker.getFiles());
  const count = await hitRows(page, rule.id).count();
  const fixButton = hitRows(page, rule.id).locator("[data-action=fix]").first();
  await fixButton.click();
  await page.locator("dialog .fix-review .cm-mergeView").waitFor();
  await page.click("dialog [data-action=reject]");
  await page.locator("dialog").waitFor({ state: "hidden" });
  assert.deepEqual(await page.evaluate(() => window.wagcheck.checker.getFiles()), before);
  await fixButton.click();
  const dialog = page.locator("dialog .fix-review");
  await dialog.waitFor();
  assert.ok((await dialog.locator(".cm-changedLine, .cm-changedText, .cm-deletedChunk, .cm-insertedLine").count()) > 0, "diff shows no change");
  await page.click("dialog [data-action=accept]");
  await page.locator("dialog").waitFor({ state: "hidden" });
  await changedFrom(page, before);
  await settled(page);
  assert.equal(await hitRows(page, rule.id).count(), count - 1, "the fixed hit is still listed");
  assert.notDeepEqual(await page.evaluate(() => window.wagcheck.checker.getFiles()), before);
  // Undo in the editor brings the code and the hit back.
  await page.click(".cm-content");
  await page.keyboard.press("Control+z");
  await page.waitForFunction((b) => JSON.stringify(window.wagcheck.checker.getFiles()) === b, JSON.stringify(before));
  await settled(page);
  assert.deepEqual(await page.evaluate(() => window.wagcheck.checker.getFiles()), before);
  assert.equal(await hitRows(page, rule.id).count(), count);
  // Fix all (safe or unsafe, whichever this rule offers) through the same review.
  await page.click(rule.fix === "safe" ? "[data-action=fix-all-safe]" : "[data-action=fix-all-unsafe]");
  await page.locator("dialog .fix-review").waitFor();
  await page.click("dialog [data-action=accept]");
  await changedFrom(page, before);
  await settled(page);
  assert.equal(await hitRows(page, rule.id).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("while typing, the hit list, tab count and lint marks follow a hit that appears, moves and goes", async () => {
  // The page leaves the list, tabs and marks alone when a report changes nothing they show;
  // this checks that it never leaves them stale, and that a mark CodeMirror has moved along
  // with an edit still fixes and explains the hit where it now is.
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  // The typed key reaches the cache (CACHE011 follows the value, not the name).
  await setText(page, 'import hashlib\n\nfrom django.core.cache import cache\n\n\ndef search_results(query):\n    return cache.get(key)\n');
  await settled(page);
  const rows = hitRows(page, "CACHE011");
  const marks = page.locator(".cm-editor .cm-lintRange.wag-warning");
  const state = () =>
    page.evaluate(() => {
      const c = window.wagcheck.checker;
      const text = c.view.state.doc.toString();
      const from = text.indexOf("hashlib.md5(");
      const row = document.querySelector('.hits .hit[data-rule="CACHE011"]');
      return {
        from,
        line: from < 0 ? null : c.view.state.doc.lineAt(from).number,
        rowFrom: row && Number(row.dataset.from),
        rowLoc: row && row.querySelector(".hit-loc").textContent,
        count: document.querySelector(".hits-head .count").textContent,
        tabCount: document.querySelector(".tab .tab-count")?.textContent ?? null,
      };
    });
  assert.equal(await rows.count(), 0);
  await page.locator(".no-hits").waitFor();

  // Appears: typed one key at a time on a new line after the def (Enter indents it; typed in
  // front of the return, Enter would leave the return indented wrongly).
  await page.evaluate(() => {
    const v = window.wagcheck.checker.view;
    const text = v.state.doc.toString();
    v.dispatch({ selection: { anchor: text.indexOf("\n", text.indexOf("def search_results")) } });
    v.focus();
  });
  await page.keyboard.type('\nkey = "search:" + hashlib.md5(query.encode()).hexdigest()');
  await settled(page);
  let s = await state();
  assert.equal(await rows.count(), 1);
  assert.deepEqual([s.rowFrom, s.rowLoc, s.count, s.tabCount], [s.from, `line ${s.line}`, "(1)", "1"]);
  assert.equal(await page.locator(".no-hits").count(), 0);
  assert.equal(await marks.count(), 1);
  assert.equal(await marks.first().textContent(), "hashlib.md5(query.encode())");

  // Moves: two lines typed above it.
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await settled(page);
  const moved = await state();
  assert.equal(moved.line, s.line + 2);
  assert.deepEqual([moved.rowFrom, moved.rowLoc, moved.count, moved.tabCount], [moved.from, `line ${moved.line}`, "(1)", "1"]);
  assert.equal(await marks.count(), 1);
  assert.equal(await marks.first().textContent(), "hashlib.md5(query.encode())");
  // The mark's own actions act on the hit where it is now.
  await marks.first().hover();
  await page.locator(".cm-tooltip-lint").getByRole("button", { name: "Explain" }).click();
  await page.locator('.explain .rule-doc[data-rule="CACHE011"]').waitFor();
  const selection = await page.evaluate(() => window.wagcheck.checker.view.state.selection.main.from);
  assert.equal(selection, moved.from);
  assert.equal(await page.locator('.hits .hit.selected[data-rule="CACHE011"]').count(), 1);
  await marks.first().hover();
  await page.locator(".cm-tooltip-lint").getByRole("button", { name: "Fix" }).click();
  await page.locator("dialog .fix-review .cm-mergeView").waitFor();
  await page.click("dialog [data-action=reject]");
  await page.locator("dialog").waitFor({ state: "hidden" });

  // Goes: the line deleted with the keyboard.
  await page.evaluate((from) => {
    const v = window.wagcheck.checker.view;
    const line = v.state.doc.lineAt(from);
    v.dispatch({ selection: { anchor: line.from, head: line.to + 1 } });
    v.focus();
  }, moved.from);
  await page.keyboard.press("Backspace");
  await settled(page);
  s = await state();
  assert.equal(s.from, -1);
  assert.equal(await rows.count(), 0);
  assert.deepEqual([s.count, s.tabCount], ["(0)", null]);
  await page.locator(".no-hits").waitFor();
  assert.equal(await marks.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("several files: IMP001 across tabs; files can be added and renamed", async () => {
  const { page, errors } = await freshPage();
  const imp = rules.find((r) => r.id === "IMP001");
  assert.ok(imp, "IMP001 is a rule");
  await loadExample(page, "IMP001");
  assert.ok(imp.bad.length > 1, "IMP001's example should have several files");
  assert.equal(await page.locator(".tab").count(), imp.bad.length);
  assert.ok((await hitRows(page, "IMP001").count()) > 0);
  // Deleting the shadowing package's files would clear the hit; renaming one to another
  // directory must too.
  const tabs = await page.locator(".tab").count();
  await page.getByRole("button", { name: "+ File" }).click();
  const input = page.locator("dialog input[name=path]");
  await input.fill("../bad");
  await page.click("dialog button[type=submit]");
  assert.match(await page.textContent("dialog .form-error"), /relative path/);
  await input.fill("apps/blog/signals.py");
  await page.click("dialog button[type=submit]");
  await page.locator(".tab[data-path='apps/blog/signals.py'][aria-selected=true]").waitFor();
  assert.equal(await page.locator(".tab").count(), tabs + 1);
  await page.keyboard.type("from django.dispatch import receiver\n");
  await page.click("[data-action=rename]");
  await page.locator("dialog input[name=path]").fill("apps/news/signals.py");
  await page.click("dialog button[type=submit]");
  await page.locator(".tab[data-path='apps/news/signals.py']").waitFor();
  await settled(page);
  const state = await page.evaluate(() => window.wagcheck.checker.getState());
  assert.equal(state.files.find((f) => f.path === "apps/news/signals.py").text, "from django.dispatch import receiver\n");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the catalogue searches and filters rules, links to each, and disables rules for the session", async () => {
  const { page, errors } = await freshPage();
  await page.click("nav a[data-view=catalogue]");
  await page.locator(".catalogue").waitFor();
  assert.equal(await page.locator(".rule-card").count(), rules.length);
  if (rules.length) {
    const rule = rules[rules.length - 1];
    await page.fill(".catalogue input[type=search]", rule.id.toLowerCase());
    assert.ok((await page.locator(`.rule-card[data-rule="${rule.id}"]`).count()) === 1);
    await page.fill(".catalogue input[type=search]", rule.name);
    assert.ok((await page.locator(".rule-card").count()) >= 1);
    await page.fill(".catalogue input[type=search]", "");
    await page.selectOption(".catalogue select[aria-label=Severity]", rule.severity);
    const sevs = await page.locator(".rule-card .badge.sev-blocker, .rule-card .badge.sev-warning, .rule-card .badge.sev-info").allTextContents();
    assert.ok(sevs.every((s) => s === rule.severity));
    await page.selectOption(".catalogue select[aria-label=Severity]", "");
    await page.selectOption(".catalogue select[aria-label=Category]", rule.category);
    assert.equal(await page.locator(".rule-card").count(), rules.filter((r) => r.category === rule.category).length);
    await page.selectOption(".catalogue select[aria-label=Category]", "");
    // Its own link opens it, with the documentation.
    await page.click(`.rule-card[data-rule="${rule.id}"] h3 a`);
    assert.equal(new URL(page.url()).hash, `#rule=${rule.id}`);
    await page.locator(`.rule-card.open[data-rule="${rule.id}"] .rule-doc`).waitFor();
    // Disabled: its hits disappear from the playground.
    await page.locator(`.rule-card[data-rule="${rule.id}"] input[type=checkbox]`).uncheck();
    await page.locator(`.rule-card.open[data-rule="${rule.id}"]`).getByRole("button", { name: "Load the bad example" }).click();
    await settled(page);
    assert.equal(await hitRows(page, rule.id).count(), 0);
    await page.click("nav a[data-view=catalogue]");
    await page.locator(`.rule-card[data-rule="${rule.id}"] input[type=checkbox]`).check();
    await page.click("nav a[data-view=playground]");
    await settled(page);
    assert.ok((await hitRows(page, rule.id).count()) > 0);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("explanations: fetched on the catalogue's first search; a note when they cannot be loaded, then shown", async () => {
  // The page's module has no explanation text (the build's HTML is the only copy): take a
  // phrase from the team module's, one that no id, name or message holds.
  const full = (await loadEngine("pkg-team")).rules();
  const rule = full[full.length - 1];
  const plain = (t) => t.toLowerCase().replace(/\s+/g, " ");
  const elsewhere = plain(full.map((r) => `${r.id} ${r.name} ${r.message}`).join("\n"));
  const phrase = rule.explanation
    .split("\n")
    .filter((l) => /^[A-Za-z][A-Za-z ,]+$/.test(l))
    .flatMap((l) => l.split(/,? +/).map((_, i, words) => words.slice(i, i + 3).join(" ")))
    .find((p) => p.split(" ").length === 3 && p.length > 14 && !elsewhere.includes(plain(p)));
  assert.ok(phrase, `${rule.id}: no plain phrase in its explanation`);
  // A browser of its own: nothing saved from other tests (an explanation shown at start would
  // fetch them), and no service worker, whose cache would answer for the network.
  const own = await startBrowser({ serviceWorkers: "block" });
  try {
    const { page, errors } = await openPage(own.context, `${own.url}#rules`);
    await page.locator(".catalogue").waitFor();
    const docsLoaded = () => page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/assets/rule-docs.js")));
    assert.equal(await docsLoaded(), false, "rule-docs.js fetched before an explanation was shown or searched");
    await page.fill(".catalogue input[type=search]", phrase);
    await page.locator(`.rule-card[data-rule="${rule.id}"]`).waitFor();
    assert.ok(await docsLoaded());
    assert.ok((await page.locator(".rule-card").count()) < rules.length, `"${phrase}" matches every rule`);
    assert.deepEqual(errors, []);
    await page.close();

    // Offline before they were cached: a note, and the next showing tries again.
    let block = true;
    await own.context.route("**/assets/rule-docs.js*", (route) => (block ? route.abort() : route.continue()));
    const other = await openPage(own.context, `${own.url}#rule=${rules[0].id}`, { allowErrors: [/rule-docs\.js/, /Failed to load resource/] });
    const doc = other.page.locator(`.rule-card.open[data-rule="${rules[0].id}"] .rule-doc`);
    await doc.locator(".hint", { hasText: "could not be loaded" }).waitFor();
    block = false;
    await other.page.click("nav a[data-view=catalogue]");
    await other.page.click(`.rule-card[data-rule="${rules[0].id}"] h3 a`);
    await doc.locator(".markdown", { hasText: "What it does" }).waitFor();
    assert.equal(await doc.locator(".hint").count(), 0);
    assert.deepEqual(other.errors, []);
  } finally {
    await own.close();
  }
});

test("share link round trip in a new page, and a reload keeps the state", async () => {
  const { page, errors } = await freshPage();
  const first = await loadFirstSeed(page);
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n# shared marker é😀\n");
  if (rules.length) await page.evaluate((id) => window.wagcheck.checker.setDisabled([id]), rules[rules.length - 1].id);
  await settled(page);
  const state = await page.evaluate(() => window.wagcheck.checker.getState());
  await page.click("#copy-link");
  await page.waitForFunction(() => document.querySelector("#share-url").value.includes("#s="));
  const link = await page.inputValue("#share-url");
  assert.match(link, /^http:\/\/[^#]+#s=[A-Za-z0-9_-]+$/);
  // A new page with empty storage gets everything from the link.
  const other = await browser.context.newPage();
  await other.addInitScript(() => {
    if (!sessionStorage.getItem("cleared")) {
      localStorage.clear();
      sessionStorage.setItem("cleared", "1");
    }
  });
  await other.goto(link);
  await other.waitForSelector("html[data-ready=true]");
  await settled(other);
  const restored = await other.evaluate(() => window.wagcheck.checker.getState());
  assert.deepEqual(restored.files, state.files);
  assert.deepEqual(restored.disabled, state.disabled);
  assert.equal(restored.active, state.active);
  assert.equal(new URL(other.url()).hash, "", "the link is consumed so a reload shows later edits");
  assert.equal(new URL(page.url()).hash, "", "copying a link leaves the address bar alone");
  // The same link pasted into the address bar of an open tab.
  await other.evaluate(() => window.wagcheck.checker.setFiles([{ path: "other.py", text: "z = 3\n" }]));
  await other.evaluate((l) => (location.hash = new URL(l).hash), link);
  await other.waitForFunction(() => window.wagcheck.checker.getFiles()[0].path !== "other.py");
  assert.deepEqual((await other.evaluate(() => window.wagcheck.checker.getState())).files, state.files);
  // Edits after that survive a reload (localStorage).
  await other.click(".cm-content");
  await other.keyboard.press("Control+End");
  await other.keyboard.type("# after reload\n");
  await settled(other);
  await other.waitForTimeout(400);
  await other.reload();
  await other.waitForSelector("html[data-ready=true]");
  await settled(other);
  const reloaded = await other.evaluate(() => window.wagcheck.checker.getFiles());
  assert.ok(reloaded.some((f) => f.text.includes("# after reload")));
  await other.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("an engine panic is shown, the engine is re-created, and the code is kept", async () => {
  const { page, errors } = await freshPage({ allowErrors: PANIC });
  await loadExample(page, "clean");
  await setText(page, "x = 1  # my code\n");
  await settled(page);
  const crashes = await page.evaluate(async () => {
    const { engine, checker } = window.wagcheck;
    await engine.panicForTesting().catch((e) => checker.showEngineError(e));
    return engine.crashes;
  });
  assert.equal(crashes, 1);
  const alert = page.locator(".engine-alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /crashed.*panic requested by panicForTesting/is);
  assert.equal(await page.evaluate(() => window.wagcheck.checker.getFiles()[0].text), "x = 1  # my code\n");
  // The next edit is checked by the new engine.
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("y = 2\n");
  await settled(page);
  await alert.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("quick checks run in the page's thread before the next frame; large ones, and all after a trap there, in the worker", async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  const code = "from django.core.cache import cache\n\n\ndef f(q):\n    return cache.get(q)\n";
  await setText(page, code);
  await settled(page);
  await page.waitForFunction(() => window.wagcheck.engine.inline !== null, null, { timeout: 30000 });
  // An edit: its report is applied before the next animation frame, so the hits change in the
  // frame that shows the edit.
  const edit = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const c = window.wagcheck.checker;
          const checks = c.checks;
          c.view.dispatch({ changes: { from: c.view.state.doc.length, insert: "cache.delete_pattern('x*')\n" } });
          requestAnimationFrame(() => resolve({ checked: c.checks > checks, inline: c.lastInline }));
        }),
    );
  // Checks stay in the worker while the last one took long (on a loaded machine the first
  // ones can); a few edits later they are in the page.
  const inPage = async () => {
    for (let i = 0; i < 5; i++) {
      const result = await edit();
      await settled(page);
      if (result.inline) return result;
    }
    return null;
  };
  assert.deepEqual(await inPage(), { checked: true, inline: true });
  // Large text goes to the worker: the page never blocks on it.
  await setText(page, code + "x = 1\n".repeat(50000));
  await settled(page);
  assert.equal(await page.evaluate(() => window.wagcheck.checker.lastInline), false);
  // Back to small text: checks stay in the worker while the last one took long (the first
  // small one there also frees the large tree), then come back to the page.
  await setText(page, code);
  await settled(page);
  assert.equal(await page.evaluate(() => window.wagcheck.checker.lastInline), false);
  assert.ok(await inPage(), "quick checks return to the page's thread");
  // A trap in the page's instance: that check and every later one go to the worker.
  await page.evaluate(() => {
    window.wagcheck.engine.inline = {
      check() {
        throw new WebAssembly.RuntimeError("unreachable");
      },
    };
  });
  let trapped = false;
  for (let i = 0; i < 5 && !trapped; i++) {
    // The worker's answer may come after the frame (then `inline` there is the last answer's):
    // once the check has settled, the answer is the worker's.
    const frame = await edit();
    if (frame.checked) assert.equal(frame.inline, false, "the trapped instance never answers");
    await settled(page);
    assert.equal(await page.evaluate(() => window.wagcheck.checker.lastInline), false, "the worker answered");
    trapped = await page.evaluate(() => window.wagcheck.engine.inline === null);
  }
  assert.ok(trapped, "the page's instance is dropped after a trap");
  assert.ok((await hitRows(page).count()) > 0, "the worker's report is shown");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the status line announces hits and errors, not each keystroke's timing", async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  await setText(page, "x = 1\n");
  await settled(page);
  const status = page.locator(".checker-main > .status");
  assert.equal(await status.getAttribute("aria-live"), "polite");
  await page.evaluate(() => (document.querySelector(".checker-main > .status p").dataset.mark = "1"));
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  // A comment: no keystroke of it makes a syntax error.
  await page.keyboard.type("# a note\n");
  await settled(page);
  // Same hits: the announced paragraph is the same node; only the hidden timing changed.
  assert.equal(await status.locator("p").getAttribute("data-mark"), "1");
  assert.match(await status.locator(".timing").textContent(), /checked in \d+ ms/);
  assert.equal(await status.locator(".timing").getAttribute("aria-hidden"), "true");
  // A syntax error changes what is said: announced.
  await page.keyboard.type("def broken(:\n");
  await settled(page);
  assert.equal(await status.locator("p[data-mark]").count(), 0);
  assert.match(await status.textContent(), /syntax error/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("keyboard users are told how to leave the editor, and Esc then Tab does", async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  const hint = page.locator(".checker-main > .key-hint");
  assert.equal(await hint.isVisible(), false);
  await page.click(".cm-content");
  await hint.waitFor({ state: "visible" });
  assert.match(await hint.textContent(), /Esc, then Tab/);
  const describedBy = await page.locator(".cm-content").getAttribute("aria-describedby");
  assert.equal(describedBy, await hint.getAttribute("id"));
  // Tab alone indents and stays; Esc then Tab moves on.
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("cm-content")));
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("cm-content")), false);
  await hint.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a multi-MB paste does not freeze typing", async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, "clean");
  const big = "def f(x):\n    return [y * 2 for y in x if y]\n\n\n".repeat(70000);
  await setText(page, big);
  await page.waitForFunction(() => window.wagcheck.checker.inFlight);
  // While the worker checks several MB, the page answers and keystrokes land at once.
  await page.click(".cm-content");
  await page.keyboard.press("Control+Home");
  const started = Date.now();
  await page.keyboard.type("# typing\n");
  const typed = Date.now() - started;
  const stillChecking = await page.evaluate(() => window.wagcheck.checker.inFlight);
  assert.ok(stillChecking, "the check finished too fast to prove anything");
  assert.ok(typed < 3000, `typing took ${typed} ms`);
  assert.ok((await page.evaluate(() => window.wagcheck.checker.view.state.doc.line(1).text)) === "# typing");
  await setText(page, "x = 1\n");
  await settled(page, 120000);
  assert.deepEqual(errors, []);
  await page.close();
});

test("phone width, dark mode and keyboard use; screenshot for the README", async () => {
  const { page, errors } = await freshPage();
  const first = await loadFirstSeed(page);
  // Keyboard: the hit list is reachable and Enter on a hit shows its explanation.
  if (first) {
    await page.locator(".hits .hit .hit-main").first().focus();
    await page.keyboard.press("Enter");
    await page.locator(".explain .rule-doc").waitFor();
  }
  await page.setViewportSize({ width: 1400, height: 860 });
  // tests/artifacts/ always; docs/screenshot.png (committed, for the README) when missing or
  // when asked for with UPDATE_SCREENSHOT=1, so a test run leaves the work tree clean.
  fs.mkdirSync(path.join(ROOT, "tests/artifacts"), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, "tests/artifacts/screenshot.png") });
  const readme = path.join(ROOT, "docs/screenshot.png");
  if (process.env.UPDATE_SCREENSHOT === "1" || !fs.existsSync(readme)) {
    fs.mkdirSync(path.dirname(readme), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tests/artifacts/screenshot.png"), readme);
  }
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(dark, light);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than a phone`);
  await page.screenshot({ path: path.join(ROOT, "tests/artifacts/phone.png"), fullPage: true });
  // On a phone a fix is reviewed as a one-column diff.
  const fixable = rules.find((r) => r.fix);
  if (fixable) {
    await page.evaluate((id) => (location.hash = `#rule=${id}`), fixable.id);
    await page.locator(`.rule-card.open[data-rule="${fixable.id}"]`).getByRole("button", { name: "Load the bad example" }).click();
    await settled(page);
    await hitRows(page, fixable.id).locator("[data-action=fix]").first().click();
    await page.locator("dialog .fix-review .cm-editor").first().waitFor();
    assert.equal(await page.locator("dialog .cm-mergeView").count(), 0);
    assert.ok((await page.locator("dialog .cm-deletedChunk, dialog .cm-changedLine").count()) > 0);
    const width = await page.evaluate(() => document.querySelector("dialog").getBoundingClientRect().width);
    assert.ok(width <= 390, `dialog is ${width}px wide`);
    await page.screenshot({ path: path.join(ROOT, "tests/artifacts/phone-fix.png") });
    await page.click("dialog [data-action=reject]");
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("works offline once loaded (service worker), engine and docs widget included", async () => {
  const { page, errors } = await freshPage({ allowErrors: [/ERR_INTERNET_DISCONNECTED/] });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await browser.context.setOffline(true);
  try {
    await page.reload();
    await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
    await loadFirstSeed(page);
    await setText(page, "def broken(:\n");
    await settled(page);
    await page.locator(".hits .hit-syntax").first().waitFor();
    // The lessons and the explanations are not first load, but installed with the page.
    await page.evaluate(() => (location.hash = "#lessons"));
    await page.locator(".lesson-list li").first().waitFor();
    await page.evaluate((id) => (location.hash = `#rule=${id}`), rules[0].id);
    await page.locator(".rule-card.open .rule-doc .markdown", { hasText: "What it does" }).waitFor();
    // The widget's page and script were precached with the playground, never fetched here.
    await page.goto(new URL("embed-demo.html", page.url()).href);
    await page.waitForFunction(() => document.getElementById("w-keys")?.checker?.report?.diagnostics.length > 0, null, {
      timeout: 30000,
    });
  } finally {
    await browser.context.setOffline(false);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("dist/ works from a sub-path of a static host (relative URLs only)", async () => {
  const { serve } = await import("../../scripts/serve.mjs");
  const { server, url } = await serve(ROOT, { port: 0 });
  try {
    const { page, errors } = await openPage(browser.context, `${url}dist/`);
    await loadExample(page, "clean");
    await page.locator(".no-hits").waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    server.close();
  }
});

test("user text (code, file names, links) is never inserted as HTML", async () => {
  const { page, errors } = await freshPage();
  const evil = '<img src=x onerror="window.pwned=1">';
  await page.evaluate((e) => {
    window.wagcheck.checker.setFiles([
      { path: `${e}.py`, text: `# ${e}\ndef f(:\n    "${e}"\n` },
      { path: "b.py", text: "x = 1\n" },
    ]);
  }, evil);
  await settled(page);
  await page.locator(".hits .hit-syntax").first().waitFor();
  assert.equal(await page.locator("img:not(.cm-widgetBuffer)").count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator(".tab").first().getAttribute("data-path"), `${evil}.py`);
  assert.ok((await page.locator(".tab").first().textContent()).includes(evil));
  // A shared link carrying the same text restores it as text.
  await page.click("#copy-link");
  await page.waitForFunction(() => document.querySelector("#share-url").value.includes("#s="));
  const link = await page.inputValue("#share-url");
  const other = await openPage(browser.context, link);
  await settled(other.page);
  assert.equal(await other.page.locator("img:not(.cm-widgetBuffer)").count(), 0);
  assert.equal(await other.page.evaluate(() => window.wagcheck.checker.getFiles()[0].path), `${evil}.py`);
  // Markdown rendered in the page (team rules, hit messages): links only to safe targets, HTML
  // shown as text.
  const safe = await page.evaluate(async () => {
    const { fillMarkdown, loadMarkdown } = window.wagcheck.markdown;
    await loadMarkdown();
    const box = fillMarkdown(document.createElement("div"), "[a](javascript:alert(1)) [b](https://example.org) <b>raw</b> `<i>code</i>` <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>");
    return { links: [...box.querySelectorAll("a")].map((a) => a.getAttribute("href")), html: box.querySelectorAll("b, i, img, script").length, text: box.textContent };
  });
  assert.deepEqual(safe.links, ["https://example.org"]);
  assert.equal(safe.html, 0);
  assert.match(safe.text, /<b>raw<\/b>/);
  assert.deepEqual(other.errors, []);
  assert.deepEqual(errors, []);
  await other.page.close();
  await page.close();
});

test("rule pages are HTML made by the build, loaded on demand; hit messages are rendered in the page", async () => {
  const { page, errors } = await freshPage();
  const rule = await loadFirstSeed(page);
  assert.ok(rule, "no seed rule in this build");
  await settled(page);
  // The engine's message, Markdown known only at run time: `code` spans as <code>.
  const message = hitRows(page, rule.id).first().locator(".hit-message");
  await message.locator("code").first().waitFor();
  assert.doesNotMatch(await message.textContent(), /`/);
  // The explanation: the build's HTML, its "## What it does" under the panel's <h2> title.
  await hitRows(page, rule.id).first().locator(".hit-main").click();
  const doc = page.locator(`.explain .rule-doc[data-rule="${rule.id}"]`);
  await doc.locator(".markdown h4", { hasText: "What it does" }).waitFor();
  const text = await doc.locator(".markdown").first().textContent();
  assert.doesNotMatch(text, /^#|`|\*\*/m, "no Markdown left in the page");
  assert.ok((await doc.locator(".markdown code").count()) > 0);
  const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
  assert.ok(loaded.some((p) => p.endsWith("/assets/rule-docs.js")), "the explanations come from the build's rule-docs.js");
  assert.ok(loaded.some((p) => p.endsWith("/assets/markdown.js")), "the hit messages' renderer");
  // The catalogue's messages are in the bundle already.
  await page.click("nav a[data-view=catalogue]");
  assert.ok((await page.locator(`.rule-card[data-rule="${rule.id}"] .rule-message code`).count()) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
