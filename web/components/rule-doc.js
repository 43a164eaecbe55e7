// @ts-check
// One rule's documentation: its explanation with the bad and fixed examples side by side.
// Shared by the checker's explanation panel and the rule catalogue. A built-in rule's message
// and explanation are HTML made when the page was built (scripts/static-markdown.mjs): the
// messages in the bundle (virtual:rule-messages), the explanations in assets/rule-docs.js,
// loaded when one is first shown or searched. They are nowhere else in the page: the first
// wasm module is built without them (its rules' `explanation` is empty; crate/src/rule.rs,
// `explanation!`). A rule the build did not know (written in the page) brings its Markdown and
// is rendered by the page's Markdown renderer.
import ruleMessages from "virtual:rule-messages";
import { h } from "../dom.js";
import { lazyImport } from "../lazy-import.js";
import { fillMarkdown, staticHtml } from "../markdown.js";
import { splitTail, textKey } from "../rule-text.js";

// Beside the bundle that imports this module (dist/assets/app.js, wagcheck-embed.js).
const importRuleDocs = lazyImport(new URL("./rule-docs.js", import.meta.url).href);

/** @type {Record<string, {body: string, tail: string}> | null} */
let ruleDocs = null;

/** Loads the explanations once; null when they cannot be loaded (a later call tries again). */
export function loadRuleDocs() {
  return importRuleDocs().then((module) => (ruleDocs ??= module?.default ?? null));
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
  const parts = [h("div", { class: "markdown" }), h("div", { class: "markdown" })];
  // The second part only when there is one (a rule without "## Fix safety" or references).
  const fill = (/** @type {(el: HTMLElement, text: string) => void} */ put, /** @type {string[]} */ texts) =>
    texts.forEach((text, i) => {
      parts[i].hidden = i > 0 && !text.trim();
      put(parts[i], text);
    });
  const fromBuild = (docs) => {
    const doc = docs?.[rule.id];
    if (!doc) return false;
    fill((el, html) => el.replaceChildren(staticHtml(html, { headingOffset: headingLevel })), [doc.body, doc.tail]);
    return true;
  };
  const render = () => fill((el, text) => fillMarkdown(el, text, { headingOffset: headingLevel }), splitTail(rule.explanation));
  if (!built) render();
  else if (!fromBuild(ruleDocs)) {
    // A built-in rule's text is in rule-docs.js only (the first module leaves it out): until
    // it is here, say so; if it cannot be loaded (offline before it was cached), say that,
    // and the next time the rule is shown tries again.
    const note = (/** @type {string} */ text) => fill((el, t) => el.replaceChildren(t ? h("p", { class: "hint" }, t) : ""), [text, ""]);
    note("Loading the explanation…");
    loadRuleDocs().then((docs) => {
      if (fromBuild(docs)) return;
      if (rule.explanation.trim()) render();
      else note("The explanation could not be loaded (is the page offline?). It is tried again when the rule is next shown.");
    });
  }
  return parts;
}

/** Text of HTML the build made (the search looks in what the reader sees). */
const textOf = (html) => staticHtml(html).textContent ?? "";
/** @type {Map<string, string>} */
const builtText = new Map();

/**
 * A rule's explanation as text, for the catalogue's search: a built-in rule's comes with
 * rule-docs.js, so it is null until `loadRuleDocs()` has loaded it.
 * @returns {string | null}
 */
export function explanationText(rule) {
  if (!builtDoc(rule)) return rule.explanation;
  if (!ruleDocs?.[rule.id]) return ruleDocs ? rule.explanation : null;
  if (!builtText.has(rule.id)) builtText.set(rule.id, `${textOf(ruleDocs[rule.id].body)} ${textOf(ruleDocs[rule.id].tail)}`);
  return builtText.get(rule.id) ?? null;
}
