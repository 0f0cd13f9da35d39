// Benchmarks against the alternatives (npm run bench): for each fixture under bench/reference/naive/<lang>/,
// builds the Dockerfiles dockerstack writes (every runtime variant that can be built here), the naive
// single-stage one, the docker init reference (bench/reference/docker-init) and, for Node, what
// @flydotio/dockerfile writes; measures size, overhead, cold build, rebuild after a source edit and after a
// dependency manifest edit, and generation time. Writes docs/benchmarks.md, docs/benchmarks.svg and
// docs/benchmarks.json. Reuses the end-to-end environment (e2e/setup.sh: engine, BuildKit, stand-ins).
//
//   BENCH_RUNS=3          runs per figure (the median is reported)
//   BENCH_ONLY=node,go    substrings of `lang/fixture` to run
//   BENCH_OUT=docs        where the page, chart and JSON go
//   --report              only re-render the page and chart from benchmarks.json (images still in the engine)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BUILDER,
  baseImages,
  build,
  buildSteps,
  DOCKER,
  docker,
  editSource,
  ensureImages,
  INSTALL_STEP,
  runtimeBase,
  sh,
  tail,
} from '../e2e/lib/docker.ts';
import { BIN, fixtures, LANGUAGES, ROOT } from '../test/helpers/fixtures.ts';
import { type Generation, markdown, median, type Results, type Row, svgChart } from './lib.ts';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const ONLY = process.env.BENCH_ONLY?.split(',');
const OUT = resolve(ROOT, process.env.BENCH_OUT ?? 'docs');
const CACHE = process.env.DOCKERSTACK_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'dockerstack');
const REFERENCE = join(ROOT, 'bench', 'reference');
/** @flydotio/dockerfile, pinned; installed once into the cache. */
const FLY_VERSION = '0.7.10';
/** Runtime variants that can be built here (alpine cannot: no Alpine packages). */
const BUILT_RUNTIMES = new Set(['distroless', 'slim', 'scratch']);
/** Steps that are the app's own build (not the dependency install). */
const BUILD_STEP = /^RUN .*(npm run build|pnpm (run )?build|yarn (run )?build|go build|tsc\b|collectstatic)/;

interface Variant {
  name: string;
  kind: Row['kind'];
  /** Writes the Dockerfile (and .dockerignore) into a copy of the fixture. */
  prepare(dir: string): Promise<void>;
}

function log(message: string): void {
  process.stdout.write(`bench: ${message}\n`);
}

async function must(what: string, run: Promise<{ code: number; out: string }>): Promise<string> {
  const r = await run;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${tail(r.out, 30)}`);
  return r.out;
}

async function retry<T>(what: string, fn: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= tries) throw error;
      log(`${what}: try ${i} failed, again in ${i * 5}s`);
      await new Promise((r) => setTimeout(r, i * 5000));
    }
  }
}

async function flyBin(): Promise<string> {
  const prefix = join(CACHE, 'bench', `flydotio-dockerfile-${FLY_VERSION}`);
  const bin = join(prefix, 'node_modules', '@flydotio', 'dockerfile', 'index.js');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    await retry('npm install @flydotio/dockerfile', () =>
      must(
        'npm install',
        sh('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `@flydotio/dockerfile@${FLY_VERSION}`]),
      ),
    );
  }
  return bin;
}

function variants(lang: string, fixture: string, fly: string): Variant[] {
  const runtimes = LANGUAGES.find((l) => l.lang === lang)?.options.find((o) => o.name === 'runtime')?.choices ?? [];
  const fixtureOptions = fixtures(lang).find((f) => f.name === fixture)?.options ?? {};
  const opts = Object.entries(fixtureOptions).flatMap(([k, v]) => [`--${k}`, v]);
  const list: Variant[] = runtimes
    .filter((r) => BUILT_RUNTIMES.has(r))
    .map((runtime) => ({
      name: `dockerstack runtime=${runtime}`,
      kind: 'dockerstack' as const,
      prepare: async (dir: string) => {
        await must(
          `dockerstack ${lang} --runtime ${runtime}`,
          sh(process.execPath, [BIN, lang, '--yes', ...opts, '--runtime', runtime], { cwd: dir }),
        );
      },
    }));
  const copyRef = (kind: string) => async (dir: string) => {
    const ref = join(REFERENCE, kind, lang, fixture);
    for (const file of ['Dockerfile', '.dockerignore']) if (existsSync(join(ref, file))) cpSync(join(ref, file), join(dir, file));
  };
  list.push({ name: 'naive single-stage', kind: 'naive', prepare: copyRef('naive') });
  if (existsSync(join(REFERENCE, 'docker-init', lang, fixture, 'Dockerfile')))
    list.push({ name: 'docker init (reference)', kind: 'docker-init', prepare: copyRef('docker-init') });
  if (lang === 'node')
    list.push({
      name: `@flydotio/dockerfile ${FLY_VERSION}`,
      kind: 'fly',
      prepare: async (dir: string) => {
        await must('@flydotio/dockerfile', sh(process.execPath, [fly, '--force'], { cwd: dir }));
      },
    });
  return list;
}

/** A change to the dependency manifest that keeps it valid: the layer keyed on it must be rebuilt. */
function editManifest(dir: string, lang: string): string {
  const stamp = Date.now();
  if (lang === 'node') {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.description = `bench edit ${stamp}`;
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    return 'package.json';
  }
  const file = lang === 'go' ? 'go.mod' : existsSync(join(dir, 'requirements.txt')) ? 'requirements.txt' : 'pyproject.toml';
  const comment = lang === 'go' ? '//' : '#';
  writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}\n${comment} bench edit ${stamp}\n`);
  return file;
}

interface Build {
  seconds: number;
  reinstalled: boolean;
  buildStepS: number;
}

async function buildImage(dir: string, tag: string, target?: string): Promise<Build> {
  const run = await build(dir, tag, target, {}, { timeoutMs: 30 * 60_000 });
  if (run.code !== 0) throw new Error(`build of ${tag} failed:\n${tail(run.out, 30)}`);
  const steps = buildSteps(run.out);
  return {
    seconds: run.ms / 1000,
    reinstalled: steps.some((s) => INSTALL_STEP.test(s.instruction) && !s.cached),
    buildStepS: steps.filter((s) => BUILD_STEP.test(s.instruction) && !s.cached).reduce((sum, s) => sum + s.seconds, 0),
  };
}

async function imageSize(ref: string): Promise<number> {
  if (ref === 'scratch') return 0;
  return Number((await must(`inspect ${ref}`, docker(['image', 'inspect', '-f', '{{.Size}}', ref]))).trim());
}

/** Bytes of the regular files under `paths` in an image's filesystem (docker export), but those matching `skip`. */
async function filesBytes(tag: string, paths: string[], skip?: RegExp): Promise<number> {
  const id = (await must('docker create', docker(['create', tag]))).trim();
  try {
    const listing = await sh('sh', ['-c', `${DOCKER} export ${id} | tar -tvf -`], { timeoutMs: 10 * 60_000 });
    const prefixes = paths.map((p) => `${p.replace(/^\/+|\/+$/g, '')}/`);
    let total = 0;
    for (const line of listing.out.split('\n')) {
      const m = /^-\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (m && prefixes.some((p) => m[2].startsWith(p)) && !skip?.test(m[2])) total += Number(m[1]);
    }
    return total;
  } finally {
    await docker(['rm', '-f', id]);
  }
}

/** The image tag of one Dockerfile of one fixture. */
const benchTag = (lang: string, fixture: string, kind: string, name: string) =>
  `dockerstack-bench/${lang}-${fixture}-${kind}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9/]+/g, '-')
    .replace(/-+$/, '');

/**
 * The payload the app truly needs, from the generated image: its working directory and, for Python, the
 * virtual environment without the pip it carries (pip is not needed to run the app).
 */
async function payloadOf(lang: string, tag: string): Promise<number> {
  const workdir = (await must('inspect', docker(['image', 'inspect', '-f', '{{.Config.WorkingDir}}', tag]))).trim() || '/app';
  if (lang !== 'python') return filesBytes(tag, [workdir]);
  return filesBytes(tag, [workdir, '/opt/venv'], /^opt\/venv\/lib\/python[^/]+\/site-packages\/pip[-/]/);
}

/** The stand-ins behind the base images the rows name, with the real version behind each. */
async function standins(rows: Row[]): Promise<string> {
  const refs = [...new Set(rows.map((r) => r.runtimeBase).filter((b) => b !== 'scratch'))].sort();
  const lines: string[] = [];
  for (const ref of refs) {
    const real = await docker(['image', 'inspect', '-f', '{{ index .Config.Labels "org.dockerstack.real-version" }}', ref]);
    lines.push(`${ref} (${real.code === 0 ? real.out.trim() || '?' : 'not in the engine'})`);
  }
  return lines.join('; ');
}

const pruneBuilder = () => must('buildx prune', docker(['buildx', 'prune', '--builder', BUILDER, '--all', '--force']));

async function measure(lang: string, fixture: string, variant: Variant): Promise<{ row: Omit<Row, 'payloadBytes'>; tag: string }> {
  const input = join(ROOT, 'test', 'fixtures', lang, fixture, 'input');
  const tag = benchTag(lang, fixture, variant.kind, variant.name);
  const raw = { coldS: [] as number[], sourceS: [] as number[], depsS: [] as number[], buildStepS: [] as number[] };
  let sourceReinstalled = false;
  let depsReinstalled = false;
  let dockerfile = '';
  for (let run = 1; run <= RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-bench-'));
    try {
      cpSync(input, dir, { recursive: true });
      await variant.prepare(dir);
      dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const images = baseImages(dockerfile);
      if (run === 1) await must('base images', ensureImages(images));
      const target = /\bAS runtime\s*$/im.test(dockerfile) ? 'runtime' : undefined;
      await pruneBuilder();
      const cold = await buildImage(dir, tag, target);
      const edited = editSource(dir);
      if (!edited) throw new Error(`${lang}/${fixture}: no source file to edit`);
      const source = await buildImage(dir, tag, target);
      editManifest(dir, lang);
      const deps = await buildImage(dir, `${tag}-deps`, target);
      // The measured image is the one before the manifest edit (a fresh cold build of the same input).
      raw.coldS.push(cold.seconds);
      raw.sourceS.push(source.seconds);
      raw.buildStepS.push(source.buildStepS);
      raw.depsS.push(deps.seconds);
      sourceReinstalled ||= source.reinstalled;
      depsReinstalled ||= deps.reinstalled;
      log(
        `  ${variant.name} run ${run}: cold ${cold.seconds.toFixed(1)}s, source edit ${source.seconds.toFixed(1)}s (install ${source.reinstalled ? 're-ran' : 'cached'}), deps edit ${deps.seconds.toFixed(1)}s (install ${deps.reinstalled ? 're-ran' : 'cached'})`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const base = runtimeBase(dockerfile) ?? 'scratch';
  return {
    tag,
    row: {
      lang,
      fixture,
      dockerfile: variant.name,
      kind: variant.kind,
      runtimeBase: base,
      sizeBytes: await imageSize(tag),
      baseBytes: await imageSize(base),
      coldS: median(raw.coldS),
      sourceS: median(raw.sourceS),
      sourceReinstalled,
      buildStepS: median(raw.buildStepS),
      depsS: median(raw.depsS),
      depsReinstalled,
      runs: RUNS,
      raw,
    },
  };
}

async function generationTimes(lang: string, fixture: string, fly: string): Promise<Generation[]> {
  const input = join(ROOT, 'test', 'fixtures', lang, fixture, 'input');
  const tools: Array<[string, string[]]> = [[`dockerstack ${lang} --yes`, [BIN, lang, '--yes']]];
  if (lang === 'node') tools.push([`@flydotio/dockerfile ${FLY_VERSION} --force`, [fly, '--force']]);
  const out: Generation[] = [];
  // Warm the file system cache once, then alternate the tools so that drift in machine load hits both.
  const times = new Map<string, number[]>(tools.map(([name]) => [name, []]));
  for (let run = 0; run <= Math.max(RUNS, 5); run++) {
    for (const [name, args] of tools) {
      const dir = mkdtempSync(join(tmpdir(), 'dockerstack-gen-'));
      cpSync(input, dir, { recursive: true });
      const r = await sh(process.execPath, args, { cwd: dir });
      rmSync(dir, { recursive: true, force: true });
      if (r.code !== 0) throw new Error(`${name} failed in ${lang}/${fixture}:\n${tail(r.out)}`);
      if (run > 0) times.get(name)?.push(r.ms / 1000);
    }
  }
  for (const [name, list] of times) out.push({ lang, fixture, tool: name, medianS: median(list), runsS: list });
  return out;
}

/** Notes every page carries: what the base images are and what the docker init rows are. */
async function commonNotes(rows: Row[]): Promise<string[]> {
  return [
    'Base images are local stand-ins built from Debian packages under the official names (no registry is reachable here; see e2e/README.md): ' +
      'sizes compare like for like, but the absolute figures are not those of the official images.',
    `Stand-ins behind the runtime bases: ${await standins(rows)}.`,
    "docker init itself cannot run here: its Dockerfiles are reference fixtures written from Docker's published guides (bench/reference/README.md).",
  ];
}

function write(results: Results): void {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'benchmarks.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(OUT, 'benchmarks.svg'), svgChart(results.rows));
  // The hand-written reading of the missed targets (bench/analysis.md), reviewed after each run.
  const analysis = existsSync(join(ROOT, 'bench', 'analysis.md')) ? `\n${readFileSync(join(ROOT, 'bench', 'analysis.md'), 'utf8')}` : '';
  writeFileSync(join(OUT, 'benchmarks.md'), `${markdown(results, 'benchmarks.svg')}${analysis}`);
}

/**
 * `--report`: the page, chart and JSON again from benchmarks.json and the images still in the engine
 * (payloads and notes re-measured; build times and sizes as recorded).
 */
async function report(): Promise<number> {
  const results = JSON.parse(readFileSync(join(OUT, 'benchmarks.json'), 'utf8')) as Results;
  for (const key of [...new Set(results.rows.map((r) => `${r.lang}/${r.fixture}`))]) {
    const group = results.rows.filter((r) => `${r.lang}/${r.fixture}` === key);
    const first = group.find((r) => r.kind === 'dockerstack');
    if (!first) continue;
    const payload = await payloadOf(first.lang, benchTag(first.lang, first.fixture, first.kind, first.dockerfile));
    for (const row of group) row.payloadBytes = payload;
  }
  const keep = results.notes.filter((n) => !/^(Base images are local stand-ins|Stand-ins |docker init itself)/.test(n));
  results.notes = [...keep, ...(await commonNotes(results.rows))];
  write(results);
  log(`re-rendered ${join(OUT, 'benchmarks.md')} from benchmarks.json`);
  return 0;
}

async function main(): Promise<number> {
  if (process.argv.includes('--report')) return report();
  const t0 = Date.now();
  log('e2e environment (e2e/setup.sh, idempotent) ...');
  await must('e2e/setup.sh', sh('bash', [join(ROOT, 'e2e', 'setup.sh')], { timeoutMs: 60 * 60_000 }));
  if (!existsSync(BIN)) await must('npm run build', sh('npm', ['run', 'build'], { cwd: ROOT }));
  const fly = await flyBin();
  const list: Array<[string, string]> = [];
  for (const lang of readdirSync(join(REFERENCE, 'naive')).sort())
    for (const fixture of readdirSync(join(REFERENCE, 'naive', lang)).sort())
      if (!ONLY || ONLY.some((o) => `${lang}/${fixture}`.includes(o))) list.push([lang, fixture]);
  const rows: Row[] = [];
  const generation: Generation[] = [];
  const notes: string[] = [];
  for (const [lang, fixture] of list) {
    log(`${lang}/${fixture}`);
    generation.push(...(await generationTimes(lang, fixture, fly)));
    const measured: Array<Omit<Row, 'payloadBytes'>> = [];
    let payload = 0;
    for (const variant of variants(lang, fixture, fly)) {
      try {
        const { row, tag } = await measure(lang, fixture, variant);
        if (variant.kind === 'dockerstack' && payload === 0) payload = await payloadOf(lang, tag);
        measured.push(row);
      } catch (error) {
        notes.push(`${lang}/${fixture} ${variant.name}: not measured: ${(error as Error).message.split('\n')[0]}`);
        log(`  FAILED ${variant.name}: ${(error as Error).message}`);
      }
    }
    const na = join(REFERENCE, 'docker-init', lang, fixture, 'NOT-APPLICABLE');
    if (existsSync(na)) notes.push(`${lang}/${fixture}: no docker init reference: ${readFileSync(na, 'utf8').trim().replace(/\s+/g, ' ')}`);
    rows.push(...measured.map((row) => ({ ...row, payloadBytes: payload })));
  }
  if (ONLY)
    notes.push(
      `This run measured only the fixtures matching BENCH_ONLY=${ONLY.join(',')}: ${list.map(([l, f]) => `${l}/${f}`).join(', ')}.`,
    );
  const engine = (await docker(['buildx', 'inspect', BUILDER])).out.match(/BuildKit version:\s*(\S+)/)?.[1];
  notes.push(...(await commonNotes(rows)));
  const results: Results = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    runs: RUNS,
    engine: `BuildKit ${engine ?? '?'} (buildx, remote driver), Docker engine ${(await docker(['version', '-f', '{{.Server.Version}}'])).out.trim()}`,
    rows,
    generation,
    notes,
  };
  write(results);
  log(`wrote ${join(OUT, 'benchmarks.md')}, benchmarks.svg and benchmarks.json in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  return notes.some((n) => n.includes('not measured')) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
