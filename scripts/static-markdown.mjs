// The page's static Markdown, rendered when the page is built with the page's own renderer
// (web/markdown-render.js: markdown-it), so the page ships HTML:
//   import ruleMessages from "virtual:rule-messages"   {ID: {key, message}}: every built-in
//       rule's message as HTML (the catalogue lists them all), with the key of its text
//   dist/assets/rule-docs.js (writeRuleDocs)           {ID: {body, tail}}: the explanations as
//       HTML, loaded when a rule's page is first shown or searched (web/components/rule-doc.js)
//   lessonHtml(lesson)                                 a lesson's title, question, story, fix
//       and task (scripts/lessons-plugin.mjs)
// The rules are the wasm modules' (their rules()), so the pages are exactly the engine's: the
// ids, messages and keys from web/pkg, the page's first module, which is built without the
// explanations (crate/src/rule.rs, `explanation!`: the page gets them here, as HTML, and
// nowhere else); the explanations from web/pkg-team, built from the same sources with them.
import fs from "node:fs";
import path from "node:path";
import { renderBlock, renderInline } from "../web/markdown-render.js";
import { splitTail, textKey } from "../web/rule-text.js";

/** The rules of the wasm module in web/NAME. */
async function moduleRules(root, name) {
  const pkg = path.join(root, "web", name);
  const api = await import(path.join(pkg, "wagcheck.js"));
  api.initSync({ module: fs.readFileSync(path.join(pkg, "wagcheck_bg.wasm")) });
  return api.rules();
}

/** Every built-in rule's page as HTML, keyed by rule id. */
export async function ruleDocs(root) {
  const full = new Map((await moduleRules(root, "pkg-team")).map((r) => [r.id, r]));
  const docs = {};
  for (const rule of await moduleRules(root, "pkg")) {
    const explanation = full.get(rule.id)?.explanation;
    if (!explanation?.trim() || full.get(rule.id)?.message !== rule.message) {
      throw new Error(`static-markdown: ${rule.id} has no explanation in web/pkg-team, or another message: run scripts/build-wasm.sh`);
    }
    const [body, tail] = splitTail(explanation);
    docs[rule.id] = {
      key: textKey(rule),
      message: renderInline(rule.message),
      body: renderBlock(body),
      tail: tail.trim() ? renderBlock(tail) : "",
    };
  }
  return docs;
}

/** esbuild plugin for `import ruleMessages from "virtual:rule-messages"`. */
export function ruleMessagesPlugin(root) {
  return {
    name: "rule-messages",
    setup(build) {
      build.onResolve({ filter: /^virtual:rule-messages$/ }, () => ({ path: "rule-messages", namespace: "rule-messages" }));
      build.onLoad({ filter: /.*/, namespace: "rule-messages" }, async () => {
        const docs = await ruleDocs(root);
        const messages = Object.fromEntries(Object.entries(docs).map(([id, d]) => [id, { key: d.key, message: d.message }]));
        return {
          contents: `export default ${JSON.stringify(messages)};`,
          loader: "js",
          watchFiles: ["pkg", "pkg-team"].map((name) => path.join(root, "web", name, "wagcheck_bg.wasm")),
        };
      });
    },
  };
}

/** Writes the explanations as HTML to `file`, an ES module the page imports on demand. */
export async function writeRuleDocs(root, file) {
  const docs = await ruleDocs(root);
  const bodies = Object.fromEntries(Object.entries(docs).map(([id, d]) => [id, { body: d.body, tail: d.tail }]));
  fs.writeFileSync(file, `export default ${JSON.stringify(bodies)};\n`);
}

/** A lesson's Markdown fields as HTML (headings as written: the page demotes them). */
export function lessonHtml(lesson) {
  return {
    title: renderInline(lesson.title),
    question: renderInline(lesson.question),
    story: renderBlock(lesson.story),
    fix: renderBlock(lesson.fix),
    task: renderBlock(lesson.task),
  };
}
