// @ts-check
// The page's handle on the engine: a Web Worker running the wasm module, so a large check never
// blocks typing, and a trap kills only the worker. After a crash the worker is re-created and
// `onCrash` is told; callers simply re-run what they need (the page keeps its own text).

/** @typedef {import("./pkg/wagcheck.js").SourceFile} SourceFile */
/** @typedef {import("./pkg/wagcheck.js").Options} Options */
/** @typedef {import("./pkg/wagcheck.js").Report} Report */
/** @typedef {import("./pkg/wagcheck.js").FixSelection} FixSelection */
/** @typedef {import("./pkg/wagcheck.js").FixResult} FixResult */
/** @typedef {import("./pkg/wagcheck.js").RuleInfo} RuleInfo */

export class EngineCrash extends Error {
  constructor(message) {
    super(message);
    this.name = "EngineCrash";
  }
}

/** Texts up to this size (all files together, in characters) may be checked in the page's thread, */
export const INLINE_MAX_CHARS = 256 * 1024;
/** while the engine's checks take at most this long (ms): the keystroke's frame waits for it. */
export const INLINE_MAX_MS = 12;
/** How many recent checks `typicalMs` judges by. */
const RECENT_CHECKS = 3;

/**
 * A file of a check as the editor holds it: its document (CodeMirror's immutable `Text`) and,
 * when the check follows an edit, that edit (`base`, the document before, and the `changes`
 * made to it). The text is joined from the document's lines only when asked for: a check in
 * the page's thread sends the module the changes since the text it checked last instead
 * (`inlineInputs`), where joining and encoding a 100 KB text cost a tenth of the keystroke's
 * check.
 */
export class DocFile {
  /**
   * @param {string} path
   * @param {{length: number, toString(): string}} doc
   * @param {{base: object, changes: {iterChanges(f: (fromA: number, toA: number, fromB: number, toB: number, inserted: {toString(): string}) => void): void}} | null} [edit]
   */
  constructor(path, doc, edit = null) {
    this.path = path;
    this.doc = doc;
    this.edit = edit;
    /** @type {string | null} */
    this.joined = null;
  }

  get text() {
    if (this.joined === null) this.joined = this.doc.toString();
    return this.joined;
  }
}

/** A file's size in characters, without joining a DocFile's text. */
const lengthOf = (file) => (file instanceof DocFile ? file.doc.length : file.text.length);

/**
 * Whether `files` may be checked in the page's thread, given how long the engine's checks
 * take now (`ms`, from `typicalMs`): small texts only, and only while checks are quick.
 * @param {({text: string} | DocFile)[]} files
 * @param {number} ms
 */
export function mayCheckInline(files, ms) {
  const chars = files.reduce((n, f) => n + lengthOf(f), 0);
  return chars <= INLINE_MAX_CHARS && ms <= INLINE_MAX_MS;
}

/** The plain `{path, text}` of each file, for a worker (a DocFile's document does not go there). */
const plain = (files) => files.map((f) => ({ path: f.path, text: f.text }));

/**
 * How long the engine's checks take now, from its last few (ms, oldest first): their median,
 * so that one slow check (a garbage collection, the machine busy for a moment) does not send
 * the next keystroke to the worker, whose answer shows a frame later; but the last one alone
 * when it took four times the limit, so the page never waits that long twice in a row.
 * @param {number[]} recent
 */
export function typicalMs(recent) {
  if (recent.length === 0) return 0;
  const last = recent[recent.length - 1];
  if (last > 4 * INLINE_MAX_MS) return last;
  const sorted = [...recent].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const encoder = new TextEncoder();

/**
 * What the module's `check` gets for `files`, given what it checked last (`sent`: each
 * path's document and the token it was sent with): a document it has, as no edits; a
 * document made by an edit of the one it has, as that edit's changes; any other as its whole
 * text in UTF-8 bytes (the browser encodes natively, where wasm-bindgen's glue copies a
 * string into the module one character at a time in JavaScript). Returns the inputs and
 * what `sent` becomes once the check is done.
 * @param {({path: string, text: string} | DocFile)[]} files
 * @param {Map<string, {doc: object, token: number}>} sent
 * @param {() => number} newToken
 */
export function inlineInputs(files, sent, newToken) {
  /** @type {Map<string, {doc: object, token: number}>} */
  const next = new Map();
  const inputs = files.map((file) => {
    if (!(file instanceof DocFile)) return { path: file.path, text: encoder.encode(file.text) };
    const last = sent.get(file.path);
    if (last && last.doc === file.doc) {
      next.set(file.path, last);
      return { path: file.path, base: last.token, edits: [], token: last.token };
    }
    const token = newToken();
    next.set(file.path, { doc: file.doc, token });
    if (last && file.edit && file.edit.base === last.doc) {
      /** @type {[number, number, string][]} */
      const edits = [];
      file.edit.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => edits.push([fromA, toA, inserted.toString()]));
      return { path: file.path, base: last.token, edits, token };
    }
    return { path: file.path, text: encoder.encode(file.text), token };
  });
  return { inputs, sent: next };
}

/** Whether `error` is the module's refusal of edits to a text it no longer has (wasm.rs). */
const isStaleBase = (error) => error instanceof Error && error.message.startsWith("stale base");

export class Engine {
  /**
   * @param {object} options
   * @param {URL|string} options.workerUrl
   * @param {(error: Error) => void} [options.onCrash]
   * @param {() => Promise<object>} [options.loadInline] loads the wasm module's API in the
   *   page's own thread as well, for `checkNow`
   */
  constructor({ workerUrl, onCrash, loadInline }) {
    this.workerUrl = workerUrl;
    this.onCrash = onCrash || (() => {});
    this.nextId = 1;
    this.pending = new Map();
    /** The engine's own time for the last answer, in ms, as the worker or checkNow measured it. */
    this.lastMs = 0;
    /** The engine's own times for the last few answers (`typicalMs`), oldest first. */
    this.recentMs = [];
    this.crashes = 0;
    this.consecutiveCrashes = 0;
    /** @type {EngineCrash | null} set when the engine gave up restarting */
    this.dead = null;
    /** @type {typeof import("./pkg/wagcheck.js") | null} the module in the page's thread, once loaded */
    this.inline = null;
    /** Whether the last answer came from the page's thread (checkNow) rather than the worker. */
    this.lastInline = false;
    this.loadInline = loadInline;
    /** What the page's module checked last, by path (`inlineInputs`). */
    this.sent = new Map();
    this.tokens = 0;
    this.start();
  }

  /**
   * Loads the page's own instance once the worker has answered a first check: fetching and
   * compiling it meanwhile would slow the page's first hits on a small machine. A page that
   * cannot load it keeps checking in the worker.
   */
  startInline() {
    const load = this.loadInline;
    if (!load) return;
    this.loadInline = null;
    load().then(
      (api) => (this.inline = api),
      () => {},
    );
  }

  start() {
    const worker = new Worker(this.workerUrl, { type: "module", name: "wagcheck-engine" });
    this.worker = worker;
    worker.onmessage = (event) => this.receive(worker, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.crash(worker, event.message || "the engine worker failed");
    };
    worker.onmessageerror = () => this.crash(worker, "the engine sent an unreadable message");
    /** @type {Promise<{version: string, rules: RuleInfo[]}>} resolves once the module is loaded */
    this.ready = this.call("ready");
  }

  receive(worker, message) {
    if (worker !== this.worker) return;
    const waiting = this.pending.get(message.id);
    if (message.fatal) {
      this.crash(worker, message.error);
      return;
    }
    this.consecutiveCrashes = 0;
    if (!waiting) return;
    this.pending.delete(message.id);
    if (waiting.method === "check") this.measured(message.ms ?? 0);
    else this.lastMs = message.ms ?? 0;
    this.lastInline = false;
    if (waiting.method === "check" && message.ok) this.startInline();
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new Error(message.error));
  }

  crash(worker, reason) {
    if (worker !== this.worker) return;
    worker.terminate();
    this.crashes += 1;
    this.consecutiveCrashes += 1;
    const error = new EngineCrash(reason);
    const pending = [...this.pending.values()];
    this.pending.clear();
    // A module that cannot even load would crash forever: give up after a few tries in a row.
    if (this.consecutiveCrashes <= 3) this.start();
    else this.dead = error;
    for (const waiting of pending) waiting.reject(error);
    this.onCrash(error);
  }

  /**
   * Asks the worker; resolves with its answer (typed by the public methods below).
   * @param {string} method
   * @param {...any} args
   * @returns {Promise<any>}
   */
  call(method, ...args) {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.worker.postMessage({ id, method, args });
    });
  }

  /**
   * @param {SourceFile[]} files
   * @param {Options} [options]
   * @returns {Promise<Report>}
   */
  check(files, options) {
    return this.call("check", plain(files), options || {});
  }

  /**
   * Checks in the page's own thread when that is quick: the report is then ready before
   * the keystroke's own frame is drawn, where the worker's answer waits for that frame and
   * shows one frame later (two frames, ~30 ms, at best). Returns undefined when the worker
   * must answer: no inline engine (not loaded yet, or gone after a trap), a large text, or
   * checks that take long now (`typicalMs`).
   */
  /**
   * @param {SourceFile[]} files
   * @param {Options} [options]
   * @returns {Report | undefined}
   */
  checkNow(files, options) {
    if (!this.inline || !mayCheckInline(files, typicalMs(this.recentMs))) return undefined;
    const started = performance.now();
    const newToken = () => ++this.tokens;
    try {
      let input = inlineInputs(files, this.sent, newToken);
      let report;
      try {
        report = this.inline.check(input.inputs, options || {});
      } catch (error) {
        if (!isStaleBase(error)) throw error;
        // The module no longer has a text the page sent it (a file it could not parse):
        // the whole texts, once.
        input = inlineInputs(files, new Map(), newToken);
        report = this.inline.check(input.inputs, options || {});
      }
      // Only once checked: a check that throws (bad options) leaves the module's texts as
      // they were.
      this.sent = input.sent;
      this.measured(performance.now() - started);
      this.lastInline = true;
      return report;
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      // A trap leaves the instance unusable: the worker answers from now on (and, given
      // the same input, reports the crash as usual).
      this.inline = null;
      this.sent = new Map();
      return undefined;
    }
  }

  /** Records the engine's own time for an answer (ms). */
  measured(ms) {
    this.lastMs = ms;
    this.recentMs.push(ms);
    if (this.recentMs.length > RECENT_CHECKS) this.recentMs.shift();
  }

  /**
   * @param {SourceFile[]} files
   * @param {FixSelection} [selection]
   * @param {Options} [options]
   * @returns {Promise<FixResult>}
   */
  applyFixes(files, selection, options) {
    return this.call("applyFixes", files, selection || {}, options || {});
  }

  /** Makes the engine panic (tests of the crash recovery). */
  panicForTesting() {
    return this.call("panicForTesting");
  }

  terminate() {
    this.worker.terminate();
  }
}
