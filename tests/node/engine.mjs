// Loads a wasm module built by scripts/build-wasm.sh into node: web/pkg (the page's first
// load, no team rules) or web/pkg-team (with them).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** @param {"pkg" | "pkg-team"} [name] */
export async function loadEngine(name = "pkg") {
  const PKG = path.join(ROOT, "web", name);
  const wasmPath = path.join(PKG, "wagcheck_bg.wasm");
  if (!fs.existsSync(wasmPath)) throw new Error(`web/${name} missing: run scripts/build-wasm.sh (npm run build)`);
  const api = await import(path.join(PKG, "wagcheck.js"));
  api.initSync({ module: fs.readFileSync(wasmPath) });
  return api;
}

/** 1-based line and UTF-16 column of a UTF-16 offset. */
export function position(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

/** The CLI's column (Unicode scalar values) for a UTF-16 offset. */
export function cliPosition(text, offset) {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: [...before.slice(lineStart)].length + 1 };
}

/** The CLI binary: $WAGCHECK_CLI, else the newest of target/{debug,release}/wagcheck, else built. */
export function cliBinary() {
  if (process.env.WAGCHECK_CLI) return process.env.WAGCHECK_CLI;
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, "target");
  const found = ["debug", "release"]
    .map((p) => path.join(target, p, "wagcheck"))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (found.length) return found[0];
  const build = spawnSync("cargo", ["build", "--bin", "wagcheck"], { cwd: ROOT, stdio: "inherit" });
  assert.equal(build.status, 0, "cargo build --bin wagcheck failed");
  return path.join(target, "debug", "wagcheck");
}
