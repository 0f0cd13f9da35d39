#!/usr/bin/env bash
# The whole e2e environment, idempotently: the Docker engine (setup-engine.sh), then BuildKit, buildx,
# compose, the local registry and the remote buildx builder (setup-buildkit.sh, which verifies them).
# Base images are not made here: the suite ensures them per case with `base-images.sh ensure-image REF...`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

script_start
"$E2E_DIR/setup-engine.sh"
"$E2E_DIR/setup-buildkit.sh"

export PATH="$CACHE/bin:$PATH"
bk=$(buildctl --addr "$BUILDKIT_HOST" debug info 2>/dev/null | awk '/^BuildKit:/ {print $3; exit}')
{
  echo "summary:"
  echo "  docker client   $DOCKER $("$DOCKER" version --format '{{.Client.Version}}') (engine $("$DOCKER" version --format '{{.Server.Version}}'), $("$DOCKER" info --format '{{.Driver}}'))"
  echo "  BuildKit        ${bk:-?} at $BUILDKIT_HOST (log: $CACHE/buildkit/buildkitd.log)"
  echo "  buildx          $("$DOCKER" buildx version | awk '{print $2}'), builder '$BUILDER_NAME' (remote driver)"
  echo "  compose         $("$DOCKER" compose version --short)"
  echo "  registry        http://$REGISTRY_ADDR (mirror for: ${MIRRORED_REGISTRIES[*]})"
  echo "  cache           $CACHE (binaries: $(du -sh "$CACHE/bin" 2>/dev/null | cut -f1))"
  echo "  next            source e2e/env.sh; e2e/base-images.sh ensure-image node:22-trixie-slim ..."
} >&2
script_done "environment ready"
