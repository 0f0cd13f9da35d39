#!/usr/bin/env bash
# Build a current BuildKit, docker buildx, docker compose v2, a local registry and the Dockerfile frontend
# image from the Go module proxy (pinned versions, cached under $CACHE/bin), start buildkitd and the registry,
# and make a buildx builder with the `remote` driver the default for /usr/bin/docker. Then verify.
# Idempotent: a second run only checks that the daemons answer (seconds).
# shellcheck disable=SC2317  # functions invoked indirectly, through step/retry
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Pinned versions (newest releases on proxy.golang.org when this was written).
BUILDKIT_VERSION=${BUILDKIT_VERSION:-v0.34.2}       # github.com/moby/buildkit
BUILDX_VERSION=${BUILDX_VERSION:-v0.38.2}           # github.com/docker/buildx
COMPOSE_VERSION=${COMPOSE_VERSION:-v2.40.3}         # github.com/docker/compose/v2
REGISTRY_VERSION=${REGISTRY_VERSION:-v3.1.2}        # github.com/distribution/distribution/v3
BUSYBOX_DEB=busybox-static                          # Debian package: static shell for the probe image

BK_DIR="$CACHE/buildkit"
BUILDKITD_CONFIG="$BK_DIR/buildkitd.toml"
BUILDKITD_PID="$BK_DIR/buildkitd.pid"
REG_DIR="$CACHE/registry"
REGISTRY_CONFIG="$REG_DIR/config.yml"
REGISTRY_PID="$REG_DIR/registry.pid"
PLUGINS_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
VERIFY=${VERIFY:-1}

# Go builds: module and build caches live under $CACHE too, so a CI cache of $CACHE covers them.
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS="-buildvcs=false" CGO_ENABLED=0
export PATH="$CACHE/bin:$PATH"

script_start
[ "$(id -u)" -eq 0 ] || die "must run as root (buildkitd with the OCI worker)"
command -v go >/dev/null || die "go is required to build BuildKit (Go >= 1.26)"
"$DOCKER" info >/dev/null 2>&1 || die "docker engine not answering: run e2e/setup-engine.sh first"
lock buildkit
mkdir -p "$BK_DIR" "$REG_DIR/data" "$PLUGINS_DIR" "$(dirname "$BUILDKIT_SOCK")"

# module_dir MODULE@VERSION: download the module (retried) and print its directory in the module cache.
# (`go install pkg@version` refuses modules with replace directives; building inside the module works always.)
module_dir() {
  local json
  json=$(retry go mod download -json "$1") || return 1
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json"
}

# Slimming patches: they drop code this environment never uses, to shorten the cold build (2 shared cores).
# Each one is applied to a copy of the pinned module and checks that its targets exist. If a patch no longer
# applies or the patched build fails, the unpatched upstream package is built instead.
# DOCKERSTACK_SLIM=0 always builds upstream unpatched.
#   buildkitd: without the S3 and Azure Blob remote cache backends (AWS and Azure SDKs: ~160 packages)
#   buildx:    without the kubernetes and cloud drivers (client-go); the remote driver is what runs here
#   compose:   without buildx's kubernetes driver, which only its deprecated internal builder could use
#              (~280 k8s.io packages; compose builds through `buildx bake`, i.e. the plugin above)
#   registry:  e2e/registry/main.go, only the filesystem and in-memory storage drivers (no S3/Azure/GCS)
# delete_lines FILE ERE...: delete the lines matching each ERE; every ERE must match at least one line
delete_lines() {
  local f=$1 p; shift
  for p in "$@"; do grep -Eq "$p" "$f" || { echo "patch: /$p/ matches nothing in $f"; return 1; }; done
  for p in "$@"; do sed -E -i "\#$p#d" "$f"; done
}
slim_buildkitd() { delete_lines cmd/buildkitd/main.go 'remotecache/(azblob|s3)"' '(azblob|s3remotecache)\.Resolve'; }
slim_buildx() { delete_lines cmd/buildx/main.go 'buildx/driver/(kubernetes|cloud)"' 'client-go/plugin/pkg/client/auth/oidc"'; }
slim_compose() { delete_lines pkg/compose/build_buildkit.go 'buildx/driver/kubernetes"'; }
slim_registry() { cp "$E2E_DIR/registry/main.go" cmd/registry/main.go; }

# go_build OUT MODULE@VERSION PACKAGE LDFLAGS TAGS [PATCH]: build one static binary into $CACHE/bin/OUT.
# With PATCH (a function), a copy of the module is built, after PATCH ran in it.
go_build() {
  local out=$1 modver=$2 pkg=$3 ldflags=$4 tags=$5 patch=${6:-} dir src=""
  dir=$(module_dir "$modver")
  [ -d "$dir" ] || { echo "no module directory for $modver"; return 1; }
  if [ -n "$patch" ]; then
    src="$CACHE/tmp/src-$out"
    rm -rf "$src"; mkdir -p "$CACHE/tmp"; cp -r "$dir" "$src"; chmod -R u+w "$src"
    (cd "$src" && "$patch")
    dir=$src
  fi
  cd "$dir"
  # Resolve and download exactly the modules the package needs (network, retried), then build offline.
  retry go list -deps -tags "$tags" "$pkg" >/dev/null
  local TIMEFORMAT="go-build-time $out: %R s wall, %U s user, %S s sys"
  time GOPROXY=off nice -n 10 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$CACHE/bin/$out.tmp" "$pkg"
  mv "$CACHE/bin/$out.tmp" "$CACHE/bin/$out"
  cd /
  if [ -n "$src" ]; then rm -rf "$src"; fi
}

# ensure_bin NAME VERSION MODULE PACKAGE LDFLAGS TAGS [PATCH]: $CACHE/bin/NAME-VERSION-slim (patched) or
# $CACHE/bin/NAME-VERSION (upstream), built only when neither exists; $CACHE/bin/NAME links to it.
ensure_bin() {
  local name=$1 ver=$2 mod=$3 pkg=$4 ldflags=$5 tags=$6 patch=${7:-} file
  [ "${DOCKERSTACK_SLIM:-1}" = 1 ] || patch=""
  for file in "$name-$ver${patch:+-slim}" "$name-$ver-slim" "$name-$ver"; do
    if [ -x "$CACHE/bin/$file" ]; then
      say "$name $ver cached ($CACHE/bin/$file)"
      ln -sfn "$file" "$CACHE/bin/$name"
      return 0
    fi
  done
  file="$name-$ver"
  if [ -n "$patch" ]; then
    capture step "go build $name $ver, slimmed ($mod, nice)" go_build "$file-slim" "$mod@$ver" "$pkg" "$ldflags" "$tags" "$patch"
    if [ "$CAPTURED_RC" -eq 0 ]; then file="$file-slim"; else patch=""; say "slimmed build failed: building upstream $name"; fi
  fi
  if [ -z "$patch" ]; then
    step "go build $name $ver ($mod, nice)" go_build "$file" "$mod@$ver" "$pkg" "$ldflags" "$tags"
  fi
  BUILT+=("$name")
  ln -sfn "$file" "$CACHE/bin/$name"
  say "  $(grep "^go-build-time $file:" "$LOG" | tail -n 1 | cut -d' ' -f2-) (compile only; CPU time is the comparable figure on a shared machine)"
}

BUILT=()
t_bins=$(_now)
BK_PKG=github.com/moby/buildkit
ensure_bin buildkitd "$BUILDKIT_VERSION" "$BK_PKG" ./cmd/buildkitd \
  "-X $BK_PKG/version.Version=$BUILDKIT_VERSION -X $BK_PKG/version.Package=$BK_PKG" "osusergo netgo static_build" slim_buildkitd
ensure_bin buildctl "$BUILDKIT_VERSION" "$BK_PKG" ./cmd/buildctl \
  "-X $BK_PKG/version.Version=$BUILDKIT_VERSION -X $BK_PKG/version.Package=$BK_PKG" "osusergo netgo static_build"
ensure_bin dockerfile-frontend "$BUILDKIT_VERSION" "$BK_PKG" ./frontend/dockerfile/cmd/dockerfile-frontend \
  "-X main.Version=buildkit-$BUILDKIT_VERSION" "osusergo netgo static_build"
ensure_bin docker-buildx "$BUILDX_VERSION" github.com/docker/buildx ./cmd/buildx \
  "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION -X github.com/docker/buildx/version.Package=github.com/docker/buildx" "" slim_buildx
ensure_bin docker-compose "$COMPOSE_VERSION" github.com/docker/compose/v2 ./cmd \
  "-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" "" slim_compose
ensure_bin registry "$REGISTRY_VERSION" github.com/distribution/distribution/v3 ./cmd/registry \
  "-X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION" "" slim_registry
if [ "${#BUILT[@]}" -gt 0 ]; then
  say "built ${BUILT[*]} in $(_elapsed "$t_bins") (cold Go build)"
  # The Go module and build caches (~5 GB) only serve these builds: drop them unless asked to keep them.
  if [ "${DOCKERSTACK_KEEP_GO_CACHE:-0}" != 1 ]; then
    drop_go_caches() { go clean -cache && go clean -modcache && rm -rf "$CACHE/go"; }
    step "remove the Go module and build caches under $CACHE/go (DOCKERSTACK_KEEP_GO_CACHE=1 keeps them)" drop_go_caches
  fi
fi

# busybox (static) for the probe image used by the verification: extracted from Debian's package, not installed.
fetch_busybox() {
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && retry apt-get download "$BUSYBOX_DEB")
  dpkg-deb -x "$tmp"/*.deb "$tmp/x"
  install -m 0755 "$tmp/x/bin/busybox" "$CACHE/bin/busybox-static"
  rm -rf "$tmp"
}
if [ ! -x "$CACHE/bin/busybox-static" ]; then
  step "fetch static busybox (Debian $BUSYBOX_DEB, for the probe image)" fetch_busybox
fi

# CLI plugins for /usr/bin/docker
install_plugin() {
  local src=$CACHE/bin/$1 dst=$PLUGINS_DIR/$1
  if ! cmp -s "$src" "$dst"; then install -m 0755 "$(readlink -f "$src")" "$dst"; say "installed $dst"; fi
}
install_plugin docker-buildx
install_plugin docker-compose

# ---------------------------------------------------------------------------------------------- daemons
# running PIDFILE: the pid in PIDFILE is alive and is one of our binaries (a pid file left over from before a
# reboot may name an unrelated process: that one is never signalled)
running() {
  local pid exe
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ $exe == "$CACHE/bin/"* ]]
}

# stop_daemon PIDFILE NAME: TERM the daemon this script started, wait for it (bounded), KILL as last resort.
stop_daemon() {
  local pid i
  running "$1" || { rm -f "$1"; return 0; }
  pid=$(cat "$1")
  say "stopping $2 (pid $pid)"
  kill -TERM "$pid"
  for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  rm -f "$1"
}

# wait_for SECONDS PIDFILE LOG command...: poll command until it succeeds; fail if the daemon dies.
wait_for() {
  local secs=$1 pidfile=$2 log=$3 i; shift 3
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! running "$pidfile"; then echo "daemon exited; end of $log:"; tail -n 30 "$log"; return 1; fi
    sleep 0.25
  done
  echo "no answer within ${secs}s; end of $log:"; tail -n 30 "$log"; return 1
}

# write_if_changed FILE: replace FILE with stdin when different; status 0 if it changed.
write_if_changed() {
  local new; new=$(cat)
  if [ -f "$1" ] && [ "$(cat "$1")" = "$new" ]; then return 1; fi
  printf '%s\n' "$new" >"$1"
}

# --- registry
registry_changed=0
write_if_changed "$REGISTRY_CONFIG" <<EOC && registry_changed=1
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
EOC
registry_ok() { curl -fs -o /dev/null "http://$REGISTRY_ADDR/v2/"; }
start_registry() {
  daemonize "$REG_DIR/registry.log" "$(readlink -f "$CACHE/bin/registry")" serve "$REGISTRY_CONFIG"
  echo $! >"$REGISTRY_PID"
  wait_for 30 "$REGISTRY_PID" "$REG_DIR/registry.log" registry_ok
}
if running "$REGISTRY_PID" && [ "$registry_changed" = 0 ] && [ "$(readlink "/proc/$(cat "$REGISTRY_PID")/exe")" = "$(readlink -f "$CACHE/bin/registry")" ] && registry_ok; then
  say "registry answers at $REGISTRY_ADDR (skip start)"
else
  stop_daemon "$REGISTRY_PID" registry
  registry_ok && die "something else already serves http://$REGISTRY_ADDR/v2/ (set DOCKERSTACK_REGISTRY)"
  step "start registry $REGISTRY_VERSION on $REGISTRY_ADDR (data: $REG_DIR/data)" start_registry
fi

# --- buildkitd
buildkitd_config() {
  cat <<EOC
# generated by e2e/setup-buildkit.sh
root = "$BK_DIR/state"
[log]
  format = "text"
[grpc]
  address = ["$BUILDKIT_HOST"]
[worker.oci]
  enabled = true
  binary = "runc"
  gc = true
  maxUsedSpace = "20GB"
[worker.containerd]
  enabled = false
[registry."$REGISTRY_ADDR"]
  http = true
EOC
  local r
  for r in "${MIRRORED_REGISTRIES[@]}"; do
    printf '[registry."%s"]\n  mirrors = ["%s/%s"]\n' "$r" "$REGISTRY_ADDR" "$r"
  done
}
buildkitd_changed=0
buildkitd_config | write_if_changed "$BUILDKITD_CONFIG" && buildkitd_changed=1
buildctl_ok() { buildctl --addr "$BUILDKIT_HOST" debug workers; }
start_buildkitd() {
  daemonize "$BK_DIR/buildkitd.log" "$(readlink -f "$CACHE/bin/buildkitd")" --config "$BUILDKITD_CONFIG"
  echo $! >"$BUILDKITD_PID"
  wait_for 60 "$BUILDKITD_PID" "$BK_DIR/buildkitd.log" buildctl_ok
}
if running "$BUILDKITD_PID" && [ "$buildkitd_changed" = 0 ] && [ "$(readlink "/proc/$(cat "$BUILDKITD_PID")/exe")" = "$(readlink -f "$CACHE/bin/buildkitd")" ] && buildctl_ok >/dev/null 2>&1; then
  say "buildkitd answers at $BUILDKIT_HOST (skip start)"
else
  stop_daemon "$BUILDKITD_PID" buildkitd
  step "start buildkitd $BUILDKIT_VERSION (OCI worker, runc $(runc --version | sed -n 's/^runc version //p')) on $BUILDKIT_HOST" start_buildkitd
fi

# --- buildx builder (remote driver), made the default builder for /usr/bin/docker
builder_endpoint() { "$DOCKER" buildx inspect "$BUILDER_NAME" 2>/dev/null | sed -n 's/^Endpoint: *//p' | head -n 1; }
make_builder() {
  "$DOCKER" buildx rm "$BUILDER_NAME" >/dev/null 2>&1 || true
  "$DOCKER" buildx create --name "$BUILDER_NAME" --driver remote "$BUILDKIT_HOST"
  "$DOCKER" buildx inspect --bootstrap "$BUILDER_NAME"
}
if [ "$(builder_endpoint)" = "$BUILDKIT_HOST" ]; then
  say "buildx builder '$BUILDER_NAME' (remote driver) exists (skip create)"
else
  step "create buildx builder '$BUILDER_NAME' (driver remote -> $BUILDKIT_HOST)" make_builder
fi

# The default builder of /usr/bin/docker (so plain `docker buildx build` and `docker compose build` use it),
# unless DOCKERSTACK_BUILDX_USE=0 (then select it with BUILDX_BUILDER, as e2e/env.sh does).
if [ "${DOCKERSTACK_BUILDX_USE:-1}" = 1 ]; then "$DOCKER" buildx use --default "$BUILDER_NAME"; fi

# --- the Dockerfile frontend image: `# syntax=docker/dockerfile:1` resolves to docker.io/docker/dockerfile:1,
# mirrored to the local registry, where this image (the frontend built from the same BuildKit source) lives.
FRONTEND_IMAGE=docker/dockerfile
push_frontend() {
  local tmp tag; tmp=$(mktemp -d)
  mkdir -p "$tmp/bin"
  cp "$(readlink -f "$CACHE/bin/dockerfile-frontend")" "$tmp/bin/dockerfile-frontend"
  tar -C "$tmp" -c bin | "$DOCKER" import \
    --change 'ENTRYPOINT ["/bin/dockerfile-frontend"]' \
    --change 'LABEL moby.buildkit.frontend.network.none="true"' \
    --change 'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts,moby.buildkit.frontend.gitquerystring,moby.buildkit.frontend.contexts.zstd"' \
    --change "LABEL org.dockerstack.standin=true org.dockerstack.real-version=buildkit-$BUILDKIT_VERSION" \
    - "$FRONTEND_IMAGE:buildkit-$BUILDKIT_VERSION"
  rm -rf "$tmp"
  for tag in "buildkit-$BUILDKIT_VERSION" 1 latest; do
    "$DOCKER" tag "$FRONTEND_IMAGE:buildkit-$BUILDKIT_VERSION" "$(mirror_ref "$FRONTEND_IMAGE:$tag")"
    "$DOCKER" push "$(mirror_ref "$FRONTEND_IMAGE:$tag")"
    "$DOCKER" tag "$FRONTEND_IMAGE:buildkit-$BUILDKIT_VERSION" "$FRONTEND_IMAGE:$tag"
  done
}
if registry_has "$FRONTEND_IMAGE:buildkit-$BUILDKIT_VERSION" && registry_has "$FRONTEND_IMAGE:1"; then
  say "frontend image $FRONTEND_IMAGE:1 (buildkit $BUILDKIT_VERSION) in the local registry (skip)"
else
  step "push Dockerfile frontend stand-in $FRONTEND_IMAGE:1 to the local registry" push_frontend
fi

# ---------------------------------------------------------------------------------------------- verify
if [ "$VERIFY" = 1 ]; then
  "$E2E_DIR/verify-buildkit.sh"
fi

script_done "BuildKit $(buildctl --addr "$BUILDKIT_HOST" debug info 2>/dev/null | awk '/^BuildKit:/ {print $3; exit}'), buildx $("$DOCKER" buildx version | awk '{print $2}'), compose $("$DOCKER" compose version --short)"
