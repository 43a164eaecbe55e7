// A small, safe Markdown renderer for the rules' documentation: headings, paragraphs, lists,
// fenced code, block quotes, simple tables, and inline code, emphasis and links. It builds DOM
// nodes; no input is ever parsed as HTML.
import { h, safeHref } from "./dom.js";

/** Renders Markdown into a DocumentFragment. `headingOffset` demotes headings (# -> h(1+n)). */
export function renderMarkdown(text, { headingOffset = 0 } = {}) {
  const out = document.createDocumentFragment();
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  const isBlank = (l) => /^\s*$/.test(l);
  const startsBlock = (l) =>
    /^(#{1,6})\s/.test(l) || /^```/.test(l) || /^\s*([-*+]|\d+[.)])\s/.test(l) || /^>/.test(l) ||
    /^\|/.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    let m;
    if ((m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
      const level = Math.min(6, m[1].length + headingOffset);
      out.append(h(`h${level}`, {}, inline(m[2])));
      i++;
    } else if ((m = /^```\s*([\w+-]*)/.exec(line))) {
      const code = [];
      i++;
      while (i < lines.length && !/^```\s*$/.test(lines[i])) code.push(lines[i++]);
      i++;
      out.append(h("pre", { class: "code", "data-lang": m[1] || null }, h("code", {}, code.join("\n"))));
    } else if (/^>/.test(line)) {
      const quote = [];
      while (i < lines.length && /^>/.test(lines[i])) quote.push(lines[i++].replace(/^>\s?/, ""));
      out.append(h("blockquote", {}, renderMarkdown(quote.join("\n"), { headingOffset })));
    } else if (/^\|/.test(line)) {
      const rows = [];
      while (i < lines.length && /^\|/.test(lines[i])) rows.push(lines[i++]);
      out.append(table(rows));
    } else if ((m = /^\s*([-*+]|\d+[.)])\s/.exec(line))) {
      const ordered = /\d/.test(m[1]);
      const list = h(ordered ? "ol" : "ul", {});
      while (i < lines.length && (m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]))) {
        const item = [m[2]];
        i++;
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*+]|\d+[.)])\s/.test(lines[i])) {
          item.push(lines[i++].trim());
        }
        list.append(h("li", {}, inline(item.join(" "))));
      }
      out.append(list);
    } else {
      const para = [];
      while (i < lines.length && !isBlank(lines[i]) && !(para.length && startsBlock(lines[i]))) {
        para.push(lines[i++]);
      }
      out.append(h("p", {}, inline(para.join(" "))));
    }
  }
  return out;
}

function table(rows) {
  const cells = (row) => row.replace(/^\|/, "").replace(/\|\s*$/, "").split("|").map((c) => c.trim());
  const body = rows.filter((r) => !/^\|[\s:|-]+\|?\s*$/.test(r));
  const [head, ...rest] = body;
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, cells(head || "").map((c) => h("th", {}, inline(c))))),
    h("tbody", {}, rest.map((r) => h("tr", {}, cells(r).map((c) => h("td", {}, inline(c)))))),
  );
}

/** Inline Markdown: `code`, **strong**, *em* / _em_, [text](url). Returns an array of nodes. */
export function inline(text) {
  const nodes = [];
  const pattern = /`([^`]+)`|\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)\*(?!\w)|(?<!\w)_(?!\s)(.+?)_(?!\w)|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let m;
  while ((m = pattern.exec(text))) {
    if (m.index > last) nodes.push(text.slice(last, m.index));
    if (m[1] !== undefined) nodes.push(h("code", {}, m[1]));
    else if (m[2] !== undefined) nodes.push(h("strong", {}, inline(m[2])));
    else if (m[3] !== undefined) nodes.push(h("em", {}, inline(m[3])));
    else if (m[4] !== undefined) nodes.push(h("em", {}, inline(m[4])));
    else {
      const href = safeHref(m[6]);
      const external = href && /^https?:/i.test(href);
      nodes.push(
        href
          ? h("a", { href, rel: external ? "noopener noreferrer" : null, target: external ? "_blank" : null }, inline(m[5]))
          : m[0],
      );
    }
    last = pattern.lastIndex;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}
