#!/usr/bin/env bash
# Runs shellcheck on the e2e scripts (installs Debian's shellcheck when missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

script_start
if ! command -v shellcheck >/dev/null; then
  step "apt-get update" retry apt-get update -q
  step "apt-get install shellcheck" retry apt-get install -y -q --no-install-recommends shellcheck
fi
cd "$E2E_DIR"
shellcheck -x -P SCRIPTDIR ./*.sh lib/*.sh
script_done "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): clean"
