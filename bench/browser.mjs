// The browser section of the bench: cold start and keystroke-to-diagnostics latency in
// headless Chromium on the built page (dist/), with Debian's chromium + playwright-core.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startBrowser, openPage } from "../tests/browser/browser.mjs";

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Real code of about `bytes` bytes, cut at a line end. */
function realCode(corpusFile, bytes) {
  let text = readFileSync(corpusFile, "utf8");
  while (text.length < bytes) text += text;
  const cut = text.lastIndexOf("\n", bytes);
  return text.slice(0, cut + 1);
}

export async function benchBrowser(root, row, { keystrokes = 60 } = {}) {
  const corpusFile = join(root, ".cache/corpus/src/django/db/models/query.py");
  const { context, url, close } = await startBrowser();
  const out = {};
  try {
    // (a) Cold start: navigation to the first diagnostics shown, on the default example.
    const cold = [];
    for (let i = 0; i < 5; i++) {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.querySelectorAll(".hit").length > 0, null, { timeout: 60000, polling: "raf" });
      cold.push(await page.evaluate(() => performance.now()));
      await page.close();
    }
    out.cold_start_ms = Math.round(percentile(cold, 50));
    row("browser", "cold start: navigation to first hits shown (p50 of 5)", `${out.cold_start_ms} ms`);

    // (b) Keystroke to updated diagnostics. The page checks as soon as an edit is made
    // (checkDelay 0); set it to 0 here too, so the figure stays the work itself if a build
    // ever adds a debounce.
    const { page } = await openPage(context, url);
    const debounce = await page.evaluate(() => window.wagcheck.checker.checkDelay);
    await page.evaluate(() => {
      const checker = window.wagcheck.checker;
      checker.checkDelay = 0;
      window.__keys = [];
      window.__applied = [];
      window.__checkMs = [];
      const apply = checker.applyReport.bind(checker);
      checker.applyReport = (report) => {
        apply(report);
        window.__applied.push(performance.now());
        window.__checkMs.push(checker.lastCheckMs);
      };
      addEventListener("keydown", () => window.__keys.push(performance.now()), true);
    });
    const sizes = [
      ["200 lines", realCode(corpusFile, 7000).split("\n").slice(0, 200).join("\n") + "\n"],
      ["100 KB", realCode(corpusFile, 100 * 1024)],
    ];
    out.keystroke = {};
    for (const [label, text] of sizes) {
      await page.evaluate((t) => window.wagcheck.checker.setFiles([{ path: "bench.py", text: t }]), text);
      await page.waitForFunction(() => window.__applied.length > 0 && window.wagcheck.checker.report, null, { timeout: 60000 });
      await page.click(".cm-content");
      await page.keyboard.press("Control+End");
      const latencies = [];
      const engine = [];
      for (let i = 0; i < keystrokes; i++) {
        const before = await page.evaluate(() => window.__applied.length);
        await page.keyboard.type(i % 2 ? "\b" : "x");
        await page.waitForFunction((n) => window.__applied.length > n, before, { timeout: 60000, polling: "raf" });
        const [key, applied, ms] = await page.evaluate(() => [window.__keys.at(-1), window.__applied.at(-1), window.__checkMs.at(-1)]);
        latencies.push(applied - key);
        engine.push(ms);
      }
      const lines = text.split("\n").length - 1;
      const r = {
        lines,
        bytes: text.length,
        p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
        p95_ms: Math.round(percentile(latencies, 95) * 10) / 10,
        engine_p50_ms: Math.round(percentile(engine, 50) * 10) / 10,
        engine_p95_ms: Math.round(percentile(engine, 95) * 10) / 10,
      };
      out.keystroke[label] = r;
      row("browser", `keystroke -> hits, ${label} (${lines} lines): p50 / p95`, `${r.p50_ms} / ${r.p95_ms} ms (worker round trip ${r.engine_p50_ms} / ${r.engine_p95_ms})`, label === "100 KB" ? "p95 < 16 ms" : "");
    }
    out.page_debounce_ms = debounce;
    if (debounce) row("browser", "the page's own debounce after the last key (not included above)", `${debounce} ms`);
  } finally {
    await close();
  }
  return out;
}
