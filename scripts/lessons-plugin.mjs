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

export function lessonsPlugin(root) {
  const dir = path.join(root, "web/lessons");
  return {
    name: "lessons",
    setup(build) {
      build.onResolve({ filter: /^virtual:lessons$/ }, () => ({ path: "lessons", namespace: "lessons" }));
      build.onLoad({ filter: /.*/, namespace: "lessons" }, () => {
        const sources = lessonSources(dir);
        return {
          contents: `export default ${JSON.stringify(parseLessons(sources))};`,
          loader: "js",
          watchFiles: sources.map((s) => path.join(dir, s.name)),
        };
      });
    },
  };
}
