// @ts-check
// One rule's documentation: its explanation with the bad and fixed examples side by side.
// Shared by the checker's explanation panel and the rule catalogue. A built-in rule's message
// and explanation are HTML made when the page was built (scripts/static-markdown.mjs): the
// messages in the bundle (virtual:rule-messages), the explanations in assets/rule-docs.js,
// loaded when one is first shown. A rule the build did not know (written in the page) is
// rendered by the page's Markdown renderer.
import ruleMessages from "virtual:rule-messages";
import { h } from "../dom.js";
import { fillMarkdown, staticHtml } from "../markdown.js";
import { splitTail, textKey } from "../rule-text.js";

// Beside the bundle that imports this module (dist/assets/app.js, wagcheck-embed.js).
const RULE_DOCS = new URL("./rule-docs.js", import.meta.url).href;

/** @type {Record<string, {body: string, tail: string}> | null} */
let ruleDocs = null;
/** @type {Promise<Record<string, {body: string, tail: string}> | null> | null} */
let loadingDocs = null;

/** Loads the explanations once; null when they cannot be loaded (a later call tries again). */
function loadRuleDocs() {
  loadingDocs ??= import(RULE_DOCS).then(
    (module) => (ruleDocs = module.default),
    () => {
      loadingDocs = null;
      return null;
    },
  );
  return loadingDocs;
}

export function severityBadge(severity) {
  return h("span", { class: `badge sev-${severity}`, title: `severity: ${severity}` }, severity);
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
 * @param {import("../pkg/wagcheck.js").RuleInfo} rule from rules()
 * @param {{headingLevel?: number, catalogueHref?: (id: string) => string, onLoadExample?: (rule) => void}} options
 */
export function renderRuleDoc(rule, { headingLevel = 2, catalogueHref, onLoadExample } = {}) {
  const built = builtDoc(rule);
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
    ruleMessage(rule, built),
    // The examples first: the quickest way to see the point; the reasoning follows.
    h(
      "div",
      { class: "examples" },
      exampleFiles("Bad", rule.bad, "bad"),
      exampleFiles("Fixed", rule.fixed, "fixed"),
    ),
    ...explanation(rule, built, headingLevel),
    actions,
  );
}

/** Whether the build rendered this very rule (same id, same text). */
function builtDoc(rule) {
  const doc = Object.hasOwn(ruleMessages, rule.id) ? ruleMessages[rule.id] : null;
  return doc && doc.key === textKey(rule) ? doc : null;
}

/** The rule's message template, e.g. for the catalogue's list. */
export function ruleMessage(rule, built = builtDoc(rule)) {
  const p = h("p", { class: "rule-message" });
  if (built) p.append(staticHtml(built.message));
  else fillMarkdown(p, rule.message, { inline: true });
  return p;
}

/** The explanation in two parts: the reasoning, then fix safety and references. */
function explanation(rule, built, headingLevel) {
  const [body, tail] = splitTail(rule.explanation);
  const parts = [h("div", { class: "markdown" }), tail.trim() ? h("div", { class: "markdown" }) : null];
  const fromBuild = (docs) => {
    const doc = docs?.[rule.id];
    if (!doc) return false;
    parts[0].replaceChildren(staticHtml(doc.body, { headingOffset: headingLevel }));
    parts[1]?.replaceChildren(staticHtml(doc.tail, { headingOffset: headingLevel }));
    return true;
  };
  const render = () => {
    fillMarkdown(parts[0], body, { headingOffset: headingLevel });
    if (parts[1]) fillMarkdown(parts[1], tail, { headingOffset: headingLevel });
  };
  if (!built) render();
  else if (!fromBuild(ruleDocs)) {
    // The text until the build's HTML is here (or, if it cannot be loaded, rendered here).
    parts[0].textContent = body;
    if (parts[1]) parts[1].textContent = tail;
    loadRuleDocs().then((docs) => fromBuild(docs) || render());
  }
  return parts;
}
