// The docs widget and its demo, bundled beside the page (called by bundle.mjs):
//   dist/assets/wagcheck-embed.js   <wagcheck-snippet>, with its shadow-root stylesheet inlined
//   dist/embed-demo.html            a docs-like page with three widgets and an iframe embed
// The widget's worker and wasm are the page's own (dist/assets/worker.js, wagcheck_bg.wasm).
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { ruleMessagesPlugin } from "./static-markdown.mjs";

export async function bundleEmbed(root, dist) {
  const css = await build({
    entryPoints: [path.join(root, "web/embed/embed.css")],
    bundle: true,
    minify: true,
    write: false,
    logLevel: "warning",
  });
  await build({
    entryPoints: { "wagcheck-embed": path.join(root, "web/embed/element.js") },
    outdir: path.join(dist, "assets"),
    bundle: true,
    format: "esm",
    minify: true,
    sourcemap: "linked",
    target: ["es2022"],
    legalComments: "linked",
    define: { __WAGCHECK_EMBED_CSS__: JSON.stringify(css.outputFiles[0].text) },
    plugins: [ruleMessagesPlugin(root)],
    logLevel: "warning",
  });
  fs.copyFileSync(path.join(root, "web/embed-demo.html"), path.join(dist, "embed-demo.html"));
  fs.copyFileSync(path.join(root, "web/embed/demo.css"), path.join(dist, "assets/embed-demo.css"));
  const size = fs.statSync(path.join(dist, "assets/wagcheck-embed.js")).size;
  console.log(`bundle: dist/assets/wagcheck-embed.js ${size} bytes (the docs widget); dist/embed-demo.html`);
}
