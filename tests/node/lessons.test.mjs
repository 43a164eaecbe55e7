// The lessons (web/lessons/*.md) against the engine: every lesson parses, its buggy code raises
// each of its rules, and its solution raises no hit at all. The rules come from several rule
// families: a lesson whose rules are not in this build fails here, on purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { loadEngine, ROOT } from "./engine.mjs";
import { parseLesson, parseLessons, passes } from "../../web/lessons/format.js";
import { lessonSources, withRuleFiles } from "../../scripts/lessons-plugin.mjs";

const api = await loadEngine();
// A lesson with a team rule file (front matter `rule-file`) is checked by the team module, as
// in the page.
const team = await loadEngine("pkg-team");
const known = new Set(api.rules().map((r) => r.id));
const lessons = withRuleFiles(parseLessons(lessonSources(path.join(ROOT, "web/lessons"))), ROOT);

test("lessons: one per seed pattern, plus WAG002 and the round-2 rules", () => {
  const ids = lessons.map((l) => l.rules.join(","));
  for (const expected of [
    "CACHE001,CACHE003", "ORM001,ORM002", "CACHE010,CACHE011,CACHE012", "SIG001", "IMP001", "WAG002",
    "CACHE020", "WAG010,WAG011", "WAG016",
  ]) {
    assert.ok(ids.includes(expected), `a lesson on ${expected}`);
  }
  for (const l of lessons) {
    assert.ok(l.story.length > 200, `${l.id}: a story`);
    assert.match(l.question, /\?$/, `${l.id}: the question is a question`);
  }
});

for (const lesson of lessons) {
  test(`lesson ${lesson.id}: the bug raises ${lesson.rules.join(", ")}, the solution nothing`, () => {
    const engine = lesson.ruleFiles ? team : api;
    const options = lesson.ruleFiles ? { rules: lesson.ruleFiles } : {};
    if (lesson.ruleFiles) {
      const loaded = team.testRules(lesson.ruleFiles);
      assert.deepEqual(loaded.errors, [], `${lesson.ruleFile} loads`);
      for (const r of loaded.rules) known.add(r.rule.id);
    }
    for (const id of lesson.rules) assert.ok(known.has(id), `${id} is not in this build of the engine`);
    const bug = engine.check(lesson.bug, options);
    assert.deepEqual(bug.syntaxErrors, [], "the bug parses");
    for (const id of lesson.rules) {
      assert.ok(bug.diagnostics.some((d) => d.rule === id), `the bug raises no ${id}`);
    }
    assert.equal(passes(lesson, bug), false);
    const solution = engine.check(lesson.solution, options);
    assert.deepEqual(solution.syntaxErrors, [], "the solution parses");
    assert.deepEqual(
      solution.diagnostics.map((d) => `${d.rule} ${d.path}:${d.start.line} ${d.message}`),
      [],
      "the solution raises no hit of any rule",
    );
    assert.equal(passes(lesson, solution), true);
  });
}

test("lesson files: errors name the file and the problem", () => {
  const ok = [
    "---",
    "id: x",
    "title: T",
    "rules: cache010",
    "question: Q?",
    "---",
    "# Story",
    "S",
    "# Bug: a.py",
    "```python",
    "# a heading-like comment",
    "x = 1",
    "```",
    "# Solution: a.py",
    "```python",
    "x = 2",
    "```",
    "# Fix",
    "F",
  ].join("\n");
  const lesson = parseLesson(ok, "x.md");
  assert.deepEqual(lesson.rules, ["CACHE010"]);
  assert.deepEqual(lesson.bug, [{ path: "a.py", text: "# a heading-like comment\nx = 1\n" }]);
  assert.match(lesson.task, /no CACHE010 hit/);
  assert.throws(() => parseLesson("# Story", "y.md"), /^Error: y\.md: must start with a --- front matter/);
  assert.throws(() => parseLesson(ok.replace("title: T\n", ""), "y.md"), /y\.md: front matter needs "title"/);
  assert.throws(() => parseLesson(ok.replace("id: x", "id: X Y"), "y.md"), /id "X Y" must be/);
  assert.throws(() => parseLesson(ok.replace("# Fix", "# Notes"), "y.md"), /unknown section "# Notes"/);
  assert.throws(() => parseLesson(ok.replace("id: x", "id: x\nanswer: word"), "y.md"), /answer must be "line" or "file"/);
  assert.equal(lesson.answer, "line");
  assert.throws(() => parseLesson(ok.replace("x = 2\n```", "x = 2\n```\nmore"), "y.md"), /exactly one fenced code block/);
  assert.throws(() => parseLessons([{ name: "1.md", text: ok }, { name: "2.md", text: ok }]), /two lessons have the id x/);
  // A team rule file: a .yml path inside the repository, which the build must find.
  assert.equal(parseLesson(ok.replace("id: x", "id: x\nrule-file: examples/team-rules/orm.yml"), "y.md").ruleFile, "examples/team-rules/orm.yml");
  assert.throws(() => parseLesson(ok.replace("id: x", "id: x\nrule-file: ../secrets.yml"), "y.md"), /rule-file "\.\.\/secrets\.yml" must be/);
  assert.throws(() => parseLesson(ok.replace("id: x", "id: x\nrule-file: rules.txt"), "y.md"), /must be a \.yml path/);
  const missing = parseLesson(ok.replace("id: x", "id: x\nrule-file: examples/team-rules/none.yml"), "y.md");
  assert.throws(() => withRuleFiles([missing], ROOT), /lesson x: rule-file examples\/team-rules\/none\.yml does not exist/);
});
