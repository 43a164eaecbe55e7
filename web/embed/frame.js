// @ts-check
// The iframe form of the docs widget, for hosts that allow no scripts:
//   <iframe src=".../index.html?embed=1#s=<share state>"></iframe>
// shows only the editor and the hits of the shared code (no header, no catalogue, no storage).
import { Checker } from "../components/checker.js";
import { h } from "../dom.js";
import { decodeState } from "../share.js";
import { openLinksOutside, playgroundLink } from "./links.js";

export function isFrame() {
  return new URLSearchParams(location.search).has("embed");
}

if (isFrame()) document.documentElement.classList.add("embed");

export async function startFrame({ engine, info }) {
  const host = /** @type {HTMLElement} */ (document.querySelector("#playground"));
  let state = null;
  let problem = "";
  if (location.hash.startsWith("#s=")) {
    try {
      state = await decodeState(location.hash.slice(3));
    } catch (error) {
      problem = `The embedded code could not be read (${error.message}).`;
    }
  } else {
    problem = "Nothing to show: the address needs #s=<share state> (the playground's Copy link).";
  }
  const playground = new URL(`index.html`, location.href).href;
  const checker = new Checker(host, {
    engine,
    rules: info.rules,
    files: state ? state.files : [{ path: "example.py", text: "" }],
    active: state?.active,
    disabled: state?.disabled,
    editableTabs: false,
    compact: true,
    catalogueHref: (id) => `${playground}#rule=${encodeURIComponent(id)}`,
  });
  openLinksOutside(checker.root);
  checker.root.append(h("p", { class: "embed-foot" }, playgroundLink(checker, playground)));
  document.querySelector("#engine-note").textContent = problem;
  window.wagcheck = { engine, checker, rules: info.rules, version: info.version };
  document.documentElement.dataset.ready = "true";
}
