#!/usr/bin/env bash
# The page's JavaScript checked with TypeScript (`tsc --checkJs --noEmit`, pinned in package.json):
# every web module has `// @ts-check`, and what the engine returns is typed by the generated
# web/pkg/wagcheck.d.ts, so a field the Rust API renamed or dropped fails here. Two projects:
# web/tsconfig.json (the page, the lessons, the widget) and web/tsconfig.workers.json (the
# engine's worker and the service worker, with the worker library). npm test's "jscheck" part.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f web/pkg/wagcheck.d.ts ] || { echo "check-js: web/pkg/wagcheck.d.ts is missing: run npm run build" >&2; exit 2; }
[ -x node_modules/.bin/tsc ] || { echo "check-js: TypeScript is missing: run scripts/setup.sh" >&2; exit 2; }
passed=0
failed=0
for config in web/tsconfig.json web/tsconfig.workers.json; do
  if node_modules/.bin/tsc --checkJs --noEmit -p "$config"; then
    echo "check-js: $config: no errors"
    passed=$((passed + 1))
  else
    echo "check-js: $config: errors above"
    failed=$((failed + 1))
  fi
done
echo "jscheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
