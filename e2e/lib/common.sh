# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# Shared helpers for the e2e environment scripts. Source it; do not execute it.
#
#   CACHE      ${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}: everything downloaded or built lives here
#   DOCKER     the Debian docker client (20.10). /usr/local/bin/docker is another client without buildx.
#   step MSG CMD...   run CMD (output to the script's log), print one line with the outcome and duration
#   retry CMD...      run CMD up to 3 times with backoff (network steps)

CACHE="${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}"
DOCKER=/usr/bin/docker
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOCKER_BUILDKIT=1
export DEBIAN_FRONTEND=noninteractive

mkdir -p "$CACHE/logs" "$CACHE/locks" "$CACHE/bin"

_E2E_TAG="${_E2E_TAG:-$(basename "${0%.sh}")}"
LOG="${LOG:-$CACHE/logs/$_E2E_TAG.log}"

_now() { date +%s%N; }
# _elapsed START_NS -> "12.3s"
_elapsed() {
  local ms=$(( ($(_now) - $1) / 1000000 ))
  printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100))
}

say() { printf '[%s] %s\n' "$_E2E_TAG" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# step "description" command [args...]
# The command runs in a subshell with errexit on, its output appended to $LOG.
# One line is printed: "description ... ok (3.4s)" or "... FAILED" with the log's tail.
step() {
  local msg=$1; shift
  local t0 rc
  t0=$(_now)
  printf '[%s] %s ... ' "$_E2E_TAG" "$msg" >&2
  printf '\n### %s  %s\n' "$(date -Is)" "$msg" >>"$LOG"
  set +e
  (set -e; "$@") >>"$LOG" 2>&1 </dev/null
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    printf 'ok (%s)\n' "$(_elapsed "$t0")" >&2
  else
    printf 'FAILED after %s (exit %d); last lines of %s:\n' "$(_elapsed "$t0")" "$rc" "$LOG" >&2
    tail -n 25 "$LOG" | sed 's/^/    /' >&2
  fi
  return "$rc"
}

# capture command [args...]: run command in a subshell with errexit in force and put its exit status in
# CAPTURED_RC. Use it instead of `cmd || rc=$?` / `if cmd` for functions that do work: bash ignores
# `set -e` inside anything called from a condition, so a failing step in there would go unnoticed.
# Call step and capture themselves only as plain commands, never as conditions.
CAPTURED_RC=0
capture() {
  set +e
  (set -e; "$@")
  CAPTURED_RC=$?
  set -e
}

# retry command [args...]: 3 tries, 3 s then 9 s between them.
retry() {
  local n=1 delay=3
  while true; do
    if "$@"; then return 0; fi
    if [ "$n" -ge 3 ]; then
      echo "retry: giving up after $n tries: $*" >&2
      return 1
    fi
    echo "retry: try $n failed, again in ${delay}s: $*" >&2
    sleep "$delay"
    n=$((n + 1)); delay=$((delay * 3))
  done
}

# lock NAME: take an exclusive lock held until the calling process exits
# (serialises concurrent runs, e.g. parallel ensure-image calls).
_E2E_LOCK_FDS=""
lock() {
  local fd
  exec {fd}>"$CACHE/locks/$1.lock"
  flock "$fd"
  _E2E_LOCK_FDS="$_E2E_LOCK_FDS $fd"
}

# daemonize LOGFILE command...: start a long-running daemon in its own session, detached from
# this script (stdin closed, output appended to LOGFILE, lock descriptors not inherited).
# Its pid is in $! afterwards.
daemonize() {
  local log=$1; shift
  (
    for fd in $_E2E_LOCK_FDS; do eval "exec $fd>&-"; done
    exec setsid nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
}

# Script-level timer: call script_start first, script_done last.
script_start() { _E2E_T0=$(_now); say "start (cache: $CACHE, log: $LOG)"; }
script_done() { say "done in $(_elapsed "$_E2E_T0")${1:+: $1}"; }

# ---- BuildKit / registry layout (shared by setup-buildkit.sh, base-images.sh, env.sh) ----
# A local registry holds the base-image stand-ins and the Dockerfile frontend image: BuildKit (remote
# buildx driver) cannot see the engine's image store, so it pulls FROM images through registry mirrors.
REGISTRY_ADDR="${DOCKERSTACK_REGISTRY:-127.0.0.1:5959}"
BUILDKIT_SOCK="${DOCKERSTACK_BUILDKIT_SOCK:-/run/dockerstack/buildkitd.sock}"
BUILDKIT_HOST="unix://$BUILDKIT_SOCK"
BUILDER_NAME="${DOCKERSTACK_BUILDER:-dockerstack}"
# Upstream registries that BuildKit resolves through the local registry (path-prefixed: <addr>/<upstream>/...).
MIRRORED_REGISTRIES=(docker.io gcr.io ghcr.io quay.io mcr.microsoft.com public.ecr.aws registry.k8s.io)

# canonical_ref REF -> fully qualified name:tag, e.g. node:22-trixie-slim -> docker.io/library/node:22-trixie-slim
canonical_ref() {
  local ref=$1 name tag first
  if [[ $ref == *@* ]]; then name=${ref%%@*}; tag="@${ref#*@}"
  elif [[ ${ref##*/} == *:* ]]; then name=${ref%:*}; tag=":${ref##*:}"
  else name=$ref; tag=":latest"
  fi
  first=${name%%/*}
  if [[ $name != */* ]]; then name="docker.io/library/$name"
  elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then name="docker.io/$name"
  fi
  printf '%s%s\n' "$name" "$tag"
}

# mirror_ref REF -> where BuildKit finds REF in the local registry, e.g. 127.0.0.1:5959/docker.io/library/node:22
mirror_ref() { printf '%s/%s\n' "$REGISTRY_ADDR" "$(canonical_ref "$1")"; }

# registry_has REF: REF's manifest is in the local registry
registry_has() {
  local c name tag
  c=$(canonical_ref "$1"); name=${c%:*}; tag=${c##*:}
  curl -fs -o /dev/null -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://$REGISTRY_ADDR/v2/$name/manifests/$tag"
}

# publish_image REF: push the engine's image REF to the local registry, where BuildKit finds it.
publish_image() {
  local m; m=$(mirror_ref "$1")
  "$DOCKER" tag "$1" "$m"
  retry "$DOCKER" push "$m" >/dev/null
  "$DOCKER" rmi "$m" >/dev/null
}
