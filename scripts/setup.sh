#!/usr/bin/env bash
# Installs what building and testing the playground needs; every step is skipped when already done.
#   scripts/setup.sh            # wasm target, clang/lld/llvm, wasm-bindgen-cli, npm packages
#   scripts/setup.sh --browser  # ... plus Debian's chromium for the browser tests
# Runs as root on a Debian machine (apt-get); elsewhere it says what to install by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

BROWSER=0
for arg in "$@"; do
  case $arg in
    --browser) BROWSER=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is required but not found: $2" >&2; exit 2; }; }
need cargo "install Rust with rustup"
need node "install Node.js 18.17 or later"
need npm "install npm"
NODE_VERSION=$(node -p 'process.versions.node')
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)' ||
  { echo "setup: Node.js $NODE_VERSION is too old: 20.11 or later is needed" >&2; exit 2; }

# 1. The Rust target.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "rust target wasm32-unknown-unknown: present"
else
  need rustup "install Rust with rustup"
  say "rust target wasm32-unknown-unknown: installing"
  rustup target add wasm32-unknown-unknown
fi

# rustfmt and clippy (npm test's lint part); rustup's default profile has them, the minimal does not.
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    need rustup "install Rust with rustup"
    say "rust component $component: installing"
    rustup component add "$component"
  fi
done

# 2. Debian packages (clang for tree-sitter's C, llvm-ar, lld; chromium for the browser tests).
APT_UPDATED=0
apt_install() { # apt_install PACKAGE...  (installs the missing ones)
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "apt packages $*: present"
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install ${missing[*]} (no apt-get here)" >&2
    exit 2
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  if [ $APT_UPDATED -eq 0 ]; then
    say "apt-get update"
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
apt_install clang lld llvm

# 3. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock.
WANT=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
[ -n "$WANT" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 2; }
HAVE=""
command -v wasm-bindgen >/dev/null 2>&1 && HAVE=$(wasm-bindgen --version | awk '{print $2}')
if [ "$HAVE" = "$WANT" ]; then
  say "wasm-bindgen-cli $WANT: present"
else
  say "wasm-bindgen-cli: have '${HAVE:-none}', need $WANT: cargo install (a few minutes)"
  # Without --locked: the registry reached here lacks a version its lock file pins.
  cargo install wasm-bindgen-cli --version "$WANT" --force
  HAVE=$(wasm-bindgen --version | awk '{print $2}')
  [ "$HAVE" = "$WANT" ] || { echo "setup: wasm-bindgen is $HAVE after install, want $WANT (is ~/.cargo/bin first on PATH?)" >&2; exit 2; }
fi

# 4. npm packages: installed when node_modules is missing or older than package-lock.json.
if [ -d node_modules ] && [ -f node_modules/.package-lock.json ] &&
  [ ! package-lock.json -nt node_modules/.package-lock.json ] && [ ! package.json -nt node_modules/.package-lock.json ]; then
  say "npm packages: present"
else
  say "npm packages: installing"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# 5. Chromium for the browser tests (npm's playwright-core drives it; no browser download).
if [ $BROWSER -eq 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    say "chromium: present"
  else
    apt_install chromium
  fi
fi
say "done"
