// The checker's check scheduling (web/components/check-scheduler.js) under node: debounce, one
// check in flight and one queued, answers for files that changed meanwhile dropped, engine
// errors not retried in a loop, and which checks run in the page's thread (Engine.checkNow, the
// INLINE_MAX rules of web/engine.js) and which in the worker. The engine is web/engine.js's
// own Engine over a fake Worker and a fake in-page module, so no wasm is needed here.
import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { CheckScheduler } from "../../web/components/check-scheduler.js";
import { DocFile, Engine, INLINE_MAX_CHARS, INLINE_MAX_MS, mayCheckInline, typicalMs } from "../../web/engine.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets every queued microtask (and the promise chains they start) run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A Worker that records what the engine posts and answers only when the test says so. */
class FakeWorker {
  static all = [];
  constructor() {
    this.sent = [];
    this.terminated = false;
    FakeWorker.all.push(this);
  }
  postMessage(message) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  /** The check requests not answered yet. */
  checks() {
    return this.sent.filter((m) => m.method === "check" && !m.answered);
  }
  /** Answers a request as the real worker does (web/worker.js): {id, ok, result, ms}. */
  answer(message, result, ms = 5) {
    message.answered = true;
    this.onmessage({ data: { id: message.id, ok: true, result, ms } });
  }
  fail(message, error) {
    message.answered = true;
    this.onmessage({ data: { id: message.id, ok: false, error } });
  }
}

let savedWorker;
beforeEach(() => {
  savedWorker = globalThis.Worker;
  globalThis.Worker = FakeWorker;
  FakeWorker.all = [];
});
afterEach(() => {
  globalThis.Worker = savedWorker;
});

/** A report naming the texts it was made from, so a test can tell which check it answers. */
const reportOf = (files) => ({ texts: files.map((f) => f.text), diagnostics: [], syntaxErrors: [], errors: [], files: files.length });

/**
 * A scheduler over an Engine with a fake worker, and a file list the test edits. `inline`: a
 * fake in-page module (its check answers at once), or null for an engine still without one.
 */
function setup({ delay = 0, inline = null } = {}) {
  const engine = new Engine({ workerUrl: "worker.js" });
  const worker = FakeWorker.all.at(-1);
  worker.answer(worker.sent[0], { version: "test", rules: [] }); // "ready"
  if (inline) engine.inline = inline;
  const files = { text: "x = 1\n" };
  const reports = [];
  const errors = [];
  const scheduler = new CheckScheduler({
    engine,
    delay,
    snapshot: (doc) => {
      const text = doc ?? files.text;
      return { files: [{ path: "a.py", text }], isFresh: () => files.text === text };
    },
    options: () => ({ ignore: [] }),
    onReport: (report) => reports.push(report),
    onError: (error) => errors.push(error),
  });
  return { engine, worker, files, reports, errors, scheduler };
}

/** A fake wasm API for Engine.checkNow: counts its checks; `trap` makes the next one trap. */
function inlineApi() {
  const api = {
    calls: 0,
    trap: false,
    /** Whether the last check got each text as UTF-8 bytes (engine.js's asUtf8), as the page sends them. */
    bytes: false,
    check(files) {
      api.calls += 1;
      if (api.trap) throw new WebAssembly.RuntimeError("unreachable");
      api.bytes = files.every((f) => f.text instanceof Uint8Array);
      // Read as the module reads them.
      return reportOf(files.map((f) => ({ ...f, text: typeof f.text === "string" ? f.text : new TextDecoder().decode(f.text) })));
    },
  };
  return api;
}

test("zero delay: the edits of one task share one check, sent in a microtask", async () => {
  const { worker, files, scheduler } = setup();
  files.text = "a = 1\n";
  scheduler.schedule(0);
  files.text = "a = 2\n";
  scheduler.schedule(0);
  scheduler.schedule(0);
  assert.equal(worker.checks().length, 0, "not sent synchronously");
  await Promise.resolve();
  assert.equal(worker.checks().length, 1);
  assert.deepEqual(worker.checks()[0].args[0], [{ path: "a.py", text: "a = 2\n" }]);
});

test("an edit being dispatched (doc given) is checked at once, with that text", () => {
  const { worker, scheduler } = setup();
  scheduler.schedule(0, "typed = 1\n");
  assert.equal(worker.checks().length, 1);
  assert.equal(worker.checks()[0].args[0][0].text, "typed = 1\n");
});

test("debounce: with a delay, each request restarts the timer and only the last one checks", async () => {
  const { worker, files, reports, scheduler } = setup({ delay: 40 });
  for (const text of ["a\n", "ab\n", "abc\n"]) {
    files.text = text;
    scheduler.schedule();
    await sleep(10);
  }
  assert.equal(worker.checks().length, 0, "still waiting for the quiet time");
  await sleep(80);
  assert.equal(worker.checks().length, 1);
  assert.equal(worker.checks()[0].args[0][0].text, "abc\n");
  worker.answer(worker.checks()[0], reportOf([{ text: "abc\n" }]));
  await flush();
  assert.deepEqual(reports.map((r) => r.texts), [["abc\n"]]);
  assert.equal(scheduler.checks, 1);
});

test("cancel() drops a check waiting for its delay", async () => {
  const { worker, scheduler } = setup({ delay: 20 });
  scheduler.schedule();
  scheduler.cancel();
  await sleep(50);
  assert.equal(worker.checks().length, 0);
});

test("one check in flight and one queued: typing during a slow check sends one more, with the latest text", async () => {
  const { worker, files, reports, scheduler } = setup();
  scheduler.schedule(0, "v1\n");
  assert.ok(scheduler.inFlight);
  for (const text of ["v2\n", "v3\n", "v4\n"]) {
    files.text = text;
    scheduler.schedule(0, text);
  }
  await flush();
  assert.equal(worker.checks().length, 1, "nothing sent while one check is in flight");
  // v1's answer comes for text that is gone: dropped, and the current text is checked.
  worker.answer(worker.checks()[0], reportOf([{ text: "v1\n" }]));
  await flush();
  assert.deepEqual(reports, [], "a stale answer is not applied");
  assert.equal(scheduler.checks, 0);
  const next = worker.checks();
  assert.equal(next.length, 1, "exactly one more check");
  assert.equal(next[0].args[0][0].text, "v4\n");
  worker.answer(next[0], reportOf([{ text: "v4\n" }]));
  await flush();
  assert.deepEqual(reports.map((r) => r.texts), [["v4\n"]]);
  assert.equal(scheduler.inFlight, false);
  assert.equal(worker.checks().length, 0, "and then nothing more");
});

test("an answer for files that changed meanwhile is dropped even with nothing else queued", async () => {
  const { worker, files, reports, scheduler } = setup();
  scheduler.schedule(0);
  await Promise.resolve();
  files.text = "changed behind the scheduler's back\n"; // e.g. a fix applied to another tab
  worker.answer(worker.checks()[0], reportOf([{ text: "x = 1\n" }]));
  await flush();
  assert.deepEqual(reports, []);
  assert.equal(worker.checks().length, 1, "the files are checked again");
  assert.equal(worker.checks()[0].args[0][0].text, files.text);
});

test("an engine error is reported once and not retried in a loop", async () => {
  const { worker, reports, errors, scheduler } = setup();
  scheduler.schedule(0);
  await Promise.resolve();
  worker.fail(worker.checks()[0], "the engine said no");
  await flush();
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /the engine said no/);
  assert.deepEqual(reports, []);
  assert.equal(worker.checks().length, 0);
  assert.equal(scheduler.inFlight, false);
});

test("a crash of the worker reaches onError, and the next request goes to the new worker", async () => {
  const { worker, errors, scheduler } = setup();
  scheduler.schedule(0);
  await Promise.resolve();
  worker.onmessage({ data: { id: worker.checks()[0].id, fatal: true, error: "panicked" } });
  await flush();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].name, "EngineCrash");
  assert.ok(worker.terminated);
  const fresh = FakeWorker.all.at(-1);
  assert.notEqual(fresh, worker);
  scheduler.schedule(0);
  await Promise.resolve();
  assert.equal(fresh.checks().length, 1);
});

test("inline: a small text after quick checks is checked in the page's thread, before any other task", async () => {
  const inline = inlineApi();
  const { worker, files, reports, scheduler } = setup({ inline });
  files.text = "small = 1\n";
  scheduler.schedule(0, "small = 1\n");
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(inline.calls, 1);
  assert.ok(inline.bytes, "the text goes in as UTF-8 bytes");
  assert.equal(worker.checks().length, 0, "the worker is not asked");
  assert.deepEqual(reports.map((r) => r.texts), [["small = 1\n"]]);
  assert.equal(scheduler.lastInline, true);
  assert.equal(scheduler.checks, 1);
});

test("the editor's files (DocFile) go to the worker as plain {path, text}, joined once; their size is read without joining", async () => {
  const { worker } = setup();
  const engine = new Engine({ workerUrl: "worker.js" });
  const ready = FakeWorker.all.at(-1);
  ready.answer(ready.sent[0], { version: "test", rules: [] });
  let joins = 0;
  const doc = { length: 9, toString: () => (joins++, "typed = 1") };
  const file = new DocFile("a.py", doc);
  assert.equal(mayCheckInline([file], 0), true);
  assert.equal(joins, 0, "the size is the document's");
  engine.check([file]);
  const message = ready.checks()[0];
  assert.deepEqual(message.args[0], [{ path: "a.py", text: "typed = 1" }]);
  assert.equal(file.text, "typed = 1");
  assert.equal(joins, 1, "joined once");
  assert.equal(worker.checks().length, 0);
});

test("inline: the INLINE_MAX limits (size of all files, time of the last check) send checks to the worker", async () => {
  assert.equal(mayCheckInline([{ text: "x".repeat(INLINE_MAX_CHARS) }], INLINE_MAX_MS), true);
  assert.equal(mayCheckInline([{ text: "x".repeat(INLINE_MAX_CHARS / 2) }, { text: "y".repeat(INLINE_MAX_CHARS / 2 + 1) }], 0), false);
  assert.equal(mayCheckInline([{ text: "x" }], INLINE_MAX_MS + 0.5), false);

  const inline = inlineApi();
  const { engine, worker, files, reports, scheduler } = setup({ inline });
  // Too large: the worker checks it.
  const large = "x = 1\n".repeat(Math.ceil((INLINE_MAX_CHARS + 1) / 6));
  files.text = large;
  scheduler.schedule(0, large);
  assert.equal(inline.calls, 0);
  assert.equal(worker.checks().length, 1);
  // That check took long (the worker measured 40 ms): the next small one stays in the worker ...
  worker.answer(worker.checks()[0], reportOf([{ text: large }]), INLINE_MAX_MS + 28);
  await flush();
  assert.equal(scheduler.lastInline, false);
  assert.equal(scheduler.lastEngineMs, INLINE_MAX_MS + 28);
  files.text = "small\n";
  scheduler.schedule(0, "small\n");
  assert.equal(inline.calls, 0, "the last check was slow");
  assert.equal(worker.checks().length, 1);
  // ... and once the worker answers it quickly, checks come back to the page.
  worker.answer(worker.checks()[0], reportOf([{ text: "small\n" }]), 2);
  await flush();
  files.text = "small 2\n";
  scheduler.schedule(0, "small 2\n");
  await flush();
  assert.equal(inline.calls, 1);
  assert.equal(scheduler.lastInline, true);
  assert.equal(engine.lastInline, true);
  assert.deepEqual(reports.at(-1).texts, ["small 2\n"]);
});

test("inline: one slow check among quick ones keeps the next in the page; slow checks in a row, or one very slow, do not", async () => {
  assert.equal(typicalMs([]), 0);
  assert.equal(typicalMs([4, 30, 5]), 5, "a spike between quick checks");
  assert.equal(typicalMs([4, 5, 30]), 5, "a spike just now");
  assert.equal(typicalMs([4, 20, 30]), 20, "slow twice in a row");
  assert.equal(typicalMs([4, 5, 4 * INLINE_MAX_MS + 1]), 4 * INLINE_MAX_MS + 1, "very slow just now");

  const inline = inlineApi();
  const { engine, files, scheduler, worker } = setup({ inline });
  const type = async (text) => {
    files.text = text;
    scheduler.schedule(0, text);
    await flush();
  };
  await type("a\n");
  await type("ab\n");
  assert.equal(inline.calls, 2);
  // The page's module takes 20 ms once (above INLINE_MAX_MS): the next check stays inline.
  engine.measured(INLINE_MAX_MS + 8);
  await type("abc\n");
  assert.equal(inline.calls, 3);
  assert.equal(worker.checks().length, 0);
  // Twice in a row: the worker answers.
  engine.measured(INLINE_MAX_MS + 8);
  engine.measured(INLINE_MAX_MS + 8);
  await type("abcd\n");
  assert.equal(inline.calls, 3);
  assert.equal(worker.checks().length, 1);
});

test("inline: a trap in the page's module sends that check and every later one to the worker", async () => {
  const inline = inlineApi();
  const { engine, worker, files, reports, scheduler } = setup({ inline });
  inline.trap = true;
  files.text = "boom\n";
  scheduler.schedule(0, "boom\n");
  assert.equal(inline.calls, 1);
  assert.equal(engine.inline, null, "the trapped instance is dropped");
  assert.equal(worker.checks().length, 1, "the worker answers instead");
  worker.answer(worker.checks()[0], reportOf([{ text: "boom\n" }]), 1);
  await flush();
  assert.deepEqual(reports.map((r) => r.texts), [["boom\n"]]);
  files.text = "after\n";
  scheduler.schedule(0, "after\n");
  assert.equal(inline.calls, 1);
  assert.equal(worker.checks().length, 1);
});

test("inline: before the page's module is loaded every check goes to the worker, which then loads it", async () => {
  let loads = 0;
  const engine = new Engine({ workerUrl: "worker.js", loadInline: async () => (loads++, inlineApi()) });
  const worker = FakeWorker.all.at(-1);
  const scheduler = new CheckScheduler({
    engine,
    snapshot: () => ({ files: [{ path: "a.py", text: "x\n" }], isFresh: () => true }),
    options: () => ({}),
    onReport: () => {},
    onError: (e) => assert.fail(e),
  });
  scheduler.schedule(0, "x\n");
  assert.equal(worker.checks().length, 1);
  assert.equal(loads, 0, "not loaded before the worker's first answer");
  worker.answer(worker.checks()[0], reportOf([{ text: "x\n" }]), 1);
  await flush();
  assert.equal(loads, 1);
  assert.ok(engine.inline, "loaded after it");
});
