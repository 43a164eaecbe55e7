// @ts-check
// Stands in for linkify-it in the page's bundled Markdown renderer (dist/assets/markdown.js:
// scripts/bundle.mjs aliases "linkify-it" to this file). web/markdown-render.js sets markdown-it
// up with `linkify: false`, and markdown-it then never calls its linkifier (its two linkify rules
// return first); the real one is 3 KB of the page's first load (gzip). The build's own
// rendering (scripts/static-markdown.mjs, under node) imports the real package.
// Were linkify ever turned on, every call fails loudly instead of finding no links.

const off = () => {
  throw new Error("wagcheck: linkify is off in the page's Markdown renderer (web/linkify-off.js)");
};

export class LinkifyIt {
  test = off;
  match = off;
  matchAtStart = off;
}
