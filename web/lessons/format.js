// The lesson format: one Markdown file per lesson, beside this file (see README.md here).
// Pure functions, no DOM: the bundler, the page and the node tests all read lessons with them.
//
//   ---
//   id: cache-keys              (letters, digits, dashes: the #lesson=ID link)
//   title: The wrong page from the cache
//   rules: CACHE010, CACHE011   (the rules the bug raises and the solution must not)
//   question: Which line ...?   (asked before the hits are revealed)
//   answer: file                (optional: any line of the hit's file is right; default: line)
//   rule-file: examples/team-rules/cache.yml   (optional: team rules the lesson checks with,
//                               a path from the repository's root; the build bundles the file)
//   ---
//   # Story                     Markdown
//   # Bug: apps/blog/x.py       a fenced code block; one section per file
//   # Solution: apps/blog/x.py  the fixed files (paths may differ: files can move)
//   # Fix                       Markdown shown with the diff
//   # Task                      Markdown: what the learner fixes (optional)

const FIELDS = ["id", "title", "rules", "question"];

/** Parses one lesson file; throws an Error naming `source` and what is wrong. */
export function parseLesson(text, source = "lesson") {
  const fail = (message) => {
    throw new Error(`${source}: ${message}`);
  };
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  if (lines[0].trim() !== "---") fail("must start with a --- front matter block");
  const end = lines.indexOf("---", 1);
  if (end < 0) fail("front matter is not closed by ---");
  const meta = {};
  for (const line of lines.slice(1, end)) {
    if (!line.trim()) continue;
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (!m) fail(`cannot read front matter line "${line}"`);
    meta[m[1]] = m[2].trim();
  }
  for (const field of FIELDS) if (!meta[field]) fail(`front matter needs "${field}"`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(meta.id)) fail(`id "${meta.id}" must be lowercase letters, digits and dashes`);
  if (meta.answer && !["line", "file"].includes(meta.answer)) fail(`answer must be "line" or "file", not "${meta.answer}"`);
  const ruleFile = meta["rule-file"] || null;
  if (ruleFile && (!/^[\w.-]+(\/[\w.-]+)*\.ya?ml$/.test(ruleFile) || ruleFile.split("/").includes(".."))) {
    fail(`rule-file "${ruleFile}" must be a .yml path inside the repository (like examples/team-rules/x.yml)`);
  }

  const lesson = {
    id: meta.id,
    title: meta.title,
    pattern: meta.pattern || null,
    rules: meta.rules.split(/[\s,]+/).filter(Boolean).map((r) => r.toUpperCase()),
    question: meta.question,
    answer: meta.answer || "line",
    /** A team rule file's path; `ruleFiles` ([{path, text}]) once the build has read it. */
    ruleFile,
    story: "",
    fix: "",
    task: "",
    bug: [],
    solution: [],
  };
  let section = null;
  let body = [];
  const close = () => {
    if (!section) return;
    const content = body.join("\n").trim();
    if (section.kind === "text") {
      lesson[section.key] = content;
    } else {
      const m = /^```[\w+-]*\n([\s\S]*?)\n```$/.exec(content);
      if (!m) fail(`section "${section.heading}" needs exactly one fenced code block`);
      const files = lesson[section.key];
      if (files.some((f) => f.path === section.path)) fail(`${section.path} appears twice in ${section.key}`);
      files.push({ path: section.path, text: `${m[1]}\n` });
    }
  };
  let fenced = false;
  for (const line of lines.slice(end + 1)) {
    if (/^```/.test(line)) fenced = !fenced;
    const m = !fenced && /^# (.+?)\s*$/.exec(line);
    if (!m) {
      body.push(line);
      continue;
    }
    close();
    body = [];
    const heading = m[1];
    const file = /^(Bug|Solution):\s*(\S+)$/i.exec(heading);
    const text = /^(Story|Fix|Task)$/i.exec(heading);
    if (file) section = { heading, kind: "file", key: file[1].toLowerCase(), path: file[2] };
    else if (text) section = { heading, kind: "text", key: text[1].toLowerCase() };
    else fail(`unknown section "# ${heading}" (Story, Bug: PATH, Solution: PATH, Fix, Task)`);
  }
  close();
  if (!lesson.story) fail("needs a # Story section");
  if (!lesson.bug.length) fail("needs a # Bug: PATH section");
  if (!lesson.solution.length) fail("needs a # Solution: PATH section");
  if (!lesson.fix) fail("needs a # Fix section");
  if (!lesson.task) {
    lesson.task = `Fix the code in the editor. The lesson passes when wagcheck reports no ${lesson.rules.join(" or ")} hit.`;
  }
  return lesson;
}

/** Parses every lesson ([{name, text}], in file-name order); ids must be unique. */
export function parseLessons(sources) {
  const lessons = [...sources]
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((s) => parseLesson(s.text, s.name));
  const seen = new Set();
  for (const l of lessons) {
    if (seen.has(l.id)) throw new Error(`two lessons have the id ${l.id}`);
    seen.add(l.id);
  }
  return lessons;
}

/** Whether a report passes a lesson: it parses, and none of the lesson's rules has a hit. */
export function passes(lesson, report) {
  return report.syntaxErrors.length === 0 && !report.diagnostics.some((d) => lesson.rules.includes(d.rule));
}
