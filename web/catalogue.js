// @ts-check
// The rule catalogue: every rule, searchable by id, name and text, filtered by severity and
// category, each with its own link (#rule=ID) and a switch to enable or disable it.
import { h, clear } from "./dom.js";
import { explanationText, loadRuleDocs, renderRuleDoc, ruleMessage, severityBadge } from "./components/rule-doc.js";

export class Catalogue {
  /**
   * @param {HTMLElement} parent
   * @param {{rules: import("./pkg/wagcheck.js").RuleInfo[], disabled: Set<string>, onToggle: (id: string, enabled: boolean) => void,
   *          onLoadExample: (rule: object) => void}} options
   */
  constructor(parent, { rules, disabled, onToggle, onLoadExample }) {
    this.rules = rules;
    this.disabled = disabled;
    this.onToggle = onToggle;
    this.onLoadExample = onLoadExample;
    this.open = null;
    /** @type {Promise<void> | null} the explanations, while they load for a search */
    this.docsPending = null;
    this.docsFailed = false;
    const option = (v, label) => h("option", { value: v }, label);
    this.search = h("input", {
      type: "search",
      placeholder: "Search id, name or text",
      "aria-label": "Search rules",
      oninput: () => {
        this.docsFailed = false;
        this.render();
      },
    });
    const values = (key) => [...new Set(rules.map((r) => r[key]))].sort();
    this.severity = h(
      "select",
      { "aria-label": "Severity", onchange: () => this.render() },
      option("", "All severities"),
      ["blocker", "warning", "info"].filter((s) => values("severity").includes(s)).map((s) => option(s, s)),
    );
    this.category = h(
      "select",
      { "aria-label": "Category", onchange: () => this.render() },
      option("", "All categories"),
      values("category").map((c) => option(c, c)),
    );
    this.summary = h("p", { class: "hint", "aria-live": "polite" });
    this.list = h("ul", { class: "rule-list" });
    this.root = h(
      "section",
      { class: "catalogue", "aria-label": "Rule catalogue" },
      h("h2", {}, "Rules"),
      h("div", { class: "filters" }, this.search, this.severity, this.category),
      this.summary,
      this.list,
    );
    parent.append(this.root);
    this.render();
  }

  matches(rule) {
    const q = this.search.value.trim().toLowerCase();
    if (this.severity.value && rule.severity !== this.severity.value) return false;
    if (this.category.value && rule.category !== this.category.value) return false;
    if (!q) return true;
    const explanation = explanationText(rule);
    // The built-in rules' explanations come with assets/rule-docs.js, fetched on the first
    // search: the list is drawn again when they are here. If they cannot be loaded (offline
    // before they were cached), the summary says so and the next key typed tries again.
    if (explanation === null && !this.docsPending && !this.docsFailed) {
      this.docsPending = loadRuleDocs().then((docs) => {
        this.docsPending = null;
        this.docsFailed = !docs;
        this.render();
      });
    }
    return [rule.id, rule.name, rule.message, explanation ?? ""].some((t) => t.toLowerCase().includes(q));
  }

  /** Opens one rule's page (from #rule=ID). */
  show(id) {
    this.open = id;
    this.render();
    const el = this.list.querySelector(`[data-rule="${CSS.escape(id)}"]`);
    if (el) {
      el.scrollIntoView({ block: "start" });
      el.querySelector("h3 a")?.focus({ preventScroll: true });
    }
  }

  render() {
    clear(this.list);
    const shown = this.rules.filter((r) => this.matches(r));
    this.summary.textContent = this.rules.length
      ? `${shown.length} of ${this.rules.length} rules · ${this.disabled.size} disabled for this session`
      : "This build of the engine has no rules yet.";
    if (this.docsFailed && this.search.value.trim()) {
      this.summary.textContent += " · the explanations could not be loaded: ids, names and messages searched";
    }
    for (const rule of shown) {
      const enabled = !this.disabled.has(rule.id);
      const isOpen = this.open === rule.id;
      const toggle = h("input", {
        type: "checkbox",
        checked: enabled,
        "aria-label": `Enable ${rule.id}`,
        onchange: (e) => {
          this.onToggle(rule.id, e.target.checked);
          this.render();
        },
      });
      this.list.append(
        h(
          "li",
          { class: `rule-card${isOpen ? " open" : ""}${enabled ? "" : " disabled"}`, "data-rule": rule.id, id: `rule-${rule.id}` },
          h(
            "div",
            { class: "rule-card-head" },
            h("h3", {}, h("a", { href: `#rule=${encodeURIComponent(rule.id)}` }, h("code", {}, rule.id), " ", rule.name)),
            severityBadge(rule.severity),
            h("span", { class: "badge" }, rule.category),
            h("label", { class: "toggle" }, toggle, enabled ? "enabled" : "disabled"),
          ),
          ruleMessage(rule),
          isOpen
            ? renderRuleDoc(rule, { headingLevel: 3, onLoadExample: this.onLoadExample })
            : h("a", { href: `#rule=${encodeURIComponent(rule.id)}`, class: "more" }, "Explanation and examples"),
        ),
      );
    }
  }
}
