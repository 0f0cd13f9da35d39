#!/usr/bin/env bash
# Install and start the Docker engine (Debian's docker.io 20.10) plus debootstrap.
# Idempotent: packages are installed only when missing, dockerd is started only when `docker info` fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PACKAGES=(docker.io debootstrap ca-certificates curl xz-utils)
DOCKERD_LOG="$CACHE/dockerd.log"
DOCKERD_WAIT=${DOCKERD_WAIT:-60}

script_start
[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts dockerd)"
lock engine

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

apt_install() {
  # Keep the package's init script from starting dockerd: this script starts it itself.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 0755 "$policy"; created=1
  fi
  local rc=0
  retry apt-get install -y -q --no-install-recommends "$@" || rc=$?
  [ "$created" -eq 1 ] && rm -f "$policy"
  return "$rc"
}

mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" -gt 0 ]; then
  step "apt-get update" retry apt-get update -q
  step "apt-get install ${MISSING[*]}" apt_install "${MISSING[@]}"
else
  say "packages present: ${PACKAGES[*]} (skip apt)"
fi

docker_ok() { "$DOCKER" info >/dev/null 2>&1; }

start_dockerd() {
  local pid
  if [ -s /var/run/docker.pid ] && pid=$(cat /var/run/docker.pid) && kill -0 "$pid" 2>/dev/null; then
    echo "dockerd already running as pid $pid, waiting for it"
  else
    echo "starting dockerd, log: $DOCKERD_LOG"
    daemonize "$DOCKERD_LOG" dockerd
    pid=$!
  fi
  local i
  for ((i = 0; i < DOCKERD_WAIT * 2; i++)); do
    if docker_ok; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dockerd (pid $pid) exited; end of $DOCKERD_LOG:"; tail -n 30 "$DOCKERD_LOG"; return 1
    fi
    sleep 0.5
  done
  echo "dockerd did not answer within ${DOCKERD_WAIT}s; end of $DOCKERD_LOG:"; tail -n 30 "$DOCKERD_LOG"
  return 1
}

if docker_ok; then
  say "dockerd answers (skip start)"
else
  step "start dockerd and wait for it (<= ${DOCKERD_WAIT}s)" start_dockerd
fi

server=$("$DOCKER" version --format '{{.Server.Version}}')
driver=$("$DOCKER" info --format '{{.Driver}}')
script_done "docker client $("$DOCKER" version --format '{{.Client.Version}}') at $DOCKER, engine $server, storage $driver"
