// Share links that are corrupt, cut short or gigantic (a decompression bomb) give a clear
// message and a working page; the code already in the browser is not lost.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { openPage, settled, startBrowser } from "./browser.mjs";

let browser;
before(async () => (browser = await startBrowser()));
after(async () => browser && (await browser.close()));

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");
const link = (state) => base64url(deflateRawSync(Buffer.from(JSON.stringify(state))));

async function openLink(fragment) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${browser.url}#s=${fragment}`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
  return { page, errors };
}

async function expectClearFailure(fragment, reason) {
  const { page, errors } = await openLink(fragment);
  const note = page.locator("#share-note");
  await note.waitFor();
  await page.waitForFunction(() => document.querySelector("#share-note").textContent.length > 0);
  const text = await note.textContent();
  assert.match(text, /The shared link could not be read/);
  assert.match(text, reason);
  // The page still works: the editor checks code.
  await page.evaluate(() => window.wagcheck.checker.setFiles([{ path: "a.py", text: "from django.core.cache import cache\ncache.delete_pattern('x')\n" }]));
  await settled(page);
  const hits = await page.evaluate(() => window.wagcheck.checker.report.diagnostics.length);
  assert.ok(hits >= 1, "the page keeps checking after a bad link");
  assert.deepEqual(errors, []);
  await page.close();
}

test("a corrupt share link gives a clear message and a working page", async () => {
  await expectClearFailure("not*base64!!", /damaged or cut short/);
  await expectClearFailure(base64url(Buffer.from("definitely not deflate")), /damaged or cut short/);
  await expectClearFailure(link({ nope: true }), /not a playground state/);
});

test("a share link cut short gives a clear message", async () => {
  const whole = link({ files: [{ path: "a.py", text: "x = 1\n".repeat(2000) }] });
  await expectClearFailure(whole.slice(0, Math.floor(whole.length / 2)), /damaged or cut short/);
});

test("a gigantic share link (a decompression bomb) is refused, not inflated", async () => {
  // 64 MB of code in a link of about 64 KB.
  const bomb = link({ files: [{ path: "a.py", text: " ".repeat(64 * 2 ** 20) }] });
  assert.ok(bomb.length < 200_000, `${bomb.length}`);
  await expectClearFailure(bomb, /more than 32 MB/);
});

test("the code already in the browser survives a bad link", async () => {
  const { page } = await openPage(browser.context, browser.url);
  await page.evaluate(() => window.wagcheck.checker.setFiles([{ path: "mine.py", text: "keep_me = 1\n" }]));
  await settled(page);
  await page.waitForTimeout(400); // the page saves its state a moment after an edit
  await page.close();
  const { page: again } = await openLink("garbage!!");
  await again.waitForFunction(() => document.querySelector("#share-note").textContent.length > 0);
  const files = await again.evaluate(() => window.wagcheck.checker.getFiles());
  assert.deepEqual(files.map((f) => f.path), ["mine.py"]);
  await again.close();
});
