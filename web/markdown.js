// @ts-check
// Markdown in the page. The built-in rules' pages and the lessons arrive as HTML made when the
// page was built (scripts/static-markdown.mjs); `staticHtml` inserts it. Markdown that exists
// only at run time (the engine's hit messages and fix titles, rules written in the page) is
// rendered by the same renderer, web/markdown-render.js (markdown-it), bundled as its own file
// (assets/markdown.js) and loaded on first use, so the page's first script stays small:
// `fillMarkdown` shows the plain text until it is there. There is no second renderer.

import { lazyImport } from "./lazy-import.js";

/** @typedef {{renderBlock: (text: string) => string, renderInline: (text: string) => string}} Renderer */

// Beside the bundle that imports this module (dist/assets/app.js, wagcheck-embed.js).
const importRenderer = lazyImport(new URL("./markdown.js", import.meta.url).href, (error) =>
  console.warn("wagcheck: the Markdown renderer could not be loaded:", error.message),
);

/** @type {Renderer | null} */
let renderer = null;

/**
 * Loads the renderer once; resolves null when it cannot be loaded (offline before it was
 * cached): the text then stays plain, and a later call tries again.
 * @returns {Promise<Renderer | null>}
 */
export function loadMarkdown() {
  return importRenderer().then((module) => (renderer ??= module));
}

/**
 * HTML made by the build (or by the renderer) as nodes. `headingOffset` demotes headings
 * (# -> h(1+n)) to fit where the text is shown.
 * @param {string} html
 * @param {{headingOffset?: number}} [options]
 * @returns {DocumentFragment}
 */
export function staticHtml(html, { headingOffset = 0 } = {}) {
  const template = document.createElement("template");
  template.innerHTML = html;
  if (headingOffset) {
    for (const heading of template.content.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      const demoted = document.createElement(`h${Math.min(6, Number(heading.tagName[1]) + headingOffset)}`);
      demoted.append(...heading.childNodes);
      heading.replaceWith(demoted);
    }
  }
  return template.content;
}

/**
 * Renders `text` (Markdown known only at run time) into `el` and returns `el`: at once when the
 * renderer is loaded, else the plain text now and the rendered text when it arrives.
 * @template {HTMLElement} E
 * @param {E} el
 * @param {string} text
 * @param {{inline?: boolean, headingOffset?: number}} [options] inline: no paragraphs
 * @returns {E}
 */
export function fillMarkdown(el, text, { inline = false, headingOffset = 0 } = {}) {
  const fill = (/** @type {Renderer} */ r) =>
    el.replaceChildren(staticHtml(inline ? r.renderInline(text) : r.renderBlock(text), { headingOffset }));
  if (renderer) {
    fill(renderer);
  } else {
    el.textContent = text;
    loadMarkdown().then((r) => r && fill(r));
  }
  return el;
}
