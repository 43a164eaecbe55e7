// The hit list beside the editor: syntax errors, then every hit in file order with its Fix
// button, the count, and the Fix all buttons.
import { h, clear } from "../dom.js";
import { inline } from "../markdown.js";
import { severityBadge } from "./rule-doc.js";

/**
 * The report's hits in the order of the files, then of their place, then by rule.
 * @param {{diagnostics: object[]}} report
 * @param {string[]} paths the files' paths in tab order
 */
export function sortedHits(report, paths) {
  const order = new Map(paths.map((p, i) => [p, i]));
  return [...report.diagnostics].sort(
    (a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0) || a.from - b.from || a.rule.localeCompare(b.rule),
  );
}

export class HitList {
  /**
   * @param {object} options
   * @param {(d: object) => void} options.onSelect a hit's row was chosen
   * @param {(d: object) => void} options.onFix a hit's Fix button
   * @param {(unsafe: boolean) => void} options.onFixAll
   * @param {(path: string, from: number, to: number) => void} options.onGoTo a syntax error's row
   */
  constructor({ onSelect, onFix, onFixAll, onGoTo }) {
    this.onSelect = onSelect;
    this.onFix = onFix;
    this.onGoTo = onGoTo;
    this.key = "";
    this.count = h("span", { class: "count" });
    this.fixSafe = h("button", { type: "button", onclick: () => onFixAll(false), "data-action": "fix-all-safe" }, "Fix all (safe)");
    this.fixUnsafe = h("button", { type: "button", onclick: () => onFixAll(true), "data-action": "fix-all-unsafe" }, "Fix all (incl. unsafe)");
    this.list = h("ul", { class: "hits", "aria-label": "Hits" });
    this.head = h("div", { class: "hits-head" }, h("h2", {}, "Hits ", this.count), h("div", { class: "fix-all" }, this.fixSafe, this.fixUnsafe));
  }

  /**
   * @param {object} state
   * @param {object | null} state.report the engine's report, null before the first
   * @param {object[] | null} state.hits its hits, sorted (sortedHits)
   * @param {boolean} state.multiFile more than one file: rows name the file
   * @param {boolean} state.empty every file is blank
   * @param {(d: object) => boolean} state.isSelected
   */
  render({ report, hits, multiFile, empty, isSelected }) {
    // Rebuilt only when a row would change (what it shows or where its buttons go), which
    // typing mostly does not: every keystroke brings a report.
    const key = JSON.stringify([
      multiFile,
      report && empty,
      report?.syntaxErrors.map((e) => [e.path, e.message, e.from, e.to, e.start.line, e.start.column]),
      hits?.map((d) => [d.path, d.rule, d.severity, d.message, d.from, d.to, d.start.line, d.start.column, d.fix && [d.fix.title, d.fix.applicability], isSelected(d)]),
    ]);
    if (key === this.key) return;
    this.key = key;
    clear(this.list);
    if (!report) {
      this.count.textContent = "";
      this.fixSafe.disabled = this.fixUnsafe.disabled = true;
      return;
    }
    this.count.textContent = `(${hits.length})`;
    const fixable = hits.filter((d) => d.fix);
    this.fixSafe.disabled = !fixable.some((d) => d.fix.applicability === "safe");
    this.fixUnsafe.disabled = fixable.length === 0;
    for (const e of report.syntaxErrors) {
      this.list.append(
        h(
          "li",
          { class: "hit hit-syntax", "data-path": e.path },
          h(
            "button",
            { type: "button", class: "hit-main", onclick: () => this.onGoTo(e.path, e.from, e.to) },
            h("span", { class: "badge sev-syntax" }, "syntax"),
            h("span", { class: "hit-message" }, `Syntax error: ${e.message}`),
            h("span", { class: "hit-loc" }, `${e.path}:${e.start.line}:${e.start.column}`),
          ),
        ),
      );
    }
    for (const d of hits) {
      const selected = isSelected(d);
      this.list.append(
        h(
          "li",
          { class: `hit${selected ? " selected" : ""}`, "data-rule": d.rule, "data-path": d.path, "data-from": String(d.from) },
          h(
            "button",
            { type: "button", class: "hit-main", "aria-current": selected ? "true" : null, onclick: () => this.onSelect(d) },
            severityBadge(d.severity),
            h("code", { class: "hit-rule" }, d.rule),
            h("span", { class: "hit-message" }, inline(d.message)),
            h("span", { class: "hit-loc" }, `${multiFile ? `${d.path}:` : "line "}${d.start.line}${multiFile ? `:${d.start.column}` : ""}`),
          ),
          d.fix
            ? h(
                "button",
                { type: "button", class: "small fix", title: `${d.fix.title} (${d.fix.applicability})`, "data-action": "fix", onclick: () => this.onFix(d) },
                d.fix.applicability === "unsafe" ? "Fix (unsafe)" : "Fix",
              )
            : null,
        ),
      );
    }
    if (!hits.length && !report.syntaxErrors.length && !empty) {
      this.list.append(h("li", { class: "no-hits" }, "No hits: nothing in this code matches a rule."));
    }
  }
}
