// Fixes reviewed before they are applied: the diff of each changed file in a dialog (Accept or
// Reject), and the smallest edit that applies an accepted fix (so undo and the cursor behave).
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { syntaxHighlighting } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { h, clear } from "../dom.js";
import { inline } from "../markdown.js";
import { editorTheme, highlightStyle } from "./editor-look.js";

/** The smallest single change that turns `a` into `b`. */
export function minimalChange(a, b) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { from: start, to: a.length - end, insert: b.slice(start, b.length - end) };
}

/**
 * A read-only diff of `before` and `after` in `host`: side by side where there is room, one
 * column with deleted and inserted lines on a phone. Returns the view (destroy() it).
 */
export function diffView(host, before, after) {
  const readOnly = [python(), syntaxHighlighting(highlightStyle), EditorView.editable.of(false), EditorState.readOnly.of(true), editorTheme];
  if (window.matchMedia("(max-width: 700px)").matches) {
    return new EditorView({
      parent: host,
      doc: after,
      extensions: [
        ...readOnly,
        unifiedMergeView({ original: before, mergeControls: false, gutter: true, collapseUnchanged: { margin: 3, minSize: 6 } }),
      ],
    });
  }
  return new MergeView({
    a: { doc: before, extensions: readOnly },
    b: { doc: after, extensions: readOnly },
    parent: host,
    highlightChanges: true,
    gutter: true,
    collapseUnchanged: { margin: 3, minSize: 6 },
  });
}

/**
 * Shows the diff of each changed file in `dialog`; resolves true on Accept.
 * @param {HTMLDialogElement} dialog
 * @param {string} title
 * @param {{path: string, text: string}[]} before the files now
 * @param {{path: string, text: string}[]} changed the files the fixes change, as they would be
 * @param {{applied: object[], report: {diagnostics: object[]}}} result the engine's applyFixes answer
 * @returns {Promise<boolean>}
 */
export function reviewFixes(dialog, title, before, changed, result) {
  return new Promise((resolve) => {
    const views = [];
    const body = h("div", { class: "merge-list" });
    for (const f of changed) {
      const old = before.find((b) => b.path === f.path).text;
      const host = h("div", { class: "merge" });
      body.append(h("h3", {}, f.path), h("div", { class: "merge-labels" }, h("span", {}, "Now"), h("span", {}, "After the fix")), host);
      views.push(diffView(host, old, f.text));
    }
    const remaining = result.report.diagnostics.length;
    const accept = h("button", { type: "submit", value: "accept", class: "primary", "data-action": "accept" }, "Accept");
    const form = h(
      "form",
      { method: "dialog", class: "fix-review" },
      h("h2", {}, inline(title)),
      h("p", { class: "hint" }, `${result.applied.length} fix${result.applied.length === 1 ? "" : "es"} in ${changed.length} file${changed.length === 1 ? "" : "s"}; ${remaining} hit${remaining === 1 ? "" : "s"} would remain. Undo (Ctrl+Z) reverts an accepted fix.`),
      body,
      h(
        "div",
        { class: "dialog-buttons" },
        accept,
        h("button", { type: "submit", value: "reject", "data-action": "reject" }, "Reject"),
      ),
    );
    clear(dialog).append(form);
    dialog.returnValue = "";
    dialog.onclose = () => {
      views.forEach((v) => v.destroy());
      resolve(dialog.returnValue === "accept");
    };
    dialog.showModal();
    accept.focus();
  });
}
