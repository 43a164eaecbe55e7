// @ts-check
// The playground page: the checker component, the examples menu, the rule catalogue, sharing.
import { Engine } from "./engine.js";
import { Engines, loadRulesView, useTeamRules } from "./team.js";
import { Checker } from "./components/checker.js";
import { Catalogue } from "./catalogue.js";
import { h, clear } from "./dom.js";
import { fillMarkdown, loadMarkdown } from "./markdown.js";
import { decodeState, encodeState, loadLocal, saveLocal } from "./share.js";
import { parseLessonHash } from "./lessons/route.js";
import { isFrame, startFrame } from "./embed/frame.js";
import { SEED_EXAMPLES, SEED_TITLES } from "./seeds.js";

const CLEAN_EXAMPLE = [
  {
    path: "blog/models.py",
    text: `from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="posts")
    published = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published"]

    def __str__(self):
        return self.title
`,
  },
];

const $ = (selector) => document.querySelector(selector);

function examples(rules) {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const list = SEED_EXAMPLES.filter((id) => byId.has(id)).map((id) => ({
    id,
    title: `${SEED_TITLES[id]} (${id})`,
    files: byId.get(id).bad,
  }));
  list.push({ id: "clean", title: "Clean code (no hits)", files: CLEAN_EXAMPLE });
  return list;
}

async function initialState() {
  const hash = location.hash;
  if (hash.startsWith("#s=")) {
    try {
      const state = await decodeState(hash.slice(3));
      // The link has been read: drop it so a reload shows the latest edits (kept locally).
      history.replaceState(null, "", location.pathname + location.search);
      return { state, from: "link" };
    } catch (error) {
      return { state: loadLocal(), from: "local", error: `The shared link could not be read (${error.message}).` };
    }
  }
  return { state: loadLocal(), from: "local" };
}

async function main() {
  const engineNote = $("#engine-note");
  let checker = null;
  const engine = new Engine({
    workerUrl: new URL("./worker.js", import.meta.url),
    // The same module in the page's thread too, for checks quick enough to show with the
    // keystroke's own frame (Engine.checkNow).
    loadInline: async () => {
      const api = await import("./pkg/wagcheck.js");
      await api.default({ module_or_path: new URL("./wagcheck_bg.wasm", import.meta.url) });
      return api;
    },
    onCrash: (error) => showCrash(error),
  });
  function showCrash(error) {
    if (checker) checker.showEngineError(error);
    else engineNote.textContent = error.message;
  }
  // Team rules run in a second module, started only when they are used (web/team.js).
  const engines = new Engines({ core: engine, onCrash: showCrash });
  let info;
  try {
    info = await engine.ready;
  } catch (error) {
    engineNote.textContent = `The engine could not be loaded: ${error.message}`;
    return;
  }
  if (isFrame()) return startFrame({ engine, info });
  $("#version").textContent = `engine ${info.version} · ${info.rules.length} rules`;
  engineNote.textContent = "";
  const rules = info.rules;
  const exampleList = examples(rules);

  const { state: saved, error: linkError } = await initialState();
  const firstExample = exampleList[0];
  const start = saved || { files: firstExample.files, active: firstExample.files[0].path, disabled: [], selection: null };

  let saveTimer = null;
  const persist = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveLocal(checker.getState()), 300);
  };

  checker = new Checker($("#playground"), {
    engine: engines,
    teamRules: start.rules,
    rules,
    files: start.files,
    active: start.active,
    disabled: start.disabled,
    selection: start.selection,
    onChange: () => checker && persist(),
  });
  window.addEventListener("pagehide", () => saveLocal(checker.getState()));
  if (linkError) $("#share-note").textContent = linkError;
  // Saved or shared team rules: their infos (names, explanations) come from the team module.
  const teamRulesFailed = (error) => ($("#share-note").textContent = `The team rules could not be loaded (${error.message}).`);
  if (start.rules) useTeamRules(engines, checker, start.rules).catch(teamRulesFailed);

  // Examples menu.
  const menu = $("#examples");
  menu.append(...exampleList.map((ex) => h("option", { value: ex.id }, ex.title)));
  menu.addEventListener("change", () => {
    const ex = exampleList.find((e) => e.id === menu.value);
    menu.value = "";
    if (!ex) return;
    loadFiles(ex.files, ex.id === "clean" ? null : ex.id);
  });
  function loadFiles(files, ruleId) {
    showView("playground");
    checker.setSelection(ruleId ? { rule: ruleId } : null);
    checker.setFiles(files.map((f) => ({ path: f.path, text: f.text })), files[0].path);
    if (ruleId) checker.showRule(ruleId);
    else checker.renderExplainIntro();
  }

  // Catalogue.
  const catalogue = new Catalogue($("#catalogue"), {
    rules,
    disabled: checker.disabled,
    onToggle: (id, enabled) => {
      const set = new Set(checker.disabled);
      if (enabled) set.delete(id);
      else set.add(id);
      checker.setDisabled([...set]);
      catalogue.disabled = checker.disabled;
    },
    onLoadExample: (rule) => {
      history.pushState(null, "", location.pathname + location.search);
      loadFiles(rule.bad, rule.id);
    },
  });

  // Share: the link goes to the clipboard and a visible field, not the address bar, so a reload
  // still shows the latest edits (kept in localStorage).
  $("#copy-link").addEventListener("click", async () => {
    const note = $("#share-note");
    const field = $("#share-url");
    let url;
    try {
      url = `${location.origin}${location.pathname}#s=${await encodeState(checker.getState())}`;
    } catch (error) {
      note.textContent = `This browser cannot make a share link (${error.message}).`;
      return;
    }
    field.value = url;
    field.hidden = false;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard permission (plain http on another host): the field has the link.
      field.select();
    }
    note.textContent = `${copied ? "Link copied" : "Copy the link from the field"} (${Math.ceil(url.length / 1024)} KB).`;
  });

  // A shared link opened in this tab (pasted into the address bar).
  async function openSharedLink(encoded) {
    try {
      const state = await decodeState(encoded);
      checker.loadState(state);
      if (state.rules) useTeamRules(engines, checker, state.rules).catch(teamRulesFailed);
      catalogue.disabled = checker.disabled;
      catalogue.render();
      $("#share-note").textContent = "Opened a shared link.";
    } catch (error) {
      $("#share-note").textContent = `The shared link could not be read (${error.message}).`;
    }
    history.replaceState(null, "", location.pathname + location.search);
    showView("playground");
  }

  // Views: the playground, or the catalogue (#rules, #rule=ID).
  function showView(name) {
    // The Rules view edits rules beside the playground's code: both are shown.
    $("#playground").hidden = name !== "playground" && name !== "authoring";
    $("#authoring").hidden = name !== "authoring";
    document.querySelector("main").classList.toggle("authoring", name === "authoring");
    $("#catalogue").hidden = name !== "catalogue";
    $("#lessons").hidden = name !== "lessons";
    if (name !== "lessons") document.documentElement.classList.remove("presenter");
    for (const tab of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-view]"))) {
      tab.setAttribute("aria-current", tab.dataset.view === name ? "page" : "false");
    }
  }
  let lessons = null;
  /** The lessons' view and their text: a chunk of their own, fetched when a lesson first opens. */
  let lessonsLoading = null;
  let lastLesson = null;
  function openLesson(lesson) {
    showView("lessons");
    lessonsLoading ||= Promise.all([import("./lessons/view.js"), import("./lessons/data.js")]).then(
      ([{ LessonsView }, { default: LESSONS }]) =>
        (lessons = new LessonsView($("#lessons"), { engine: engines, rules, lessons: LESSONS })),
      (error) => {
        lessonsLoading = null;
        $("#lessons").textContent = `The lessons could not be loaded: ${error.message}`;
      },
    );
    // The address may change again while the chunk loads: the view shows the last one asked.
    lastLesson = lesson;
    lessonsLoading.then((view) => view && lastLesson === lesson && view.show(lesson.id, lesson.step));
  }
  /** The Rules view: loading (a promise) when it first opens, then the view. */
  let rulesLoading = null;
  let rulesView = null;
  function openRulesView() {
    showView("authoring");
    rulesLoading ||= loadRulesView().then(
      ({ RulesView }) => (rulesView = new RulesView($("#authoring"), { engines, checker })),
      (error) => {
        rulesLoading = null;
        $("#authoring").textContent = `The Rules view could not be loaded: ${error.message}`;
      },
    );
  }
  function route() {
    const hash = decodeURIComponent(location.hash);
    const m = /^#rule=([\w-]+)$/.exec(hash);
    const lesson = parseLessonHash(hash);
    if (lesson) {
      openLesson(lesson);
    } else if (m) {
      showView("catalogue");
      catalogue.show(m[1].toUpperCase());
    } else if (hash === "#write") {
      openRulesView();
    } else if (hash === "#rules") {
      showView("catalogue");
      catalogue.open = null;
      catalogue.render();
    } else if (location.hash.startsWith("#s=")) {
      openSharedLink(location.hash.slice(3));
    } else {
      showView("playground");
    }
  }
  window.addEventListener("hashchange", route);
  route();

  // Offline once loaded: a service worker keeps the page's files (http(s) only, not file://).
  if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
    navigator.serviceWorker.register("./sw.js").catch((error) => {
      console.warn("wagcheck: no offline support:", error.message);
    });
  }

  // Handles for the browser tests and for debugging from the console.
  window.wagcheck = {
    engine,
    engines,
    get rulesView() {
      return rulesView;
    },
    checker,
    catalogue,
    rules,
    version: info.version,
    markdown: { fillMarkdown, loadMarkdown },
    get lessons() {
      return lessons;
    },
  };
  document.documentElement.dataset.ready = "true";
}

main().catch((error) => {
  const note = document.querySelector("#engine-note");
  clear(note).append(`The page failed to start: ${error.message}`);
  throw error;
});
