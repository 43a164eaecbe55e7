// `npm run bench`: the engine against the parse limit, peers and the browser budget.
// Prints a table and writes bench/results.json. Machines are noisy: read the ratios,
// which are measured side by side in one run. Sections can be picked by name:
//   node bench/run.mjs [parse] [peers] [browser] [size] [memory] [cache] [server]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync, cpSync, rmSync, appendFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wanted = process.argv.slice(2);
const all = ["parse", "peers", "browser", "size", "memory", "cache", "server"];
const sections = wanted.length ? wanted : all;
for (const s of sections) if (!all.includes(s)) throw new Error(`unknown section ${s}; one of ${all.join(", ")}`);

const log = (...a) => console.error("bench:", ...a);
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 28, ...opts });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

const corpus = sh("bash", ["scripts/fetch-corpus.sh"]).trim();
const dirs = ["django", "rest_framework", "wagtail"].map((d) => join(corpus, d));
log("building the release CLI and the bench example");
sh("cargo", ["build", "--release", "--quiet", "--bin", "wagcheck", "--example", "bench"]);
// Cargo's target folder, as cargo itself finds it (CARGO_TARGET_DIR, else target/).
const target = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target");
const cli = join(target, "release/wagcheck");
const benchBin = join(target, "release/examples/bench");

const results = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: round(totalmem() / 2 ** 30, 1), node: process.version },
  date: new Date().toISOString(),
};
const rows = [];
const row = (section, what, value, goal = "") => rows.push({ section, what, value, goal });

/** Wall time of a command, median of `runs` after one warm-up. */
function timeCommand(cmd, args, runs = 5, opts = {}) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: corpus, stdio: ["ignore", "ignore", "pipe"], ...opts });
    if (r.error) throw r.error;
    if (i > 0) times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

if (sections.includes("parse")) {
  log("1. parse limit: bare tree-sitter parse vs full check");
  const out = {};
  for (const threads of [1, cpus().length]) {
    const r = JSON.parse(sh(benchBin, ["--threads", String(threads), "--repeat", "9", ...dirs]));
    out[`threads_${threads}`] = r;
    row("parse", `${r.files} files, ${r.lines} lines, ${threads} thread(s): parse`, `${round(r.parse_s)} s (${Math.round(r.parse_lines_per_s)} lines/s)`);
    row("parse", `  full check`, `${round(r.check_s)} s (${Math.round(r.check_lines_per_s)} lines/s)`);
    row("parse", `  check / parse`, `${round(r.ratio, 2)}x`, "<= 1.3x");
  }
  results.parse = out;
}

if (sections.includes("peers")) {
  log("2. peers on the same files");
  const venv = join(root, ".cache/bench-venv");
  if (!existsSync(join(venv, "bin/ruff"))) {
    log("installing ruff and semgrep into .cache/bench-venv (pip)");
    spawnSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
    spawnSync(join(venv, "bin/pip"), ["install", "-q", "ruff"], { stdio: "inherit" });
    spawnSync(join(venv, "bin/pip"), ["install", "-q", "semgrep"], { stdio: "inherit" });
  }
  const rel = ["django", "rest_framework", "wagtail"];
  const peers = {};
  peers.wagcheck = timeCommand(cli, ["check", ...rel, "--no-config", "--no-cache", "--format", "json"]);
  row("peers", "wagcheck check (all cores)", `${round(peers.wagcheck)} s`);
  if (existsSync(join(venv, "bin/ruff"))) {
    peers.ruff = timeCommand(join(venv, "bin/ruff"), ["check", "--select", "DJ", "--no-cache", "--quiet", "--exit-zero", ...rel]);
    row("peers", "ruff check --select DJ --no-cache", `${round(peers.ruff)} s`, `wagcheck ${round(peers.wagcheck / peers.ruff, 2)}x ruff`);
  } else row("peers", "ruff", "not installable here");
  if (existsSync(join(venv, "bin/semgrep"))) {
    const dir = mkdtempSync(join(tmpdir(), "wagcheck-semgrep-"));
    const rule = join(dir, "rule.yml");
    writeFileSync(rule, "rules:\n  - id: delete-pattern\n    pattern: $X.delete_pattern(...)\n    message: delete_pattern\n    languages: [python]\n    severity: WARNING\n");
    const env = { ...process.env, SEMGREP_SEND_METRICS: "off", SEMGREP_ENABLE_VERSION_CHECK: "0", HOME: dir };
    peers.semgrep = timeCommand(join(venv, "bin/semgrep"), ["scan", "--config", rule, "--metrics", "off", "--disable-version-check", "--quiet", ...rel], 2, { env });
    row("peers", "semgrep, one rule ($X.delete_pattern(...))", `${round(peers.semgrep)} s`, `wagcheck ${round(peers.wagcheck / peers.semgrep, 2)}x semgrep`);
  } else row("peers", "semgrep", "not installable here");
  results.peers = peers;
}

if (sections.includes("size") || sections.includes("browser")) {
  if (!existsSync(join(root, "dist/index.html"))) {
    log("building the page (npm run build)");
    sh("npm", ["run", "build"], { stdio: ["ignore", "inherit", "inherit"] });
  }
}

if (sections.includes("size")) {
  log("4. size");
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.endsWith(".map")) files.push(p); // source maps load only with devtools open
    }
  };
  walk(join(root, "dist"));
  // The page's first module (the team module, dist/assets/wagcheck-team_bg.wasm, loads only
  // when team rules are used: see the README's Team rules).
  const wasm = readFileSync(join(root, "dist/assets/wagcheck_bg.wasm"));
  const size = {
    wasm_raw: wasm.length,
    wasm_gzip: gzipSync(wasm, { level: 9 }).length,
    wasm_brotli: brotliCompressSync(wasm).length,
  };
  // What the playground transfers on first load: dist/first-load.json (scripts/bundle.mjs),
  // gzip per file as servers do; the whole of dist/ besides.
  const firstLoad = JSON.parse(readFileSync(join(root, "dist/first-load.json"), "utf8")).map((f) => join(root, "dist", f));
  size.page_gzip = firstLoad.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  size.page_raw = firstLoad.reduce((n, f) => n + statSync(f).size, 0);
  size.dist_gzip = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  const kb = (b) => `${Math.round(b / 1024)} KB`;
  row("size", "wasm raw / gzip / brotli", `${kb(size.wasm_raw)} / ${kb(size.wasm_gzip)} / ${kb(size.wasm_brotli)}`, "gzip < 450 KB");
  row("size", "page's first load (dist/first-load.json), gzip", kb(size.page_gzip), "< 700 KB");
  row("size", "all of dist/ (team module, widget, docs included), gzip", kb(size.dist_gzip), "");
  results.size = size;
}

if (sections.includes("memory")) {
  log("5. memory");
  const memory = {};
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cli, "check", "django", "rest_framework", "wagtail", "--no-config", "--format", "json"], {
    cwd: corpus, encoding: "utf8", maxBuffer: 1 << 28,
  });
  memory.cli_peak_rss_kb = Number(r.stderr.trim().split("\n").pop());
  row("memory", "CLI peak RSS on the corpus", `${Math.round(memory.cli_peak_rss_kb / 1024)} MB`);
  const pkg = join(root, "web/pkg");
  if (existsSync(join(pkg, "wagcheck.js"))) {
    const { initSync, check } = await import(join(pkg, "wagcheck.js"));
    const exports = initSync({ module: readFileSync(join(pkg, "wagcheck_bg.wasm")) });
    const unit = readFileSync(join(corpus, "django/db/models/query.py"), "utf8");
    const text = unit.repeat(Math.ceil((5 * 2 ** 20) / unit.length));
    const before = exports.memory.buffer.byteLength;
    const t = performance.now();
    const report = check([{ path: "big.py", text }], {});
    memory.wasm_check_5mb_ms = Math.round(performance.now() - t);
    memory.wasm_memory_before_mb = round(before / 2 ** 20, 1);
    memory.wasm_memory_after_5mb_mb = round(exports.memory.buffer.byteLength / 2 ** 20, 1);
    row("memory", `wasm memory after checking a ${round(text.length / 2 ** 20, 1)} MB file`, `${memory.wasm_memory_after_5mb_mb} MB (${report.diagnostics.length} hits, ${memory.wasm_check_5mb_ms} ms)`);
  }
  results.memory = memory;
}

if (sections.includes("cache")) {
  // The results cache (crate/src/cli/cache.rs): the CLI on a copy of the corpus with no
  // cache (--no-cache), with an empty one (check everything, write the cache), with a
  // full one (nothing changed), and with one file changed. Each median of 5.
  log("cache: cold and warm runs on a copy of the corpus");
  const work = mkdtempSync(join(tmpdir(), "wagcheck-bench-cache-"));
  const rel = ["django", "rest_framework", "wagtail"];
  for (const d of rel) cpSync(join(corpus, d), join(work, d), { recursive: true });
  const cacheDir = join(work, "cache");
  const args = ["check", ...rel, "--no-config", "--format", "json", "--cache-dir", cacheDir];
  const once = () => {
    const t = performance.now();
    const r = spawnSync(cli, args, { cwd: work, stdio: ["ignore", "ignore", "pipe"] });
    if (r.error) throw r.error;
    return (performance.now() - t) / 1000;
  };
  const changed = join(work, "django/db/models/query.py");
  const cache = { no_cache: [], cold: [], warm: [], one_changed: [] };
  once(); // file system warm-up
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    spawnSync(cli, [...args.slice(0, -2), "--no-cache"], { cwd: work, stdio: "ignore" });
    cache.no_cache.push((performance.now() - t0) / 1000);
    rmSync(cacheDir, { recursive: true, force: true });
    cache.cold.push(once());
    cache.warm.push(once());
    appendFileSync(changed, `\n# bench edit ${i}\n`);
    cache.one_changed.push(once());
  }
  const size = readdirSync(cacheDir, { recursive: true })
    .map((f) => join(cacheDir, f))
    .filter((f) => statSync(f).isFile())
    .reduce((sum, f) => sum + statSync(f).size, 0);
  rmSync(work, { recursive: true, force: true });
  const m = Object.fromEntries(Object.entries(cache).map(([k, v]) => [k, round(median(v))]));
  results.cache = { ...m, cache_bytes: size };
  row("cache", "corpus, --no-cache", `${m.no_cache} s`);
  row("cache", "cold: empty cache (check all, write it)", `${m.cold} s`);
  row("cache", "warm: nothing changed", `${m.warm} s`, `${round(m.no_cache / m.warm, 1)}x faster than --no-cache`);
  row("cache", "warm: one file changed (django/db/models/query.py)", `${m.one_changed} s`);
  row("cache", "cache on disk", `${(size / 2 ** 20).toFixed(1)} MB`);
}

if (sections.includes("browser")) {
  log("3. browser");
  const { benchBrowser } = await import("./browser.mjs");
  results.browser = await benchBrowser(root, row);
}

if (sections.includes("server")) {
  log("6. language server");
  const { benchServer } = await import("./server.mjs");
  results.server = await benchServer({ cli, corpus, row });
}

// A run of some sections updates those and keeps the others from the last run.
const resultsFile = join(root, "bench/results.json");
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
writeFileSync(resultsFile, JSON.stringify({ ...previous, ...results }, null, 2) + "\n");
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [r.what, r.value, r.goal][i].length)));
console.log(`machine: ${results.machine.cpus} x ${results.machine.cpu}, ${results.machine.memory_gb} GB, node ${results.machine.node}`);
let last = "";
for (const r of rows) {
  if (r.section !== last) console.log(`\n[${(last = r.section)}]`);
  console.log(`  ${r.what.padEnd(w[0])}  ${r.value.padEnd(w[1])}  ${r.goal}`);
}
console.log("\nwritten: bench/results.json");
