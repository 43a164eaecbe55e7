// The docs widget (<wagcheck-snippet>) and the iframe embed, on the demo page (embed-demo.html):
// three working widgets, styles isolated both ways, the wasm loaded once and lazily, a malformed
// snippet that breaks nothing else, read-only and theme attributes, "Open in playground".
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { ROOT, saveScreenshot, startBrowser } from "./browser.mjs";
import { serve } from "../../scripts/serve.mjs";

let browser;
let site; // a server of dist/ of our own, to count the requests it answers
const requests = [];

before(async () => {
  browser = await startBrowser();
  site = await serve(path.join(ROOT, "dist"), { port: 0 });
  site.server.on("request", (req) => requests.push(req.url));
});
after(async () => {
  site?.server.close();
  if (browser) await browser.close();
});

const WIDGETS = { "w-keys": "CACHE010", "w-signals": "SIG001", "w-viewsets": "ORM001" };
const wasmRequests = () => requests.filter((u) => u.includes("wagcheck_bg.wasm")).length;

async function demoPage({ viewport = { width: 1300, height: 900 }, blockFrame = true, blockWidget = false } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  // The iframe is a page of its own with its own engine: left out where wasm loads are counted.
  if (blockFrame) await page.route(/\?embed=1/, (route) => route.fulfill({ body: "", contentType: "text/html" }));
  if (blockWidget) await page.route(/wagcheck-embed\.js/, (route) => route.abort());
  requests.length = 0;
  await page.goto(`${site.url}embed-demo.html`);
  return { page, errors };
}

/** Waits until a widget has a report for its current text. */
async function widgetSettled(page, id) {
  await page.waitForFunction(
    (id) => {
      const c = document.getElementById(id)?.checker;
      if (!c || !c.report || c.inFlight) return false;
      c.current.state = c.view.state;
      return c.files.every((f) => c.reportDocs.get(f.path) === f.state.doc);
    },
    id,
    { timeout: 30000, polling: 50 },
  );
}

async function scrollThrough(page) {
  for (const id of Object.keys(WIDGETS)) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await widgetSettled(page, id);
  }
}

const hostStyles = (page) =>
  page.evaluate(() => {
    const pick = (el, props) => Object.fromEntries(props.map((p) => [p, getComputedStyle(el)[p]]));
    return {
      body: pick(document.body, ["backgroundColor", "color", "fontFamily", "fontSize", "lineHeight"]),
      h2: pick(document.querySelector("h2"), ["fontFamily", "color", "borderBottomStyle", "fontSize"]),
      hits: pick(document.querySelector("ul.hits"), ["color", "listStyleType", "borderTopWidth", "maxHeight"]),
      pre: pick(document.querySelector("pre.snippet"), ["backgroundColor", "borderTopStyle", "fontFamily"]),
      p: pick(document.querySelector("p.lead"), ["fontFamily", "fontSize", "color", "margin"]),
    };
  });

test("three widgets check their code with one engine: the wasm is requested once, lazily", async () => {
  const { page, errors } = await demoPage({ viewport: { width: 1300, height: 200 } });
  // Nothing is near the viewport yet: the engine has not started.
  await page.waitForFunction(() => customElements.get("wagcheck-snippet"));
  await page.waitForTimeout(800);
  assert.equal(wasmRequests(), 0, "wasm loaded before any widget came into view");
  assert.equal(requests.filter((u) => u.includes("worker.js")).length, 0);
  assert.match(await page.locator("#w-keys .snippet-status").textContent(), /starts when this comes into view/);
  await page.setViewportSize({ width: 1300, height: 900 });
  await scrollThrough(page);
  for (const [id, rule] of Object.entries(WIDGETS)) {
    assert.ok((await page.locator(`#${id} .hits .hit[data-rule="${rule}"]`).count()) > 0, `${id}: no ${rule} hit`);
    // Only the rules the widget names are checked.
    const rules = await page.evaluate((id) => document.getElementById(id).checker.report.diagnostics.map((d) => d.rule), id);
    const allowed = (await page.getAttribute(`#${id}`, "rules")).split(/[\s,]+/);
    assert.ok(rules.every((r) => allowed.includes(r)), `${id}: ${rules} outside ${allowed}`);
  }
  await page.evaluate(() => document.getElementById("keys").scrollIntoView());
  await saveScreenshot(page, "embed.png");
  assert.equal(wasmRequests(), 1, "three widgets, one wasm download");
  assert.equal(requests.filter((u) => u.includes("worker.js")).length, 1, "one worker");
  const engines = await page.evaluate(() => new Set([...document.querySelectorAll("wagcheck-snippet")].map((w) => w.checker.engine)).size);
  assert.equal(engines, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("widget styles stay in the widget and the host page's stay out", async () => {
  // The host page as it looks without the widget script.
  const bare = await demoPage({ blockWidget: true });
  const expected = await hostStyles(bare.page);
  await bare.page.close();
  const { page, errors } = await demoPage();
  await scrollThrough(page);
  assert.deepEqual(await hostStyles(page), expected, "the widgets changed the host page's styles");
  assert.equal(expected.hits.listStyleType, "square", "the host's own .hits list keeps its style");
  // Inside: the host's loud rules (button, pre, .checker, serif body font) do not apply.
  const inside = await page.evaluate(() => {
    const root = document.getElementById("w-viewsets").shadowRoot;
    const cs = (sel) => getComputedStyle(root.querySelector(sel));
    return {
      button: cs("button").backgroundColor,
      buttonSize: cs("button").fontSize,
      checkerOutline: cs(".checker").outlineStyle,
      message: cs(".hit-message").fontFamily,
      hostFont: getComputedStyle(document.getElementById("w-viewsets")).fontFamily,
    };
  });
  assert.notEqual(inside.button, "rgb(255, 105, 180)", "host's hotpink button leaked in");
  assert.notEqual(inside.buttonSize, "30px");
  assert.equal(inside.checkerOutline, "none");
  assert.doesNotMatch(inside.message, /Georgia/);
  assert.doesNotMatch(inside.hostFont, /Georgia/, "the host's inherited font leaked in");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a malformed snippet breaks nothing else; edits are checked live; read-only, theme, playground link", async () => {
  const { page, errors } = await demoPage();
  await scrollThrough(page);
  // A fourth widget, added by script, with code that does not parse.
  await page.evaluate(() => {
    const w = document.createElement("wagcheck-snippet");
    w.id = "w-broken";
    w.textContent = "def broken(:\n    return cache.get(key[:8]\n";
    document.querySelector("#iframe").before(w);
    w.scrollIntoView();
  });
  await widgetSettled(page, "w-broken");
  await page.locator("#w-broken .hits .hit-syntax").first().waitFor();
  assert.match(await page.locator("#w-broken .status").textContent(), /syntax error/i);
  // The others still work: an edit in a widget is checked again.
  await page.locator("#w-signals").scrollIntoViewIfNeeded();
  await page.evaluate(() => {
    const v = document.getElementById("w-signals").checker.view;
    const cut = 'hasattr(instance, "blogpostpage") and ';
    const at = v.state.doc.toString().indexOf(cut);
    v.dispatch({ changes: { from: at, to: at + cut.length } });
  });
  await widgetSettled(page, "w-signals");
  assert.equal(await page.locator("#w-signals .hits .hit").count(), 0);
  await page.locator("#w-signals .no-hits").waitFor();
  // Typing with the keyboard works inside the shadow root.
  await page.locator("#w-signals .cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type('\n@receiver(post_save)\ndef again(sender, instance, **kwargs):\nif hasattr(instance, "blogpostpage"):\nreturn');
  await widgetSettled(page, "w-signals");
  await page.locator('#w-signals .hits .hit[data-rule="SIG001"]').waitFor();
  assert.ok((await page.locator("#w-viewsets .hits .hit").count()) > 0, "w-viewsets lost its hits");
  // Read-only: typing changes nothing, and no fix is offered.
  const before = await page.evaluate(() => document.getElementById("w-viewsets").checker.getFiles()[0].text);
  await page.locator("#w-viewsets .cm-content").click();
  await page.keyboard.type("xyz");
  assert.equal(await page.evaluate(() => document.getElementById("w-viewsets").checker.getFiles()[0].text), before);
  assert.equal(await page.locator("#w-viewsets [data-action=fix]:visible, #w-viewsets .fix-all:visible").count(), 0);
  // theme="dark" against the default light theme (the browser prefers light here).
  const bg = (id) => page.evaluate((id) => getComputedStyle(document.getElementById(id).shadowRoot.querySelector(".cm-editor")).backgroundColor, id);
  assert.notEqual(await bg("w-signals"), await bg("w-keys"));
  await page.evaluate(() => document.getElementById("w-signals").setAttribute("theme", "light"));
  assert.equal(await bg("w-signals"), await bg("w-keys"));
  // The explanation is folded until a hit is chosen.
  assert.equal(await page.locator("#w-signals .explain-fold").getAttribute("open"), null);
  await page.locator("#w-signals .hits .hit .hit-main").first().click();
  await page.locator("#w-signals .explain-fold[open] .rule-doc").waitFor();
  // Open in playground: a share link to the widget's current code.
  const href = await page.locator("#w-keys a.open-playground").getAttribute("href");
  assert.match(href, /index\.html#s=/);
  const code = await page.evaluate(() => document.getElementById("w-keys").checker.getFiles()[0].text);
  const playground = await browser.context.newPage();
  await playground.goto(href);
  await playground.waitForSelector("html[data-ready=true]");
  await playground.waitForFunction((c) => window.wagcheck.checker.getFiles()[0].text === c, code);
  await playground.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("code in a <script type=text/plain> child keeps < and its indentation is stripped", async () => {
  const { page, errors } = await demoPage();
  await page.locator("#w-signals").scrollIntoViewIfNeeded();
  await widgetSettled(page, "w-signals");
  const text = await page.evaluate(() => document.getElementById("w-signals").checker.getFiles()[0].text);
  assert.match(text, /^from django\.db\.models\.signals import post_save\n/);
  assert.match(text, /instance\.depth < 3:/);
  assert.match(text, /\n {4}if hasattr/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the iframe form (index.html?embed=1#s=...) shows the shared code and its hits, no page chrome", async () => {
  const { page, errors } = await demoPage({ blockFrame: false });
  await page.locator("#frame").scrollIntoViewIfNeeded();
  const frame = page.frameLocator("#frame");
  await frame.locator("html[data-ready=true]").waitFor();
  await frame.locator('.hits .hit[data-rule="ORM001"]').first().waitFor({ timeout: 30000 });
  assert.equal(await frame.locator("header.top").isVisible(), false);
  assert.equal(await frame.locator("footer").isVisible(), false);
  assert.match(await frame.locator(".cm-content").textContent(), /prefetch_related/);
  assert.match(await frame.locator("a.open-playground").getAttribute("href"), /index\.html#s=/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a docs page on another origin loads the widget from the wagcheck host (CORS)", async () => {
  // The wagcheck host: dist/ with CORS, on another origin (127.0.0.1, the docs are on localhost).
  const wag = await serve(path.join(ROOT, "dist"), { port: 0 });
  wag.server.prependListener("request", (req, res) => res.setHeader("access-control-allow-origin", "*"));
  const wagOrigin = `http://127.0.0.1:${wag.server.address().port}`;
  const html = `<!doctype html><title>docs</title>
<script type="module" src="${wagOrigin}/assets/wagcheck-embed.js"></script>
<wagcheck-snippet id="w" rules="ORM001">
  from django.db import models
  from rest_framework import serializers, viewsets

  class Post(models.Model):
      tags = models.ManyToManyField("Tag")

  class Short(serializers.ModelSerializer):
      class Meta:
          model = Post
          fields = ["id"]

  class Full(serializers.ModelSerializer):
      class Meta:
          model = Post
          fields = ["id", "tags"]

  class V(viewsets.ModelViewSet):
      def get_serializer_class(self):
          return Short if self.action == "list" else Full

      def get_queryset(self):
          return Post.objects.prefetch_related("tags")
</wagcheck-snippet>`;
  const docs = http.createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise((resolve) => docs.listen(0, "127.0.0.1", resolve));
  const page = await browser.context.newPage();
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  try {
    await page.goto(`http://localhost:${docs.address().port}/`);
    await widgetSettled(page, "w");
    await page.locator('#w .hits .hit[data-rule="ORM001"]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    docs.close();
    wag.server.close();
  }
});
