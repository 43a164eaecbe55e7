// esbuild plugin: `import lessons from "virtual:lessons"` gives every web/lessons/*.md, parsed.
// A lesson that does not parse fails the build with its file name and what is wrong.
import fs from "node:fs";
import path from "node:path";
import { parseLessons } from "../web/lessons/format.js";

export function lessonSources(dir) {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".md") && name !== "README.md")
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") }));
}

/**
 * Adds each lesson's team rule file (front matter `rule-file`, a path from `root`) as
 * `ruleFiles: [{path, text}]`; a file that is missing fails with the lesson's name.
 */
export function withRuleFiles(lessons, root) {
  for (const lesson of lessons) {
    if (!lesson.ruleFile) continue;
    const file = path.join(root, lesson.ruleFile);
    if (!fs.existsSync(file)) throw new Error(`lesson ${lesson.id}: rule-file ${lesson.ruleFile} does not exist`);
    lesson.ruleFiles = [{ path: lesson.ruleFile, text: fs.readFileSync(file, "utf8") }];
  }
  return lessons;
}

export function lessonsPlugin(root) {
  const dir = path.join(root, "web/lessons");
  return {
    name: "lessons",
    setup(build) {
      build.onResolve({ filter: /^virtual:lessons$/ }, () => ({ path: "lessons", namespace: "lessons" }));
      build.onLoad({ filter: /.*/, namespace: "lessons" }, () => {
        const sources = lessonSources(dir);
        return {
          contents: `export default ${JSON.stringify(withRuleFiles(parseLessons(sources), root))};`,
          loader: "js",
          watchFiles: sources.map((s) => path.join(dir, s.name)),
        };
      });
    },
  };
}
