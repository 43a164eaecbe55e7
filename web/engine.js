// The page's handle on the engine: a Web Worker running the wasm module, so a large check never
// blocks typing, and a trap kills only the worker. After a crash the worker is re-created and
// `onCrash` is told; callers simply re-run what they need (the page keeps its own text).

export class EngineCrash extends Error {
  constructor(message) {
    super(message);
    this.name = "EngineCrash";
  }
}

export class Engine {
  /**
   * @param {{workerUrl: URL|string, onCrash?: (error: Error) => void}} options
   */
  constructor({ workerUrl, onCrash }) {
    this.workerUrl = workerUrl;
    this.onCrash = onCrash || (() => {});
    this.nextId = 1;
    this.pending = new Map();
    /** The engine's own time for the last answer, in ms, as the worker measured it. */
    this.lastMs = 0;
    this.crashes = 0;
    this.consecutiveCrashes = 0;
    this.dead = false;
    this.start();
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
    /** Resolves with {version, rules} once the module is loaded. */
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
    this.lastMs = message.ms ?? 0;
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

  call(method, ...args) {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  check(files, options) {
    return this.call("check", files, options || {});
  }

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
