// @ts-check
// Every lesson in web/lessons/*.md, parsed (and checked) at build time by
// scripts/lessons-plugin.mjs: adding a lesson is adding a Markdown file.
import lessons from "virtual:lessons";

export default lessons;
