// @ts-check
// How a rule's explanation is laid out on its page, shared by the build (which renders the
// built-in rules' pages, scripts/static-markdown.mjs) and the page (web/components/rule-doc.js).
// Pure functions, no DOM.

/** Splits the explanation where the examples go (before "## Fix safety" / "## References"). */
export function splitTail(explanation) {
  const text = explanation.trim();
  const cuts = ["\n## Fix safety", "\n## References"].map((s) => text.indexOf(s)).filter((i) => i >= 0);
  const cut = cuts.length ? Math.min(...cuts) : text.length;
  return [text.slice(0, cut), text.slice(cut)];
}

/**
 * A short fingerprint of a rule's message and explanation (32-bit FNV-1a, hex): the page uses
 * the HTML made at build time only for the text it was made from.
 */
export function textKey(rule) {
  const text = `${rule.message}\u0000${rule.explanation}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
