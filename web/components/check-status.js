// The line under the editor that says what the last check found (read out by screen readers),
// and the alert shown when the engine failed.
import { h, clear } from "../dom.js";
import { EngineCrash } from "../engine.js";

/**
 * Writes the status into `host` (a live region): an empty editor, rules the build lacks, syntax
 * errors, files not checked, or the hit count; the check's time is kept out of what is announced.
 * @param {HTMLElement} host
 * @param {object} state
 * @param {boolean} state.empty every file is blank
 * @param {string[]} state.unknown selected rules this build lacks
 * @param {object | null} state.report
 * @param {number} state.engineMs the engine's time for the last check
 */
export function renderStatus(host, { empty, unknown, report, engineMs }) {
  const parts = [];
  if (empty) {
    parts.push(
      h("p", { class: "empty" }, "The editor is empty. Paste Django or Wagtail code (models, views, signals, cache helpers), or choose one from Examples. Add files with + File when a rule needs several (apps/blog/apps.py and apps/blog/signals.py)."),
    );
  }
  if (unknown.length) parts.push(h("p", { class: "file-error" }, `Not in this build of wagcheck: ${unknown.join(", ")}.`));
  const syntax = report?.syntaxErrors || [];
  if (syntax.length) {
    const first = syntax[0];
    parts.push(
      h("p", { class: "syntax" }, `${syntax.length} syntax error${syntax.length > 1 ? "s" : ""}: ${first.path} line ${first.start.line}: ${first.message}. Hits near broken code may be missing.`),
    );
  }
  for (const e of report?.errors || []) parts.push(h("p", { class: "file-error" }, `${e.path} not checked: ${e.message}`));
  if (report && !parts.length) {
    const n = report.diagnostics.length;
    parts.push(
      h(
        "p",
        {},
        h("span", {}, `${n} hit${n === 1 ? "" : "s"} in ${report.files} file${report.files === 1 ? "" : "s"}`),
        // Changes with every keystroke: kept out of what the live region announces.
        h("span", { class: "timing", "aria-hidden": "true" }),
      ),
    );
  }
  // Read back from the page, so a message written there by other code is replaced too.
  const said = (p) => [...p.childNodes].filter((c) => !c.classList?.contains("timing")).map((c) => c.textContent).join("");
  const key = (ps) => [...ps].map((p) => `${p.className}\n${said(p)}`).join("\n\n");
  if (key(parts) !== key(host.children)) clear(host).append(...parts);
  const timing = host.querySelector(".timing");
  if (timing) timing.textContent = ` · checked in ${Math.round(engineMs)} ms`;
}

/**
 * Shows in `alert` why the engine did not answer, with a Re-check button.
 * @param {HTMLElement} alert
 * @param {Error} error
 * @param {() => void} recheck
 */
export function renderEngineError(alert, error, recheck) {
  const crash = error instanceof EngineCrash;
  clear(alert).append(
    h("strong", {}, crash ? "The engine crashed: " : "The engine could not check this code: "),
    error.message,
    crash ? ". It has been restarted and your code is kept: edit the code or press Re-check." : "",
    " ",
    h("button", { type: "button", class: "small", onclick: recheck }, "Re-check"),
  );
  alert.hidden = false;
}
