// The page's first load stays within its budget: under 700 KB gzip for everything the page
// fetches before it can check code (dist/first-load.json, written by scripts/bundle.mjs:
// index.html, app.js and its chunks, the worker, the CSS, the first wasm module). What only
// team rules need (web/pkg-team, the Rules view's chunk) is loaded when they are used; its
// size is reported, not budgeted; so are the rules' explanations (rule-docs.js) and the
// lessons' chunks, loaded when first shown. tests/browser/team.test.mjs checks that the page
// fetches nothing else at first load.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { ROOT } from "./engine.mjs";

const DIST = path.join(ROOT, "dist");
const BUDGET = 700 * 1000;

const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length;

test("the first load is under 700 KB gzip, without the team rules' module", (t) => {
  assert.ok(fs.existsSync(path.join(DIST, "first-load.json")), "dist/ missing: run npm run build");
  const firstLoad = JSON.parse(fs.readFileSync(path.join(DIST, "first-load.json"), "utf8"));
  for (const f of ["index.html", "assets/app.js", "assets/worker.js", "assets/app.css", "assets/wagcheck_bg.wasm"]) {
    assert.ok(firstLoad.includes(f), `first-load.json lacks ${f}`);
  }
  assert.ok(!firstLoad.some((f) => /team/.test(f)), `${firstLoad}`);
  const sizes = Object.fromEntries(firstLoad.map((f) => [f, gzip(f)]));
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
  const dist = path.join(DIST, "assets/wagcheck-team_bg.wasm");
  assert.equal(Buffer.compare(fs.readFileSync(dist), bytes), 0, "dist/ holds web/pkg-team's module");
});
