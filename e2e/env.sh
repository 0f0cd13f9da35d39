# shellcheck shell=bash
# Source this in the e2e suite (after e2e/setup.sh): `source e2e/env.sh`.
# Puts Debian's docker client (20.10, with the buildx and compose plugins built by setup-buildkit.sh) first
# on PATH (/usr/local/bin/docker is another client, without buildx), selects the remote BuildKit builder,
# and exports where things are.
_dockerstack_e2e="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKERSTACK_CACHE="${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}"
mkdir -p "$DOCKERSTACK_CACHE/shims"
ln -sfn /usr/bin/docker "$DOCKERSTACK_CACHE/shims/docker"
case ":$PATH:" in
  *":$DOCKERSTACK_CACHE/shims:"*) ;;
  *) PATH="$DOCKERSTACK_CACHE/shims:$DOCKERSTACK_CACHE/bin:$PATH" ;;
esac
export PATH DOCKERSTACK_CACHE
export DOCKER=/usr/bin/docker DOCKER_BUILDKIT=1
export BUILDX_BUILDER="${DOCKERSTACK_BUILDER:-dockerstack}"
export BUILDKIT_HOST="unix://${DOCKERSTACK_BUILDKIT_SOCK:-/run/dockerstack/buildkitd.sock}"
export DOCKERSTACK_REGISTRY="${DOCKERSTACK_REGISTRY:-127.0.0.1:5959}"
# ensure-image REF...: stand-in base images (exit 3 = Alpine, cannot be built here: static checks only)
ensure-image() { "$_dockerstack_e2e/base-images.sh" ensure-image "$@"; }
