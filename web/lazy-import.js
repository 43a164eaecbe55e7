// @ts-check
// A module fetched when first needed, once. If it cannot be fetched (offline before it was
// cached), the call resolves null and the next call tries again: under another URL
// (`?retry=N`), since the browser keeps a failed import's error for its URL. The service worker
// answers any query from its cache (web/sw.js: ignoreSearch).

/**
 * @param {string} url
 * @param {(error: Error) => void} [onError]
 * @returns {() => Promise<any>} the module, or null when it could not be loaded
 */
export function lazyImport(url, onError) {
  /** @type {Promise<any> | null} */
  let loading = null;
  let failures = 0;
  return () => {
    loading ??= import(failures ? `${url}?retry=${failures}` : url).catch((error) => {
      failures += 1;
      loading = null;
      onError?.(error);
      return null;
    });
    return loading;
  };
}
