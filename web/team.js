// Team rules in the page: the second engine module and the routing between the two.
//
// The page's first load has the engine without team rules (web/pkg, worker.js): it checks with
// every built-in rule and draws the syntax tree. The module with team rules (web/pkg-team,
// team-worker.js: the YAML reader and ast-grep's matcher, about three times the size) is started
// only when team rules are used: the Rules view opens, a share link or a lesson carries rules.
// `Engines` looks like one Engine to the checker: a check whose options carry rule files goes
// to the team module, any other to the first one.
import { Engine } from "./engine.js";

export class Engines {
  /**
   * @param {object} options
   * @param {Engine} options.core the first module's engine (inline checks included)
   * @param {(error: Error) => void} [options.onCrash]
   */
  constructor({ core, onCrash }) {
    this.core = core;
    this.onCrash = onCrash || (() => {});
    /** @type {Engine | null} started by `team()` */
    this.teamEngine = null;
    /** The engine that gave the last answer (its times are the checker's status line's). */
    this.last = core;
  }

  get ready() {
    return this.core.ready;
  }

  get lastMs() {
    return this.last.lastMs;
  }

  get lastInline() {
    return this.last.lastInline;
  }

  /** Whether the team module has been started (the first load does not start it). */
  get teamStarted() {
    return this.teamEngine !== null;
  }

  /** The team module's engine, started on first use; resolves once it has loaded. */
  async team() {
    if (!this.teamEngine) {
      this.teamEngine = new Engine({
        workerUrl: new URL("./team-worker.js", import.meta.url),
        onCrash: (error) => this.onCrash(error),
      });
    }
    await this.teamEngine.ready;
    return this.teamEngine;
  }

  /** The engine for these options: the team module when they carry rule files. */
  async for(options) {
    this.last = options && options.rules && options.rules.length ? await this.team() : this.core;
    return this.last;
  }

  check(files, options) {
    return this.for(options).then((engine) => engine.check(files, options));
  }

  /** The first module's quick in-page check; a check with team rules goes to the worker. */
  checkNow(files, options) {
    if (options && options.rules && options.rules.length) return undefined;
    const report = this.core.checkNow(files, options);
    if (report !== undefined) this.last = this.core;
    return report;
  }

  applyFixes(files, selection, options) {
    return this.for(options).then((engine) => engine.applyFixes(files, selection, options));
  }

  /** Loads rule files `[{path, text}]` and runs their examples and cases (team module). */
  async testRules(ruleFiles) {
    return (await this.team()).call("testRules", ruleFiles);
  }

  /** The syntax tree of a text, from the first module (no need for the team one). */
  syntaxTree(text) {
    return this.core.call("syntaxTree", text);
  }

  panicForTesting() {
    return this.core.panicForTesting();
  }
}

/** The Rules view's code (its YAML editor included), fetched when the view first opens. */
export function loadRulesView() {
  return import("./components/rules-view.js");
}

/**
 * Makes the checker check with these rule files, once the team module has read them (their
 * rule infos give the hit list and the explanation panel their names and documentation).
 * Returns the module's test report, or null when there are no files.
 * @param {Engines} engines
 * @param {import("./components/checker.js").Checker} checker
 * @param {{path: string, text: string}[]} files
 */
export async function useTeamRules(engines, checker, files) {
  if (!files.length) {
    checker.setTeamRules([], []);
    return null;
  }
  const result = await engines.testRules(files);
  checker.setTeamRules(files, result.rules.map((r) => r.rule));
  return result;
}
