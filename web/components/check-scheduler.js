// @ts-check
// When the checker asks the engine, and which answers it keeps. No DOM and no CodeMirror here:
// the checker hands it a way to snapshot its files, and tests/node/check-scheduler.test.mjs
// drives it with a fake engine.
//
// At most one check is in flight and one queued, so fast typing never piles up checks. A check
// with no delay starts at once (an edit being dispatched) or in a microtask; with a delay, each
// new request restarts the timer (a debounce). An answer for files that changed meanwhile is
// dropped and the files are checked again.

/**
 * @typedef {object} Snapshot what one check was asked about
 * @property {({path: string, text: string} | import("../engine.js").DocFile)[]} files the files
 *   sent to the engine
 * @property {() => boolean} isFresh whether the checker's files are still these
 */

/** @typedef {import("../pkg/wagcheck.js").Report} Report */
/** @typedef {import("../pkg/wagcheck.js").Options} Options */

/**
 * @typedef {object} SchedulerEngine the part of web/engine.js's Engine the scheduler uses
 * @property {(files: Snapshot["files"], options: Options) => Promise<Report>} check
 *   a check in the worker
 * @property {(files: Snapshot["files"], options: Options) => Report | undefined} [checkNow]
 *   a check in the page's thread, or undefined when the worker must answer (Engine.checkNow)
 * @property {number} [lastMs] the engine's own time for the last answer
 * @property {boolean} [lastInline] whether the last answer came from checkNow
 */

/** @template {Snapshot} [S=Snapshot] what the checker's snapshot holds besides the files */
export class CheckScheduler {
  /**
   * @param {object} options
   * @param {SchedulerEngine} options.engine
   * @param {(doc: any, edit: any) => S} options.snapshot takes the files as they are now; `doc`
   *   is the current file's text when an edit is being dispatched and the editor does not show
   *   it yet, and `edit` that edit (what it changed in which document), when known
   * @param {() => Options} options.options the engine options (rules selected, ignored)
   * @param {(report: Report, snapshot: S) => void} options.onReport a fresh answer
   * @param {(error: Error) => void} options.onError the engine failed or crashed
   * @param {number} [options.delay] ms between an edit and its check (0: at once)
   */
  constructor({ engine, snapshot, options, onReport, onError, delay = 0 }) {
    this.engine = engine;
    this.snapshot = snapshot;
    this.options = options;
    this.onReport = onReport;
    this.onError = onError;
    this.delay = delay;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.queued = false;
    /** A check is waiting for the engine. */
    this.inFlight = false;
    /** Another check is wanted once the one in flight is done. */
    this.again = false;
    /** Fresh answers applied so far. */
    this.checks = 0;
    /** The last fresh answer: from the request to the answer, and the engine's own time (ms). */
    this.lastCheckMs = 0;
    this.lastEngineMs = 0;
    /** Whether the last fresh answer came from the page's thread (Engine.checkNow). */
    this.lastInline = false;
  }

  /**
   * Checks the files after `delay` ms, or now with no delay. `doc` is the current file's text
   * when an edit is being dispatched and the view does not show it yet, `edit` that edit.
   * @param {number} [delay]
   * @param {any} [doc]
   * @param {any} [edit]
   */
  schedule(delay = this.delay, doc = null, edit = null) {
    clearTimeout(this.timer);
    if (delay > 0) {
      this.timer = setTimeout(() => this.run(), delay);
      return;
    }
    if (doc) {
      this.run(doc, edit);
      return;
    }
    // A zero-delay timer set while the browser handles input runs only after the next frame
    // is drawn (4-20 ms measured); a microtask sends the check to the worker first, and the
    // changes of one task still share one check.
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.run();
    });
  }

  /**
   * @param {any} [doc]
   * @param {any} [edit]
   */
  async run(doc = null, edit = null) {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const snapshot = this.snapshot(doc, edit);
    const options = this.options();
    this.inFlight = true;
    const started = performance.now();
    try {
      // checkNow answers at once when it can; awaited either way, so the report is applied
      // after CodeMirror has taken the edit, still before the frame is drawn.
      const report = await (this.engine.checkNow?.(snapshot.files, options) ?? this.engine.check(snapshot.files, options));
      if (snapshot.isFresh()) {
        this.lastCheckMs = performance.now() - started;
        this.lastEngineMs = this.engine.lastMs ?? 0;
        this.lastInline = Boolean(this.engine.lastInline);
        this.checks += 1;
        this.onReport(report, snapshot);
      } else {
        this.again = true;
      }
    } catch (error) {
      // After a crash the engine is already re-created; the next edit checks again. Not
      // re-running the same input here avoids a crash loop on an input that panics.
      this.onError(error);
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    }
  }

  /** Drops a check waiting for its delay (the checker is going away). */
  cancel() {
    clearTimeout(this.timer);
  }
}
