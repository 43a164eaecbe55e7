// Bundles the page into dist/: index.html, assets/app.js, assets/worker.js, assets/app.css and the
// wasm module. dist/ is a static folder: copy it to any static host. Run after build-wasm.sh.
// What only team rules need is apart, loaded when they are used (web/team.js): the Rules view's
// code (a chunk of app.js's, assets/chunk-*.js), assets/team-worker.js and
// assets/wagcheck-team_bg.wasm (web/pkg-team). dist/first-load.json lists the rest: what the
// page fetches to start, which tests/node/size.test.mjs holds to its budget.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { lessonsPlugin } from "./lessons-plugin.mjs";
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
  plugins: [lessonsPlugin(root)],
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
  },
  splitting: false,
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
// reached only by a dynamic import() of the Rules view is not.
const outputs = app.metafile.outputs;
const lazyEntry = "web/components/rules-view.js";
const appChunks = new Set();
const visit = (file) => {
  if (appChunks.has(file)) return;
  appChunks.add(file);
  for (const i of outputs[file].imports) {
    if (i.external || !outputs[i.path]) continue;
    if (i.kind === "dynamic-import" && outputs[i.path].entryPoint === lazyEntry) continue;
    visit(i.path);
  }
};
const appOut = Object.keys(outputs).find((f) => outputs[f].entryPoint === "web/main.js");
visit(appOut);
if (!Object.values(outputs).some((o) => o.entryPoint === lazyEntry)) {
  console.error(`bundle: ${lazyEntry} is not a chunk of its own (is it imported statically?)`);
  process.exit(1);
}
const chunks = [...appChunks].map((f) => path.relative(dist, path.join(root, f))).filter((f) => f !== "assets/app.js").sort();
const firstLoad = ["index.html", "assets/app.js", ...chunks, "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm"];
fs.writeFileSync(path.join(dist, "first-load.json"), JSON.stringify(firstLoad, null, 2) + "\n");
await bundleEmbed(root, dist);
fs.copyFileSync(path.join(root, "index.html"), path.join(dist, "index.html"));
// The service worker's cache is named after a hash of what it caches (its SHELL list).
const hash = crypto.createHash("sha256");
for (const name of [...firstLoad, "embed-demo.html", "assets/embed-demo.css", "assets/wagcheck-embed.js"]) {
  hash.update(fs.readFileSync(path.join(dist, name)));
}
const sw = fs
  .readFileSync(path.join(root, "web/sw.js"), "utf8")
  .replace("__BUILD__", hash.digest("hex").slice(0, 12))
  .replace('"__CHUNKS__",', chunks.map((c) => `${JSON.stringify(c)},`).join(" "));
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
const lazy = fs
  .readdirSync(assets)
  .map((f) => `assets/${f}`)
  .filter((f) => !firstLoad.includes(f) && /\.(js|wasm)$/.test(f) && !f.includes("embed"));
let lazyGz = 0;
for (const name of lazy) lazyGz += sizeOf(name)[1];
console.log(`bundle: loaded when team rules are used: ${lazyGz} gzip (${lazy.join(", ")})`);
