// The file tabs above the editor (one per file, with its hit count; arrow keys move between them)
// and the + File / Rename / Delete buttons. It shows what the checker gives it and reports
// clicks; the checker owns the files.
import { h, clear } from "../dom.js";

export class FileTabs {
  /**
   * @param {object} options
   * @param {boolean} options.editable show the add/rename/delete buttons
   * @param {(path: string) => void} options.onSelect a tab was chosen
   * @param {() => void} options.onAdd
   * @param {() => void} options.onRename
   * @param {() => void} options.onDelete
   */
  constructor({ editable, onSelect, onAdd, onRename, onDelete }) {
    this.onSelect = onSelect;
    /** @type {{path: string, selected: boolean, hits: number}[]} */
    this.shown = [];
    this.key = "";
    this.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Files" });
    this.deleteButton = h("button", { type: "button", class: "small", onclick: onDelete, "data-action": "delete" }, "Delete");
    this.tools = h(
      "div",
      { class: "tab-tools", hidden: !editable },
      h("button", { type: "button", class: "small", onclick: onAdd, title: "Add a file" }, "+ File"),
      h("button", { type: "button", class: "small", onclick: onRename, "data-action": "rename" }, "Rename"),
      this.deleteButton,
    );
  }

  /** @param {{path: string, selected: boolean, hits: number}[]} files */
  render(files) {
    // Rebuilt only when a path, the active tab or a count changes: typing re-checks on every
    // keystroke, and rebuilding would also drop the focus of a tab.
    const key = JSON.stringify([files.map((f) => [f.path, f.selected, f.hits])]);
    if (key === this.key) return;
    this.key = key;
    this.shown = files;
    clear(this.tabs);
    for (const file of files) {
      this.tabs.append(
        h(
          "button",
          {
            type: "button",
            role: "tab",
            class: "tab",
            "aria-selected": String(file.selected),
            tabindex: file.selected ? "0" : "-1",
            "data-path": file.path,
            onclick: () => this.onSelect(file.path),
            onkeydown: (e) => this.arrowKey(e),
          },
          file.path,
          file.hits ? h("span", { class: "tab-count" }, String(file.hits)) : null,
        ),
      );
    }
    this.deleteButton.disabled = files.length < 2;
  }

  /** @param {KeyboardEvent} event */
  arrowKey(event) {
    const files = this.shown;
    const index = files.findIndex((f) => f.selected);
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % files.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + files.length) % files.length;
    if (next === null) return;
    event.preventDefault();
    this.onSelect(files[next].path);
    /** @type {HTMLElement | null} */ (this.tabs.querySelector(`[aria-selected=true]`))?.focus();
  }
}
