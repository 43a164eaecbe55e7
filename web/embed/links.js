// @ts-check
// Links out of an embedded checker (docs widget, iframe): "Open in playground" with the code as
// a share link, and rule links that open in a new tab instead of replacing the host page.
import { h } from "../dom.js";
import { encodeState } from "../share.js";

/** An "Open in playground" link kept up to date with the checker's code after each check. */
export function playgroundLink(checker, playgroundUrl) {
  const link = h("a", { class: "open-playground", href: playgroundUrl, target: "_blank", rel: "noopener" }, "Open in playground ↗");
  const update = async () => {
    try {
      link.href = `${playgroundUrl}#s=${await encodeState(checker.getState())}`;
    } catch {
      link.href = playgroundUrl; // no CompressionStream: the playground without the code
    }
  };
  checker.root.addEventListener("checked", update);
  update();
  return link;
}

/** Links inside `root` (rule pages, references) open in a new tab. */
export function openLinksOutside(root) {
  root.addEventListener(
    "click",
    (event) => {
      const a = event.composedPath().find((el) => el instanceof HTMLAnchorElement);
      if (a && !a.target && !(a.getAttribute("href") || "#").startsWith("#")) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
    },
    true,
  );
}
