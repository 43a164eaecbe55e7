// One rule's documentation: rendered Markdown with the bad and fixed examples side by side.
// Shared by the checker's explanation panel and the rule catalogue.
import { h } from "../dom.js";
import { inline, renderMarkdown } from "../markdown.js";

export function severityBadge(severity) {
  return h("span", { class: `badge sev-${severity}`, title: `severity: ${severity}` }, severity);
}

/** Splits the explanation where the examples go (before "## Fix safety" / "## References"). */
function splitTail(explanation) {
  const cuts = ["\n## Fix safety", "\n## References"].map((s) => explanation.indexOf(s)).filter((i) => i >= 0);
  const cut = cuts.length ? Math.min(...cuts) : explanation.length;
  return [explanation.slice(0, cut), explanation.slice(cut)];
}

function exampleFiles(title, files, kind) {
  return h(
    "figure",
    { class: `example example-${kind}` },
    h("figcaption", {}, title),
    files.map((f) => [
      files.length > 1 || f.path !== "example.py" ? h("div", { class: "example-path" }, f.path) : null,
      h("pre", { class: "code" }, h("code", {}, f.text.replace(/\n$/, ""))),
    ]),
  );
}

/**
 * @param {object} rule from rules()
 * @param {{headingLevel?: number, catalogueHref?: (id: string) => string, onLoadExample?: (rule) => void}} options
 */
export function renderRuleDoc(rule, { headingLevel = 2, catalogueHref, onLoadExample } = {}) {
  const [body, tail] = splitTail(rule.explanation.trim());
  const heading = h(
    `h${headingLevel}`,
    { class: "rule-title" },
    h("code", {}, rule.id),
    " ",
    rule.name,
  );
  const meta = h(
    "p",
    { class: "rule-meta" },
    severityBadge(rule.severity),
    h("span", { class: "badge" }, rule.category),
    h("span", { class: "badge" }, rule.fix ? `fix: ${rule.fix}` : "no autofix"),
  );
  const actions = h(
    "p",
    { class: "rule-links" },
    catalogueHref ? h("a", { href: catalogueHref(rule.id) }, `Rule page: ${rule.id}`) : null,
    onLoadExample
      ? h("button", { type: "button", class: "link", onclick: () => onLoadExample(rule) }, "Load the bad example")
      : null,
  );
  return h(
    "article",
    { class: "rule-doc", "data-rule": rule.id },
    heading,
    meta,
    h("p", { class: "rule-message" }, inline(rule.message)),
    // The examples first: the quickest way to see the point; the reasoning follows.
    h(
      "div",
      { class: "examples" },
      exampleFiles("Bad", rule.bad, "bad"),
      exampleFiles("Fixed", rule.fixed, "fixed"),
    ),
    h("div", { class: "markdown" }, renderMarkdown(body, { headingOffset: headingLevel })),
    tail.trim() ? h("div", { class: "markdown" }, renderMarkdown(tail, { headingOffset: headingLevel })) : null,
    actions,
  );
}
