// Docker and BuildKit helpers shared by the end-to-end suite (e2e/run.ts) and the benchmarks (bench/run.ts):
// processes, the buildx builder, base-image stand-ins, and what BuildKit's plain progress output says.
import { spawn } from 'node:child_process';
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/helpers/fixtures.ts';

/** Debian's client (20.10) with the buildx plugin; /usr/local/bin/docker has no buildx. */
export const DOCKER = process.env.DOCKER ?? '/usr/bin/docker';
export const BUILDER = process.env.DOCKERSTACK_BUILDER ?? 'dockerstack';

export interface Run {
  code: number;
  out: string;
  ms: number;
}

export interface ShOptions {
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Runs a command; stdout and stderr together, exit code and wall time. Never throws. */
export function sh(cmd: string, args: string[], opts: ShOptions = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, DOCKER_BUILDKIT: '1', BUILDX_NO_DEFAULT_ATTESTATIONS: '1', ...opts.env },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    if (opts.input !== undefined) child.stdin.end(opts.input);
    child.on('error', (error) => {
      out += String(error);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? 1, out, ms: Date.now() - t0 });
    });
  });
}

export const docker = (args: string[], opts?: ShOptions) => sh(DOCKER, args, opts);
export const tail = (text: string, n = 25) => text.trim().split('\n').slice(-n).join('\n');

/** The global ARG defaults of a Dockerfile (those before the first FROM), with `overrides` (build args) applied. */
export function globalArgs(dockerfile: string, overrides: Record<string, string> = {}): Map<string, string> {
  const args = new Map<string, string>();
  for (const line of dockerfile.split('\n')) {
    if (/^FROM\s/i.test(line)) break;
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg) args.set(arg[1], arg[2]);
  }
  for (const [name, value] of Object.entries(overrides)) args.set(name, value);
  return args;
}

export interface Stage {
  /** The image or stage this stage starts from, with global ARGs substituted. */
  from: string;
  name?: string;
}

/** The stages of a Dockerfile in order, their FROM references resolved against the global ARGs. */
export function stages(dockerfile: string, overrides: Record<string, string> = {}): Stage[] {
  const args = globalArgs(dockerfile, overrides);
  const list: Stage[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) list.push({ from: from[1].replace(/\$\{?(\w+)\}?/g, (_, n) => args.get(n) ?? ''), name: from[2] });
  }
  return list;
}

/** The base images a Dockerfile names, with the global ARG defaults (and `overrides`) applied. */
export function baseImages(dockerfile: string, overrides: Record<string, string> = {}): string[] {
  const seen = new Set<string>();
  const images: string[] = [];
  for (const stage of stages(dockerfile, overrides)) {
    if (!seen.has(stage.from) && stage.from !== 'scratch') images.push(stage.from);
    if (stage.name) seen.add(stage.name);
  }
  return [...new Set(images)];
}

/** The external image the final stage (or `target`) is built on, following FROM <stage> chains; 'scratch' too. */
export function runtimeBase(dockerfile: string, target?: string, overrides: Record<string, string> = {}): string | undefined {
  const list = stages(dockerfile, overrides);
  const byName = new Map(list.filter((s) => s.name).map((s) => [s.name as string, s]));
  let stage = target ? byName.get(target) : list.at(-1);
  for (let hops = 0; stage && hops < list.length; hops++) {
    const next = byName.get(stage.from);
    if (!next) return stage.from;
    stage = next;
  }
  return undefined;
}

/** Builds or reuses the local stand-ins of official base images (exit 3: Alpine, cannot be built here). */
export function ensureImages(images: string[]): Promise<Run> {
  return sh('bash', [join(ROOT, 'e2e', 'base-images.sh'), 'ensure-image', ...images], { timeoutMs: 20 * 60_000 });
}

/** `--secret id=ID,src=FILE` for each build secret. */
export const secretArgs = (secrets: Record<string, string>) =>
  Object.entries(secrets).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]);

/**
 * `docker buildx build --load` through the dockerstack builder, with plain progress output: one stage
 * (`target`), or the last one when `target` is undefined.
 */
export function build(
  dir: string,
  tag: string,
  target: string | undefined,
  secrets: Record<string, string>,
  opts: { extra?: string[]; timeoutMs?: number; file?: string } = {},
): Promise<Run> {
  const stage = target ? ['--target', target] : [];
  // A Dockerfile that is not the context's own (a workspace member's, built from the workspace root).
  const file = opts.file ? ['-f', opts.file] : [];
  return docker(
    [
      'buildx',
      'build',
      '--builder',
      BUILDER,
      '--progress=plain',
      '--load',
      ...stage,
      ...secretArgs(secrets),
      '-t',
      tag,
      ...file,
      ...(opts.extra ?? []),
      dir,
    ],
    { timeoutMs: opts.timeoutMs ?? 20 * 60_000 },
  );
}

export interface BuildStep {
  /** The stage name as BuildKit prints it ('' for a single unnamed stage). */
  stage: string;
  /** The instruction, e.g. `RUN npm ci`. */
  instruction: string;
  cached: boolean;
  /** Seconds from BuildKit's `DONE n.ns` line (0 when cached). */
  seconds: number;
}

/** The Dockerfile steps of a `--progress=plain` build log (`#N [stage i/n] INSTRUCTION`), in order. */
export function buildSteps(buildLog: string): BuildStep[] {
  const steps = new Map<string, string[]>();
  for (const line of buildLog.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (m) steps.set(m[1], [...(steps.get(m[1]) ?? []), m[2]]);
  }
  const out: BuildStep[] = [];
  for (const lines of steps.values()) {
    const head = /^\[(?:(\S+) )?\d+\/\d+\] (.*)$/.exec(lines[0] ?? '');
    if (!head) continue;
    const done = lines.map((l) => /^DONE (\d+(?:\.\d+)?)s$/.exec(l.trim())).find(Boolean);
    out.push({
      stage: head[1] ?? '',
      instruction: head[2],
      cached: lines.some((l) => l.trim() === 'CACHED'),
      seconds: Number(done?.[1] ?? 0),
    });
  }
  return out;
}

/** A RUN that installs the app's dependencies. */
export const INSTALL_STEP =
  /^RUN .*(npm ci|npm install|pnpm install|yarn install|bun install|pip install|uv sync|poetry install|pipenv|pdm|go mod download)/;

/** Whether the dependency install step of the deps stage was CACHED; undefined when there is none. */
export function installCached(buildLog: string): boolean | undefined {
  const install = buildSteps(buildLog).find((s) => s.stage === 'deps' && INSTALL_STEP.test(s.instruction));
  return install?.cached;
}

/** Source files, in order of preference, that a one-line edit goes to. */
const EDITABLE = [
  'src/server.js',
  'src/index.js',
  'src/main.ts',
  'src/index.ts',
  'src/main.js',
  'src/server.ts',
  'lib/server.js',
  'server.js',
  'index.js',
  'app.js',
  'app/page.js',
  'src/main.py',
  'app.py',
  'app/main.py',
  'main.go',
  'cmd/api/main.go',
];

/** A one-line edit (a comment) to a source file the image is built from; returns the file, if any. */
export function editSource(dir: string): string | undefined {
  for (const file of EDITABLE) {
    try {
      const path = join(dir, file);
      statSync(path);
      const comment = file.endsWith('.py') ? '#' : '//';
      appendFileSync(path, `\n${comment} e2e edit ${Date.now()}\n`);
      return file;
    } catch {}
  }
  return undefined;
}
