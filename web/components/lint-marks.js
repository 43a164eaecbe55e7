// The engine's report as CodeMirror lint marks for one file: syntax errors and hits, each hit
// with its Fix and Explain actions.
import { forEachDiagnostic } from "@codemirror/lint";

const LINT_SEVERITY = { blocker: "error", warning: "warning", info: "info" };

/**
 * The marks of `path` in `report`, clamped to a document of `length` characters.
 * @param {object} report the engine's report
 * @param {string} path
 * @param {number} length
 * @param {object} actions
 * @param {((d: object) => void) | null} actions.fix fixes a hit (null: no fixes offered)
 * @param {(d: object) => void} actions.explain selects a hit and shows its explanation
 */
export function lintMarks(report, path, length, { fix, explain }) {
  const clamp = (n) => Math.max(0, Math.min(length, n));
  // The actions take the hit's place from CodeMirror, which maps it through later edits,
  // so marks left in place by sameMarks still fix and explain the right hit.
  return [
    ...report.syntaxErrors
      .filter((e) => e.path === path)
      .map((e) => ({ from: clamp(e.from), to: clamp(e.to), severity: "error", source: "syntax error", message: e.message, markClass: "wag-syntax" })),
    ...report.diagnostics
      .filter((d) => d.path === path)
      .map((d) => ({
        from: clamp(d.from),
        to: clamp(d.to),
        severity: LINT_SEVERITY[d.severity] || "warning",
        source: d.rule,
        message: d.message,
        markClass: `wag-${d.severity}`,
        actions: [
          ...(d.fix && fix ? [{ name: "Fix", apply: (view, from) => fix({ ...d, from }) }] : []),
          { name: "Explain", apply: (view, from, to) => explain({ ...d, from, to }) },
        ],
      })),
  ];
}

/** Whether the lint marks of `state` (as CodeMirror mapped them through edits) are `marks`. */
export function sameMarks(state, marks) {
  const key = (from, to, m) => `${from}:${to}:${m.severity}:${m.markClass}:${m.source}:${m.message}:${(m.actions || []).map((a) => a.name)}`;
  const now = [];
  forEachDiagnostic(state, (m, from, to) => now.push(key(from, to, m)));
  if (now.length !== marks.length) return false;
  const wanted = marks.map((m) => key(m.from, m.to, m));
  now.sort();
  wanted.sort();
  return now.every((k, i) => k === wanted[i]);
}
