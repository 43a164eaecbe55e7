// Lessons in headless Chromium: a scripted learner completes every lesson (story, find the line,
// reveal, the fix as a diff, fix it in the editor, pass), presenter mode with the keyboard,
// progress in localStorage, a link per step. Strict: a lesson whose rules are missing from this
// build of the engine fails.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ROOT, saveScreenshot, startBrowser } from "./browser.mjs";
import { parseLessons } from "../../web/lessons/format.js";
import { lessonSources } from "../../scripts/lessons-plugin.mjs";

const LESSONS = parseLessons(lessonSources(path.join(ROOT, "web/lessons")));
let browser;
// Every lesson's rules are in the engine (tests/node/lessons.test.mjs fails otherwise).

before(async () => {
  browser = await startBrowser();
});
after(async () => browser && (await browser.close()));

/** A page with no saved progress, showing `hash`. */
async function lessonPage(hash) {
  const opened = await openPage(browser.context, `${browser.url}#lessons`);
  await opened.page.evaluate((h) => {
    localStorage.clear();
    history.replaceState(null, "", h); // no hashchange: the open view must not save again
  }, hash);
  await opened.page.reload();
  await opened.page.waitForSelector("html[data-ready=true]");
  return opened;
}

/** Waits until the lesson's checker has a report for the text now in every tab. */
async function lessonSettled(page) {
  await page.waitForFunction(
    () => {
      const c = window.wagcheck?.lessons?.checker;
      if (!c || !c.report || c.inFlight) return false;
      c.current.state = c.view.state;
      return c.files.every((f) => c.reportDocs.get(f.path) === f.state.doc);
    },
    null,
    { timeout: 30000, polling: 50 },
  );
}

const step = (page, n) => page.locator(`.lessons[data-step="${n}"]`).waitFor();

/** Replaces one file's text in the lesson's editor, as a paste would. */
async function pasteInto(page, filePath, text) {
  await page.locator(`.lesson-checker .tab[data-path="${filePath}"]`).click();
  await page.evaluate((t) => {
    const v = window.wagcheck.lessons.checker.view;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t }, userEvent: "input.paste" });
  }, text);
}

/** Renames a file through the checker's Rename dialog. */
async function renameFile(page, from, to) {
  await page.locator(`.lesson-checker .tab[data-path="${from}"]`).click();
  await page.locator(".lesson-checker [data-action=rename]").click();
  const input = page.locator(".lesson-checker dialog input[name=path]");
  await input.fill(to);
  await input.press("Enter");
  await page.locator(`.lesson-checker .tab[data-path="${to}"]`).waitFor();
}

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: a learner finds the bug, sees the fix, fixes it and passes`, async () => {
    const { page, errors } = await lessonPage(`#lesson=${lesson.id}`);
    // 1. The story.
    await step(page, 1);
    assert.match(await page.textContent(".lesson-title"), new RegExp(lesson.title.slice(0, 12).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.ok((await page.textContent(".lesson-step .story")).length > 200);
    // The story is HTML made by the build: paragraphs, no Markdown left.
    assert.ok((await page.locator(".lesson-step .story p").count()) > 0);
    assert.doesNotMatch(await page.textContent(".lesson-step .story"), /^#|`|\*\*/m);
    assert.equal(await page.locator(".lesson-checker").isVisible(), false);
    await page.click("[data-action=next]");

    // 2. Find it: the code, read-only, no hits shown until Check.
    await step(page, 2);
    assert.equal(page.url().split("#")[1], `lesson=${lesson.id}/2`);
    await lessonSettled(page);
    assert.equal(await page.textContent(".lesson-question"), lesson.question.replace(/`/g, ""));
    assert.equal(await page.locator(".lesson-checker .checker-side").isVisible(), false, "hits hidden before Check");
    assert.equal(await page.locator(".lesson-checker .cm-lintRange, .lesson-checker .cm-lint-marker").count(), 0);
    const hits = await page.evaluate(() => {
      const c = window.wagcheck.lessons.checker;
      return c.report.diagnostics.map((d) => ({ rule: d.rule, path: d.path, line: d.start.line }));
    });
    for (const id of lesson.rules) assert.ok(hits.some((d) => d.rule === id), `the bug raises no ${id}`);
    assert.ok(hits.every((d) => lesson.rules.includes(d.rule)), "only the lesson's rules are checked");
    const target = hits[0];
    const readOnly = await page.evaluate(() => window.wagcheck.lessons.checker.view.state.readOnly);
    assert.equal(readOnly, true);
    await page.locator(`.lesson-checker .tab[data-path="${target.path}"]`).click();
    // The hit's line; for a lesson that asks for a file, any line of it (here the last).
    const lines = page.locator(".lesson-checker .cm-line");
    await (lesson.answer === "file" ? lines.last() : lines.nth(target.line - 1)).click();
    await page.click("[data-action=check]");
    await page.locator('.lesson-feedback[data-answer="right"]').waitFor();
    // Check revealed the hits, their marks and the explanation.
    await page.locator(".lesson-checker .checker-side").waitFor({ state: "visible" });
    for (const id of lesson.rules) {
      assert.ok((await page.locator(`.lesson-checker .hits .hit[data-rule="${id}"]`).count()) > 0, `no ${id} row`);
    }
    await page.locator(".lesson-checker .explain .rule-doc").waitFor();
    assert.ok((await page.locator(".lesson-checker .cm-lint-marker").count()) > 0, "no gutter marker after Check");
    await page.click("[data-action=see-fix]");

    // 3. The fix, as a diff of every changed file.
    await step(page, 3);
    const changed = new Set([...lesson.bug, ...lesson.solution].map((f) => f.path));
    for (const f of lesson.bug) if (lesson.solution.find((s) => s.path === f.path)?.text === f.text) changed.delete(f.path);
    assert.equal(await page.locator(".lesson-diff").count(), changed.size);
    assert.ok((await page.locator(".lesson-diff .cm-changedLine, .lesson-diff .cm-insertedLine, .lesson-diff .cm-deletedChunk").count()) > 0);
    assert.ok((await page.textContent(".lesson-step .markdown")).length > 50);
    await page.click("[data-action=next]");

    // 4. Your turn: editable, not passed until the learner's code is fixed.
    await step(page, 4);
    await lessonSettled(page);
    assert.equal(await page.evaluate(() => window.wagcheck.lessons.checker.view.state.readOnly), false);
    await page.locator(".lesson-result.wrong").waitFor();
    assert.match(await page.textContent(".lesson-result"), /Not yet/);
    assert.equal(await page.locator(".lesson-checker [data-action=fix]:visible").count(), 0, "no autofix: the learner fixes it");
    // Files the solution moves are renamed in the editor, then every file gets its fixed text.
    const gone = lesson.bug.filter((f) => !lesson.solution.some((s) => s.path === f.path));
    const added = lesson.solution.filter((s) => !lesson.bug.some((f) => f.path === s.path));
    for (let i = 0; i < gone.length; i++) await renameFile(page, gone[i].path, added[i].path);
    for (const f of lesson.solution) await pasteInto(page, f.path, f.text);
    await lessonSettled(page);
    await page.locator(".lessons[data-passed=true] .lesson-result.right").waitFor();
    assert.match(await page.textContent(".lesson-result"), /Passed/);
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem("wagcheck.lessons.v1")));
    assert.equal(saved.lessons[lesson.id].passed, true);
    assert.equal(saved.lessons[lesson.id].step, 4);

    // The index shows it passed.
    await page.evaluate(() => (location.hash = "#lessons"));
    await page.locator(`.lesson-list li.passed[data-lesson="${lesson.id}"]`).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("a wrong answer is told where the hits are; learner's code survives a reload; Start again", async () => {
  const lesson = LESSONS.find((l) => l.bug.length === 1);
  assert.ok(lesson, "a single-file lesson");
  const { page, errors } = await lessonPage(`#lesson=${lesson.id}/2`);
  await step(page, 2);
  await lessonSettled(page);
  await page.locator(".lesson-checker .cm-line").nth(0).click();
  await page.click("[data-action=check]");
  await page.locator('.lesson-feedback[data-answer="wrong"]').waitFor();
  assert.match(await page.textContent(".lesson-feedback"), /wagcheck points at line \d+/);
  await page.locator(".lesson-checker .hits .hit").first().waitFor();
  // Your turn: an edit is kept across a reload.
  await page.evaluate((id) => (location.hash = `#lesson=${id}/4`), lesson.id);
  await step(page, 4);
  await lessonSettled(page);
  await page.evaluate(() => {
    const v = window.wagcheck.lessons.checker.view;
    v.dispatch({ changes: { from: 0, insert: "# my attempt\n" }, userEvent: "input.type" });
  });
  await page.waitForTimeout(500);
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  await step(page, 4);
  await lessonSettled(page);
  assert.match(await page.evaluate(() => window.wagcheck.lessons.checker.view.state.doc.line(1).text), /# my attempt/);
  await page.click("[data-action=reset]");
  await lessonSettled(page);
  assert.equal(await page.evaluate(() => window.wagcheck.lessons.checker.getFiles()[0].text), lesson.bug[0].text);
  // Show the solution passes the lesson (a presenter's shortcut).
  await page.click("[data-action=solution]");
  await page.locator(".lessons[data-passed=true]").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("presenter mode: large type, no page chrome, arrow keys, a link per step, kept in storage", async () => {
  const lesson = LESSONS[0];
  const { page, errors } = await lessonPage(`#lesson=${lesson.id}`);
  await step(page, 1);
  const normal = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.keyboard.press("p");
  await page.locator("html.presenter").waitFor();
  assert.equal(await page.locator("header.top").isVisible(), false);
  const large = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(large >= normal * 1.4, `presenter font ${large}px vs ${normal}px`);
  await page.keyboard.press("ArrowRight");
  await step(page, 2);
  assert.ok(page.url().endsWith(`#lesson=${lesson.id}/2`));
  await page.keyboard.press("ArrowRight");
  await step(page, 3);
  await page.keyboard.press("ArrowLeft");
  await step(page, 2);
  // Arrows typed in the editor move the cursor, not the lesson.
  await page.locator(".lesson-checker .cm-content").click();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute(".lessons", "data-step"), "2");
  // A link to a step opens that step; a bare lesson link resumes where the learner was.
  await page.evaluate((id) => (location.hash = `#lesson=${id}/3`), lesson.id);
  await step(page, 3);
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  await step(page, 3);
  assert.ok(await page.locator("html.presenter").count(), "presenter mode kept");
  await page.evaluate(() => (location.hash = "#lessons"));
  await page.locator(".lesson-list").waitFor();
  assert.equal(await page.locator("html.presenter").count(), 0, "the index is not in presenter mode");
  await page.evaluate((id) => (location.hash = `#lesson=${id}`), lesson.id);
  await step(page, 3);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("html.presenter").count(), 0);
  // Leaving the lessons for the playground leaves presenter mode too.
  await page.keyboard.press("p");
  await page.locator("html.presenter").waitFor();
  await page.evaluate(() => (location.hash = ""));
  await page.locator("#playground:not([hidden])").waitFor();
  assert.equal(await page.locator("html.presenter").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an unknown lesson shows the index with a note; screenshot of a lesson for the README", async () => {
  const { page, errors } = await lessonPage("#lesson=no-such-lesson");
  await page.locator(".lessons .form-error").waitFor();
  assert.match(await page.textContent(".lessons .form-error"), /no lesson "no-such-lesson"/);
  assert.equal(await page.locator(".lesson-list li").count(), LESSONS.length);
  const lesson = LESSONS.find((l) => l.id === "cache-keys") || LESSONS[0];
  assert.ok(lesson, "a lesson");
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.evaluate((id) => (location.hash = `#lesson=${id}/2`), lesson.id);
  await step(page, 2);
  await lessonSettled(page);
  const line = await page.evaluate(() => window.wagcheck.lessons.checker.report.diagnostics[0].start.line);
  await page.locator(".lesson-checker .cm-line").nth(line - 1).click();
  await page.click("[data-action=check]");
  await page.locator(".lesson-checker .explain .rule-doc").waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, "lesson.png");
  assert.deepEqual(errors, []);
  await page.close();
});
