#!/usr/bin/env bash
# Sets everything up on a fresh machine and opens TwoKey in a real VS Code (the VS Code
# server from the code-server npm package) on a demo workspace, then prints the URL to open.
#   TWOKEY_VSCODE_VERSION=1.139.1 PORT=8123 bash scripts/demo.sh
#   bash scripts/demo.sh --reset     (starts again from a fresh demo workspace and settings)
# Stop it with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${TWOKEY_VSCODE_VERSION:-1.100.3}"
PORT="${PORT:-8123}"
CACHE="${TWOKEY_CACHE:-$HOME/.cache/twokey-test}"

[ -d node_modules ] || npm ci --no-audit --no-fund
TWOKEY_VSCODE_VERSIONS="$VERSION" bash scripts/setup-vscode.sh
npm run --silent package
VSIX="$PWD/twokey-$(node -p 'require("./package.json").version').vsix"

DEMO="$CACHE/demo"
if [ "${1:-}" = "--reset" ]; then
  echo "TwoKey demo: removing $DEMO (workspace, settings, installed extension)"
  rm -rf "$DEMO"
fi
EXT="$DEMO/extensions"; DATA="$DEMO/data"; WS="$DEMO/workspace"
mkdir -p "$EXT" "$DATA/data/Machine" "$WS"
cp -rn test/fixtures/demo-workspace/. "$WS/"
[ -d "$WS/.git" ] || (cd "$WS" && git init -q && git add -A && git -c user.name=demo -c user.email=demo@localhost commit -qm "demo workspace")
cat > "$DATA/data/Machine/settings.json" <<JSON
{ "terminal.integrated.defaultProfile.linux": "bash", "workbench.startupEditor": "none" }
JSON
SERVER="$CACHE/vscode-$VERSION/node_modules/code-server/lib/vscode"
NODE="$(cat "$CACHE/vscode-$VERSION/node-path")"
(cd "$SERVER" && "$NODE" out/server-main.js --accept-server-license-terms --extensions-dir "$EXT" --install-extension "$VSIX" --force >/dev/null)

echo
echo "TwoKey demo: open http://127.0.0.1:$PORT/?folder=$WS"
echo "Try in a terminal there:  rm -rf important   (TwoKey asks first)  |  ls   (runs)"
echo "Stop with Ctrl+C."
cd "$SERVER"
exec "$NODE" out/server-main.js --host 127.0.0.1 --port "$PORT" --without-connection-token \
  --accept-server-license-terms --user-data-dir "$DATA" --extensions-dir "$EXT" --disable-workspace-trust
