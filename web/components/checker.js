// The checker component: file tabs + CodeMirror editor with the engine's hits as lint marks, the
// hit list, the explanation panel, and fixes reviewed in a merge view. The playground uses it;
// a lessons view or an embed widget can create one on any element with their own files.
import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput, syntaxHighlighting, HighlightStyle } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { forEachDiagnostic, lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { tags } from "@lezer/highlight";
import { h, clear } from "../dom.js";
import { EngineCrash } from "../engine.js";
import { renderRuleDoc, severityBadge } from "./rule-doc.js";
import { inline } from "../markdown.js";

const LINT_SEVERITY = { blocker: "error", warning: "warning", info: "info" };
const SEVERITY_ORDER = { blocker: 0, warning: 1, info: 2 };

// Colours come from CSS variables so light and dark follow the system.
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: "var(--tok-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--tok-string)" },
  { tag: [tags.comment, tags.lineComment], color: "var(--tok-comment)", fontStyle: "italic" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--tok-number)" },
  { tag: [tags.function(tags.variableName), tags.function(tags.definition(tags.variableName))], color: "var(--tok-function)" },
  { tag: [tags.className, tags.definition(tags.className)], color: "var(--tok-class)" },
  { tag: [tags.meta, tags.self], color: "var(--tok-meta)" },
  { tag: [tags.operator, tags.punctuation], color: "var(--tok-punct)" },
]);

const editorTheme = EditorView.theme({
  "&": { height: "100%", fontSize: "14px", backgroundColor: "var(--editor-bg)", color: "var(--fg)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "var(--gutter-bg)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection)" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-placeholder": { color: "var(--muted)" },
});

/** The smallest single change that turns `a` into `b`. */
export function minimalChange(a, b) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { from: start, to: a.length - end, insert: b.slice(start, b.length - end) };
}

/** Whether the lint marks of `state` (as CodeMirror mapped them through edits) are `marks`. */
function sameMarks(state, marks) {
  const key = (from, to, m) => `${from}:${to}:${m.severity}:${m.markClass}:${m.source}:${m.message}:${(m.actions || []).map((a) => a.name)}`;
  const now = [];
  forEachDiagnostic(state, (m, from, to) => now.push(key(from, to, m)));
  if (now.length !== marks.length) return false;
  const wanted = marks.map((m) => key(m.from, m.to, m));
  now.sort();
  wanted.sort();
  return now.every((k, i) => k === wanted[i]);
}

function validPath(path, others) {
  if (!path) return "A file needs a path, e.g. apps/blog/signals.py";
  if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === ".."))
    return "Use a relative path like apps/blog/models.py";
  if (others.includes(path)) return `There is already a file ${path}`;
  return null;
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

let keyHints = 0;

export class Checker {
  /**
   * @param {HTMLElement} parent
   * @param {object} options
   * @param {import("../engine.js").Engine} options.engine
   * @param {object[]} options.rules rules() of the engine
   * @param {{path: string, text: string}[]} options.files
   * @param {string} [options.active] path of the file shown first
   * @param {string[]} [options.disabled] rule ids not checked
   * @param {(checker: Checker) => void} [options.onChange] files, tab, selection or rules changed
   * @param {(id: string) => string} [options.catalogueHref] link to a rule's own page
   * @param {boolean} [options.editableTabs] add/rename/delete files (default true)
   * @param {string[]} [options.select] check only these rules (a lesson's, a docs snippet's)
   * @param {boolean} [options.readOnly] the code cannot be edited (setReadOnly changes it)
   * @param {boolean} [options.concealed] hits hidden until reveal() (a lesson's "find it" step)
   * @param {boolean} [options.fixes] offer fixes (default true)
   * @param {boolean} [options.compact] one column, explanation folded (docs widget, iframe)
   */
  constructor(parent, options) {
    this.engine = options.engine;
    this.rules = options.rules;
    this.ruleById = new Map(this.rules.map((r) => [r.id, r]));
    this.disabled = new Set(options.disabled || []);
    this.onChange = options.onChange || (() => {});
    this.catalogueHref = options.catalogueHref || ((id) => `#rule=${encodeURIComponent(id)}`);
    // 0: check as soon as the edit is made. A quick check runs in the page's thread
    // (Engine.checkNow), others in the worker, and runCheck keeps at most one check in
    // flight and one queued, so fast typing never piles up checks.
    this.checkDelay = options.checkDelay ?? 0;
    this.editableTabs = options.editableTabs !== false;
    this.select = options.select || null;
    this.readOnly = Boolean(options.readOnly);
    this.readOnlyConf = new Compartment();
    this.concealed = Boolean(options.concealed);
    this.fixes = options.fixes !== false;
    this.report = null;
    this.reportDocs = new Map();
    this.selection = options.selection || null;
    this.inFlight = false;
    this.again = false;
    this.lastCheckMs = 0;
    this.lastEngineMs = 0;
    this.checks = 0;

    this.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Files" });
    this.tabTools = h(
      "div",
      { class: "tab-tools", hidden: !this.editableTabs },
      h("button", { type: "button", class: "small", onclick: () => this.addFile(), title: "Add a file" }, "+ File"),
      h("button", { type: "button", class: "small", onclick: () => this.renameFile(), "data-action": "rename" }, "Rename"),
      h("button", { type: "button", class: "small", onclick: () => this.deleteFile(), "data-action": "delete" }, "Delete"),
    );
    this.editorHost = h("div", { class: "editor", "data-testid": "editor" });
    // Tab indents in the editor, so keyboard users are told the way out (CodeMirror lets the
    // next Tab move focus within two seconds of Esc). Shown while the editor has focus.
    this.keyHint = h("p", { class: "key-hint", id: `wagcheck-key-hint-${++keyHints}` }, "Tab indents. To leave the editor, press Esc, then Tab.");
    this.status = h("div", { class: "status", role: "status", "aria-live": "polite" });
    this.alert = h("div", { class: "engine-alert", role: "alert", hidden: true });
    this.count = h("span", { class: "count" });
    this.fixSafe = h("button", { type: "button", onclick: () => this.fixAll(false), "data-action": "fix-all-safe" }, "Fix all (safe)");
    this.fixUnsafe = h("button", { type: "button", onclick: () => this.fixAll(true), "data-action": "fix-all-unsafe" }, "Fix all (incl. unsafe)");
    this.hitList = h("ul", { class: "hits", "aria-label": "Hits" });
    this.explain = h("section", { class: "explain", "aria-label": "Explanation", tabindex: "-1" });
    this.dialog = h("dialog", { class: "dialog" });

    this.root = h(
      "div",
      { class: "checker" },
      h(
        "div",
        { class: "checker-main" },
        h("div", { class: "tabbar" }, this.tabs, this.tabTools),
        this.editorHost,
        this.keyHint,
        this.alert,
        this.status,
      ),
      h(
        "div",
        { class: "checker-side" },
        h(
          "div",
          { class: "hits-head" },
          h("h2", {}, "Hits ", this.count),
          h("div", { class: "fix-all" }, this.fixSafe, this.fixUnsafe),
        ),
        this.hitList,
        this.explain,
      ),
      this.dialog,
    );
    if (options.compact) this.foldExplanation();
    this.root.classList.toggle("no-fixes", !this.fixes);
    this.root.classList.toggle("compact", Boolean(options.compact));
    this.conceal(this.concealed);
    parent.append(this.root);

    this.view = new EditorView({
      parent: this.editorHost,
      dispatchTransactions: (trs, view) => {
        // The check starts before CodeMirror applies the edit to the editor (state fields,
        // the incremental Python parse, DOM, gutters, selection: 3-8 ms per keystroke in
        // traces): the worker checks while the main thread does that work, or a quick
        // check in the page (Engine.checkNow) runs first and its report is applied after.
        const last = trs[trs.length - 1];
        if (trs.some((tr) => tr.docChanged)) this.schedule(this.checkDelay, last.newDoc);
        view.update(trs);
      },
    });
    this.setFiles(options.files, options.active);
    this.renderExplainIntro();
  }

  extensions() {
    return [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      python(),
      syntaxHighlighting(highlightStyle),
      lintGutter(),
      placeholder("Paste Django or Wagtail code here, or pick an example."),
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ "aria-label": "Python code", "aria-describedby": this.keyHint.id }),
      editorTheme,
      this.readOnlyConf.of(EditorState.readOnly.of(this.readOnly)),
      EditorView.updateListener.of((update) => {
        if (update.view !== this.view || !this.current) return;
        this.current.state = update.state;
        if (update.docChanged) this.changed();
      }),
    ];
  }

  // ---- files and tabs -------------------------------------------------------------------

  /** Replaces every file (an example, a shared link). */
  setFiles(files, active) {
    const list = files.length ? files : [{ path: "example.py", text: "" }];
    this.files = list.map((f) => ({
      path: f.path,
      state: EditorState.create({ doc: f.text, extensions: this.extensions() }),
    }));
    this.current = this.files.find((f) => f.path === active) || this.files[0];
    this.view.setState(this.current.state);
    this.report = null;
    this.reportDocs.clear();
    this.renderTabs();
    this.renderHits();
    this.schedule(0);
    this.changed();
  }

  getFiles() {
    return this.files.map((f) => ({ path: f.path, text: f.state.doc.toString() }));
  }

  /** The whole state, for sharing and storage. */
  getState() {
    return {
      files: this.getFiles(),
      active: this.current.path,
      disabled: [...this.disabled],
      selection: this.selection,
    };
  }

  switchTo(path) {
    const file = this.files.find((f) => f.path === path);
    if (!file || file === this.current) return;
    this.current.state = this.view.state;
    this.current = file;
    this.view.setState(file.state);
    this.showLint();
    this.renderTabs();
    this.changed();
  }

  renderTabs() {
    // Rebuilt only when a path, the active tab or a count changes: typing re-checks on every
    // keystroke, and rebuilding would also drop the focus of a tab.
    const key = JSON.stringify([this.files.map((f) => [f.path, f === this.current, this.hitCount(f.path)])]);
    if (key === this.tabsKey) return;
    this.tabsKey = key;
    clear(this.tabs);
    for (const file of this.files) {
      const selected = file === this.current;
      this.tabs.append(
        h(
          "button",
          {
            type: "button",
            role: "tab",
            class: "tab",
            "aria-selected": String(selected),
            tabindex: selected ? "0" : "-1",
            "data-path": file.path,
            onclick: () => this.switchTo(file.path),
            onkeydown: (e) => this.tabKey(e),
          },
          file.path,
          this.hitCount(file.path) ? h("span", { class: "tab-count" }, String(this.hitCount(file.path))) : null,
        ),
      );
    }
    this.tabTools.querySelector("[data-action=delete]").disabled = this.files.length < 2;
  }

  tabKey(event) {
    const index = this.files.indexOf(this.current);
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % this.files.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + this.files.length) % this.files.length;
    if (next === null) return;
    event.preventDefault();
    this.switchTo(this.files[next].path);
    this.tabs.querySelector(`[aria-selected=true]`)?.focus();
  }

  hitCount(path) {
    return this.report ? this.report.diagnostics.filter((d) => d.path === path).length : 0;
  }

  async addFile() {
    const others = this.files.map((f) => f.path);
    const path = await this.askPath("Add a file", suggestPath(others), others);
    if (!path) return;
    this.current.state = this.view.state;
    this.files.push({ path, state: EditorState.create({ doc: "", extensions: this.extensions() }) });
    this.switchTo(path);
    this.schedule(0);
    this.view.focus();
  }

  async renameFile() {
    const others = this.files.filter((f) => f !== this.current).map((f) => f.path);
    const path = await this.askPath("Rename the file", this.current.path, others);
    if (!path || path === this.current.path) return;
    this.current.path = path;
    this.renderTabs();
    this.schedule(0);
    this.changed();
  }

  deleteFile() {
    if (this.files.length < 2) return;
    if (!window.confirm(`Delete ${this.current.path}?`)) return;
    const index = this.files.indexOf(this.current);
    this.files.splice(index, 1);
    this.current = this.files[Math.max(0, index - 1)];
    this.view.setState(this.current.state);
    this.renderTabs();
    this.schedule(0);
    this.changed();
  }

  /** A small modal form asking for a file path. Resolves with the path, or null. */
  askPath(title, initial, others) {
    return new Promise((resolve) => {
      const input = h("input", {
        type: "text",
        name: "path",
        value: initial,
        required: true,
        spellcheck: "false",
        autocomplete: "off",
        "aria-describedby": "path-error",
      });
      const error = h("p", { class: "form-error", id: "path-error" });
      const form = h(
        "form",
        { method: "dialog", class: "path-form" },
        h("h2", {}, title),
        h("label", {}, "Path ", input),
        h("p", { class: "hint" }, "Paths matter: IMP001 and SIG004 look at packages and apps (apps/blog/signals.py)."),
        error,
        h(
          "div",
          { class: "dialog-buttons" },
          h("button", { type: "submit", value: "ok", class: "primary" }, "OK"),
          h("button", { type: "button", onclick: () => this.dialog.close("") }, "Cancel"),
        ),
      );
      form.addEventListener("submit", (event) => {
        const problem = validPath(input.value.trim(), others);
        if (problem) {
          event.preventDefault();
          error.textContent = problem;
          input.focus();
        }
      });
      clear(this.dialog).append(form);
      this.dialog.returnValue = "";
      this.dialog.onclose = () => resolve(this.dialog.returnValue === "ok" ? input.value.trim() : null);
      this.dialog.showModal();
      input.select();
    });
  }

  // ---- checking -------------------------------------------------------------------------

  options() {
    const ignore = [...this.disabled].filter((id) => this.ruleById.has(id));
    return this.select ? { select: this.select.filter((s) => !this.unknownSelected().includes(s)), ignore } : { ignore };
  }

  /** Selected ids (or prefixes) that match no rule of this build. */
  unknownSelected() {
    return (this.select || []).filter((s) => !this.rules.some((r) => r.id.startsWith(s.toUpperCase())));
  }

  setReadOnly(readOnly) {
    this.readOnly = readOnly;
    const effects = this.readOnlyConf.reconfigure(EditorState.readOnly.of(readOnly));
    this.current.state = this.view.state;
    for (const file of this.files) {
      if (file === this.current) this.view.dispatch({ effects });
      else file.state = file.state.update({ effects }).state;
    }
  }

  /** Hides (or shows again) the hits: lint marks, hit list and explanation. */
  conceal(concealed = true) {
    this.concealed = concealed;
    this.root.classList.toggle("concealed", concealed);
    this.root.querySelector(".checker-side").hidden = concealed;
    if (this.view) this.showLint();
  }

  reveal() {
    this.conceal(false);
  }

  /** Puts the explanation in a closed <details>, opened when a hit is selected. */
  foldExplanation() {
    this.explainFold = h("details", { class: "explain-fold" }, h("summary", {}, "Explanation"));
    this.explain.replaceWith(this.explainFold);
    this.explainFold.append(this.explain);
  }

  setDisabled(ids) {
    this.disabled = new Set(ids);
    this.schedule(0);
    this.changed();
  }

  /**
   * Checks the files after `delay` ms, or now with no delay. `doc` is the current file's
   * text when an edit is being dispatched and the view does not show it yet.
   */
  schedule(delay = this.checkDelay, doc = null) {
    clearTimeout(this.timer);
    if (delay > 0) {
      this.timer = setTimeout(() => this.runCheck(), delay);
      return;
    }
    if (doc) {
      this.runCheck(doc);
      return;
    }
    // A zero-delay timer set while the browser handles input runs only after the next frame
    // is drawn (4-20 ms measured); a microtask sends the check to the worker first, and the
    // changes of one task still share one check.
    if (this.checkQueued) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      this.runCheck();
    });
  }

  async runCheck(doc = null) {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (!doc) this.current.state = this.view.state;
    const snapshot = this.files.map((f) => ({ file: f, path: f.path, doc: f === this.current && doc ? doc : f.state.doc }));
    const files = snapshot.map((s) => ({ path: s.path, text: s.doc.toString() }));
    this.inFlight = true;
    const started = performance.now();
    try {
      // checkNow answers at once when it can; awaited either way, so the report is applied
      // after CodeMirror has taken the edit, still before the frame is drawn.
      const report = await (this.engine.checkNow?.(files, this.options()) ?? this.engine.check(files, this.options()));
      const fresh =
        snapshot.length === this.files.length &&
        snapshot.every((s, i) => this.files[i] === s.file && s.file.path === s.path && s.file.state.doc === s.doc);
      if (fresh) {
        this.lastCheckMs = performance.now() - started;
        this.lastEngineMs = this.engine.lastMs;
        this.lastInline = this.engine.lastInline;
        this.checks += 1;
        this.alert.hidden = true;
        this.reportDocs = new Map(snapshot.map((s) => [s.path, s.doc]));
        this.applyReport(report);
      } else {
        this.again = true;
      }
    } catch (error) {
      // After a crash the engine is already re-created; the next edit checks again. Not
      // re-running the same input here avoids a crash loop on an input that panics.
      this.showEngineError(error);
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    }
  }

  showEngineError(error) {
    const crash = error instanceof EngineCrash;
    clear(this.alert).append(
      h("strong", {}, crash ? "The engine crashed: " : "The engine could not check this code: "),
      error.message,
      crash ? ". It has been restarted and your code is kept: edit the code or press Re-check." : "",
      " ",
      h("button", { type: "button", class: "small", onclick: () => this.schedule(0) }, "Re-check"),
    );
    this.alert.hidden = false;
  }

  applyReport(report) {
    this.report = report;
    this.showLint();
    this.renderTabs();
    this.renderHits();
    this.renderStatus();
    this.restoreSelection();
    this.root.dispatchEvent(new CustomEvent("checked", { detail: report }));
  }

  showLint() {
    const state = this.view.state;
    if (!this.report || this.concealed || this.reportDocs.get(this.current.path) !== state.doc) {
      if (!sameMarks(state, [])) this.view.dispatch(setDiagnostics(state, []));
      return;
    }
    const path = this.current.path;
    const length = state.doc.length;
    const clamp = (n) => Math.max(0, Math.min(length, n));
    // The actions take the hit's place from CodeMirror, which maps it through later edits,
    // so marks left in place by sameMarks still fix and explain the right hit.
    const marks = [
      ...this.report.syntaxErrors
        .filter((e) => e.path === path)
        .map((e) => ({ from: clamp(e.from), to: clamp(e.to), severity: "error", source: "syntax error", message: e.message, markClass: "wag-syntax" })),
      ...this.report.diagnostics
        .filter((d) => d.path === path)
        .map((d) => ({
          from: clamp(d.from),
          to: clamp(d.to),
          severity: LINT_SEVERITY[d.severity] || "warning",
          source: d.rule,
          message: d.message,
          markClass: `wag-${d.severity}`,
          actions: [
            ...(d.fix && this.fixes ? [{ name: "Fix", apply: (view, from) => this.fixHit({ ...d, from }) }] : []),
            { name: "Explain", apply: (view, from, to) => this.selectHit({ ...d, from, to }, { focusEditor: false }) },
          ],
        })),
    ];
    if (!sameMarks(state, marks)) this.view.dispatch(setDiagnostics(state, marks));
  }

  sortedHits() {
    const order = new Map(this.files.map((f, i) => [f.path, i]));
    return [...this.report.diagnostics].sort(
      (a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0) || a.from - b.from || a.rule.localeCompare(b.rule),
    );
  }

  renderHits() {
    const hits = this.report ? this.sortedHits() : null;
    // Rebuilt only when a row would change (what it shows or where its buttons go), which
    // typing mostly does not: every keystroke brings a report.
    const key = JSON.stringify([
      this.files.length > 1,
      this.report && this.isEmpty(),
      this.report?.syntaxErrors.map((e) => [e.path, e.message, e.from, e.to, e.start.line, e.start.column]),
      hits?.map((d) => [d.path, d.rule, d.severity, d.message, d.from, d.to, d.start.line, d.start.column, d.fix && [d.fix.title, d.fix.applicability], this.isSelected(d)]),
    ]);
    if (key === this.hitsKey) return;
    this.hitsKey = key;
    clear(this.hitList);
    if (!this.report) {
      this.count.textContent = "";
      this.fixSafe.disabled = this.fixUnsafe.disabled = true;
      return;
    }
    this.count.textContent = `(${hits.length})`;
    const fixable = hits.filter((d) => d.fix);
    this.fixSafe.disabled = !fixable.some((d) => d.fix.applicability === "safe");
    this.fixUnsafe.disabled = fixable.length === 0;
    for (const e of this.report.syntaxErrors) {
      this.hitList.append(
        h(
          "li",
          { class: "hit hit-syntax", "data-path": e.path },
          h(
            "button",
            { type: "button", class: "hit-main", onclick: () => this.goTo(e.path, e.from, e.to) },
            h("span", { class: "badge sev-syntax" }, "syntax"),
            h("span", { class: "hit-message" }, `Syntax error: ${e.message}`),
            h("span", { class: "hit-loc" }, `${e.path}:${e.start.line}:${e.start.column}`),
          ),
        ),
      );
    }
    for (const d of hits) {
      const selected = this.isSelected(d);
      this.hitList.append(
        h(
          "li",
          { class: `hit${selected ? " selected" : ""}`, "data-rule": d.rule, "data-path": d.path, "data-from": String(d.from) },
          h(
            "button",
            { type: "button", class: "hit-main", "aria-current": selected ? "true" : null, onclick: () => this.selectHit(d) },
            severityBadge(d.severity),
            h("code", { class: "hit-rule" }, d.rule),
            h("span", { class: "hit-message" }, inline(d.message)),
            h("span", { class: "hit-loc" }, `${this.files.length > 1 ? `${d.path}:` : "line "}${d.start.line}${this.files.length > 1 ? `:${d.start.column}` : ""}`),
          ),
          d.fix
            ? h(
                "button",
                { type: "button", class: "small fix", title: `${d.fix.title} (${d.fix.applicability})`, "data-action": "fix", onclick: () => this.fixHit(d) },
                d.fix.applicability === "unsafe" ? "Fix (unsafe)" : "Fix",
              )
            : null,
        ),
      );
    }
    if (!hits.length && !this.report.syntaxErrors.length && !this.isEmpty()) {
      this.hitList.append(h("li", { class: "no-hits" }, "No hits: nothing in this code matches a rule."));
    }
  }

  isEmpty() {
    // Stops at the first non-blank chunk rather than copying every file.
    return this.files.every((f) => {
      for (const iter = f.state.doc.iter(); !iter.next().done; ) if (/\S/.test(iter.value)) return false;
      return true;
    });
  }

  renderStatus() {
    const parts = [];
    if (this.isEmpty()) {
      parts.push(
        h("p", { class: "empty" }, "The editor is empty. Paste Django or Wagtail code (models, views, signals, cache helpers), or choose one from Examples. Add files with + File when a rule needs several (apps/blog/apps.py and apps/blog/signals.py)."),
      );
    }
    const unknown = this.unknownSelected();
    if (unknown.length) parts.push(h("p", { class: "file-error" }, `Not in this build of wagcheck: ${unknown.join(", ")}.`));
    const syntax = this.report?.syntaxErrors || [];
    if (syntax.length) {
      const first = syntax[0];
      parts.push(
        h("p", { class: "syntax" }, `${syntax.length} syntax error${syntax.length > 1 ? "s" : ""}: ${first.path} line ${first.start.line}: ${first.message}. Hits near broken code may be missing.`),
      );
    }
    for (const e of this.report?.errors || []) parts.push(h("p", { class: "file-error" }, `${e.path} not checked: ${e.message}`));
    if (this.report && !parts.length) {
      const n = this.report.diagnostics.length;
      parts.push(
        h(
          "p",
          {},
          h("span", {}, `${n} hit${n === 1 ? "" : "s"} in ${this.report.files} file${this.report.files === 1 ? "" : "s"}`),
          // Changes with every keystroke: kept out of what the live region announces.
          h("span", { class: "timing", "aria-hidden": "true" }),
        ),
      );
    }
    // Read back from the page, so a message written there by other code is replaced too.
    const said = (p) => [...p.childNodes].filter((c) => !c.classList?.contains("timing")).map((c) => c.textContent).join("");
    const key = (ps) => [...ps].map((p) => `${p.className}\n${said(p)}`).join("\n\n");
    if (key(parts) !== key(this.status.children)) clear(this.status).append(...parts);
    const timing = this.status.querySelector(".timing");
    if (timing) timing.textContent = ` · checked in ${Math.round(this.lastEngineMs)} ms`;
  }

  // ---- selection and explanation --------------------------------------------------------

  isSelected(d) {
    const s = this.selection;
    return Boolean(s && s.path === d.path && s.rule === d.rule && s.from === d.from);
  }

  goTo(path, from, to, focusEditor = true) {
    this.switchTo(path);
    const length = this.view.state.doc.length;
    this.view.dispatch({
      selection: { anchor: Math.min(from, length), head: Math.min(to, length) },
      effects: EditorView.scrollIntoView(Math.min(from, length), { y: "center" }),
    });
    if (focusEditor) this.view.focus();
  }

  selectHit(d, { focusEditor = true } = {}) {
    this.selection = { path: d.path, rule: d.rule, from: d.from };
    this.goTo(d.path, d.from, d.to, focusEditor);
    this.renderHits();
    this.showRule(d.rule, { keepSelection: true });
  }

  /** Shows a rule's explanation (from a hit, the catalogue or a link). */
  showRule(id, { keepSelection = false } = {}) {
    const rule = this.ruleById.get(id);
    if (!rule) return;
    if (!keepSelection) this.selection = { rule: id };
    clear(this.explain).append(renderRuleDoc(rule, { headingLevel: 2, catalogueHref: this.catalogueHref }));
    if (this.explainFold && keepSelection) this.explainFold.open = true;
    this.changed();
  }

  renderExplainIntro() {
    clear(this.explain).append(
      h("p", { class: "hint" }, "Select a hit to see why it is a problem, the bad and fixed code side by side, and its fix."),
    );
  }

  restoreSelection() {
    const s = this.selection;
    if (!s || this.restored) return;
    this.restored = true;
    const hit = s.path !== undefined && this.report.diagnostics.find((d) => d.path === s.path && d.rule === s.rule && d.from === s.from);
    if (hit) this.selectHit(hit, { focusEditor: false });
    else if (s.rule) this.showRule(s.rule);
  }

  // ---- fixes ----------------------------------------------------------------------------

  async fixHit(d) {
    await this.runFix({ path: d.path, rule: d.rule, from: d.from }, `Fix ${d.rule}: ${d.fix ? d.fix.title : ""}`);
  }

  async fixAll(unsafe) {
    await this.runFix({ unsafe }, unsafe ? "Fix all (including unsafe fixes)" : "Fix all (safe fixes)");
  }

  async runFix(selection, title) {
    const before = this.getFiles();
    let result;
    try {
      result = await this.engine.applyFixes(before, selection, this.options());
    } catch (error) {
      this.showEngineError(error);
      return false;
    }
    const changed = result.files.filter((f) => before.some((b) => b.path === f.path && b.text !== f.text));
    if (!changed.length) {
      clear(this.status).append(h("p", {}, "No fix could be applied (the code changed, or the fixes conflict)."));
      return false;
    }
    const accepted = await this.review(title, before, changed, result);
    if (!accepted) return false;
    for (const f of changed) {
      const file = this.files.find((x) => x.path === f.path);
      if (!file) continue;
      const change = minimalChange(file.state.doc.toString(), f.text);
      const spec = { changes: change, userEvent: "input.fix" };
      if (file === this.current) this.view.dispatch(spec);
      else file.state = file.state.update(spec).state;
    }
    this.selection = null;
    this.schedule(0);
    this.changed();
    this.view.focus();
    return true;
  }

  /** Shows the diff of each changed file; resolves true on Accept. */
  review(title, before, changed, result) {
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
      clear(this.dialog).append(form);
      this.dialog.returnValue = "";
      this.dialog.onclose = () => {
        views.forEach((v) => v.destroy());
        resolve(this.dialog.returnValue === "accept");
      };
      this.dialog.showModal();
      accept.focus();
    });
  }

  changed() {
    this.onChange(this);
  }

  destroy() {
    clearTimeout(this.timer);
    this.view.destroy();
    this.root.remove();
  }
}

function suggestPath(others) {
  for (const candidate of ["apps/blog/apps.py", "apps/blog/signals.py", "apps/blog/models.py"]) {
    if (!others.includes(candidate)) return candidate;
  }
  let n = 2;
  while (others.includes(`module${n}.py`)) n++;
  return `module${n}.py`;
}
