// @ts-check
// A tiny element builder. Text is always set as text, never parsed as HTML.

/**
 * h("button", {class: "x", onclick: f, "aria-label": "..."}, "text", child, ...)
 * Attributes starting with "on" become listeners; `false`/`null` attributes are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "hidden" || key === "checked" || key === "disabled" || key === "selected") {
      el[key] = Boolean(value);
    } else if (key === "value") {
      el.value = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A link target is safe when it is a fragment, a relative path, or http(s)/mailto. */
export function safeHref(url) {
  const trimmed = String(url).trim();
  if (/^(#|\.{0,2}\/|[\w-]+(\/|\.html|$))/.test(trimmed) && !/^[\w-]+:/.test(trimmed)) {
    return trimmed;
  }
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  return null;
}
