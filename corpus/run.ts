// `npm run corpus`: the generator measured on real public repositories (corpus/README.md).
// For each corpus/expect/<id>.json: the repository's tree at its pinned commit, from a local snapshot,
// in a scratch folder; `dockerstack --yes --force` there; the printed facts and written files compared with the
// expectation. With --run, the repositories that can be built here are brought up with
// `docker compose up --build --wait` in the end-to-end environment (e2e/setup.sh) and checked: every
// service healthy, non-root, quick stop, no leaked build secret. Writes docs/corpus.md and docs/corpus.json,
// and exits 1 when a repository's figure drops below the last committed one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { composeRowUp, processUids, secretInImage, servicesUpStarts, writeSecrets } from '../e2e/lib/checks.ts';
import { BUILDER, baseImages, DOCKER, docker, ensureImages, sh, tail } from '../e2e/lib/docker.ts';
import { composeFileIn } from '../lib/compose.ts';
import { isGeneratedDockerfile } from '../lib/readme.ts';
import { BIN, ROOT } from '../test/helpers/fixtures.ts';
import { checkExpectation, compare, type Expectation, parseFacts, type ServiceResult, tally, type WrittenService } from './lib.ts';

const MIRROR = process.env.DOCKERSTACK_CORPUS_MIRROR ?? '/work/.mirror';
const EXPECT = join(ROOT, 'corpus', 'expect');
const REPORT_MD = join(ROOT, 'docs', 'corpus.md');
const REPORT_JSON = join(ROOT, 'docs', 'corpus.json');

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUN = flag('--run');
const only = value('--only')?.split(',');
const keep = flag('--keep');

interface RunResult {
  ok: boolean;
  healthy: string;
  nonRoot: boolean;
  quickStop: boolean;
  noLeak: boolean;
  sizeMB?: number;
  coldS?: number;
  reason?: string;
  /** The generator commit it was measured at (a facts-only run keeps the last --run figures). */
  at: string;
  date: string;
}

interface RepoResult {
  id: string;
  repo: string;
  commit: string;
  languages: string[];
  tags: string[];
  buildable: true | string;
  status: 'measured' | 'no snapshot';
  exit?: number;
  right: number;
  total: number;
  servicesExpected: number;
  servicesGenerated: number;
  reason?: string;
  services?: ServiceResult[];
  run?: RunResult;
}

function loadExpectations(): Expectation[] {
  const problems: string[] = [];
  const list: Expectation[] = [];
  for (const file of readdirSync(EXPECT)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    let e: Expectation;
    try {
      e = JSON.parse(readFileSync(join(EXPECT, file), 'utf8'));
    } catch (error) {
      problems.push(`corpus/expect/${file}: not JSON: ${(error as Error).message}`);
      continue;
    }
    problems.push(...checkExpectation(e, `corpus/expect/${file}`));
    list.push(e);
  }
  if (problems.length) {
    process.stderr.write(`corpus: ${problems.length} problem(s) in the expectations:\n${problems.join('\n')}\n`);
    process.exit(2);
  }
  return list.filter((e) => !only || only.some((o) => e.id.includes(o)));
}

const git = (gitDir: string, gitArgs: string[]) => sh('git', [`--git-dir=${gitDir}`, ...gitArgs], { timeoutMs: 120_000 });

/** The repository's folder at the pinned commit, in a scratch folder; undefined when there is no snapshot. */
async function checkout(e: Expectation): Promise<string | undefined> {
  const gitDir = join(MIRROR, e.repo.replace('/', '+'), 'repo');
  if (!existsSync(gitDir)) return undefined;
  if ((await git(gitDir, ['cat-file', '-e', `${e.commit}^{commit}`])).code !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), `corpus-${e.id}-`));
  const tree = `${e.commit}:${e.path === '.' ? '' : e.path}`;
  const tar = join(dir, '..', `${posix.basename(dir)}.tar`);
  const archived = await git(gitDir, ['archive', '--format=tar', '-o', tar, tree]);
  if (archived.code === 0) {
    await sh('tar', ['-xf', tar, '-C', dir]);
    rmSync(tar, { force: true });
  } else await checkoutPresent(gitDir, tree, dir);
  return dir;
}

/**
 * Snapshots lack files of 4 MiB and more (large binaries, data): `git archive` refuses such a tree, so
 * the files that are present are checked out through a temporary index, and the run says what is left out.
 */
async function checkoutPresent(gitDir: string, tree: string, dir: string): Promise<void> {
  const list = await git(gitDir, ['ls-tree', '-r', '--full-tree', tree]);
  const entries = list.out
    .split('\n')
    .filter(Boolean)
    .map((l) => /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === 'blob');
  const present = await sh('git', [`--git-dir=${gitDir}`, 'cat-file', '--batch-check'], { input: entries.map((m) => m[3]).join('\n') });
  const missing = new Set(
    present.out
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  const index = join(dir, '..', `${posix.basename(dir)}.index`);
  const info = entries.filter((m) => !missing.has(m[3])).map((m) => `${m[1]} ${m[3]}\t${m[4]}`);
  const env = { GIT_INDEX_FILE: index };
  await sh('git', [`--git-dir=${gitDir}`, 'update-index', '--index-info'], { input: `${info.join('\n')}\n`, env });
  const out = await sh('git', [`--git-dir=${gitDir}`, `--work-tree=${dir}`, 'checkout-index', '-a', '-f'], { env });
  rmSync(index, { force: true });
  if (out.code !== 0) throw new Error(`git checkout-index ${tree}: ${tail(out.out, 3)}`);
  const left = entries.filter((m) => missing.has(m[3])).map((m) => m[4]);
  process.stderr.write(`corpus: ${tree}: ${left.length} file(s) not in the snapshot (4 MiB and more): ${left.slice(0, 3).join(', ')}\n`);
}

function runGenerator(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, '--yes', '--force'],
      { cwd: dir, timeout: 180_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
    );
  });
}

type ComposeFile = {
  services?: Record<
    string,
    {
      build?: string | { context?: string; dockerfile?: string };
      image?: string;
      command?: string | string[];
      depends_on?: string[] | Record<string, unknown>;
      volumes?: Array<string | { target?: string }>;
      tmpfs?: string | string[];
      ports?: Array<string | number | { target?: number }>;
      healthcheck?: { disable?: boolean };
      profiles?: string[];
    }
  >;
  secrets?: Record<string, { file?: string }>;
};

function readCompose(root: string): ComposeFile | undefined {
  const file = join(
    root,
    composeFileIn((name) => existsSync(join(root, name))),
  );
  if (!existsSync(file)) return undefined;
  try {
    return parse(readFileSync(file, 'utf8')) as ComposeFile;
  } catch {
    return undefined;
  }
}

/** The compose services with what the comparison reads; a built service's dir is its Dockerfile's folder. */
function writtenServices(root: string, compose: ComposeFile | undefined): WrittenService[] {
  return Object.entries(compose?.services ?? {}).map(([name, svc]) => {
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
    let context: string | undefined;
    let buildContext: string | undefined;
    let workdir: string | undefined;
    let generated = false;
    if (build) {
      const dockerfile = resolve(root, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
      context = relative(root, dirname(dockerfile)) || '.';
      buildContext = relative(root, resolve(root, build.context ?? '.')) || '.';
      const text = existsSync(dockerfile) ? readFileSync(dockerfile, 'utf8') : '';
      const lastStage = text.split(/^FROM /m).at(-1) ?? '';
      workdir = [...lastStage.matchAll(/^WORKDIR (\S+)/gm)].at(-1)?.[1];
      generated = isGeneratedDockerfile(text);
    }
    const tmpfs = typeof svc.tmpfs === 'string' ? [svc.tmpfs] : (svc.tmpfs ?? []);
    const volumes = (svc.volumes ?? []).map((v) => (typeof v === 'string' ? (v.split(':')[1] ?? v) : (v.target ?? '')));
    return {
      name,
      context,
      buildContext,
      image: svc.image,
      command: Array.isArray(svc.command) ? svc.command.join(' ') : svc.command,
      dependsOn: Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {}),
      mounts: [...volumes, ...tmpfs.map((t) => t.split(':')[0])].filter(Boolean),
      workdir,
      generated,
      ports: (svc.ports ?? []).map(String),
    };
  });
}

function scriptsOf(root: string, e: Expectation): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const s of e.services) {
    const file = join(root, s.dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      out[posix.normalize(s.dir)] = JSON.parse(readFileSync(file, 'utf8')).scripts ?? {};
    } catch {}
  }
  return out;
}

const HEAD = async () => (await sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])).out.trim() || 'unknown';

/** `docker compose up --build --wait` and the checks every built service must pass. */
async function runStack(dir: string, compose: ComposeFile, at: string): Promise<RunResult> {
  const project = `corpus-${randomBytes(4).toString('hex')}`;
  const result: RunResult = {
    ok: false,
    healthy: '0/0',
    nonRoot: false,
    quickStop: false,
    noLeak: false,
    at,
    date: new Date().toISOString().slice(0, 10),
  };
  // Build secrets hold a known random value, to look for in the images afterwards.
  const secret = `corpus-${randomBytes(12).toString('hex')}`;
  const secrets = writeSecrets(mkdtempSync(join(tmpdir(), 'corpus-secrets-')), secret);
  for (const [id, spec] of Object.entries(compose.secrets ?? {}))
    if (secrets[id] && spec.file) writeFileSync(resolve(dir, spec.file), readFileSync(secrets[id]));
  // Host ports are shared with everything else on the machine: publish on ephemeral ports instead.
  const override = Object.entries(compose.services ?? {})
    .filter(([, s]) => (s.ports ?? []).length)
    .map(([name, s]) => {
      const targets = (s.ports ?? []).map((p) => (typeof p === 'object' ? p.target : String(p).split(':').at(-1)));
      return `  ${name}:\n    ports: !override\n${targets.map((t) => `      - "127.0.0.1::${t}"`).join('\n')}\n`;
    });
  writeFileSync(join(dir, 'compose.corpus.yaml'), `services:\n${override.join('') || '  {}\n'}`);
  const files = ['-f', composeFileIn((name) => existsSync(join(dir, name))), ...(override.length ? ['-f', 'compose.corpus.yaml'] : [])];
  const composeCmd = (cmdArgs: string[], timeoutMs = 30 * 60_000) =>
    sh(DOCKER, ['compose', '--project-name', project, ...files, ...cmdArgs], { cwd: dir, timeoutMs, env: { BUILDX_BUILDER: BUILDER } });
  try {
    // (A release one-off in its profile is built with its service's image and not started by `up`.)
    const built = Object.entries(compose.services ?? {}).filter(([, s]) => s.build && !s.profiles?.length);
    const dockerfiles = built.map(([, s]) => {
      const b = typeof s.build === 'string' ? { context: s.build } : (s.build ?? {});
      return resolve(dir, b.context ?? '.', b.dockerfile ?? 'Dockerfile');
    });
    const pulled = Object.values(compose.services ?? {}).flatMap((s) => (s.build || !s.image ? [] : [s.image]));
    const images = [...new Set([...dockerfiles.flatMap((f) => (existsSync(f) ? baseImages(readFileSync(f, 'utf8')) : [])), ...pulled])];
    const ensured = await ensureImages(images);
    if (ensured.code !== 0) return { ...result, reason: `base images: ${tail(ensured.out, 2)}` };
    const t0 = Date.now();
    const b = await composeCmd(['build', '--no-cache']);
    result.coldS = Math.round((Date.now() - t0) / 100) / 10;
    if (b.code !== 0) return { ...result, reason: `build: ${buildError(b.out)}` };
    const up = await composeCmd(['up', '--detach', '--wait', '--wait-timeout', '240']);
    const ps = await composeCmd(['ps', '--all', '--format', '{{.Service}} {{.Health}} {{.State}}']);
    const rows = ps.out.trim().split('\n').filter(Boolean);
    const total = servicesUpStarts(compose.services);
    const isUp = (r: string) => composeRowUp(r, compose.services ?? {});
    const healthy = rows.filter(isUp).length;
    result.healthy = `${healthy}/${total}`;
    if (up.code !== 0) {
      const logs = await composeCmd(['logs', '--tail', '8'], 60_000);
      result.reason = `not healthy: ${rows.filter((r) => !isUp(r)).join('; ')} | ${tail(logs.out, 8)}`;
    }
    let nonRoot = true;
    let quick = true;
    let leak: string | undefined;
    let size = 0;
    for (const [name] of built) {
      const id = (await composeCmd(['ps', '--all', '--quiet', name])).out.trim();
      const image = (await docker(['inspect', '-f', '{{.Image}}', id])).out.trim();
      size += Number((await docker(['image', 'inspect', '-f', '{{.Size}}', image])).out.trim()) || 0;
      const user = (await docker(['image', 'inspect', '-f', '{{.Config.User}}', image])).out.trim();
      const uids = id ? await processUids(id) : [];
      if (!/^[1-9]\d*(:\d+)?$/.test(user) || uids.some((u) => u === '0')) nonRoot = false;
      leak ??= await secretInImage(image, secret);
      const t = Date.now();
      await docker(['stop', '-t', '10', id], { timeoutMs: 30_000 });
      if (Date.now() - t >= 5000) quick = false;
    }
    result.nonRoot = built.length > 0 && nonRoot;
    result.quickStop = built.length > 0 && quick;
    result.noLeak = leak === undefined;
    if (leak) result.reason ??= `build secret found in ${leak}`;
    result.sizeMB = Math.round(size / 1e5) / 10;
    result.ok = up.code === 0 && healthy === total && result.nonRoot && result.quickStop && result.noLeak;
    if (!result.ok && !result.reason)
      result.reason = !result.nonRoot ? 'runs as root' : !result.quickStop ? 'slow stop (>= 5 s)' : 'failed';
    return result;
  } finally {
    await composeCmd(['down', '--volumes', '--remove-orphans', '--timeout', '1'], 120_000);
    rmSync(dirname(secrets.npmrc), { recursive: true, force: true });
  }
}

/** The run's own error line (`dockerstack: error: …`), else the first line that reads like one. */
const firstError = (output: string) => {
  const lines = output.split('\n').map((l) => l.trim());
  return (lines.find((l) => l.startsWith('dockerstack: error:')) ?? lines.find((l) => /error|cannot|not supported/i.test(l)))?.slice(
    0,
    200,
  );
};

async function measure(e: Expectation, previous: RepoResult | undefined, at: string): Promise<RepoResult> {
  const base: RepoResult = {
    id: e.id,
    repo: e.repo,
    commit: e.commit,
    languages: [...new Set(e.services.map((s) => s.language))],
    tags: e.tags,
    buildable: e.buildable,
    status: 'no snapshot',
    right: 0,
    total: e.services.reduce((n, s) => n + Object.keys(s.facts).length, 0),
    servicesExpected: e.services.length,
    servicesGenerated: 0,
    run: previous?.run,
  };
  const dir = await checkout(e);
  if (!dir) return base;
  try {
    const gen = await runGenerator(dir);
    const compose = readCompose(dir);
    const services = compare(e, {
      printed: parseFacts(gen.output, dir),
      written: writtenServices(dir, compose),
      scripts: scriptsOf(dir, e),
    });
    const { right, total } = tally(services);
    const failed = services.flatMap((s) =>
      s.facts.filter((f) => !f.ok).map((f) => `${s.dir === '.' ? '' : `${s.dir} `}${f.fact}: ${f.got} (want ${f.expected})`),
    );
    const result: RepoResult = {
      ...base,
      status: 'measured',
      exit: gen.code,
      right,
      total,
      servicesGenerated: services.filter((s) => s.generated).length,
      services,
      reason: gen.code !== 0 ? `exit ${gen.code}: ${firstError(gen.output) ?? tail(gen.output, 1)}` : failed[0],
    };
    if (RUN && e.buildable === true && compose && result.servicesGenerated > 0) result.run = await runStack(dir, compose, at);
    return result;
  } finally {
    if (keep) process.stderr.write(`corpus: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function summary(results: RepoResult[]) {
  const measured = results.filter((r) => r.status === 'measured');
  const ran = measured.filter((r) => r.run);
  return {
    repositories: results.length,
    measured: measured.length,
    noSnapshot: results.length - measured.length,
    allGenerated: measured.filter((r) => r.servicesGenerated === r.servicesExpected).length,
    factsRight: measured.reduce((n, r) => n + r.right, 0),
    factsTotal: measured.reduce((n, r) => n + r.total, 0),
    buildable: measured.filter((r) => r.buildable === true).length,
    ran: ran.length,
    healthy: ran.filter((r) => r.run?.ok).length,
  };
}

export function summaryLine(s: ReturnType<typeof summary>): string {
  const pct = s.factsTotal ? Math.round((100 * s.factsRight) / s.factsTotal) : 0;
  return `${s.measured} repositories: ${s.factsRight}/${s.factsTotal} facts right (${pct}%), all services generated in ${s.allGenerated}, up healthy (every check) in ${s.healthy} of ${s.ran} built`;
}

/** Right/total per fact and per language: where the generator guesses most. */
function byFact(results: RepoResult[]): string {
  const count = new Map<string, [number, number]>();
  const add = (key: string, ok: boolean) => {
    const c = count.get(key) ?? [0, 0];
    count.set(key, [c[0] + (ok ? 1 : 0), c[1] + 1]);
  };
  for (const r of results.filter((x) => x.status === 'measured'))
    for (const s of r.services ?? [])
      for (const f of s.facts) {
        add(f.fact, f.ok);
        add(s.language, f.ok);
      }
  const cells = (keys: string[]) => keys.map((k) => `${count.get(k)?.[0] ?? 0}/${count.get(k)?.[1] ?? 0}`).join(' | ');
  const facts = ['version', 'packageManager', 'build', 'start', 'port', 'health', 'backing', 'writable'];
  const langs = ['node', 'python', 'go'];
  return `| fact | ${facts.join(' | ')} |\n| --- |${' --- |'.repeat(facts.length)}\n| right/total | ${cells(facts)} |\n\n| language | ${langs.join(' | ')} |\n| --- |${' --- |'.repeat(langs.length)}\n| facts right/total | ${cells(langs)} |`;
}

/** docs/corpus.json: the last run, and the first committed report's figures as the baseline. */
interface Report {
  generatorCommit: string;
  baseline?: { generatorCommit: string; summary: ReturnType<typeof summary> };
  summary?: ReturnType<typeof summary>;
  results: RepoResult[];
}

function renderMarkdown(results: RepoResult[], at: string, baseline?: Report['baseline']): string {
  const s = summary(results);
  const cell = (t: string | undefined) => (t ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = results.map((r) => {
    const run = r.run;
    const healthy = r.buildable !== true ? 'not buildable here' : run ? `${run.ok ? 'yes' : 'no'} (${run.healthy})` : 'not run';
    const reason = r.status !== 'measured' ? 'no snapshot on this machine' : ((run && !run.ok ? run.reason : undefined) ?? r.reason ?? '');
    return `| ${r.id} | ${r.tags.slice(0, 4).join(', ')} | ${r.status === 'measured' ? `${r.right}/${r.total}` : '–'} | ${r.servicesGenerated}/${r.servicesExpected} | ${healthy} | ${run?.sizeMB ?? '–'} | ${run?.coldS ?? '–'} | ${cell(reason).slice(0, 160)} |`;
  });
  return `# The real-world corpus

The generator run on ${s.repositories} public repositories it was never tuned to (corpus/README.md): the
facts a careful engineer reads from each repository's code, compared with what \`dockerstack --yes --force\`
printed and wrote; and, for the repositories that can be built here, \`docker compose up --build --wait\`
with every check of the end-to-end suite. Regenerate with \`npm run corpus\` (facts) or
\`npm run corpus:run\` (facts, then build and run); generator commit ${at}.

**${summaryLine(s)}.**${baseline ? `\n\nBaseline (generator ${baseline.generatorCommit}, before the adoption work): ${summaryLine(baseline.summary)}.` : ''}

${byFact(results)}

| repository | kind | facts right | services written | healthy (every check) | image MB | cold build s | first failure |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

"healthy (every check)": every compose service healthy, every built image's user numeric and not root
and every process non-root, each stops in under 5 s, and the build secret's value is in no layer.
Image MB is the sum of the service images; a cold build is \`docker compose build --no-cache\` with
the base images present. Figures of a facts-only run keep the last build-and-run results.
`;
}

/**
 * Why a build failed, in a line or three: BuildKit's output ends with the Dockerfile excerpt and "failed to
 * solve"; the cause is in the step's own output above it (pip's, npm's, go's error lines).
 */
export function buildError(out: string): string {
  const lines = out.split('\n').map((l) => l.replace(/^#\d+ [\d.]+ /, '').trim());
  const causes = lines.filter(
    (l) =>
      /\berror\b|ERR!|No matching distribution|Could not|cannot find|not found|undefined:/i.test(l) &&
      !/^failed to solve|^ERROR: failed to|^\s*\d+ \|/.test(l),
  );
  const solve = lines.filter((l) => /failed to solve/.test(l)).pop() ?? lines.filter(Boolean).pop() ?? '';
  return [...new Set(causes)].slice(-3).concat(solve).join(' | ').slice(0, 600);
}

/** Per repository: a figure that dropped below the last committed report. */
function regressions(results: RepoResult[], previous: Map<string, RepoResult>): string[] {
  const out: string[] = [];
  for (const r of results) {
    const p = previous.get(r.id);
    if (!p || r.status !== 'measured' || p.status !== 'measured' || p.commit !== r.commit) continue;
    if (r.right < p.right) out.push(`${r.id}: facts right ${r.right}/${r.total}, was ${p.right}/${p.total}`);
    if (r.servicesGenerated < p.servicesGenerated) out.push(`${r.id}: services written ${r.servicesGenerated}, was ${p.servicesGenerated}`);
    if (RUN && r.run && p.run?.ok && !r.run.ok) out.push(`${r.id}: no longer up healthy (${r.run.reason})`);
  }
  return out;
}

async function main(): Promise<number> {
  if (flag('--report')) {
    // Re-render the page from the committed JSON (after a change to the page's layout).
    const { generatorCommit, results, baseline } = JSON.parse(readFileSync(REPORT_JSON, 'utf8')) as Report;
    writeFileSync(REPORT_MD, renderMarkdown(results, generatorCommit, baseline));
    return 0;
  }
  const expectations = loadExpectations();
  const previousJson = existsSync(REPORT_JSON)
    ? (JSON.parse(readFileSync(REPORT_JSON, 'utf8')) as Report)
    : ({ generatorCommit: '', results: [] } as Report);
  // The first committed report stays the baseline the later ones are read against.
  const baseline =
    previousJson.baseline ??
    (previousJson.summary ? { generatorCommit: previousJson.generatorCommit, summary: previousJson.summary } : undefined);
  const previous = new Map(previousJson.results.map((r) => [r.id, r]));
  const at = await HEAD();
  const results: RepoResult[] = [];
  const t0 = Date.now();
  const report = (r: RepoResult) => {
    const run = RUN && r.run && r.run.at === at ? `, ${r.run.ok ? 'healthy' : `not ok: ${r.run.reason?.slice(0, 120)}`}` : '';
    const figures =
      r.status === 'measured' ? `${r.right}/${r.total} facts, ${r.servicesGenerated}/${r.servicesExpected} services${run}` : 'no snapshot';
    process.stdout.write(`${r.id}: ${figures}${r.reason && r.status === 'measured' ? ` (${r.reason.slice(0, 140)})` : ''}\n`);
  };
  // Generation mostly waits on one core: two repositories at a time; builds (--run) one at a time.
  const queue = [...expectations];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const r = await measure(e, previous.get(e.id), at);
      results.push(r);
      report(r);
    }
  };
  await Promise.all(Array.from({ length: RUN ? 1 : Number(process.env.CORPUS_JOBS ?? 2) }, worker));
  results.sort((a, b) => a.id.localeCompare(b.id));
  if (!results.some((r) => r.status === 'measured')) {
    process.stdout.write(
      `corpus: no snapshot of any repository on this machine (looked in ${MIRROR}); nothing measured, report unchanged\n`,
    );
    return 0;
  }
  // A partial run (--only) keeps the other repositories' rows.
  const merged = only
    ? [...previous.values()]
        .filter((p) => !results.some((r) => r.id === p.id))
        .concat(results)
        .sort((a, b) => a.id.localeCompare(b.id))
    : results;
  const next: Report = { generatorCommit: at, baseline, summary: summary(merged), results: merged };
  writeFileSync(REPORT_JSON, `${JSON.stringify(next, null, 2)}\n`);
  writeFileSync(REPORT_MD, renderMarkdown(merged, at, baseline));
  process.stdout.write(`\ncorpus: ${summaryLine(summary(merged))} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  const dropped = regressions(results, previous);
  if (dropped.length) {
    process.stderr.write(`corpus: ${dropped.length} figure(s) dropped below the last committed report:\n${dropped.join('\n')}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`corpus: error: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
