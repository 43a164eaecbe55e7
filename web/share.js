// The page's state in a URL fragment (deflate-raw + base64url) and in localStorage.

const STORAGE_KEY = "wagcheck.playground.v1";
/** A link may not inflate past this: a few KB of deflate can expand to gigabytes. */
export const MAX_STATE_BYTES = 32 * 1024 * 1024;

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream) {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

/** State object -> compact URL-safe text. */
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
}

/** Inflates at most MAX_STATE_BYTES, reading the stream chunk by chunk. */
async function inflate(bytes) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_STATE_BYTES) {
      await reader.cancel();
      throw new Error(`it holds more than ${MAX_STATE_BYTES / 2 ** 20} MB of code`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The inverse of encodeState; throws an Error with a reader-facing reason on bad input. */
export async function decodeState(text) {
  let json;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(await inflate(fromBase64Url(text)));
  } catch (error) {
    if (/more than/.test(error.message)) throw error;
    throw new Error("it is damaged or cut short");
  }
  let raw;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("it is damaged or cut short");
  }
  return validState(raw);
}

/** Keeps only the known, well-typed parts of a state read from outside. */
export function validState(raw) {
  if (!raw || typeof raw !== "object" || !Array.isArray(raw.files)) throw new Error("not a playground state");
  const files = raw.files
    .filter((f) => f && typeof f.path === "string" && typeof f.text === "string")
    .map((f) => ({ path: f.path, text: f.text }));
  if (!files.length) throw new Error("a playground state needs a file");
  const disabled = Array.isArray(raw.disabled) ? raw.disabled.filter((r) => typeof r === "string") : [];
  const active = typeof raw.active === "string" ? raw.active : files[0].path;
  let selection = null;
  const s = raw.selection;
  if (s && typeof s === "object" && typeof s.rule === "string") {
    selection = { rule: s.rule };
    if (typeof s.path === "string" && Number.isInteger(s.from)) Object.assign(selection, { path: s.path, from: s.from });
  }
  // Team rule files (YAML), checked with the built-in rules by the team module.
  const rules = Array.isArray(raw.rules)
    ? raw.rules.filter((f) => f && typeof f.path === "string" && typeof f.text === "string").map((f) => ({ path: f.path, text: f.text }))
    : [];
  return { files, active, disabled, selection, ...(rules.length ? { rules } : {}) };
}

export function saveLocal(state) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    return true;
  } catch {
    return false; // quota (a multi-MB paste) or storage disabled: the share link still works
  }
}

export function loadLocal() {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? validState(JSON.parse(text)) : null;
  } catch {
    return null;
  }
}
