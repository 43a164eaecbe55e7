// The Markdown the build renders (scripts/static-markdown.mjs, web/markdown-render.js): every
// rule's page and every lesson become HTML with no Markdown left, and the renderer the page also
// uses at run time keeps user text safe.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadEngine, ROOT } from "./engine.mjs";
import { lessonHtml, ruleDocs } from "../../scripts/static-markdown.mjs";
import { lessonSources } from "../../scripts/lessons-plugin.mjs";
import { parseLessons } from "../../web/lessons/format.js";
import { renderBlock, renderInline } from "../../web/markdown-render.js";
import { splitTail, textKey } from "../../web/rule-text.js";

const api = await loadEngine();
const rules = api.rules();
// The first module has no explanations (the page gets them from the build); the team module has.
const explanations = new Map((await loadEngine("pkg-team")).rules().map((r) => [r.id, r.explanation]));
const docs = await ruleDocs(ROOT);

/** Markdown syntax that must not survive rendering (outside <code> and <pre>). */
function leftover(html) {
  const text = html.replace(/<pre[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, "");
  return /(^|\n)#{1,6} |```|`|\*\*|\]\(/.exec(text)?.[0] ?? null;
}

test("every rule of the engine has its page rendered, keyed by its text", () => {
  assert.deepEqual(Object.keys(docs).sort(), rules.map((r) => r.id).sort());
  for (const rule of rules) {
    const doc = docs[rule.id];
    assert.equal(doc.key, textKey(rule), rule.id);
    assert.match(doc.body, /<h2>What it does<\/h2>/, `${rule.id}: its first section`);
    for (const part of ["message", "body", "tail"]) assert.equal(leftover(doc[part]), null, `${rule.id} ${part}: Markdown left`);
    if (rule.message.includes("`")) assert.match(doc.message, /<code>/, `${rule.id}: code in the message`);
    const explanation = explanations.get(rule.id);
    const [, tail] = splitTail(explanation);
    if (tail.trim()) assert.match(doc.tail, /<h2>/, `${rule.id}: the tail keeps its heading`);
    // Fenced examples keep their class and language, and their text exactly.
    for (const m of explanation.matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)) {
      const escaped = m[2].replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      assert.ok(`${doc.body}${doc.tail}`.includes(`<code>${escaped}</code>`), `${rule.id}: a code block changed`);
      if (m[1]) assert.ok(`${doc.body}${doc.tail}`.includes(`<pre class="code" data-lang="${m[1]}">`), `${rule.id}: ${m[1]} block`);
    }
  }
});

test("a changed explanation no longer matches the build's key", () => {
  const rule = rules[0];
  assert.notEqual(textKey({ ...rule, explanation: `${rule.explanation} ` }), textKey(rule));
  assert.notEqual(textKey({ ...rule, message: `${rule.message}.` }), textKey(rule));
});

test("every lesson's Markdown is rendered", () => {
  for (const lesson of parseLessons(lessonSources(path.join(ROOT, "web/lessons")))) {
    const html = lessonHtml(lesson);
    for (const [part, text] of Object.entries(html)) assert.equal(leftover(text), null, `${lesson.id} ${part}: Markdown left`);
    assert.match(html.story, /<p>/, lesson.id);
    assert.doesNotMatch(html.title, /<p>/, `${lesson.id}: the title is inline`);
  }
});

test("the renderer shows raw HTML as text, images as links, and keeps only safe link targets", () => {
  const html = renderBlock("[a](javascript:alert(1)) [b](https://example.org) [c](#rule=X) [d](data:text/html,x) <b>raw</b>\n\n<script>alert(1)</script>\n\n![i](https://e.org/x.png)");
  assert.deepEqual([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]), ["https://example.org", "#rule=X", "https://e.org/x.png"]); // the image: a link
  assert.doesNotMatch(html, /<b>|<script|<img|href="(javascript|data):/);
  assert.match(html, /&lt;b&gt;raw&lt;\/b&gt;/);
  assert.match(html, /href="https:\/\/example.org" rel="noopener noreferrer" target="_blank"/);
  assert.equal(renderInline("`a<b>` and **c**"), "<code>a&lt;b&gt;</code> and <strong>c</strong>");
});

test("the page's bundled renderer (linkify-it left out) renders as the build's does", async (t) => {
  const bundled = path.join(ROOT, "dist/assets/markdown.js");
  assert.ok(fs.existsSync(bundled), "dist/ missing: run npm run build");
  const page = await import(bundled);
  const samples = [
    "`a<b>` and **c** at https://example.org and www.example.org, [d](https://e.org/é) &amp; &copy; &#35;",
    "# Title\n\n- one `x`\n- [two](#rule=X)\n\n```python\nprint(1)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "[a](javascript:alert(1)) <b>raw</b> ![i](https://e.org/x.png) [idn](https://пример.рф/)",
  ];
  for (const text of samples) {
    assert.equal(page.renderBlock(text), renderBlock(text), text);
    assert.equal(page.renderInline(text), renderInline(text), text);
  }
  t.diagnostic("dist/assets/markdown.js renders every sample as web/markdown-render.js does");
});
