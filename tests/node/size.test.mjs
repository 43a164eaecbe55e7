// The page's first load stays within its budget: under 700 KB gzip for everything the page
// fetches before it can check code (index.html, the app and worker bundles, the CSS, the
// first wasm module). What only team rules need (web/pkg-team, the Rules view's code) is
// loaded when that is used; its size is reported, not budgeted here.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { ROOT } from "./engine.mjs";

const DIST = path.join(ROOT, "dist");
const BUDGET = 700 * 1000;
const FIRST_LOAD = ["index.html", "assets/app.js", "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm"];

const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length;

test("the first load is under 700 KB gzip, without the team rules' module", (t) => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), "dist/ missing: run npm run build");
  const sizes = Object.fromEntries(FIRST_LOAD.map((f) => [f, gzip(f)]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  t.diagnostic(`first load: ${total} bytes gzip -9 (${JSON.stringify(sizes)})`);
  assert.ok(total < BUDGET, `first load ${total} bytes gzip, budget ${BUDGET}`);
  // The first module is the one without team rules: no YAML reader, no ast-grep in it.
  const wasm = fs.readFileSync(path.join(DIST, "assets/wagcheck_bg.wasm"));
  assert.equal(wasm.indexOf("testRules"), -1, "the first-load module exports testRules");
  const firstModule = fs.readFileSync(path.join(ROOT, "web/pkg/wagcheck_bg.wasm"));
  assert.equal(Buffer.compare(wasm, firstModule), 0, "dist/ holds web/pkg's module");
});

test("the team rules' module is built, and its size is reported", (t) => {
  const team = path.join(ROOT, "web/pkg-team/wagcheck_bg.wasm");
  assert.ok(fs.existsSync(team), "web/pkg-team missing: run scripts/build-wasm.sh");
  const bytes = fs.readFileSync(team);
  assert.notEqual(bytes.indexOf("testRules"), -1, "the team module exports testRules");
  t.diagnostic(`team module: ${bytes.length} bytes raw, ${zlib.gzipSync(bytes, { level: 9 }).length} gzip -9`);
});
