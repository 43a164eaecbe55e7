// What the page's JavaScript uses that TypeScript cannot see (web/tsconfig.json).

// esbuild plugins (scripts/lessons-plugin.mjs, scripts/static-markdown.mjs).
declare module "virtual:lessons" {
  /** A lesson as web/lessons/format.js parses it, its Markdown parts as HTML. */
  interface BundledLesson {
    id: string;
    title: string;
    pattern: string | null;
    rules: string[];
    question: string;
    answer: "line" | "file";
    bug: import("./pkg/wagcheck.js").SourceFile[];
    solution: import("./pkg/wagcheck.js").SourceFile[];
    html: { title: string; question: string; story: string; fix: string; task: string };
  }
  const lessons: BundledLesson[];
  export default lessons;
}
declare module "virtual:rule-messages" {
  /** Every built-in rule's message as HTML, and the key of the text it was made from. */
  const messages: Record<string, { key: string; message: string }>;
  export default messages;
}

// Set by scripts/bundle-embed.mjs (the widget's stylesheet).
declare const __WAGCHECK_EMBED_CSS__: string | undefined;

interface Window {
  /** Handles for the browser tests and for debugging from the console (web/main.js). */
  wagcheck?: Record<string, unknown>;
}

// Team rule files read as text by the bundle (scripts/bundle.mjs: loader ".yml": "text").
declare module "*.yml" {
  const text: string;
  export default text;
}
