// The dialog that asks for a file's path (add or rename a file), and what makes a path valid.
import { h, clear } from "../dom.js";

/** Why `path` cannot be a file's path among `others`, or null when it can. */
export function validPath(path, others) {
  if (!path) return "A file needs a path, e.g. apps/blog/signals.py";
  if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === ".."))
    return "Use a relative path like apps/blog/models.py";
  if (others.includes(path)) return `There is already a file ${path}`;
  return null;
}

/** A path for a new file: first the ones a multi-file rule needs, then module2.py, ... */
export function suggestPath(others) {
  for (const candidate of ["apps/blog/apps.py", "apps/blog/signals.py", "apps/blog/models.py"]) {
    if (!others.includes(candidate)) return candidate;
  }
  let n = 2;
  while (others.includes(`module${n}.py`)) n++;
  return `module${n}.py`;
}

/**
 * A small modal form in `dialog` asking for a file path. Resolves with the path, or null.
 * @param {HTMLDialogElement} dialog
 * @param {string} title
 * @param {string} initial
 * @param {string[]} others the other files' paths
 * @returns {Promise<string | null>}
 */
export function askPath(dialog, title, initial, others) {
  return new Promise((resolve) => {
    const input = /** @type {HTMLInputElement} */ (
      h("input", {
        type: "text",
        name: "path",
        value: initial,
        required: true,
        spellcheck: "false",
        autocomplete: "off",
        "aria-describedby": "path-error",
      })
    );
    const error = h("p", { class: "form-error", id: "path-error" });
    const form = h(
      "form",
      { method: "dialog", class: "path-form" },
      h("h2", {}, title),
      h("label", {}, "Path ", input),
      h("p", { class: "hint" }, "Paths matter: IMP001 and SIG004 look at packages and apps (apps/blog/signals.py)."),
      error,
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "submit", value: "ok", class: "primary" }, "OK"),
        h("button", { type: "button", onclick: () => dialog.close("") }, "Cancel"),
      ),
    );
    form.addEventListener("submit", (event) => {
      const problem = validPath(input.value.trim(), others);
      if (problem) {
        event.preventDefault();
        error.textContent = problem;
        input.focus();
      }
    });
    clear(dialog).append(form);
    dialog.returnValue = "";
    dialog.onclose = () => resolve(dialog.returnValue === "ok" ? input.value.trim() : null);
    dialog.showModal();
    input.select();
  });
}
