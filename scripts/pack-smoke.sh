#!/bin/sh
# The published package, as users get it: `npm pack`, install the tarball into a scratch prefix, then run
# both bins on a copy of a fixture (`dockerstack --yes` writes the files; `generator-dockerstack --help`,
# the bin `npx generator-dockerstack` runs). Also checks that the tarball has every template (npm pack
# drops some files, dotfiles such as .gitignore among them).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

retry() {
  n=0
  until "$@"; do
    n=$((n + 1))
    if [ "$n" -ge 3 ]; then echo "pack-smoke: failed 3 times: $*" >&2; return 1; fi
    echo "pack-smoke: retrying in $((n * 5))s: $*" >&2
    sleep $((n * 5))
  done
}
fail() { echo "pack-smoke: $*" >&2; exit 1; }

npm run --silent build
npm pack --silent --ignore-scripts --pack-destination "$tmp" >/dev/null
tgz=$(ls "$tmp"/*.tgz)
echo "pack-smoke: $(basename "$tgz"), $(tar tzf "$tgz" | wc -l) files"

tar tzf "$tgz" | sed 's|^package/||' >"$tmp/files"
find templates -type f | while read -r template; do
  grep -qxF "$template" "$tmp/files" || fail "the tarball has no $template (npm pack dropped it)"
done
for bin in $(node -e 'console.log(Object.values(require("./package.json").bin).join(" "))'); do
  grep -qxF "$bin" "$tmp/files" || fail "the tarball has no $bin (a bin in package.json)"
done

retry npm install -g --prefix "$tmp/prefix" --prefer-offline --no-audit --no-fund --loglevel=error "$tgz"

cp -R test/fixtures/node/npm-express/input "$tmp/project"
(cd "$tmp/project" && sh "$root/scripts/with-node.sh" "$tmp/prefix/bin/dockerstack" --yes >"$tmp/run.log" 2>&1) ||
  { cat "$tmp/run.log" >&2; fail "dockerstack --yes failed"; }
for file in Dockerfile .dockerignore compose.yaml README.Docker.md .yo-rc.json; do
  [ -s "$tmp/project/$file" ] || { cat "$tmp/run.log" >&2; fail "dockerstack --yes wrote no $file"; }
done
sh "$root/scripts/with-node.sh" "$tmp/prefix/bin/generator-dockerstack" --help >"$tmp/help.txt" ||
  fail "generator-dockerstack --help failed"
grep -q '^Usage: generator-dockerstack \[options\]$' "$tmp/help.txt" || { cat "$tmp/help.txt" >&2; fail "generator-dockerstack --help: no usage line"; }
echo "pack-smoke: ok (installed from the tarball: dockerstack --yes wrote the files, generator-dockerstack --help works)"
