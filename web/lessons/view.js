// @ts-check
// The lessons view: a list of lessons (#lessons), and one lesson step by step (#lesson=ID/N).
// Each lesson has four steps: the story, "find it" (the buggy code, read-only, hits hidden
// until Check), the fix (explanation and diff), and "your turn" (the learner fixes the code;
// the lesson passes when wagcheck reports none of its rules). It reuses the playground's
// checker component, with a rule filter, read-only and concealed modes.
// Presenter mode (a demo on a projector): large type, one step per screen, arrow keys.
import { Checker } from "../components/checker.js";
import { diffView } from "../components/fix-review.js";
import { h, clear } from "../dom.js";
import { staticHtml } from "../markdown.js";
import { passes } from "./format.js";
import { validState } from "../share.js";
import { useTeamRules as checkWithTeamRules } from "../team.js";

const STORAGE_KEY = "wagcheck.lessons.v1";
export const STEPS = ["Story", "Find it", "The fix", "Your turn"];

function loadProgress() {
  try {
    const data = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
    return data && typeof data === "object" ? data : {};
  } catch {
    return {};
  }
}

/** The lines [start, end] (1-based) each hit of the lesson's rules covers, per path. */
function hitLines(report, lesson) {
  return report.diagnostics
    .filter((d) => lesson.rules.includes(d.rule))
    .map((d) => ({ path: d.path, start: d.start.line, end: d.end.line, rule: d.rule }));
}

export class LessonsView {
  /**
   * @param {HTMLElement} parent
   * @param {{engine, rules: object[], lessons: object[], catalogueHref?: (id: string) => string}} options
   */
  constructor(parent, { engine, rules, lessons, catalogueHref }) {
    this.engine = engine;
    this.rules = rules;
    this.lessons = lessons;
    this.catalogueHref = catalogueHref;
    this.progress = loadProgress();
    this.lesson = null;
    this.step = 0;
    this.diffs = [];
    this.root = h("div", { class: "lessons" });
    parent.append(this.root);
    this.onKey = (event) => this.key(event);
    document.addEventListener("keydown", this.onKey);
    this.setPresenter(Boolean(this.progress.presenter));
  }

  // ---- progress -------------------------------------------------------------------------

  state(id) {
    this.progress.lessons ||= {};
    return (this.progress.lessons[id] ||= {});
  }

  save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.progress));
    } catch {
      // storage full or disabled: progress lives for this visit only
    }
  }

  // ---- routing --------------------------------------------------------------------------

  /** Shows the index (id null) or a lesson's step (1-based; the saved step when absent). */
  show(id, step) {
    this.progress = loadProgress(); // another tab may have moved on
    const lesson = id && this.lessons.find((l) => l.id === id);
    if (!lesson) {
      this.lesson = null;
      this.renderIndex(id ? `There is no lesson "${id}".` : "");
      return;
    }
    const saved = this.state(lesson.id);
    const n = Number.isInteger(step) ? step : (saved.step || 1);
    this.open(lesson, Math.min(STEPS.length, Math.max(1, n)) - 1);
  }

  href(lesson, step) {
    return `#lesson=${lesson.id}/${step + 1}`;
  }

  go(step) {
    if (!this.lesson || step < 0 || step >= STEPS.length) return;
    location.hash = this.href(this.lesson, step);
  }

  key(event) {
    if (!this.lesson || this.root.closest("[hidden]")) return;
    const target = event.target;
    if (target.closest?.(".cm-editor, input, textarea, select, dialog")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") this.go(this.step + 1);
    else if (event.key === "ArrowLeft" || event.key === "PageUp") this.go(this.step - 1);
    else if (event.key === "p") this.setPresenter(!this.presenter);
    else if (event.key === "Escape" && this.presenter) this.setPresenter(false);
    else return;
    event.preventDefault();
  }

  setPresenter(on) {
    this.presenter = on;
    document.documentElement.classList.toggle("presenter", on && Boolean(this.lesson));
    this.progress.presenter = on;
    this.save();
    this.root.querySelector("[data-action=presenter]")?.setAttribute("aria-pressed", String(on));
  }

  // ---- the index ------------------------------------------------------------------------

  renderIndex(note) {
    this.teardown();
    document.documentElement.classList.remove("presenter");
    const passed = this.lessons.filter((l) => this.state(l.id).passed).length;
    clear(this.root).append(
      h("h2", {}, "Lessons"),
      ...(note ? [h("p", { class: "form-error" }, note)] : []),
      h("p", { class: "hint" }, `Each lesson is a bug that reached production: its story, the code, finding it, the fix, then fixing it yourself. ${passed} of ${this.lessons.length} passed. Press P in a lesson for presenter mode.`),
      h(
        "ol",
        { class: "lesson-list" },
        this.lessons.map((l) =>
          h(
            "li",
            { "data-lesson": l.id, class: this.state(l.id).passed ? "passed" : null },
            h("a", { href: `#lesson=${l.id}` }, l.title),
            " ",
            l.rules.map((r) => h("code", { class: "badge" }, r)),
            this.state(l.id).passed ? h("span", { class: "lesson-passed" }, "✓ passed") : null,
          ),
        ),
      ),
    );
  }

  // ---- a lesson -------------------------------------------------------------------------

  open(lesson, step) {
    const same = this.lesson === lesson;
    this.lesson = lesson;
    this.step = step;
    const saved = this.state(lesson.id);
    saved.step = step + 1;
    this.progress.last = lesson.id;
    this.save();
    if (!same) this.build();
    this.setPresenter(this.presenter);
    this.renderStep();
  }

  teardown() {
    this.diffs.forEach((v) => v.destroy());
    this.diffs = [];
    this.checker?.destroy();
    this.checker = null;
  }

  build() {
    this.teardown();
    const lesson = this.lesson;
    // A lesson with a team rule file: its rules are known once the team module has read it.
    const teamRules = lesson.ruleFiles || [];
    const missing = teamRules.length ? [] : lesson.rules.filter((id) => !this.rules.some((r) => r.id === id));
    this.alert = h("p", { class: "engine-alert", hidden: !missing.length }, `This build of the engine lacks ${missing.join(", ")}: the lesson cannot be checked.`);
    this.stepNav = h("ol", { class: "step-nav", "aria-label": "Steps" });
    this.stepBody = h("div", { class: "lesson-step", tabindex: "-1" });
    this.checkerHost = h("div", { class: "lesson-checker" });
    this.prev = h("button", { type: "button", "data-action": "prev", onclick: () => this.go(this.step - 1) }, "← Back");
    this.next = h("button", { type: "button", class: "primary", "data-action": "next", onclick: () => this.go(this.step + 1) }, "Next →");
    clear(this.root).append(
      h(
        "header",
        { class: "lesson-head" },
        h("p", { class: "lesson-crumbs" }, h("a", { href: "#lessons" }, "Lessons"), " / ", lesson.rules.join(", ")),
        h("h2", { class: "lesson-title" }, staticHtml(lesson.html.title)),
        h(
          "button",
          { type: "button", class: "small", "data-action": "presenter", "aria-pressed": String(this.presenter), title: "Large type, one step per screen (P; Esc leaves)", onclick: () => this.setPresenter(!this.presenter) },
          "Presenter mode",
        ),
      ),
      this.stepNav,
      this.alert,
      this.stepBody,
      this.checkerHost,
      h("nav", { class: "step-buttons", "aria-label": "Step" }, this.prev, this.next),
    );
    this.checker = new Checker(this.checkerHost, {
      engine: this.engine,
      rules: this.rules,
      files: lesson.bug,
      select: lesson.rules,
      readOnly: true,
      concealed: true,
      fixes: false,
      catalogueHref: this.catalogueHref,
      onChange: () => this.codeChanged(),
      teamRules,
    });
    this.checker.root.addEventListener("checked", (event) => this.checked(event.detail));
    if (teamRules.length) this.useTeamRules(lesson, teamRules);
  }

  /** Loads the lesson's team rules into its checker (names, explanations); says what failed. */
  async useTeamRules(lesson, files) {
    const checker = this.checker;
    let result;
    try {
      result = await checkWithTeamRules(this.engine, checker, files);
    } catch (error) {
      result = { rules: [], errors: [{ message: error.message }] };
    }
    if (this.checker !== checker) return;
    const known = new Set([...this.rules, ...result.rules.map((r) => r.rule)].map((r) => r.id));
    const missing = lesson.rules.filter((id) => !known.has(id));
    const problems = [
      ...(missing.length ? [`${lesson.ruleFile} does not define ${missing.join(", ")}: the lesson cannot be checked.`] : []),
      ...result.errors.map((e) => `${lesson.ruleFile}${e.line ? `:${e.line}:${e.column}` : ""}: ${e.message}`),
    ];
    this.alert.textContent = problems.join(" ");
    this.alert.hidden = !problems.length;
  }

  renderStep() {
    const { lesson, step } = this;
    const saved = this.state(lesson.id);
    clear(this.stepNav).append(
      ...STEPS.map((name, i) =>
        h("li", {}, h("a", { href: this.href(lesson, i), "aria-current": i === step ? "step" : null }, `${i + 1}. ${name}`)),
      ),
    );
    this.prev.disabled = step === 0;
    this.next.hidden = step === STEPS.length - 1;
    this.diffs.forEach((v) => v.destroy());
    this.diffs = [];
    this.root.dataset.step = String(step + 1);
    const body = clear(this.stepBody);
    this.checkerHost.hidden = step === 0 || step === 2;
    if (step === 0) {
      body.append(h("h3", {}, "What happened"), h("div", { class: "markdown story" }, staticHtml(lesson.html.story, { headingOffset: 3 })));
    } else if (step === 1) {
      this.feedback = h("p", { class: "lesson-feedback", role: "status", "aria-live": "polite" });
      body.append(
        h("h3", { class: "lesson-question" }, staticHtml(lesson.html.question)),
        h("p", { class: "hint" }, lesson.answer === "file" ? "Open the file you suspect (its tab), then press Check." : "Click the line you suspect, then press Check."),
        h(
          "p",
          { class: "lesson-actions" },
          h("button", { type: "button", class: "primary", "data-action": "check", onclick: () => this.answer() }, "Check"),
          h("button", { type: "button", "data-action": "reveal", onclick: () => this.reveal() }, "Show me"),
        ),
        this.feedback,
        (this.toFix = h("p", { hidden: true }, h("a", { href: this.href(lesson, 2), "data-action": "see-fix" }, "See the fix as a diff →"))),
      );
      this.useFiles(lesson.bug, { readOnly: true });
      if (saved.revealed) this.reveal();
    } else if (step === 2) {
      body.append(h("h3", {}, "The fix"), h("div", { class: "markdown" }, staticHtml(lesson.html.fix, { headingOffset: 3 })));
      const paths = [...new Set([...lesson.bug, ...lesson.solution].map((f) => f.path))];
      for (const path of paths) {
        const before = lesson.bug.find((f) => f.path === path)?.text ?? "";
        const after = lesson.solution.find((f) => f.path === path)?.text ?? "";
        if (before === after) continue;
        const note = !before ? " (new)" : !after ? " (removed)" : "";
        const host = h("div", { class: "merge lesson-diff", "data-path": path });
        body.append(h("h4", { class: "diff-path" }, path, note), h("div", { class: "merge-labels" }, h("span", {}, "With the bug"), h("span", {}, "Fixed")), host);
        this.diffs.push(diffView(host, before, after));
      }
    } else {
      this.result = h("p", { class: "lesson-result", role: "status", "aria-live": "polite" });
      body.append(
        h("h3", {}, "Your turn"),
        h("div", { class: "markdown" }, staticHtml(lesson.html.task, { headingOffset: 3 })),
        h(
          "p",
          { class: "lesson-actions" },
          h("button", { type: "button", "data-action": "reset", onclick: () => this.resetCode() }, "Start again"),
          h("button", { type: "button", "data-action": "solution", onclick: () => this.useFiles(lesson.solution, { readOnly: false, keep: true }) }, "Show the solution"),
        ),
        this.result,
      );
      this.useFiles(this.learnerFiles(saved) || lesson.bug, { readOnly: false });
    }
    if (this.presenter || document.activeElement === document.body) this.stepBody.focus({ preventScroll: true });
  }

  /** Loads files into the checker for the current step. */
  useFiles(files, { readOnly, keep = false }) {
    const c = this.checker;
    this.loading = true;
    c.setSelection(null);
    c.setEditableTabs(!readOnly);
    c.setReadOnly(readOnly);
    c.conceal(readOnly);
    c.setFiles(files.map((f) => ({ path: f.path, text: f.text })), files[0].path);
    c.renderExplainIntro();
    this.loading = false;
    if (keep) this.codeChanged();
  }

  /** The learner's saved code, if it is still well formed. */
  learnerFiles(saved) {
    try {
      return saved.files ? validState({ files: saved.files }).files : null;
    } catch {
      return null;
    }
  }

  resetCode() {
    delete this.state(this.lesson.id).files;
    this.save();
    this.useFiles(this.lesson.bug, { readOnly: false });
  }

  codeChanged() {
    if (this.loading || !this.checker || this.step !== 3) return;
    this.state(this.lesson.id).files = this.checker.getFiles();
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), 300);
  }

  checked(report) {
    this.report = report;
    if (this.step === 3) this.judge(report);
  }

  /** The "find it" answer: the line holding the cursor against the hits' lines. */
  async answer() {
    const c = this.checker;
    let report;
    try {
      report = await this.engine.check(c.getFiles(), c.options());
    } catch (error) {
      this.feedback.textContent = `The engine could not check the code: ${error.message}`;
      return;
    }
    const hits = hitLines(report, this.lesson);
    const line = c.view.state.doc.lineAt(c.view.state.selection.main.head).number;
    const path = c.current.path;
    const byFile = this.lesson.answer === "file";
    const right = hits.some((x) => x.path === path && (byFile || (x.start <= line && line <= x.end)));
    const where = hits.map((x) => `${c.files.length > 1 ? `${x.path} ` : ""}line ${x.start}`);
    this.feedback.className = `lesson-feedback ${right ? "right" : "wrong"}`;
    this.feedback.textContent = right
      ? `Right: ${byFile ? path : `line ${line}`} is a hit. wagcheck finds ${hits.length === 1 ? "it" : `${hits.length} hits`} at ${[...new Set(where)].join(", ")}.`
      : `Not this one${hits.length ? `: wagcheck points at ${[...new Set(where)].join(", ")}` : ""}. Read why below.`;
    this.feedback.dataset.answer = right ? "right" : "wrong";
    this.reveal();
  }

  reveal() {
    const saved = this.state(this.lesson.id);
    saved.revealed = true;
    this.save();
    this.checker.reveal();
    const first = this.checker.report && this.checker.sortedHits().find((d) => this.lesson.rules.includes(d.rule));
    if (first) this.checker.selectHit(first, { focusEditor: false });
    else this.checker.showRule(this.lesson.rules[0]);
    this.root.dataset.revealed = "true";
    if (this.toFix) this.toFix.hidden = false;
  }

  judge(report) {
    if (!this.result) return;
    const ok = !this.checker.isEmpty() && passes(this.lesson, report);
    const saved = this.state(this.lesson.id);
    if (ok && !saved.passed) {
      saved.passed = true;
      this.save();
    }
    this.root.dataset.passed = String(ok);
    this.result.className = `lesson-result ${ok ? "right" : "wrong"}`;
    const left = hitLines(report, this.lesson).length;
    const next = this.lessons[this.lessons.indexOf(this.lesson) + 1];
    clear(this.result).append(
      ok
        ? [
            "Passed: wagcheck reports none of ",
            this.lesson.rules.join(", "),
            ". ",
            next ? h("a", { href: `#lesson=${next.id}/1`, "data-action": "next-lesson" }, `Next lesson: ${next.title}`) : h("a", { href: "#lessons" }, "All lessons"),
          ]
        : report.syntaxErrors.length
          ? "Not yet: the code has a syntax error."
          : this.checker.isEmpty()
            ? "Not yet: the editor is empty."
            : `Not yet: ${left} hit${left === 1 ? "" : "s"} of ${this.lesson.rules.join(", ")} left.`,
    );
  }
}
