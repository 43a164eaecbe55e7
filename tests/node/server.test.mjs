// `wagcheck server` driven by a real LSP client (vscode-languageserver-protocol, the library VS
// Code's own client is built on): initialize, cross-file hits on closed files, a hit on an open
// file with its link and hover, its code actions applied as the editor would, the hits going,
// edits out of range, unknown methods, a panicking request, a broken config, files deleted on
// disk, and a clean shutdown.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidSaveTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  LogMessageNotification,
  RegistrationRequest,
  CodeActionRequest,
  HoverRequest,
  ShutdownRequest,
  ExitNotification,
  FileChangeType,
} from "vscode-languageserver-protocol/node.js";
import { cliBinary, ROOT } from "./engine.mjs";

const CLI = cliBinary();

/** Applies LSP text edits (UTF-16 positions) to a JS string, last first. */
function applyEdits(text, edits) {
  const offset = ({ line, character }) => {
    let start = 0;
    for (let i = 0; i < line; i++) start = text.indexOf("\n", start) + 1;
    return start + character;
  };
  const sorted = edits
    .map((e) => ({ from: offset(e.range.start), to: offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.from - a.from);
  for (const e of sorted) text = text.slice(0, e.from) + e.text + text.slice(e.to);
  return text;
}

const VIEWS = `import hashlib
import json


def filters_fingerprint(request):
    filters = request.GET.dict()
    return "😀" + hashlib.sha256(json.dumps(filters).encode()).hexdigest()


def options_fingerprint(**options):
    return hashlib.sha256(str(options).encode()).hexdigest()
`;

function workspace() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "wagcheck-lsp-")));
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write("pyproject.toml", '[project]\nname = "shop"\n\n[tool.wagcheck]\nselect = ["ALL"]\nrule-dirs = [".wagcheck/rules"]\n');
  // A team rule (examples/team-rules/orm.yml: ACME002, `X.count() > 0`), loaded at start.
  write(".wagcheck/rules/orm.yml", fs.readFileSync(path.join(ROOT, "examples/team-rules/orm.yml"), "utf8"));
  write("app/views.py", VIEWS);
  // IMP001: a module beside a package of the same name (a closed file, from disk).
  write("apps/blog/services.py", "class BlockService:\n    pass\n");
  write("apps/blog/services/__init__.py", "from .cache import BlogCacheService\n");
  write("apps/blog/services/cache.py", "class BlogCacheService:\n    pass\n");
  return { dir, write, uri: (rel) => pathToFileURL(path.join(dir, rel)).href };
}

test("wagcheck server with a real LSP client", { timeout: 60_000 }, async (t) => {
  const ws = workspace();
  const child = spawn(CLI, ["server"], { cwd: ws.dir, stdio: ["pipe", "pipe", "pipe"] });
  // A failed assertion ends the test before the client shuts the server down: kill it then,
  // or `node --test` waits on it for ever.
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));

  const diagnostics = new Map(); // uri -> latest params
  const publishes = new Map(); // uri -> how many times published
  const messages = [];
  const logs = [];
  const waiters = [];
  const settle = () => {
    for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1);
  };
  const waitFor = (what, predicate, ms = 15_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}`)), ms);
      const w = {
        check: () => {
          const value = predicate();
          if (value) {
            clearTimeout(timer);
            resolve(value);
          }
          return value;
        },
      };
      if (!w.check()) waiters.push(w);
    });
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, p);
    publishes.set(p.uri, (publishes.get(p.uri) || 0) + 1);
    settle();
  });
  conn.onNotification(ShowMessageNotification.type, (p) => {
    messages.push(p);
    settle();
  });
  conn.onNotification(LogMessageNotification.type, (p) => {
    logs.push(p);
    settle();
  });
  let registered = null;
  conn.onRequest(RegistrationRequest.type, (p) => {
    registered = p;
    return null;
  });
  conn.listen();

  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(ws.dir).href,
    workspaceFolders: [{ uri: pathToFileURL(ws.dir).href, name: "shop" }],
    capabilities: {
      general: { positionEncodings: ["utf-16"] },
      workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
      textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
    },
  });
  assert.equal(init.capabilities.positionEncoding, "utf-16");
  assert.equal(init.capabilities.textDocumentSync.change, 2, "incremental sync");
  assert.ok(init.capabilities.hoverProvider);
  assert.deepEqual(init.capabilities.codeActionProvider.codeActionKinds, ["quickfix", "source.fixAll.wagcheck"]);
  await conn.sendNotification(InitializedNotification.type, {});

  // Cross-file: IMP001 on the closed module, pointing at the package that wins.
  const servicesUri = ws.uri("apps/blog/services.py");
  const shadowed = await waitFor("IMP001 on services.py", () => diagnostics.get(servicesUri)?.diagnostics.length && diagnostics.get(servicesUri));
  assert.equal(shadowed.diagnostics[0].code, "IMP001");
  assert.equal(shadowed.diagnostics[0].relatedInformation[0].location.uri, ws.uri("apps/blog/services/__init__.py"));
  await waitFor("file watchers registered", () => registered);
  assert.deepEqual(
    registered.registrations[0].registerOptions.watchers.map((w) => w.globPattern),
    ["**/*.py", "**/pyproject.toml", "**/*.yml", "**/*.yaml"], // yml: team rule files (rule-dirs)
  );

  // Open a file with two CACHE012 hits; the first sits after an emoji (UTF-16 columns).
  const viewsUri = ws.uri("app/views.py");
  let text = VIEWS;
  let version = 1;
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: viewsUri, languageId: "python", version, text },
  });
  const hitsAt = (v) => waitFor(`diagnostics of version ${v}`, () => diagnostics.get(viewsUri)?.version === v && diagnostics.get(viewsUri).diagnostics);
  let hits = await hitsAt(1);
  assert.deepEqual(hits.map((d) => d.code), ["CACHE012", "CACHE012"]);
  const first = hits[0];
  const line6 = text.split("\n")[6];
  assert.deepEqual(first.range.start, { line: 6, character: line6.indexOf("json.dumps") }, "UTF-16 column");
  assert.equal(first.severity, 2);
  assert.equal(first.source, "wagcheck");
  assert.match(first.codeDescription.href, /docs\/rules\.md#unordered-hash-input-cache012$/);

  // Hover: the rule's page, with the fixed example.
  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: viewsUri }, position: first.range.start });
  assert.equal(hover.contents.kind, "markdown");
  assert.match(hover.contents.value, /CACHE012/);
  assert.match(hover.contents.value, /Use instead:/);
  assert.match(hover.contents.value, /sort_keys=True/);

  // Code actions on the first hit: its safe fix (preferred) and "ignore on this line".
  const actions = await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: viewsUri },
    range: first.range,
    context: { diagnostics: [first] },
  });
  const fix = actions.find((a) => a.kind === "quickfix" && a.isPreferred);
  assert.ok(fix, JSON.stringify(actions));
  assert.match(fix.title, /CACHE012/);
  assert.ok(actions.some((a) => a.title === "Ignore CACHE012 on this line"));
  assert.ok(actions.some((a) => a.kind === "source.fixAll.wagcheck"));
  const onlyFixAll = await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: viewsUri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ["source.fixAll"] },
  });
  assert.deepEqual(onlyFixAll.map((a) => a.kind), ["source.fixAll.wagcheck"]);

  // Apply the fix as an editor does: incremental didChange with the edits.
  const send = async (edits) => {
    text = applyEdits(text, edits);
    version += 1;
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: viewsUri, version },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    return hitsAt(version);
  };
  hits = await send(fix.edit.changes[viewsUri]);
  assert.match(text, /json\.dumps\(filters, sort_keys=True\)/);
  assert.deepEqual(hits.map((d) => d.code), ["CACHE012"], "the fixed hit went");

  // Ignore the other one on its line: a suppression comment, and the hit goes.
  const second = hits[0];
  const more = await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: viewsUri },
    range: second.range,
    context: { diagnostics: [second] },
  });
  const ignore = more.find((a) => a.title === "Ignore CACHE012 on this line");
  hits = await send(ignore.edit.changes[viewsUri]);
  assert.match(text, /\.hexdigest\(\)  # wagcheck: ignore\[CACHE012\]\n$/);
  assert.deepEqual(hits, []);

  // Typing the bug back brings it back; deleting it again makes it go.
  const line = text.split("\n").findIndex((l) => l.includes("sort_keys=True"));
  const at = text.split("\n")[line].indexOf(", sort_keys=True");
  const range = { start: { line, character: at }, end: { line, character: at + ", sort_keys=True".length } };
  hits = await send([{ range, newText: "" }]);
  assert.deepEqual(hits.map((d) => d.code), ["CACHE012"]);
  hits = await send([{ range: { start: range.start, end: range.start }, newText: ", sort_keys=True" }]);
  assert.deepEqual(hits, []);

  // A project rule whose evidence is in one file (SIG002) is there as you type, before the
  // cross-file pass, and once only after it.
  const sig002 = JSON.parse(spawnSync(CLI, ["rules", "--format", "json"], { encoding: "utf8" }).stdout).find((r) => r.id === "SIG002");
  assert.equal(sig002.bad.length, 1);
  const receiversUri = ws.uri("app/receivers.py");
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: receiversUri, languageId: "python", version: 1, text: sig002.bad[0].text },
  });
  const typed = await waitFor("SIG002 as typed", () => diagnostics.get(receiversUri)?.diagnostics.length && diagnostics.get(receiversUri));
  assert.deepEqual(typed.diagnostics.map((d) => d.code), ["SIG002"]);
  await waitFor("the cross-file pass over the new file", () => publishes.get(receiversUri) >= 2);
  assert.deepEqual(diagnostics.get(receiversUri).diagnostics.map((d) => d.code), ["SIG002"]);

  // Team rules from [tool.wagcheck] rule-dirs run as the built-in ones do.
  const teamUri = ws.uri("app/team.py");
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: teamUri, languageId: "python", version: 1, text: "def any_posts(qs):\n    return qs.count() > 0\n" },
  });
  const team = await waitFor("ACME002, a team rule", () => diagnostics.get(teamUri)?.diagnostics.length && diagnostics.get(teamUri));
  assert.deepEqual(team.diagnostics.map((d) => d.code), ["ACME002"]);
  // docs/rules.md holds the built-in rules only: no link to a heading that is not there.
  assert.equal(team.diagnostics[0].codeDescription, undefined);

  // A rule file edited while the server runs: read again, the hits re-published. Broken, it
  // gets a diagnostic at the error's line and its rule stops; fixed, the rule is back.
  const ruleUri = ws.uri(".wagcheck/rules/orm.yml");
  const orm = fs.readFileSync(path.join(ws.dir, ".wagcheck/rules/orm.yml"), "utf8");
  ws.write(".wagcheck/rules/orm.yml", orm.replace("pattern: $QS.count() > 0", "pattern: $QS.count( > 0"));
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ruleUri, type: FileChangeType.Changed }] });
  const ruleError = await waitFor("a diagnostic on the broken rule file", () => diagnostics.get(ruleUri)?.diagnostics.length && diagnostics.get(ruleUri));
  assert.match(ruleError.diagnostics[0].message, /ACME002: pattern .* is not valid Python/);
  assert.equal(ruleError.diagnostics[0].range.start.line, orm.split("\n").indexOf("rule:") + 1, "on the mapping under `rule:`");
  await waitFor("ACME002 gone with its rule", () => diagnostics.get(teamUri)?.diagnostics.length === 0);
  ws.write(".wagcheck/rules/orm.yml", orm.replace("counts every row", "reads every row"));
  await conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: ruleUri } });
  await waitFor("the rule file's diagnostic cleared", () => diagnostics.get(ruleUri)?.diagnostics.length === 0);
  const reloaded = await waitFor("ACME002 back, with its new message", () => diagnostics.get(teamUri)?.diagnostics.length && diagnostics.get(teamUri));
  assert.match(reloaded.diagnostics[0].message, /reads every row/);

  // An edit outside the document: clamped and logged, the server carries on.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: viewsUri, version: ++version },
    contentChanges: [{ range: { start: { line: 500, character: 0 }, end: { line: 500, character: 3 } }, text: "\n" }],
  });
  text += "\n";
  assert.deepEqual(await hitsAt(version), []);
  await waitFor("a log line about the clamped edit", () => logs.some((l) => /outside the document/.test(l.message)));

  // Unknown methods and a panicking request are errors of that request only.
  await assert.rejects(conn.sendRequest("textDocument/noSuchThing", {}), (e) => e.code === -32601);
  await assert.rejects(conn.sendRequest("wagcheck/panicForTesting", {}), (e) => e.code === -32603);
  await waitFor("a message about the panic", () => messages.some((m) => /internal error/.test(m.message)));
  const stillThere = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: viewsUri }, position: { line: 0, character: 0 } });
  assert.equal(stillThere, null);

  // A broken config: a diagnostic on pyproject.toml and a message; then fixed again.
  const pyprojectUri = ws.uri("pyproject.toml");
  ws.write("pyproject.toml", '[project]\nname = "shop"\n\n[tool.wagcheck]\nselec = ["CACHE"]\n');
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pyprojectUri, type: FileChangeType.Changed }] });
  const broken = await waitFor("a diagnostic on pyproject.toml", () => diagnostics.get(pyprojectUri)?.diagnostics.length && diagnostics.get(pyprojectUri));
  assert.match(broken.diagnostics[0].message, /selec/);
  assert.equal(broken.diagnostics[0].range.start.line, 3, "on the [tool.wagcheck] line");
  await waitFor("a message about the config", () => messages.some((m) => /invalid configuration/.test(m.message)));
  ws.write("pyproject.toml", '[tool.wagcheck]\nignore = ["IMP001"]\n');
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pyprojectUri, type: FileChangeType.Changed }] });
  await waitFor("the config diagnostic cleared", () => diagnostics.get(pyprojectUri)?.diagnostics.length === 0);
  await waitFor("IMP001 ignored by the config", () => diagnostics.get(servicesUri)?.diagnostics.length === 0);

  // Files deleted on disk: the cross-file hit they caused goes.
  ws.write("pyproject.toml", "[tool.wagcheck]\n");
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pyprojectUri, type: FileChangeType.Changed }] });
  await waitFor("IMP001 back", () => diagnostics.get(servicesUri)?.diagnostics.length === 1);
  fs.rmSync(path.join(ws.dir, "apps/blog/services"), { recursive: true });
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: ["apps/blog/services/__init__.py", "apps/blog/services/cache.py"].map((rel) => ({ uri: ws.uri(rel), type: FileChangeType.Deleted })),
  });
  await waitFor("IMP001 gone with the package", () => diagnostics.get(servicesUri)?.diagnostics.length === 0);

  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  assert.equal(await exited, 0, stderr);
  conn.dispose();
  fs.rmSync(ws.dir, { recursive: true, force: true });
});
