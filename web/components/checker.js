// @ts-check
// The checker component: file tabs + CodeMirror editor with the engine's hits as lint marks, the
// hit list, the explanation panel, and fixes reviewed in a merge view. The playground uses it;
// a lessons view or an embed widget can create one on any element with their own files.
// Its parts live next to it: file-tabs.js and path-dialog.js (the files), check-scheduler.js
// (when the engine is asked), lint-marks.js, hit-list.js and check-status.js (what a report
// shows), fix-review.js (fixes), editor-look.js (colours). This file owns the files and the
// editor and wires the parts together; other code changes it only through its methods.
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
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { h, clear } from "../dom.js";
import { loadMarkdown } from "../markdown.js";
import { renderRuleDoc } from "./rule-doc.js";
import { CheckScheduler } from "./check-scheduler.js";
import { DocFile } from "../engine.js";
import { renderEngineError, renderStatus } from "./check-status.js";
import { editorTheme, highlightStyle } from "./editor-look.js";
import { FileTabs } from "./file-tabs.js";
import { minimalChange, reviewFixes } from "./fix-review.js";
import { HitList, sortedHits } from "./hit-list.js";
import { lintMarks, sameMarks } from "./lint-marks.js";
import { askPath, suggestPath } from "./path-dialog.js";

let keyHints = 0;

export class Checker {
  /**
   * @param {HTMLElement} parent
   * @param {object} options
   * @param {import("../engine.js").Engine | import("../team.js").Engines} options.engine the
   *   engine, or the page's pair of them (web/team.js: team rules go to the second module)
   * @param {import("../pkg/wagcheck.js").RuleInfo[]} options.rules rules() of the engine
   * @param {{path: string, text: string}[]} options.files
   * @param {string} [options.active] path of the file shown first
   * @param {string[]} [options.disabled] rule ids not checked
   * @param {{path?: string, rule: string, from?: number} | null} [options.selection] the hit or
   *   rule shown first (restored once the first report is in)
   * @param {(checker: Checker) => void} [options.onChange] files, tab, selection or rules changed
   * @param {(id: string) => string} [options.catalogueHref] link to a rule's own page
   * @param {boolean} [options.editableTabs] add/rename/delete files (default true)
   * @param {string[] | null} [options.select] check only these rules (a lesson's, a docs snippet's)
   * @param {boolean} [options.readOnly] the code cannot be edited (setReadOnly changes it)
   * @param {boolean} [options.concealed] hits hidden until reveal() (a lesson's "find it" step)
   * @param {boolean} [options.fixes] offer fixes (default true)
   * @param {boolean} [options.compact] one column, explanation folded (docs widget, iframe)
   * @param {number} [options.checkDelay] ms between an edit and its check (default 0)
   * @param {{path: string, text: string}[]} [options.teamRules] team rule files checked too
   *   (the engine must then be team.js's Engines)
   */
  constructor(parent, options) {
    this.engine = options.engine;
    this.builtinRules = options.rules;
    this.rules = options.rules;
    this.ruleById = new Map(this.rules.map((r) => [r.id, r]));
    /** Team rule files sent with every check (setTeamRules changes them). */
    this.teamRules = options.teamRules || [];
    /** @type {Set<string>} */
    this.disabledIds = new Set(options.disabled || []);
    this.onChange = options.onChange || (() => {});
    this.catalogueHref = options.catalogueHref || ((id) => `#rule=${encodeURIComponent(id)}`);
    this.editableTabs = options.editableTabs !== false;
    this.select = options.select || null;
    this.readOnly = Boolean(options.readOnly);
    this.readOnlyConf = new Compartment();
    this.concealed = Boolean(options.concealed);
    this.fixes = options.fixes !== false;
    /** @type {import("../pkg/wagcheck.js").Report | null} the last fresh report, null before the first */
    this.report = null;
    /** The document each file had when `report` was made (its marks belong to that text). */
    this.reportDocs = new Map();
    this.selection = options.selection || null;
    /** Whether `selection` was looked for in a report already (see restoreSelection). */
    this.restored = false;
    /** @type {HTMLDetailsElement | null} */
    this.explainFold = null;
    // 0: check as soon as the edit is made. A quick check runs in the page's thread
    // (Engine.checkNow), others in the worker; the scheduler keeps at most one in flight.
    // The hit messages' Markdown renderer, fetched while the engine loads.
    loadMarkdown();
    this.scheduler = new CheckScheduler({
      engine: this.engine,
      delay: options.checkDelay ?? 0,
      snapshot: (doc, edit) => this.snapshot(doc, edit),
      options: () => this.options(),
      onReport: (report, snapshot) => {
        this.alert.hidden = true;
        this.reportDocs = snapshot.docs;
        this.applyReport(report);
      },
      onError: (error) => this.showEngineError(error),
    });

    this.fileTabs = new FileTabs({
      editable: this.editableTabs,
      onSelect: (path) => this.switchTo(path),
      onAdd: () => this.addFile(),
      onRename: () => this.renameFile(),
      onDelete: () => this.deleteFile(),
    });
    this.hitList = new HitList({
      onSelect: (d) => this.selectHit(d),
      onFix: (d) => this.fixHit(d),
      onFixAll: (unsafe) => this.fixAll(unsafe),
      onGoTo: (path, from, to) => this.goTo(path, from, to),
    });
    this.editorHost = h("div", { class: "editor", "data-testid": "editor" });
    // Tab indents in the editor, so keyboard users are told the way out (CodeMirror lets the
    // next Tab move focus within two seconds of Esc). Shown while the editor has focus.
    this.keyHint = h("p", { class: "key-hint", id: `wagcheck-key-hint-${++keyHints}` }, "Tab indents. To leave the editor, press Esc, then Tab.");
    this.status = h("div", { class: "status", role: "status", "aria-live": "polite" });
    this.alert = h("div", { class: "engine-alert", role: "alert", hidden: true });
    this.explain = h("section", { class: "explain", "aria-label": "Explanation", tabindex: "-1" });
    this.dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "dialog" }));
    this.side = h("div", { class: "checker-side" }, this.hitList.head, this.hitList.list, this.explain);

    this.root = h(
      "div",
      { class: "checker" },
      h(
        "div",
        { class: "checker-main" },
        h("div", { class: "tabbar" }, this.fileTabs.tabs, this.fileTabs.tools),
        this.editorHost,
        this.keyHint,
        this.alert,
        this.status,
      ),
      this.side,
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
        // The edit goes with it: a check in the page sends the module only what changed.
        const changed = trs.filter((tr) => tr.docChanged);
        if (changed.length) {
          const changes = changed.map((tr) => tr.changes).reduce((a, b) => a.compose(b));
          this.scheduler.schedule(undefined, changed[changed.length - 1].newDoc, { base: changed[0].startState.doc, changes });
        }
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
        // For panels that follow the cursor (the syntax tree).
        if (update.selectionSet) this.root.dispatchEvent(new CustomEvent("cursor"));
      }),
    ];
  }

  // ---- what other code reads ------------------------------------------------------------

  /** Rule ids not checked (read-only: setDisabled changes them). */
  get disabled() {
    return this.disabledIds;
  }

  /** A check is waiting for the engine. */
  get inFlight() {
    return this.scheduler.inFlight;
  }

  /** Fresh reports applied so far. */
  get checks() {
    return this.scheduler.checks;
  }

  /** The last fresh report: from the request to the answer, and the engine's own time (ms). */
  get lastCheckMs() {
    return this.scheduler.lastCheckMs;
  }

  get lastEngineMs() {
    return this.scheduler.lastEngineMs;
  }

  /** Whether the last fresh report came from the page's thread (Engine.checkNow). */
  get lastInline() {
    return this.scheduler.lastInline;
  }

  /** Ms between an edit and its check (setCheckDelay changes it). */
  get checkDelay() {
    return this.scheduler.delay;
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
    this.recheck();
    this.changed();
  }

  /**
   * Opens a whole state (a shared link): its rules switched off, its files, and its selected
   * hit or rule, shown once the first report is in.
   */
  loadState(state) {
    this.selection = state.selection || null;
    this.restored = false;
    this.disabledIds = new Set(state.disabled || []);
    this.teamRules = state.rules || [];
    this.setFiles(state.files, state.active);
  }

  /** The active file and the editor's main selection (UTF-16 offsets). */
  editorSelection() {
    const { from, to } = this.view.state.selection.main;
    return { path: this.current.path, from, to };
  }

  getFiles() {
    return this.files.map((f) => ({ path: f.path, text: f.state.doc.toString() }));
  }

  /** The whole state, for sharing and storage. */
  getState() {
    return {
      files: this.getFiles(),
      active: this.current.path,
      disabled: [...this.disabledIds],
      selection: this.selection,
      ...(this.teamRules.length ? { rules: this.teamRules } : {}),
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
    this.fileTabs.render(this.files.map((f) => ({ path: f.path, selected: f === this.current, hits: this.hitCount(f.path) })));
  }

  hitCount(path) {
    return this.report ? this.report.diagnostics.filter((d) => d.path === path).length : 0;
  }

  async addFile() {
    const others = this.files.map((f) => f.path);
    const path = await askPath(this.dialog, "Add a file", suggestPath(others), others);
    if (!path) return;
    this.current.state = this.view.state;
    this.files.push({ path, state: EditorState.create({ doc: "", extensions: this.extensions() }) });
    this.switchTo(path);
    this.recheck();
    this.view.focus();
  }

  async renameFile() {
    const others = this.files.filter((f) => f !== this.current).map((f) => f.path);
    const path = await askPath(this.dialog, "Rename the file", this.current.path, others);
    if (!path || path === this.current.path) return;
    this.current.path = path;
    this.renderTabs();
    this.recheck();
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
    this.recheck();
    this.changed();
  }

  /** Shows or hides the add/rename/delete buttons (a lesson's read-only steps hide them). */
  setEditableTabs(editable) {
    this.editableTabs = editable;
    this.fileTabs.tools.hidden = !editable;
  }

  /** Sets the editor's height in CSS pixels (null: the stylesheet's). */
  setEditorHeight(px) {
    this.editorHost.style.height = px ? `${px}px` : "";
  }

  // ---- checking -------------------------------------------------------------------------

  options() {
    const ignore = [...this.disabledIds].filter((id) => this.ruleById.has(id));
    const rules = this.teamRules.length ? { rules: this.teamRules } : {};
    return this.select ? { select: this.select.filter((s) => !this.unknownSelected().includes(s)), ignore, ...rules } : { ignore, ...rules };
  }

  /**
   * Checks with these team rule files too (none: the built-in rules alone), and knows their
   * rules (`infos`: the team module's rule info, for the hit list and the explanation).
   */
  setTeamRules(files, infos = []) {
    this.teamRules = files;
    this.rules = [...this.builtinRules, ...infos.filter((r) => !this.builtinRules.some((b) => b.id === r.id))];
    this.ruleById = new Map(this.rules.map((r) => [r.id, r]));
    this.recheck();
    this.changed();
  }

  /** Selected ids (or prefixes) that match no rule of this build. */
  unknownSelected() {
    return (this.select || []).filter((s) => !this.rules.some((r) => r.id.startsWith(s.toUpperCase())));
  }

  /**
   * What one check sends to the engine, and how to tell its answer is still for these files.
   * `doc` is the current file's document when an edit is being dispatched, `edit` that edit.
   */
  snapshot(doc, edit) {
    if (!doc) this.current.state = this.view.state;
    const taken = this.files.map((f) => ({ file: f, path: f.path, doc: f === this.current && doc ? doc : f.state.doc }));
    return {
      files: taken.map((s) => new DocFile(s.path, s.doc, s.file === this.current && doc ? edit : null)),
      docs: new Map(taken.map((s) => [s.path, s.doc])),
      isFresh: () =>
        taken.length === this.files.length &&
        taken.every((s, i) => this.files[i] === s.file && s.file.path === s.path && s.file.state.doc === s.doc),
    };
  }

  /** Checks the files again as soon as possible (rules, files or the engine changed). */
  recheck() {
    this.scheduler.schedule(0);
  }

  /** Ms between an edit and its check (0, the default: at once). */
  setCheckDelay(ms) {
    this.scheduler.delay = ms;
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

  /** Checks only these rules or prefixes (null: all but the disabled ones). */
  setSelect(ids) {
    this.select = ids && ids.length ? ids : null;
    this.recheck();
  }

  setDisabled(ids) {
    this.disabledIds = new Set(ids);
    this.recheck();
    this.changed();
  }

  /** Hides (or shows again) the hits: lint marks, hit list and explanation. */
  conceal(concealed = true) {
    this.concealed = concealed;
    this.root.classList.toggle("concealed", concealed);
    this.side.hidden = concealed;
    if (this.view) this.showLint();
  }

  reveal() {
    this.conceal(false);
  }

  showEngineError(error) {
    renderEngineError(this.alert, error, () => this.recheck());
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
    const marks = lintMarks(this.report, this.current.path, state.doc.length, {
      fix: this.fixes ? (d) => this.fixHit(d) : null,
      explain: (d) => this.selectHit(d, { focusEditor: false }),
    });
    if (!sameMarks(state, marks)) this.view.dispatch(setDiagnostics(state, marks));
  }

  /** The last report's hits, in the order of the tabs and of their place in each file. */
  sortedHits() {
    return sortedHits(this.report, this.files.map((f) => f.path));
  }

  renderHits() {
    this.hitList.render({
      report: this.report,
      hits: this.report ? this.sortedHits() : null,
      multiFile: this.files.length > 1,
      empty: Boolean(this.report) && this.isEmpty(),
      isSelected: (d) => this.isSelected(d),
    });
  }

  isEmpty() {
    // Stops at the first non-blank chunk rather than copying every file.
    return this.files.every((f) => {
      for (const iter = f.state.doc.iter(); !iter.next().done; ) if (/\S/.test(iter.value)) return false;
      return true;
    });
  }

  renderStatus() {
    renderStatus(this.status, {
      empty: this.isEmpty(),
      unknown: this.unknownSelected(),
      report: this.report,
      engineMs: this.lastEngineMs,
    });
  }

  // ---- selection and explanation --------------------------------------------------------

  /**
   * Sets the selected hit or rule (or none) without looking for it in the next report (loadState
   * does): the caller shows what it selects.
   */
  setSelection(selection) {
    this.selection = selection;
    this.restored = true;
  }

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

  /** Puts the explanation in a closed <details>, opened when a hit is selected. */
  foldExplanation() {
    this.explainFold = /** @type {HTMLDetailsElement} */ (h("details", { class: "explain-fold" }, h("summary", {}, "Explanation")));
    this.explain.replaceWith(this.explainFold);
    this.explainFold.append(this.explain);
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
    const accepted = await reviewFixes(this.dialog, title, before, changed, result);
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
    this.recheck();
    this.changed();
    this.view.focus();
    return true;
  }

  changed() {
    this.onChange(this);
  }

  destroy() {
    this.scheduler.cancel();
    this.view.destroy();
    this.root.remove();
  }
}
