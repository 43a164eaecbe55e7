// The engine's Web Worker for the module with team rules (web/pkg-team, built with the `team`
// feature: the YAML reader and ast-grep's matcher). The page starts it only when team rules
// are used: the Rules view, a share link or a lesson that carries rules (web/team.js).
import init, * as api from "./pkg-team/wagcheck.js";
import { serve } from "./worker-serve.js";

serve({
  init,
  api,
  wasm: new URL("./wagcheck-team_bg.wasm", import.meta.url),
  methods: ["check", "rules", "applyFixes", "testRules", "syntaxTree", "version", "panicForTesting"],
});
