// The "Rules you write" view: a YAML editor for team rules beside the playground's code editor.
// As a rule is typed its hits appear in the code (the checker checks with the rule files), its
// examples and cases run as tests, its explanation renders as the catalogue renders it, and a
// rule file that is wrong is marked at its line and column while the other rules still run.
// Loaded only when the view first opens (web/team.js), with the team engine module.
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { h, clear } from "../dom.js";
import { renderRuleDoc } from "./rule-doc.js";
import { editorTheme, highlightStyle } from "./editor-look.js";
import { SyntaxTree } from "./syntax-tree.js";
import STARTER from "../../examples/team-rules/cache.yml";

/** Ms between an edit of the YAML and its run: a rule is read and compiled on every run. */
export const RULE_DELAY = 250;
const STARTER_PATH = "team-rules.yml";
/** A rule file larger than this is refused on load (a rule file is a few KB). */
const MAX_RULE_FILE = 1024 * 1024;

/**
 * The place of a 1-based line and column (characters) in a CodeMirror document, clamped.
 * @param {import("@codemirror/state").Text} doc
 */
export function placeOf(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  const chars = [...l.text.slice(0, Math.max(0, column - 1))].join("");
  return Math.min(l.to, l.from + chars.length);
}

export class RulesView {
  /**
   * @param {HTMLElement} parent
   * @param {object} options
   * @param {import("../team.js").Engines} options.engines
   * @param {import("./checker.js").Checker} options.checker the playground's checker
   * @param {(id: string) => string} [options.catalogueHref]
   */
  constructor(parent, { engines, checker, catalogueHref }) {
    this.engines = engines;
    this.checker = checker;
    this.catalogueHref = catalogueHref;
    this.timer = null;
    /** Runs started, to drop answers that an edit made stale. */
    this.runs = 0;
    /** The last answer of testRules (null before the first, and with no rules). */
    this.result = null;
    /** The editor's text as of the last finished run (tests wait for it); null before. */
    this.ran = null;

    const current = checker.getState().rules || [];
    this.path = current.length ? current[0].path : STARTER_PATH;
    const text = current.length ? current.map((f) => f.text).join("\n---\n") : STARTER;

    this.fileInput = /** @type {HTMLInputElement} */ (
      h("input", { type: "file", accept: ".yml,.yaml,text/yaml", hidden: true, onchange: () => this.loadChosen() })
    );
    this.pathLabel = h("code", { class: "rules-path" });
    this.status = h("p", { class: "rules-status", role: "status", "aria-live": "polite" });
    this.errors = h("ul", { class: "rules-errors", "aria-label": "Rule file errors" });
    this.tests = h("div", { class: "rules-tests", "aria-label": "Rule tests" });
    this.docs = h("div", { class: "rules-docs", "aria-label": "Rule explanations" });
    this.editorHost = h("div", { class: "editor yaml-editor", "data-testid": "yaml-editor" });
    this.root = h(
      "div",
      { class: "rules-view" },
      h(
        "div",
        { class: "rules-head" },
        h("h2", {}, "Rules you write ", this.pathLabel),
        h(
          "div",
          { class: "rules-tools" },
          h("button", { type: "button", "data-action": "rules-export", onclick: () => this.exportFile() }, "Export .yml"),
          h("button", { type: "button", "data-action": "rules-load", onclick: () => this.fileInput.click() }, "Load .yml"),
          h("button", { type: "button", "data-action": "rules-off", onclick: () => this.setText("", STARTER_PATH) }, "Clear"),
          this.fileInput,
        ),
      ),
      h(
        "p",
        { class: "hint" },
        "A team rule is YAML: an id, name, severity, message and explanation around an ast-grep rule. " +
          "Its hits show in the code as you type; drop a .yml file here to load one. " +
          "The CLI runs the same file: wagcheck check --rules FILE.",
      ),
      this.editorHost,
      this.status,
      this.errors,
      this.tests,
      this.docs,
    );
    this.treeHost = h("div", { class: "rules-tree" });
    this.root.append(this.treeHost);
    this.root.addEventListener("dragover", (event) => {
      if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
      event.preventDefault();
      this.root.classList.add("dropping");
    });
    this.root.addEventListener("dragleave", () => this.root.classList.remove("dropping"));
    this.root.addEventListener("drop", (event) => {
      event.preventDefault();
      this.root.classList.remove("dropping");
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) this.loadFile(file);
    });
    parent.append(this.root);

    this.view = new EditorView({
      parent: this.editorHost,
      state: EditorState.create({ doc: text, extensions: this.extensions() }),
    });
    this.pathLabel.textContent = this.path;
    this.tree = new SyntaxTree(this.treeHost, { engines, checker });
    this.run();
  }

  extensions() {
    return [
      lineNumbers(),
      history(),
      drawSelection(),
      indentOnInput(),
      highlightActiveLine(),
      yaml(),
      syntaxHighlighting(highlightStyle),
      lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ "aria-label": "Team rules (YAML)" }),
      editorTheme,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) this.schedule();
      }),
    ];
  }

  /** The rule files in the editor (none when it is blank). */
  ruleFiles() {
    const text = this.view.state.doc.toString();
    return text.trim() ? [{ path: this.path, text }] : [];
  }

  /** Replaces the editor's text (a loaded file, Clear), then runs it at once. */
  setText(text, path) {
    this.path = path;
    this.pathLabel.textContent = path;
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    this.run();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), RULE_DELAY);
  }

  /** Reads the rules, runs their tests, and hands them to the checker. */
  async run() {
    clearTimeout(this.timer);
    this.timer = null;
    const run = ++this.runs;
    const files = this.ruleFiles();
    const doc = this.view.state.doc;
    if (!files.length) {
      this.result = null;
      this.show({ rules: [], errors: [] }, doc);
      this.checker.setTeamRules([], []);
      this.ran = doc.toString();
      return;
    }
    if (!this.engines.teamStarted) this.status.textContent = "Loading the team rules' engine…";
    let result;
    try {
      result = await this.engines.testRules(files);
    } catch (error) {
      if (run !== this.runs) return;
      this.status.textContent = `The team rules could not be run: ${error.message}`;
      this.ran = doc.toString();
      return;
    }
    if (run !== this.runs) return;
    this.result = result;
    this.show(result, doc);
    this.checker.setTeamRules(files, result.rules.map((r) => r.rule));
    this.ran = doc.toString();
  }

  /** Whether an edit waits for its run, or a run for its answer. */
  get busy() {
    return this.timer !== null || this.ran !== this.view.state.doc.toString();
  }

  /** The errors in the editor and in a list, the tests, the explanations. */
  show(result, doc) {
    const marks = result.errors.map((e) => {
      const from = placeOf(doc, e.line, e.column);
      const to = Math.max(from, doc.lineAt(from).to);
      return { from, to, severity: "error", source: e.rule || "rule file", message: e.message };
    });
    // The marks belong to the text that was run; if it changed meanwhile, the next run marks it.
    if (this.view.state.doc === doc) this.view.dispatch(setDiagnostics(this.view.state, marks));
    clear(this.errors).append(
      ...result.errors.map((e) =>
        h(
          "li",
          { class: "rules-error", "data-line": e.line, "data-column": e.column },
          h("button", { type: "button", class: "link", onclick: () => this.goTo(e.line, e.column) }, `${e.line}:${e.column}`),
          " ",
          e.rule ? h("code", {}, e.rule) : null,
          e.rule ? " " : null,
          e.message,
        ),
      ),
    );
    const cases = result.rules.flatMap((r) => r.cases);
    const failed = cases.filter((c) => !c.passed).length;
    this.status.textContent = result.rules.length
      ? `${result.rules.length} rule${result.rules.length === 1 ? "" : "s"}: ${cases.length - failed} of ${cases.length} tests pass` +
        (result.errors.length ? `; ${result.errors.length} error${result.errors.length === 1 ? "" : "s"} in the file` : "")
      : result.errors.length
        ? `No rule loaded: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"} in the file`
        : "No team rules: write one, or load a .yml file.";
    clear(this.tests).append(
      ...result.rules.map((r) =>
        h(
          "section",
          { class: "rule-tests", "data-rule": r.rule.id },
          h("h3", {}, h("code", {}, r.rule.id), " ", r.rule.name),
          h(
            "ul",
            {},
            r.cases.map((c) =>
              h(
                "li",
                { class: c.passed ? "case pass" : "case fail", "data-passed": String(c.passed) },
                h("span", { class: "case-mark", "aria-hidden": "true" }, c.passed ? "✓" : "✗"),
                " ",
                c.case,
                c.detail ? h("span", { class: "case-detail" }, `: ${c.detail}`) : null,
              ),
            ),
          ),
        ),
      ),
    );
    clear(this.docs).append(
      ...result.rules.map((r, i) =>
        h(
          "details",
          { class: "rules-doc", open: i === 0 },
          h("summary", {}, `Explanation: ${r.rule.id}`),
          renderRuleDoc(r.rule, { headingLevel: 3, catalogueHref: this.catalogueHref }),
        ),
      ),
    );
  }

  goTo(line, column) {
    const at = placeOf(this.view.state.doc, line, column);
    this.view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: "center" }) });
    this.view.focus();
  }

  /** Downloads the editor's text as a .yml file. */
  exportFile() {
    const text = this.view.state.doc.toString();
    const name = /\.ya?ml$/i.test(this.path) ? this.path.split("/").pop() : "team-rules.yml";
    const url = URL.createObjectURL(new Blob([text], { type: "text/yaml" }));
    const link = h("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  loadChosen() {
    const file = this.fileInput.files && this.fileInput.files[0];
    this.fileInput.value = "";
    if (file) this.loadFile(file);
  }

  /** @param {File} file */
  async loadFile(file) {
    if (!/\.ya?ml$/i.test(file.name)) {
      this.status.textContent = `${file.name} is not a .yml file: a team rule file is YAML.`;
      return;
    }
    if (file.size > MAX_RULE_FILE) {
      this.status.textContent = `${file.name} is ${Math.ceil(file.size / 1024)} KB: a rule file over 1 MB is not loaded.`;
      return;
    }
    let text;
    try {
      text = await file.text();
    } catch (error) {
      this.status.textContent = `${file.name} could not be read (${error.message}).`;
      return;
    }
    this.setText(text, file.name);
  }
}
