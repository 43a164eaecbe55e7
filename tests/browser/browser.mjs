// Shared helpers for the browser tests: serve dist/ and drive Debian's Chromium with playwright-core.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** `options.serviceWorkers: "block"`: a browser where the page's service worker never runs. */
export async function startBrowser({ serviceWorkers = "allow" } = {}) {
  if (!fs.existsSync(path.join(ROOT, "dist/index.html"))) throw new Error("dist/ missing: run npm run build");
  const { server, url } = await serve(path.join(ROOT, "dist"), { port: 0 });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "wagcheck-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width: 1400, height: 900 },
    serviceWorkers,
  });
  const close = async () => {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, url, close };
}

/** Opens the page, recording console errors and page errors; waits until the engine is ready. */
export async function openPage(context, url, { allowErrors = [] } = {}) {
  const page = await context.newPage();
  const errors = [];
  const record = (text) => {
    if (!allowErrors.some((re) => re.test(text))) errors.push(text);
  };
  page.on("console", (msg) => {
    if (msg.type() === "error") record(msg.text());
  });
  page.on("pageerror", (err) => record(`pageerror: ${err.message}`));
  // A request the page itself gave up on (a reload while the page's own engine was still
  // loading) is not a failure of the site; anything else is.
  page.on("requestfailed", (req) => {
    if (req.failure()?.errorText !== "net::ERR_ABORTED") record(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("request", (req) => {
    if (!req.url().startsWith(new URL(url).origin)) record(`remote request: ${req.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30000 });
  return { page, errors };
}

/** Waits until the checker has a report for the text now in every tab. */
export async function settled(page, timeout = 30000) {
  await page.waitForFunction(
    () => {
      const c = window.wagcheck?.checker;
      if (!c || !c.report || c.inFlight) return false;
      c.current.state = c.view.state;
      return c.files.every((f) => c.reportDocs.get(f.path) === f.state.doc);
    },
    null,
    { timeout, polling: 50 },
  );
}

/** Loads an example from the Examples menu by value (a rule id or "clean"). */
export async function loadExample(page, value) {
  await page.selectOption("#examples", value);
  await settled(page);
}

/** Replaces the active file's text, as a paste would. */
export async function setText(page, text) {
  await page.evaluate((t) => {
    const v = window.wagcheck.checker.view;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t }, userEvent: "input.paste" });
  }, text);
}

/**
 * Saves a screenshot in tests/artifacts/NAME always, and in docs/NAME (committed, for the
 * README) when missing or when asked for with UPDATE_SCREENSHOT=1, so a test run leaves the
 * work tree clean.
 */
export async function saveScreenshot(page, name) {
  const artifact = path.join(ROOT, "tests/artifacts", name);
  fs.mkdirSync(path.dirname(artifact), { recursive: true });
  await page.screenshot({ path: artifact });
  const readme = path.join(ROOT, "docs", name);
  if (process.env.UPDATE_SCREENSHOT === "1" || !fs.existsSync(readme)) {
    fs.mkdirSync(path.dirname(readme), { recursive: true });
    fs.copyFileSync(artifact, readme);
  }
}
