// Base image catalog: every image reference the generators write comes from here.
// Tags are pinned to a release line (or the project's exact pin); Debian 13 (trixie) throughout.

export const DEBIAN = { codename: 'trixie', distroless: 'debian13' } as const;

export interface User {
  uid: number;
  gid: number;
}

export interface RuntimeImage {
  /** Full reference, e.g. gcr.io/distroless/nodejs26-debian13:nonroot */
  ref: string;
  /** The runtime user that exists in the image. */
  user: User;
  /** false on distroless and scratch: no /bin/sh, so only exec-form commands work. */
  shell: boolean;
  /** Absolute path (or PATH name) of the language runtime in the image, for exec-form commands. */
  runtimeBin?: string;
  /** The image's own ENTRYPOINT, which an exec-form CMD is appended to. */
  entrypoint?: string[];
}

export const NONROOT: User = { uid: 65532, gid: 65532 };

export const NODE_RUNTIMES = ['distroless', 'slim', 'alpine'] as const;
export type NodeRuntime = (typeof NODE_RUNTIMES)[number];

/** The Node build image: full (compilers, python) when native modules must compile, else slim. */
export function nodeBuildImage(tag: string, native: boolean): string {
  return `node:${tag}-${DEBIAN.codename}${native ? '' : '-slim'}`;
}

/**
 * The Node runtime image. `tag` and `line` may be ARG references (`${NODE_VERSION}`): distroless images
 * are named by the release line only, slim and alpine by the tag.
 */
export function nodeRuntimeImage(tag: string, line: string, runtime: NodeRuntime): RuntimeImage {
  switch (runtime) {
    case 'distroless':
      return {
        ref: `gcr.io/distroless/nodejs${line}-${DEBIAN.distroless}:nonroot`,
        user: NONROOT,
        shell: false,
        runtimeBin: '/nodejs/bin/node',
        entrypoint: ['/nodejs/bin/node'],
      };
    case 'slim':
      return { ref: `node:${tag}-${DEBIAN.codename}-slim`, user: { uid: 1000, gid: 1000 }, shell: true, runtimeBin: 'node' };
    case 'alpine':
      return { ref: `node:${tag}-alpine`, user: { uid: 1000, gid: 1000 }, shell: true, runtimeBin: 'node' };
  }
}

/**
 * Bun's official images (oven/bun; `tag` may be an ARG reference). Builds run on the Debian slim image (or
 * alpine). The distroless one (base-nossl + bun) sets no USER: the runtime stage runs distroless's nonroot
 * 65532; the Debian and Alpine images have the user bun (1000).
 */
export const BUN_BIN = '/usr/local/bin/bun';
export function bunBuildImage(tag: string, alpine: boolean): string {
  return `oven/bun:${tag}-${alpine ? 'alpine' : 'slim'}`;
}
export function bunRuntimeImage(tag: string, runtime: NodeRuntime): RuntimeImage {
  if (runtime === 'distroless')
    return { ref: `oven/bun:${tag}-distroless`, user: NONROOT, shell: false, runtimeBin: BUN_BIN, entrypoint: [BUN_BIN] };
  return { ref: `oven/bun:${tag}-${runtime}`, user: { uid: 1000, gid: 1000 }, shell: true, runtimeBin: BUN_BIN };
}

/** The unprivileged NGINX image for static front ends (runs as uid 101, listens on 8080). */
export const NGINX_UNPRIVILEGED: RuntimeImage = {
  ref: 'nginxinc/nginx-unprivileged:1.29',
  user: { uid: 101, gid: 101 },
  shell: true,
};

/** tini from Debian: its static binary is copied into runtime images as PID 1 (forwards SIGTERM, reaps zombies). */
export const TINI = { apt: 'tini=0.19.*', staticPath: '/usr/bin/tini-static', target: '/usr/local/bin/tini' } as const;

export const GO_RUNTIMES = ['distroless', 'scratch', 'alpine'] as const;
export type GoRuntime = (typeof GO_RUNTIMES)[number];

/** The Go build image: the full Debian image, which has git (modules) and gcc (cgo). */
export function goBuildImage(tag: string): string {
  return `golang:${tag}-${DEBIAN.codename}`;
}

/** Alpine release line for `--runtime alpine` (Go binaries need nothing from it but a shell for debugging). */
export const ALPINE = { version: '3.22' } as const;

/**
 * The Go runtime image. A cgo-free binary is static and runs on distroless static or scratch; a cgo binary
 * links glibc dynamically and needs distroless base (glibc, libssl) or cc (plus libgcc and libstdc++, for C++).
 * `alpineTag` may be an ARG reference.
 */
export function goRuntimeImage(runtime: GoRuntime, libc: 'static' | 'base' | 'cc', alpineTag: string = ALPINE.version): RuntimeImage {
  switch (runtime) {
    case 'distroless':
      return { ref: `gcr.io/distroless/${libc}-${DEBIAN.distroless}:nonroot`, user: NONROOT, shell: false };
    case 'scratch':
      return { ref: 'scratch', user: NONROOT, shell: false };
    case 'alpine':
      return { ref: `alpine:${alpineTag}`, user: NONROOT, shell: true };
  }
}

export const PYTHON_RUNTIMES = ['slim', 'distroless', 'alpine'] as const;
export type PythonRuntime = (typeof PYTHON_RUNTIMES)[number];

/**
 * Python images. The virtual environment is built in an image with the same Python at the same path as the
 * runtime's: python:*-slim-trixie for slim, python:*-alpine for alpine (musl), and Debian's own python3
 * (/usr/bin/python3) on debian:trixie-slim for distroless python3-debian13, which is Debian's Python.
 */
export const PYTHON = {
  /** The Python that distroless python3-debian13 ships (Debian trixie's python3). */
  distrolessLine: '3.13',
  debianBuild: 'debian:${DEBIAN_VERSION}-slim',
  debianVersion: DEBIAN.codename,
  /** Apt packages for Debian's Python in the distroless build stage. */
  debianApt: ['python3=3.13.*', 'python3-venv=3.13.*'],
  alpineVersion: ALPINE.version,
  /** Where the virtual environment lives in every stage. */
  venv: '/opt/venv',
} as const;

/** The image the virtual environment is built in (tag may be an ARG reference). */
export function pythonBuildImage(tag: string, runtime: PythonRuntime): string {
  if (runtime === 'distroless') return PYTHON.debianBuild;
  return runtime === 'alpine' ? `python:${tag}-alpine\${ALPINE_VERSION}` : `python:${tag}-slim-${DEBIAN.codename}`;
}

/** The Python runtime image; slim and alpine run a numeric user created in the image. */
export function pythonRuntimeImage(tag: string, runtime: PythonRuntime): RuntimeImage {
  const app = { uid: 10001, gid: 10001 };
  switch (runtime) {
    case 'distroless':
      return { ref: `gcr.io/distroless/python3-${DEBIAN.distroless}:nonroot`, user: NONROOT, shell: false, runtimeBin: '/usr/bin/python3' };
    case 'slim':
      return { ref: `python:${tag}-slim-${DEBIAN.codename}`, user: app, shell: true, runtimeBin: '/usr/local/bin/python3' };
    case 'alpine':
      return { ref: `python:${tag}-alpine\${ALPINE_VERSION}`, user: app, shell: true, runtimeBin: '/usr/local/bin/python3' };
  }
}
