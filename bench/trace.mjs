// Where a keystroke's time goes in the built page: types in headless Chromium while recording a
// performance trace, then prints the median of each phase, from the keydown to the frame that
// shows the report, and what the main thread and the worker were busy with meanwhile.
// For attributing time; the figures themselves come from `node bench/run.mjs browser`.
//   node bench/trace.mjs [200|100kb] [keystrokes] [trace.json]
// PROFILE=1 adds V8's sampling profiler to the trace (slower code; open the file in DevTools).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startBrowser, openPage, ROOT } from "../tests/browser/browser.mjs";

const [size = "100kb", count = "30", out = "/tmp/wagcheck-trace.json"] = process.argv.slice(2);
let text = readFileSync(join(ROOT, ".cache/corpus/src/django/db/models/query.py"), "utf8");
if (size === "100kb") {
  while (text.length < 100 * 1024) text += text;
  text = text.slice(0, text.lastIndexOf("\n", 100 * 1024) + 1);
} else {
  text = text.split("\n").slice(0, Number(size)).join("\n") + "\n";
}

const { context, url, close } = await startBrowser();
let events;
try {
  const { page } = await openPage(context, url);
  // User-timing marks: keydown (at the event's time stamp), check sent, report received,
  // report applied, and "shown" once the frame after it is drawn (as bench/browser.mjs).
  await page.evaluate(() => {
    const checker = window.wagcheck.checker;
    window.__shown = 0;
    const apply = checker.applyReport.bind(checker);
    checker.applyReport = (report) => {
      apply(report);
      performance.mark("applied");
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          performance.mark("shown");
          window.__shown++;
        };
        channel.port2.postMessage(null);
      });
    };
    // The page's pair of engines (web/team.js) or a single one: built-in rules go to `core`.
    const engine = checker.engine.core ?? checker.engine;
    const checkNow = engine.checkNow.bind(engine);
    engine.checkNow = (...args) => {
      performance.mark("posted");
      const report = checkNow(...args);
      if (report !== undefined) performance.mark("received");
      return report;
    };
    const check = engine.check.bind(engine);
    engine.check = (...args) => {
      const promise = check(...args);
      performance.mark("posted");
      return promise;
    };
    const receive = engine.receive.bind(engine);
    engine.receive = (...args) => {
      performance.mark("received");
      return receive(...args);
    };
    addEventListener("keydown", (e) => performance.mark("keydown", { startTime: e.timeStamp }), true);
  });
  await page.evaluate((t) => window.wagcheck.checker.setFiles([{ path: "bench.py", text: t }]), text);
  await page.waitForFunction(() => window.__shown > 0);
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  // As bench/browser.mjs: the keystrokes right after loading a text are timed apart there.
  for (let i = 0; i < 10; i++) {
    const before = await page.evaluate(() => window.__shown);
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    await page.waitForFunction((n) => window.__shown > n, before, { polling: "raf" });
  }
  const cdp = await context.newCDPSession(page);
  const chunks = [];
  cdp.on("Tracing.dataCollected", (e) => chunks.push(...e.value));
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    traceConfig: {
      includedCategories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.timeline.frame",
        "blink.user_timing",
        "toplevel",
        "v8.execute",
        ...(process.env.PROFILE ? ["disabled-by-default-v8.cpu_profiler"] : []),
      ],
    },
  });
  for (let i = 0; i < Number(count); i++) {
    const before = await page.evaluate(() => window.__shown);
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    await page.waitForFunction((n) => window.__shown > n, before, { polling: "raf" });
    await page.waitForTimeout(50);
  }
  await cdp.send("Tracing.end");
  await done;
  events = chunks;
  writeFileSync(out, JSON.stringify({ traceEvents: events }));
} finally {
  await close();
}

// ---- summary ------------------------------------------------------------------------------
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const ms = (us) => (us / 1000).toFixed(1).padStart(5);
const marks = events.filter((e) => e.cat?.includes("blink.user_timing") && e.ph === "I").sort((a, b) => a.ts - b.ts);
const keys = marks.filter((m) => m.name === "keydown");
const pid = keys[0].pid;
const threadName = new Map(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.pid === pid).map((e) => [e.tid, e.args.name]));
const tidOf = (name) => [...threadName].find(([, n]) => n === name)?.[0];
const tasksOf = (tid) =>
  events.filter((e) => e.pid === pid && e.tid === tid && e.ph === "X" && e.name === "ThreadControllerImpl::RunTask").sort((a, b) => a.ts - b.ts);
const main = tidOf("CrRendererMain");
const mainEvents = events.filter((e) => e.pid === pid && e.tid === main && e.ph === "X");
const mainTasks = tasksOf(main);
const workerTasks = tasksOf(tidOf("DedicatedWorker thread"));
/** Busy time of `tasks` inside [from, to). */
const busy = (tasks, from, to) => tasks.reduce((n, t) => n + Math.max(0, Math.min(to, t.ts + t.dur) - Math.max(from, t.ts)), 0);
const KINDS = {
  script: ["FunctionCall", "EventDispatch", "TimerFire", "FireAnimationFrame", "RunMicrotasks", "HandlePostMessage"],
  style: ["UpdateLayoutTree"],
  layout: ["Layout"],
  paint: ["PrePaint", "Paint", "Layerize"],
  commit: ["Commit"],
  gc: ["MinorGC", "MajorGC"],
};
/** Time of top-level (not nested in the same kind) events of each kind inside [from, to). */
function kinds(from, to) {
  const out = {};
  for (const [kind, names] of Object.entries(KINDS)) {
    const evs = mainEvents.filter((e) => names.includes(e.name) && e.ts >= from && e.ts < to);
    let end = -1;
    let total = 0;
    for (const e of evs) {
      if (e.ts < end) continue; // nested in one already counted
      total += e.dur;
      end = e.ts + e.dur;
    }
    out[kind] = total;
  }
  return out;
}
const phases = ["posted", "received", "applied", "shown"];
const rows = {
  "keydown -> posted": [],
  "posted -> received": [],
  "  of which the reply waits": [],
  "received -> applied": [],
  "applied -> shown": [],
  "keydown -> shown": [],
};
const mainBusy = [];
const workerBusy = [];
const perKind = {};
for (let i = 0; i < keys.length; i++) {
  const k = keys[i].ts;
  const end = keys[i + 1]?.ts ?? Infinity;
  const at = Object.fromEntries(phases.map((p) => [p, marks.find((m) => m.name === p && m.ts >= k && m.ts < end)?.ts]));
  if (phases.some((p) => at[p] === undefined)) continue;
  rows["keydown -> posted"].push(at.posted - k);
  rows["posted -> received"].push(at.received - at.posted);
  // The worker's task for this check ends when it posts the reply; from then on the reply
  // waits for the main thread (the rest of the keystroke's work, then its frame).
  const reply = workerTasks.find((t) => t.ts >= at.posted - 100 && t.ts < at.received);
  if (reply) rows["  of which the reply waits"].push(at.received - (reply.ts + reply.dur));
  rows["received -> applied"].push(at.applied - at.received);
  rows["applied -> shown"].push(at.shown - at.applied);
  rows["keydown -> shown"].push(at.shown - k);
  mainBusy.push(busy(mainTasks, k, at.shown));
  workerBusy.push(busy(workerTasks, k, at.shown));
  for (const [kind, t] of Object.entries(kinds(k, at.shown))) (perKind[kind] ||= []).push(t);
}
console.log(`${size}, ${rows["keydown -> shown"].length} keystrokes (trace: ${out}); medians in ms:`);
for (const [name, xs] of Object.entries(rows)) console.log(`  ${name.padEnd(28)} ${ms(median(xs))}`);
console.log(`  main thread busy, keydown -> shown  ${ms(median(mainBusy))}  (${Object.entries(perKind).map(([k, xs]) => `${k} ${ms(median(xs)).trim()}`).join(", ")})`);
console.log(`  worker busy, keydown -> shown       ${ms(median(workerBusy))}`);
