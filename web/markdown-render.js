// @ts-check
// The one Markdown renderer: markdown-it, set up for wagcheck's pages. The build renders the
// static Markdown with it (scripts/static-markdown.mjs: the built-in rules' pages, the lessons),
// so the page ships HTML; the page loads this same module on first use (dist/assets/markdown.js,
// through web/markdown.js) for the Markdown that only exists at run time (hit messages, fix
// titles, rules written in the page).
//
// Safe for any text: raw HTML is shown as text (`html: false`), and links keep only the targets
// dom.js's safeHref allows (relative, #fragment, http(s), mailto); external ones open in a new tab;
// an image is a link to it.
import MarkdownIt from "markdown-it";
import { safeHref } from "./dom.js";

const md = new MarkdownIt("default", { html: false, linkify: false, typographer: false });
md.validateLink = (url) => safeHref(url) !== null;
// No images (an image is a link to it): the page loads nothing from other origins.
md.disable("image");

// Fenced code as the page styles it: <pre class="code" data-lang="python"><code>.
md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx];
  const lang = token.info.trim().split(/\s+/)[0];
  const attr = lang ? ` data-lang="${md.utils.escapeHtml(lang)}"` : "";
  return `<pre class="code"${attr}><code>${md.utils.escapeHtml(token.content.replace(/\n$/, ""))}</code></pre>\n`;
};
md.renderer.rules.code_block = md.renderer.rules.fence;

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (/^https?:/i.test(token.attrGet("href") || "")) {
    token.attrSet("rel", "noopener noreferrer");
    token.attrSet("target", "_blank");
  }
  return self.renderToken(tokens, idx, options);
};

/** Block Markdown (paragraphs, headings, lists, code, tables, quotes) as HTML; `# x` is <h1>. */
export function renderBlock(text) {
  return md.render(String(text));
}

/** Inline Markdown (`code`, **strong**, *em*, [links](url)) as HTML, without a paragraph. */
export function renderInline(text) {
  return md.renderInline(String(text));
}
