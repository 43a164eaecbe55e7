// `npm run bench -- server`: `wagcheck server` under a real LSP client, with Django's source tree
// (885 files, 40 MB) as the workspace. Measures:
//   - startup: `initialized` to the first diagnostics of an open file (the workspace read from
//     disk and the cross-file rules run over it);
//   - a keystroke in django/db/models/query.py (107 KB) to its diagnostics published: a line
//     typed character by character and then deleted (each edit an incremental didChange), p50
//     and p95, as the client sees them (JSON-RPC both ways included);
//   - the cross-file pass that follows a pause in typing;
//   - the server's memory with that workspace open (resident, and the peak).
// On a shared machine wall times grow with the load (printed beside them); the server's CPU
// time per keystroke (from /proc, summed over all keystrokes) is what the load does not change.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
} from "vscode-languageserver-protocol/node.js";

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss_mb: round(kb("VmRSS") / 1024, 1), peak_mb: round(kb("VmHWM") / 1024, 1) };
}

/** CPU time (user + system) of a process so far, in ms (clock ticks of 10 ms, summed). */
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function benchServer({ cli, corpus, row }) {
  const project = join(corpus, "django");
  const file = join(project, "db/models/query.py");
  const uri = pathToFileURL(file).href;
  let text = readFileSync(file, "utf8");
  const child = spawn(cli, ["server"], { cwd: project, stdio: ["pipe", "pipe", "inherit"] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map(); // version -> resolve
  const published = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri !== uri) return;
    published.push({ at: performance.now(), version: p.version, count: p.diagnostics.length });
    waiting.get(p.version)?.();
  });
  conn.onRequest("client/registerCapability", () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(project).href,
    workspaceFolders: [{ uri: pathToFileURL(project).href, name: "django" }],
    capabilities: { general: { positionEncodings: ["utf-16"] } },
  });
  const until = (version) => new Promise((resolve) => waiting.set(version, resolve));
  const start = performance.now();
  await conn.sendNotification(InitializedNotification.type, {});
  let version = 1;
  let first = until(version);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "python", version, text } });
  await first;
  const startup_ms = Math.round(performance.now() - start);
  // The cross-file pass started with the server: typing is measured once it is over.
  while (published.length < 2 && performance.now() - start < 120_000) await new Promise((r) => setTimeout(r, 5));
  const startup_pass_ms = Math.round(published[published.length - 1].at - start);
  const loaded = memoryOf(child.pid);
  const cpuBeforeTyping = cpuOf(child.pid);

  // A line typed into a method body, one character at a time, then deleted the same way.
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith("    def _fetch_all(self)")) + 1;
  const typed = "        count = len(self._result_cache or []) + 1\n";
  const times = [];
  const keystroke = async (range, insert) => {
    version += 1;
    const done = until(version);
    const t = performance.now();
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text: insert }],
    });
    await done;
    times.push(performance.now() - t);
  };
  const pos = (line, character) => ({ line, character });
  for (let pass = 0; pass < 3; pass++) {
    let line = at;
    let col = 0;
    for (const ch of typed) {
      await keystroke({ start: pos(line, col), end: pos(line, col) }, ch);
      if (ch === "\n") {
        line += 1;
        col = 0;
      } else col += 1;
    }
    for (let i = typed.length - 1; i >= 0; i--) {
      const before = typed.slice(0, i);
      const l = at + (before.match(/\n/g) || []).length;
      const c = before.length - (before.lastIndexOf("\n") + 1);
      const endLine = typed[i] === "\n" ? l + 1 : l;
      const endCol = typed[i] === "\n" ? 0 : c + 1;
      await keystroke({ start: pos(l, c), end: pos(endLine, endCol) }, "");
    }
  }
  const cpu_per_keystroke_ms = round((cpuOf(child.pid) - cpuBeforeTyping) / times.length);
  // The cross-file pass after typing pauses: republished once it has run.
  const cpuBeforePass = cpuOf(child.pid);
  const before = published.length;
  const paused = performance.now();
  while (published.length === before && performance.now() - paused < 30_000) await new Promise((r) => setTimeout(r, 5));
  const project_pass_ms = Math.round(published[published.length - 1].at - paused);
  const project_pass_cpu_ms = cpuOf(child.pid) - cpuBeforePass;
  const memory = memoryOf(child.pid);

  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  conn.dispose();

  const result = {
    workspace_files: 885,
    file_bytes: Buffer.byteLength(text),
    keystrokes: times.length,
    keystroke_p50_ms: round(percentile(times, 0.5)),
    keystroke_p95_ms: round(percentile(times, 0.95)),
    keystroke_max_ms: round(Math.max(...times)),
    cpu_per_keystroke_ms,
    startup_ms,
    startup_with_cross_file_pass_ms: startup_pass_ms,
    project_pass_after_pause_ms: project_pass_ms,
    project_pass_cpu_ms,
    load_average: loadavg().map((x) => round(x, 1)),
    memory_after_startup: loaded,
    memory_after_typing: memory,
  };
  row("server", `keystroke in a ${Math.round(result.file_bytes / 1024)} KB file to diagnostics: p50 / p95`, `${result.keystroke_p50_ms} / ${result.keystroke_p95_ms} ms (${times.length} edits, load ${result.load_average[0]})`, "p95 < 16 ms");
  row("server", "  server CPU time per keystroke (mean)", `${cpu_per_keystroke_ms} ms`);
  row("server", "startup on Django (885 files): first diagnostics / cross-file pass done", `${startup_ms} / ${startup_pass_ms} ms`);
  row("server", "cross-file pass after typing pauses (300 ms debounce included) / its CPU", `${project_pass_ms} / ${project_pass_cpu_ms} ms`);
  row("server", "memory with Django open: resident / peak", `${memory.rss_mb} / ${memory.peak_mb} MB`);
  return result;
}
