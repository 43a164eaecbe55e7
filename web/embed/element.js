// <wagcheck-snippet>: the playground's checker as a custom element for documentation pages.
//
//   <script type="module" src="https://example.org/wagcheck/assets/wagcheck-embed.js"></script>
//   <wagcheck-snippet rules="CACHE010" height="240" playground>
//   <script type="text/plain">
//   key = hashlib.sha256(raw).hexdigest()[:8]
//   </script>
//   </wagcheck-snippet>
//
// Attributes: rules (ids checked, comma-separated; default all), height (editor px), readonly,
// theme (auto | light | dark), path (file name, default example.py), playground (an "Open in
// playground" link; its value, if any, is the playground's address).
// The code is the element's text (HTML-escaped: &lt; and &amp;), or raw inside a
// <script type="text/plain"> child; common indentation is stripped.
// Shadow DOM keeps the widget's styles and the page's apart. All widgets share one engine
// (one worker, the wasm loaded once), started when the first widget comes near the viewport.
import { Engine } from "../engine.js";
import { Checker } from "../components/checker.js";
import { h } from "../dom.js";
import { openLinksOutside, playgroundLink } from "./links.js";

/* global __WAGCHECK_EMBED_CSS__ */
const CSS = typeof __WAGCHECK_EMBED_CSS__ === "string" ? __WAGCHECK_EMBED_CSS__ : "";
const ASSETS = new URL("./", import.meta.url);
const PLAYGROUND = new URL("../index.html", import.meta.url).href;

/** Strips blank first/last lines and the indentation all lines share. */
export function dedent(text) {
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n") + (lines.length ? "\n" : "");
}

function readCode(el) {
  const raw = el.querySelector(":scope > script[type='text/plain']");
  return dedent(raw ? raw.textContent : el.textContent);
}

// ---- one engine for the page -------------------------------------------------------------

const widgets = new Set();
let shared = null;

function workerUrl() {
  const url = new URL("worker.js", ASSETS);
  if (url.origin === location.origin) return url;
  // A worker must come from the page's origin: a tiny one that imports ours (served with CORS).
  return URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: "text/javascript" }));
}

function sharedEngine() {
  if (!shared) {
    const engine = new Engine({
      workerUrl: workerUrl(),
      onCrash: (error) => widgets.forEach((w) => w.checker?.showEngineError(error)),
    });
    shared = { engine, ready: engine.ready };
  }
  return shared;
}

// ---- styles: one parsed sheet per theme, adopted by every widget ---------------------------

const sheets = new Map();
function themeSheet(theme) {
  const key = theme === "dark" || theme === "light" ? theme : "auto";
  if (!sheets.has(key)) {
    // The dark colours sit under @media (prefers-color-scheme: dark): force that media on or off.
    const forced = key === "dark" ? "@media all" : "@media not all";
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(key === "auto" ? CSS : CSS.replace(/@media\s*\(prefers-color-scheme:\s*dark\)/g, forced));
    sheets.set(key, sheet);
  }
  return sheets.get(key);
}

// ---- lazy start ----------------------------------------------------------------------------

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      entry.target.start();
    }
  },
  { rootMargin: "200px" },
);

const list = (value) => (value || "").split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase());

export class WagcheckSnippet extends HTMLElement {
  static get observedAttributes() {
    return ["theme", "readonly", "rules", "height"];
  }

  connectedCallback() {
    if (this.shadowRoot) {
      if (!this.checker) observer.observe(this);
      return;
    }
    this.code = readCode(this);
    const shadow = this.attachShadow({ mode: "open" });
    shadow.adoptedStyleSheets = [themeSheet(this.getAttribute("theme"))];
    this.status = h("p", { class: "note snippet-status", role: "status" }, "The checker starts when this comes into view.");
    this.waiting = h("pre", { class: "code snippet-waiting" }, h("code", {}, this.code));
    this.frame = h("div", { class: "snippet", part: "snippet" }, this.waiting, this.status);
    shadow.append(this.frame);
    observer.observe(this);
  }

  disconnectedCallback() {
    observer.unobserve(this);
  }

  attributeChangedCallback(name) {
    if (!this.shadowRoot) return;
    if (name === "theme") {
      // Keep the sheets CodeMirror adopted; swap ours.
      const ours = new Set(sheets.values());
      const others = this.shadowRoot.adoptedStyleSheets.filter((s) => !ours.has(s));
      this.shadowRoot.adoptedStyleSheets = [themeSheet(this.getAttribute("theme")), ...others];
    }
    if (!this.checker) return;
    if (name === "readonly") this.checker.setReadOnly(this.hasAttribute("readonly"));
    if (name === "rules") {
      this.checker.setSelect(list(this.getAttribute("rules")));
    }
    if (name === "height") this.sizeEditor();
  }

  sizeEditor() {
    const px = Number.parseInt(this.getAttribute("height"), 10);
    this.checker.setEditorHeight(Number.isFinite(px) && px > 0 ? px : null);
  }

  async start() {
    if (this.started) return;
    this.started = true;
    widgets.add(this);
    this.status.textContent = "Loading the checker…";
    const { engine, ready } = sharedEngine();
    let info;
    try {
      info = await ready;
    } catch (error) {
      this.status.textContent = `The checker could not be loaded: ${error.message}`;
      return;
    }
    if (!this.code.trim()) this.code = readCode(this); // text set after the element was added
    this.waiting.remove();
    this.status.remove();
    const rules = list(this.getAttribute("rules"));
    const readOnly = this.hasAttribute("readonly");
    this.checker = new Checker(this.frame, {
      engine,
      rules: info.rules,
      files: [{ path: this.getAttribute("path") || "example.py", text: this.code }],
      select: rules.length ? rules : null,
      readOnly,
      fixes: !readOnly,
      editableTabs: false,
      compact: true,
      catalogueHref: (id) => `${this.playgroundUrl()}#rule=${encodeURIComponent(id)}`,
    });
    this.sizeEditor();
    openLinksOutside(this.checker.root);
    if (this.hasAttribute("playground")) {
      this.checker.root.append(h("p", { class: "embed-foot" }, playgroundLink(this.checker, this.playgroundUrl())));
    }
    this.checker.root.addEventListener("checked", () => this.dispatchEvent(new CustomEvent("wagcheck-checked", { bubbles: true })));
  }

  playgroundUrl() {
    const own = this.getAttribute("playground");
    return own ? new URL(own, location.href).href : PLAYGROUND;
  }
}

if (!customElements.get("wagcheck-snippet")) customElements.define("wagcheck-snippet", WagcheckSnippet);
