// Bundles the page into dist/: index.html, assets/app.js, assets/worker.js, assets/app.css and the
// wasm module, plus what the page loads when first needed: assets/markdown.js (the Markdown
// renderer: hit messages) and assets/rule-docs.js (the rules' explanations, rendered here).
// dist/ is a static folder: copy it to any static host. Run after build-wasm.sh.
// What only team rules need is apart, loaded when they are used (web/team.js): the Rules view's
// code (a chunk of app.js's, assets/chunk-*.js), assets/team-worker.js and
// assets/wagcheck-team_bg.wasm (web/pkg-team). So are the lessons (their view and text: chunks
// loaded when a lesson first opens, installed by the service worker for offline use). dist/first-load.json lists what the page fetches
// to start, which tests/node/size.test.mjs holds to its budget.
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
const teamWasm = path.join(root, "web/pkg-team/wagcheck_bg.wasm");
for (const file of [wasm, teamWasm]) {
  if (!fs.existsSync(file)) {
    console.error(`bundle: ${path.relative(root, file)} missing: run scripts/build-wasm.sh first`);
    process.exit(2);
  }
}
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });

const common = {
  absWorkingDir: root,
  outdir: assets,
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: "linked",
  target: ["es2022"],
  legalComments: "linked",
  // Rule files (examples/team-rules/*.yml) are read as text: the Rules view's starter rule.
  loader: { ".yml": "text" },
  plugins: [lessonsPlugin(root), ruleMessagesPlugin(root)],
  logLevel: "warning",
};
// The page: split, so that what a dynamic import() loads (the Rules view) is a chunk of its own.
const app = await build({
  ...common,
  entryPoints: { app: path.join(root, "web/main.js") },
  splitting: true,
  chunkNames: "chunk-[hash]",
  metafile: true,
});
// The workers: each one file (a module worker's imports would be fetched one by one).
await build({
  ...common,
  entryPoints: {
    worker: path.join(root, "web/worker.js"),
    "team-worker": path.join(root, "web/team-worker.js"),
    // Its own file: only Markdown known at run time needs it (web/markdown.js loads it).
    markdown: path.join(root, "web/markdown-render.js"),
  },
  splitting: false,
  // The renderer has linkify off: markdown-it never calls linkify-it (web/linkify-off.js).
  alias: { "linkify-it": path.join(root, "web/linkify-off.js") },
});
await build({
  entryPoints: { app: path.join(root, "web/style.css") },
  outdir: assets,
  bundle: true,
  minify: true,
  logLevel: "warning",
});
fs.copyFileSync(wasm, path.join(assets, "wagcheck_bg.wasm"));
fs.copyFileSync(teamWasm, path.join(assets, "wagcheck-team_bg.wasm"));
// app.js and every chunk it imports statically: fetched before the page can run. A chunk
// reached only by a dynamic import() of the Rules view or of the lessons is not.
const outputs = app.metafile.outputs;
const lazyEntries = ["web/components/rules-view.js", "web/lessons/view.js", "web/lessons/data.js"];
/** The outputs `file` needs, itself included, not following dynamic imports of `lazyEntries`. */
const reached = (file, seen = new Set()) => {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const i of outputs[file].imports) {
    if (i.external || !outputs[i.path]) continue;
    if (i.kind === "dynamic-import" && lazyEntries.includes(outputs[i.path].entryPoint)) continue;
    reached(i.path, seen);
  }
  return seen;
};
const appOut = Object.keys(outputs).find((f) => outputs[f].entryPoint === "web/main.js");
const appChunks = reached(appOut);
for (const entry of lazyEntries) {
  if (!Object.values(outputs).some((o) => o.entryPoint === entry)) {
    console.error(`bundle: ${entry} is not a chunk of its own (is it imported statically?)`);
    process.exit(1);
  }
}
const asset = (f) => path.relative(dist, path.join(root, f));
const chunks = [...appChunks].map(asset).filter((f) => f !== "assets/app.js").sort();
// The lessons' chunks are not first load, but the service worker installs them with the page,
// so a lesson opens offline as it did when the lessons were part of app.js.
const lessonChunks = [
  ...new Set(
    Object.keys(outputs)
      .filter((f) => outputs[f].entryPoint?.startsWith("web/lessons/"))
      .flatMap((f) => [...reached(f)])
      .filter((f) => !appChunks.has(f) && f.endsWith(".js")),
  ),
].map(asset).sort();
const firstLoad = ["index.html", "assets/app.js", ...chunks, "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm",
  // The Markdown renderer: the first hits' messages need it (web/markdown.js).
  "assets/markdown.js"];
fs.writeFileSync(path.join(dist, "first-load.json"), JSON.stringify(firstLoad, null, 2) + "\n");
await writeRuleDocs(root, path.join(assets, "rule-docs.js"));
await bundleEmbed(root, dist);
fs.copyFileSync(path.join(root, "index.html"), path.join(dist, "index.html"));
// The service worker's cache is named after a hash of what it caches (its SHELL list).
const hash = crypto.createHash("sha256");
for (const name of [...firstLoad, ...lessonChunks, "assets/rule-docs.js", "embed-demo.html", "assets/embed-demo.css", "assets/wagcheck-embed.js"]) {
  hash.update(fs.readFileSync(path.join(dist, name)));
}
const sw = fs
  .readFileSync(path.join(root, "web/sw.js"), "utf8")
  .replace("__BUILD__", hash.digest("hex").slice(0, 12))
  .replace('"__CHUNKS__",', [...chunks, ...lessonChunks].map((c) => `${JSON.stringify(c)},`).join(" "));
fs.writeFileSync(path.join(dist, "sw.js"), sw);

let total = 0;
let totalGz = 0;
const sizeOf = (name) => {
  const bytes = fs.readFileSync(path.join(dist, name));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  console.log(`bundle: dist/${name.padEnd(28)} ${String(bytes.length).padStart(9)} bytes  ${String(gz).padStart(8)} gzip`);
  return [bytes.length, gz];
};
for (const name of firstLoad) {
  const [raw, gz] = sizeOf(name);
  total += raw;
  totalGz += gz;
}
console.log(`bundle: first load ${total} bytes, ${totalGz} gzip: dist/ is ready for any static host`);
let lessonsGz = 0;
for (const name of lessonChunks) lessonsGz += sizeOf(name)[1];
console.log(`bundle: loaded when a lesson is first opened: ${lessonsGz} gzip (${lessonChunks.join(", ")})`);
const lazy = fs
  .readdirSync(assets)
  .map((f) => `assets/${f}`)
  .filter((f) => !firstLoad.includes(f) && !lessonChunks.includes(f) && /\.(js|wasm)$/.test(f) && !f.includes("embed") && f !== "assets/rule-docs.js");
let lazyGz = 0;
for (const name of lazy) lazyGz += sizeOf(name)[1];
console.log(`bundle: loaded when team rules are used: ${lazyGz} gzip (${lazy.join(", ")})`);
const [, docsGz] = sizeOf("assets/rule-docs.js");
console.log(`bundle: (assets/rule-docs.js, ${docsGz} gzip, is loaded when a rule's explanation is first shown)`);
