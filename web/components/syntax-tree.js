// The syntax tree panel: the code editor's active file as tree-sitter (and so a team rule's
// `kind`, `has`, `inside`, `field`) sees it. Each node shows its kind, the field its parent holds
// it in, and its range; the node under the cursor is highlighted; a click selects its code; "Copy
// as pattern" turns the selected code into a rule's `pattern`. The tree comes from the first
// engine module (syntaxTree), so the panel needs nothing of the team module.
import { h, clear } from "../dom.js";

/** Rows drawn at most: past this the panel says the tree is cut (a long file's tree is huge). */
export const MAX_ROWS = 4000;

/**
 * The deepest node of `root` whose range holds [from, to] (with `named` nodes only, when asked).
 * @returns {object[]} the path from the root to that node
 */
export function nodePath(root, from, to, named = true) {
  const path = [];
  let node = root;
  const holds = (c) => (c.named || !named) && c.from <= from && to <= c.to;
  while (node) {
    path.push(node);
    const children = node.children.filter(holds);
    // A cursor between two nodes is on the one after it (the character it stands before).
    node = children.find((c) => from === to ? from < c.to : c.from < c.to) || children[0];
  }
  return path;
}

/** A rule snippet whose pattern is `code` (the selected code), with the node's kind. */
export function patternSnippet(code, kind) {
  const text = code.replace(/\s+$/, "");
  const lines = text.split("\n");
  // One line without YAML's special characters at its ends can stay plain; otherwise a block.
  const plain = lines.length === 1 && !/^[\s!&*{}[\]|>'"%@`#,?:-]|:\s|\s#|\s$/.test(text);
  const pattern = plain ? `pattern: ${text}` : `pattern: |\n${lines.map((l) => `    ${l}`).join("\n")}`;
  return `rule:\n  ${pattern}${kind ? `\n  # kind: ${kind}` : ""}\n`;
}

const place = (p) => `${p.line}:${p.column}`;

export class SyntaxTree {
  /**
   * @param {HTMLElement} parent
   * @param {object} options
   * @param {import("../team.js").Engines} options.engines
   * @param {import("./checker.js").Checker} options.checker
   */
  constructor(parent, { engines, checker }) {
    this.engines = engines;
    this.checker = checker;
    this.tree = null;
    /** The text the tree is of, and its file. */
    this.text = null;
    this.path = null;
    this.rows = new Map();
    this.requests = 0;
    this.showAll = h("input", { type: "checkbox", onchange: () => this.render() });
    this.note = h("p", { class: "tree-note", role: "status" });
    this.snippet = h("pre", { class: "tree-snippet", "data-testid": "pattern-snippet", hidden: true });
    this.list = h("ul", { class: "tree", role: "tree", "aria-label": "Syntax tree" });
    this.root = h(
      "details",
      { class: "syntax-tree", open: true },
      h("summary", {}, "Syntax tree of the code"),
      h(
        "div",
        { class: "tree-tools" },
        h("label", {}, this.showAll, " punctuation and keywords too"),
        h("button", { type: "button", "data-action": "copy-pattern", onclick: () => this.copyPattern() }, "Copy as pattern"),
      ),
      this.note,
      this.snippet,
      this.list,
    );
    parent.append(this.root);
    // A new report means new text (or a new file); a cursor move only moves the highlight.
    checker.root.addEventListener("checked", () => this.refresh());
    checker.root.addEventListener("cursor", () => this.highlight());
    this.refresh();
  }

  /** Fetches the tree of the active file if its text changed. */
  async refresh() {
    const { path } = this.checker.editorSelection();
    const file = this.checker.getFiles().find((f) => f.path === path);
    if (!file || (file.text === this.text && path === this.path)) return this.highlight();
    const request = ++this.requests;
    let tree;
    try {
      tree = await this.engines.syntaxTree(file.text);
    } catch (error) {
      if (request === this.requests) this.note.textContent = `No syntax tree: ${error.message}`;
      return;
    }
    if (request !== this.requests) return;
    this.tree = tree;
    this.text = file.text;
    this.path = path;
    this.render();
  }

  render() {
    this.rows.clear();
    clear(this.list);
    const tree = this.tree;
    if (!tree || !tree.root) {
      this.note.textContent = tree && tree.error ? `No syntax tree: ${tree.error}` : "";
      return;
    }
    const all = this.showAll.checked;
    let count = 0;
    const row = (node, depth) => {
      if (count >= MAX_ROWS) return null;
      count += 1;
      const label = h(
        "span",
        {
          class: `tree-node${node.named ? "" : " anonymous"}${node.error ? " error" : ""}`,
          role: "treeitem",
          tabindex: "-1",
          "data-kind": node.kind,
          "data-from": node.from,
          "data-to": node.to,
          onclick: () => this.checker.goTo(this.path, node.from, node.to, false),
        },
        node.field ? h("span", { class: "tree-field" }, `${node.field}: `) : null,
        h("span", { class: "tree-kind" }, node.named ? node.kind : JSON.stringify(node.kind)),
        " ",
        h("span", { class: "tree-range" }, `[${place(node.start)}-${place(node.end)}]`),
      );
      this.rows.set(node, label);
      const children = node.children.filter((c) => all || c.named).map((c) => row(c, depth + 1)).filter(Boolean);
      return h("li", { style: `--depth: ${depth}` }, label, children.length ? h("ul", { role: "group" }, children) : null);
    };
    const top = row(tree.root, 0);
    if (top) this.list.append(top);
    this.note.textContent =
      count >= MAX_ROWS || tree.truncated
        ? `The tree is cut after ${count >= MAX_ROWS ? MAX_ROWS : "50,000"} nodes: select code to find its node.`
        : "";
    this.highlight();
  }

  /** Marks the node under the cursor (the deepest one holding the selection) and its ancestors. */
  highlight() {
    for (const el of this.list.querySelectorAll(".current, .ancestor")) el.classList.remove("current", "ancestor");
    const { path, from, to } = this.checker.editorSelection();
    if (!this.tree || !this.tree.root || path !== this.path) return;
    const nodes = nodePath(this.tree.root, from, to, !this.showAll.checked).filter((n) => this.rows.has(n));
    nodes.forEach((n, i) => this.rows.get(n).classList.add(i === nodes.length - 1 ? "current" : "ancestor"));
    const current = nodes.length ? this.rows.get(nodes[nodes.length - 1]) : null;
    if (current && this.root.open) current.scrollIntoView({ block: "nearest" });
  }

  /** The selected code (or the node under the cursor) as a rule's pattern: clipboard and panel. */
  async copyPattern() {
    const { path, from, to } = this.checker.editorSelection();
    const file = this.checker.getFiles().find((f) => f.path === path);
    if (!file) return;
    let start = from;
    let end = to;
    let kind = null;
    if (this.tree && this.tree.root && path === this.path && file.text === this.text) {
      const nodes = nodePath(this.tree.root, from, to);
      const node = nodes[nodes.length - 1];
      if (from === to && node !== this.tree.root) [start, end] = [node.from, node.to];
      // The deepest node with exactly that range (a one-statement block, its statement and
      // its call share one): what a pattern of this code matches.
      const exact = nodes.findLast((n) => n.from === start && n.to === end);
      kind = exact && exact !== this.tree.root ? exact.kind : null;
    }
    const code = file.text.slice(start, end);
    if (!code.trim()) {
      this.snippet.hidden = false;
      this.snippet.textContent = "Select some code first: its text becomes the pattern.";
      return;
    }
    const snippet = patternSnippet(code, kind);
    this.snippet.hidden = false;
    this.snippet.textContent = snippet;
    try {
      await navigator.clipboard.writeText(snippet);
      this.note.textContent = "Copied: paste it into a rule, then replace the parts that vary with $NAME.";
    } catch {
      this.note.textContent = "Copy the pattern from the box below, then replace the parts that vary with $NAME.";
    }
  }
}
