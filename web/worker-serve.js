// The body of an engine Web Worker: loads a wasm module and answers {id, method, args}
// messages. Two workers use it: worker.js (the page's first module, no team rules) and
// team-worker.js (the module with team rules, loaded only when they are used).
// A trap (a Rust panic, or any WebAssembly.RuntimeError) leaves the instance unusable, so the
// worker reports it as fatal and closes; the page then starts a fresh worker.

/**
 * @param {object} options
 * @param {(input: {module_or_path: URL}) => Promise<unknown>} options.init the glue's init
 * @param {Record<string, Function>} options.api the glue's exports
 * @param {URL} options.wasm the module's URL
 * @param {string[]} options.methods the exports a message may call
 */
export function serve({ init, api, wasm, methods }) {
  const METHODS = new Set(methods);
  let lastConsoleError = "";
  const consoleError = console.error.bind(console);
  // console_error_panic_hook writes the panic message here; keep it for the error report.
  console.error = (...args) => {
    lastConsoleError = args.map(String).join(" ");
    consoleError(...args);
  };

  const ready = init({ module_or_path: wasm }).then(() => ({
    version: api.version(),
    rules: api.rules(),
  }));

  self.onmessage = async (event) => {
    const { id, method, args } = event.data;
    let info;
    try {
      info = await ready;
    } catch (error) {
      self.postMessage({ id, fatal: true, error: `could not load the engine: ${error}` });
      self.close();
      return;
    }
    if (method === "ready") {
      self.postMessage({ id, ok: true, result: info });
      return;
    }
    if (!METHODS.has(method)) {
      self.postMessage({ id, error: `unknown method ${method}` });
      return;
    }
    lastConsoleError = "";
    try {
      const started = performance.now();
      const result = api[method](...(args || []));
      self.postMessage({ id, ok: true, result, ms: performance.now() - started });
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        // "panicked at src/x.rs:1:2:\nmessage" -> "message (src/x.rs:1:2)"
        const m = /^panicked at ([^\n]*?):?\n([^\n]*)/.exec(lastConsoleError);
        const panic = m ? `${m[2]} (${m[1]})` : lastConsoleError.split("\n")[0];
        self.postMessage({ id, fatal: true, error: panic || `${error.name}: ${error.message}` });
        self.close();
      } else {
        self.postMessage({ id, error: error && error.message ? error.message : String(error) });
      }
    }
  };
}
