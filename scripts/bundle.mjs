// Bundles the page into dist/: index.html, assets/app.js, assets/worker.js, assets/app.css and the
// wasm module, plus what the page loads when first needed: assets/markdown.js (the Markdown
// renderer: hit messages) and assets/rule-docs.js (the rules' explanations, rendered here). dist/ is a static folder: copy it to any static host. Run after build-wasm.sh.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { lessonsPlugin } from "./lessons-plugin.mjs";
import { ruleMessagesPlugin, writeRuleDocs } from "./static-markdown.mjs";
import { bundleEmbed } from "./bundle-embed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const assets = path.join(dist, "assets");
const wasm = path.join(root, "web/pkg/wagcheck_bg.wasm");
if (!fs.existsSync(wasm)) {
  console.error("bundle: web/pkg/wagcheck_bg.wasm missing: run scripts/build-wasm.sh first");
  process.exit(2);
}
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });

await build({
  entryPoints: {
    app: path.join(root, "web/main.js"),
    worker: path.join(root, "web/worker.js"),
    // Its own file: only Markdown known at run time needs it (web/markdown.js loads it).
    markdown: path.join(root, "web/markdown-render.js"),
  },
  outdir: assets,
  bundle: true,
  format: "esm",
  splitting: false,
  minify: true,
  sourcemap: "linked",
  target: ["es2022"],
  legalComments: "linked",
  plugins: [lessonsPlugin(root), ruleMessagesPlugin(root)],
  logLevel: "warning",
});
await build({
  entryPoints: { app: path.join(root, "web/style.css") },
  outdir: assets,
  bundle: true,
  minify: true,
  logLevel: "warning",
});
fs.copyFileSync(wasm, path.join(assets, "wagcheck_bg.wasm"));
await writeRuleDocs(root, path.join(assets, "rule-docs.js"));
await bundleEmbed(root, dist);
fs.copyFileSync(path.join(root, "index.html"), path.join(dist, "index.html"));
// The service worker's cache is named after a hash of what it caches (its SHELL list).
const hash = crypto.createHash("sha256");
const shell = ["index.html", "assets/app.js", "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm"];
for (const name of [...shell, "assets/markdown.js", "assets/rule-docs.js", "embed-demo.html", "assets/embed-demo.css", "assets/wagcheck-embed.js"]) {
  hash.update(fs.readFileSync(path.join(dist, name)));
}
const sw = fs.readFileSync(path.join(root, "web/sw.js"), "utf8").replace("__BUILD__", hash.digest("hex").slice(0, 12));
fs.writeFileSync(path.join(dist, "sw.js"), sw);

let total = 0;
let totalGz = 0;
const sizeOf = (name) => {
  const bytes = fs.readFileSync(path.join(dist, name));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  console.log(`bundle: dist/${name.padEnd(24)} ${String(bytes.length).padStart(9)} bytes  ${String(gz).padStart(8)} gzip`);
  return [bytes.length, gz];
};
// The first load: the page, the engine, and the Markdown renderer the first hits' messages need.
for (const name of ["index.html", "assets/app.js", "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm", "assets/markdown.js"]) {
  const [raw, gz] = sizeOf(name);
  total += raw;
  totalGz += gz;
}
console.log(`bundle: total ${total} bytes, ${totalGz} gzip: dist/ is ready for any static host`);
const [, docsGz] = sizeOf("assets/rule-docs.js");
console.log(`bundle: (assets/rule-docs.js, ${docsGz} gzip, is loaded when a rule's explanation is first shown)`);
