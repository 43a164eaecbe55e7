#!/usr/bin/env bash
# docs/server.png: `wagcheck server` in Neovim (Debian's), driven in tmux: a CACHE012 hit and
# its hover. The terminal is captured with its colours (tmux), turned into HTML (aha) and
# photographed by headless Chromium. Needs: neovim tmux aha chromium (apt), a built CLI.
#   scripts/server-screenshot.sh [path/to/wagcheck]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${1:-$ROOT/target/debug/wagcheck}
for tool in nvim tmux aha chromium; do
  command -v "$tool" >/dev/null || { echo "server-screenshot: $tool missing (apt-get install neovim tmux aha chromium)" >&2; exit 2; }
done
WORK=$(mktemp -d)
SESSION=wagcheck-shot-$$
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/shop/app"
printf '[tool.wagcheck]\n' > "$WORK/shop/pyproject.toml"
cat > "$WORK/shop/app/fingerprints.py" <<'PY'
import hashlib
import json


def filters_fingerprint(request):
    filters = request.GET.dict()
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()
PY
# Neovim 0.7 (Debian 12) predates vim.lsp.config: start the client by hand.
cat > "$WORK/init.lua" <<LUA
vim.opt.number = true
vim.opt.signcolumn = "yes"
vim.opt.shortmess:append("I")
vim.opt.hlsearch = false
-- Readable on 256 colours: the default float is magenta.
vim.cmd([[
  highlight NormalFloat ctermbg=236 ctermfg=252
  highlight FloatBorder ctermbg=236 ctermfg=244
  highlight link markdownError NormalFloat
  highlight markdownCode ctermfg=180 ctermbg=236
  highlight markdownCodeBlock ctermfg=180 ctermbg=236
]])
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(vim.lsp.handlers.hover, { border = "rounded", max_width = 90, max_height = 30 })
local client = vim.lsp.start_client({ name = "wagcheck", cmd = { "$CLI", "server" }, root_dir = "$WORK/shop" })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function() vim.lsp.buf_attach_client(0, client) end,
})
LUA
tmux new-session -d -s "$SESSION" -x 130 -y 44 -c "$WORK/shop" \
  "env TERM=xterm-256color nvim -u $WORK/init.lua app/fingerprints.py"
# Until the hit is shown (the server is up and has checked the file).
for _ in $(seq 60); do
  tmux capture-pane -t "$SESSION" -p | grep -q "sort_keys" && break
  sleep 0.5
done
tmux send-keys -t "$SESSION" 7G0 && tmux send-keys -t "$SESSION" -l "/json.dumps" && tmux send-keys -t "$SESSION" Enter
sleep 1
tmux send-keys -t "$SESSION" -l ":lua vim.lsp.buf.hover()" && tmux send-keys -t "$SESSION" Enter
for _ in $(seq 40); do
  tmux capture-pane -t "$SESSION" -p | grep -q "Use instead" && break
  sleep 0.5
done
tmux capture-pane -t "$SESSION" -e -p > "$WORK/screen.ansi"
{
  echo '<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#000}pre{margin:0;padding:8px;font:14px/1.25 "DejaVu Sans Mono",monospace;color:#ddd;background:#000}</style>'
  echo '<pre>'
  aha --no-header --black < "$WORK/screen.ansi"
  echo '</pre>'
} > "$WORK/screen.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --no-first-run --hide-scrollbars --window-size=1180,820 --screenshot="$ROOT/docs/server.png" \
  "file://$WORK/screen.html" 2>/dev/null
echo "server-screenshot: docs/server.png"
