#!/usr/bin/env bash
# Check the BuildKit setup end to end with a tiny Dockerfile that needs a current BuildKit:
# `# syntax=docker/dockerfile:1`, RUN --mount=type=secret, RUN --mount=type=cache, COPY --link, a heredoc;
# built with `docker buildx build --load`, `docker buildx build --check`, `docker compose build`, and
# with `buildctl ... --output type=docker | docker load` using the built-in frontend (syntax line ignored).
# shellcheck disable=SC2317  # functions invoked indirectly, through step/retry
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
export PATH="$CACHE/bin:$PATH" BUILDX_BUILDER="$BUILDER_NAME"

PROBE_BASE=dockerstack/probe:busybox
script_start
lock verify-buildkit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The probe base image: static busybox only (built locally, pushed to the local registry).
probe_base() {
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
  cp "$CACHE/bin/busybox-static" "$work/rootfs/bin/busybox"
  for app in sh cat echo test wc date ls mkdir; do ln -s busybox "$work/rootfs/bin/$app"; done
  chmod 1777 "$work/rootfs/tmp"
  tar -C "$work/rootfs" -c . | "$DOCKER" import --change 'CMD ["/bin/sh"]' - "$PROBE_BASE"
  publish_image "$PROBE_BASE"
}
if registry_has "$PROBE_BASE"; then say "probe base $PROBE_BASE in the local registry (skip)"
else step "probe base image $PROBE_BASE (static busybox) -> local registry" probe_base; fi

mkdir -p "$work/ctx"
cd "$work/ctx"
echo "hello from COPY --link" >hello.txt
printf 's3cret' >"$work/token"
cat >Dockerfile <<'DOCKERFILE'
# syntax=docker/dockerfile:1
FROM dockerstack/probe:busybox AS base
RUN --mount=type=secret,id=token,required=true test "$(cat /run/secrets/token)" = s3cret && echo secret-ok >/secret-ok
RUN --mount=type=cache,target=/cache echo run >>/cache/runs && wc -l </cache/runs >/cache-runs
COPY --link hello.txt /hello.txt
RUN <<EOT
echo heredoc-ok >/heredoc-ok
EOT
CMD ["cat", "/secret-ok", "/hello.txt", "/heredoc-ok"]
DOCKERFILE
cat >compose.yaml <<'YAML'
services:
  probe:
    build:
      context: .
      secrets: [token]
    image: dockerstack/probe-compose:latest
secrets:
  token:
    file: ../token
YAML

expect_out() { # expect_out WANT command...: run, require WANT in its output
  local want=$1 out; shift
  out=$("$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
  printf '%s\n' "$out"
  grep -q -- "$want" <<<"$out" || { echo "expected '$want' in the output above"; return 1; }
}

step "docker buildx build --load (syntax line, secret + cache mounts, COPY --link, heredoc)" \
  "$DOCKER" buildx build --progress=plain --load --secret id=token,src="$work/token" -t dockerstack/probe-buildx:latest .
step "docker run the buildx image" expect_out heredoc-ok "$DOCKER" run --rm dockerstack/probe-buildx:latest

# Build checks: the probe passes them; a lowercase `as` triggers FromAsCasing, and --check then exits 1.
sed 's/ AS base/ as base/' Dockerfile >Dockerfile.check
check_fails() {
  local out rc=0
  out=$("$DOCKER" buildx build --check -f Dockerfile.check . 2>&1) || rc=$?
  printf '%s\n' "$out"
  [ "$rc" -ne 0 ] || { echo "--check exited 0 despite the warning"; return 1; }
  grep -q 'WARNING: FromAsCasing' <<<"$out" || { echo "expected a FromAsCasing warning"; return 1; }
}
step "docker buildx build --check (probe: no warnings)" expect_out "no warnings found" "$DOCKER" buildx build --check .
step "docker buildx build --check (lowercase 'as': FromAsCasing, exit 1)" check_fails

# compose >= 2.37 builds through `buildx bake`, which refuses to read files outside the build context
# (here the secret ../token, like a secret from ~/.npmrc) unless granted: compose passes no --allow for
# secrets, so such a build fails unless BUILDX_BAKE_ENTITLEMENTS_FS=0. Both behaviours are checked.
compose_refuses() {
  local out rc=0
  out=$("$DOCKER" compose --progress=plain build 2>&1) || rc=$?
  printf '%s\n' "$out"
  [ "$rc" -ne 0 ] && grep -q 'additional privileges requested' <<<"$out"
}
step "docker compose build, secret outside the context: refused (bake fs entitlement)" compose_refuses
step "docker compose build with BUILDX_BAKE_ENTITLEMENTS_FS=0" \
  env BUILDX_BAKE_ENTITLEMENTS_FS=0 "$DOCKER" compose --progress=plain build
step "docker run the compose image" expect_out "hello from COPY --link" "$DOCKER" run --rm dockerstack/probe-compose:latest

# buildctl with the built-in dockerfile.v0 frontend: `--opt cmdline=...` makes it skip the `# syntax=`
# forwarding (the directive names an image that exists nowhere here, to prove it is ignored).
sed 's|^# syntax=.*|# syntax=example.invalid/no-such-frontend:1|' Dockerfile >Dockerfile.builtin
buildctl_docker() {
  buildctl --addr "$BUILDKIT_HOST" build --progress=plain --frontend dockerfile.v0 --opt cmdline=builtin \
    --opt filename=Dockerfile.builtin --local context=. --local dockerfile=. \
    --secret id=token,src="$work/token" \
    --output type=docker,name=dockerstack/probe-buildctl:latest | "$DOCKER" load
}
step "buildctl --frontend dockerfile.v0 --opt cmdline=... | docker load (syntax line ignored)" buildctl_docker
step "docker run the buildctl image" expect_out secret-ok "$DOCKER" run --rm dockerstack/probe-buildctl:latest

script_done "BuildKit $(buildctl --addr "$BUILDKIT_HOST" debug info | awk '/^BuildKit:/ {print $3; exit}') OK"
