// @ts-check
// Which lesson a page address asks for. Apart from the lessons view (view.js), which is a chunk
// of its own loaded when a lesson is first opened (web/main.js): the page reads its address at
// once.

/** `#lessons` -> {id: null}; `#lesson=ID` -> {id}; `#lesson=ID/N` -> {id, step: N}; else null. */
export function parseLessonHash(hash) {
  if (hash === "#lessons") return { id: null };
  const m = /^#lesson=([\w-]+)(?:\/(\d+))?$/.exec(hash);
  return m ? { id: m[1].toLowerCase(), step: m[2] ? Number(m[2]) : undefined } : null;
}
