// The engine's Web Worker for the page's first module (web/pkg: every built-in rule, no team
// rules). The answering is in worker-serve.js, shared with team-worker.js.
import init, * as api from "./pkg/wagcheck.js";
import { serve } from "./worker-serve.js";

serve({
  init,
  api,
  wasm: new URL("./wagcheck_bg.wasm", import.meta.url),
  methods: ["check", "rules", "applyFixes", "syntaxTree", "version", "panicForTesting"],
});
