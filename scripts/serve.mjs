// A small static file server for the playground (localhost only).
//   node scripts/serve.mjs [DIR]      PORT=8080 by default; the next free port if taken
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/** Serves `dir` on 127.0.0.1; resolves with {server, url}. Port 0 picks a free one. */
export function serve(dir, { port = 8080, host = "127.0.0.1", tries = 20 } = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, pathname);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] || "application/octet-stream",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : data);
    });
  });
  return new Promise((resolve, reject) => {
    let attempt = 0;
    const listen = (p) => {
      server.once("error", (err) => {
        if (err.code === "EADDRINUSE" && port !== 0 && ++attempt < tries) listen(p + 1);
        else reject(err);
      });
      server.listen(p, host, () => {
        const { port: actual } = server.address();
        resolve({ server, url: `http://${host === "127.0.0.1" ? "localhost" : host}:${actual}/` });
      });
    };
    listen(port);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || "dist";
  if (!fs.existsSync(path.join(dir, "index.html"))) {
    console.error(`serve: ${dir}/index.html missing: run npm run build first`);
    process.exit(2);
  }
  const { url } = await serve(dir, { port: Number(process.env.PORT || 8080) });
  console.log(`wagcheck playground: ${url}  (serving ${dir}/, Ctrl+C to stop)`);
  console.log(`  lessons: ${url}#lessons   docs widget demo: ${url}embed-demo.html`);
}
