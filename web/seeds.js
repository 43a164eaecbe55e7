// The examples menu: one example per seed pattern, taken from the rules' own bad examples.
// Read by main.js and by the browser tests (tests/browser/page.test.mjs), so it is written once.
export const SEED_EXAMPLES = ["CACHE001", "ORM001", "CACHE010", "SIG001", "IMP001", "WAG002"];
export const SEED_TITLES = {
  CACHE001: "Dual-strategy cache invalidation",
  ORM001: "Action-based prefetching in viewsets",
  CACHE010: "Collision-safe cache keys",
  SIG001: "Signal handlers and multi-table inheritance",
  IMP001: "A package that shadows a module",
  WAG002: "DRF actions in Wagtail API viewsets",
};
