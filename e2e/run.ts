// End-to-end suite: every fixture x runtime variant is generated with the project's CLI, built with
// BuildKit in a real Docker engine, run, and checked: healthy, non-root, read-only root filesystem,
// quick stop on SIGTERM, no leaked build secret, cached dependency install on a source edit.
// Cases are data (fixture x variant); the report at the end has one row per case.
// Needs: e2e/setup.sh (engine, BuildKit, buildx builder); base images come from e2e/base-images.sh.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { detectGo } from '../generators/go/detect.ts';
import { composeFileIn } from '../lib/compose.ts';
import { findGoWork } from '../lib/go-work.ts';
import { memberClosure, readWorkspace } from '../lib/js-workspace.ts';
import { diskProject } from '../lib/project.ts';
import {
  type AppFixture,
  appFixtures,
  BIN,
  type Combination,
  fixtures,
  generate,
  generateApp,
  LANGUAGES,
  listFiles,
} from '../test/helpers/fixtures.ts';
import { finalUser } from '../test/helpers/rules.ts';
import {
  composeRowUp,
  containerPort,
  httpGet,
  processUids,
  secretInImage,
  servicesUpStarts,
  waitHealthy,
  writeSecrets,
} from './lib/checks.ts';
import {
  BUILDER,
  baseImages,
  build,
  buildSteps,
  DOCKER,
  docker,
  editSource,
  ensureImages,
  installCached,
  secretArgs,
  sh,
  tail,
} from './lib/docker.ts';

/** Runtime variants built here; alpine cannot be built on these machines (no Alpine packages). */
const BUILT_RUNTIMES = new Set(['distroless', 'slim', 'scratch']);
const only = process.env.E2E_ONLY?.split(','); // substrings of case ids, comma-separated

interface Check {
  name: string;
  ok: boolean | 'skip';
  detail?: string;
}

interface CaseResult {
  id: string;
  checks: Check[];
  sizeMB?: number;
  coldS?: number;
  warmS?: number;
  log?: string;
}

/** Runs a container's grpc_health_probe on the host (`docker cp` it out), against an address the host reaches. */
async function hostGrpcProbe(container: string, probe: string, addr: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dockerstack-grpc-probe-'));
  try {
    const copied = await docker(['cp', `${container}:${probe}`, join(dir, 'probe')]);
    if (copied.code !== 0) return { code: 1, out: `docker cp failed: ${tail(copied.out, 2)}` };
    return await sh(join(dir, 'probe'), [`-addr=${addr}`, '-connect-timeout=3s', '-rpc-timeout=3s']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function httpText(url: string): Promise<string> {
  return fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.text(),
    (e: Error) => `error: ${e.message}`,
  );
}

/**
 * The first runtime of a fixture gets every check; the others (same deps, build and test stages, served
 * from the build cache) skip the test-stage and rebuild checks, which do not depend on the runtime base.
 */
async function runCase(combination: Combination, full: boolean): Promise<CaseResult> {
  const id = combination.id;
  const checks: Check[] = [];
  const result: CaseResult = { id, checks };
  const add = (name: string, ok: boolean | 'skip', detail?: string) => checks.push({ name, ok, detail });
  const { dir, root, build: service } = await generate(combination);
  // The build context and Dockerfile compose.yaml names (a workspace member is built from the workspace root).
  const buildIn = (context: string, t: string, target: string | undefined) =>
    build(context, t, target, secretFile, { file: join(context, relative(service.context, service.dockerfile)) });
  const tag = `dockerstack-e2e/${id.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}:latest`;
  const name = `e2e-${randomBytes(4).toString('hex')}`;
  const secret = `dockerstack-secret-${randomBytes(12).toString('hex')}`;
  const secretDir = mkdtempSync(join(tmpdir(), 'dockerstack-secrets-'));
  const secretFile = writeSecrets(secretDir, secret);
  const volumes: string[] = [];
  try {
    add('generate', true);
    const dockerfile = readFileSync(service.dockerfile, 'utf8');
    const ensure = await ensureImages(baseImages(dockerfile));
    if (ensure.code !== 0) {
      add('base images', false, tail(ensure.out));
      result.log = tail(ensure.out);
      return result;
    }
    const context = service.context;
    let cold = await buildIn(context, tag, 'runtime');
    // Package registries are reached over the network: a failure that looks like the network is retried once.
    const network = /ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|Temporary failure|timed out|Read timed out|TLS handshake|50[234] /;
    if (cold.code !== 0 && network.test(cold.out)) cold = await buildIn(context, tag, 'runtime');
    result.coldS = cold.ms / 1000;
    add('build runtime', cold.code === 0);
    if (cold.code !== 0) {
      result.log = tail(cold.out, 40);
      return result;
    }
    if (full && /^FROM .* AS test$/m.test(dockerfile)) {
      const test = await buildIn(context, `${tag}-test`, 'test');
      add('test stage passes', test.code === 0, test.code === 0 ? undefined : tail(test.out));
      if (combination.fixture.e2e.failingTest) {
        const [file, text] = combination.fixture.e2e.failingTest as [string, string];
        const failing = mkdtempSync(join(tmpdir(), 'dockerstack-failing-'));
        await sh('cp', ['-a', `${root}/.`, failing]);
        writeFileSync(join(failing, relative(root, dir), file), text);
        const bad = await buildIn(join(failing, relative(root, context)), `${tag}-failing`, 'test');
        add('test stage fails on a failing test', bad.code !== 0);
        rmSync(failing, { recursive: true, force: true });
      }
    }
    const size = await docker(['image', 'inspect', '-f', '{{.Size}}', tag]);
    result.sizeMB = Math.round(Number(size.out.trim()) / 1e5) / 10;

    // Run it as compose would: read-only root, tmpfs /tmp, named volumes, no capabilities, no new privileges.
    const port = containerPort(dockerfile);
    const tmpfs = (composeText(dir).match(/^ {6}- (\/\S+)$/gm) ?? []).map((l) => l.trim().slice(2));
    // Named volumes compose.yaml mounts (data the service writes), one per case: an empty volume takes the
    // owner of the folder the image has at that path, as in Compose.
    const composed = parse(composeText(dir)) as {
      services?: Record<string, { build?: unknown; volumes?: string[]; profiles?: string[]; command?: string[] }>;
    };
    // The built services' own volumes (not a backing service's, such as db-data).
    const mounts = Object.values(composed.services ?? {})
      .filter((svc) => svc.build)
      .flatMap((svc) => svc.volumes ?? [])
      .map((v) => {
        const [volume, target] = v.split(':');
        return { volume: `${name}-${volume}`, target };
      });
    volumes.push(...mounts.map((m) => m.volume));
    const hardened = [
      '--read-only',
      ...tmpfs.flatMap((t) => ['--tmpfs', `${t}:mode=1777`]),
      ...mounts.flatMap((m) => ['-v', `${m.volume}:${m.target}`]),
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges:true',
    ];
    const runArgs = (container: string) => [
      'run',
      '-d',
      '--name',
      container,
      ...hardened,
      // The image's own check, polled every 2 s instead of 10 s (the engine here predates --start-interval).
      '--health-interval',
      '2s',
      '-p',
      `127.0.0.1::${port}`,
      tag,
    ];
    const run = await docker(runArgs(name));
    if (run.code !== 0) {
      add('run', false, tail(run.out));
      return result;
    }
    const health = await waitHealthy(name, 120_000);
    add('healthy', health.status.startsWith('healthy'), `${health.status} after ${(health.ms / 1000).toFixed(1)}s`);
    if (!health.status.startsWith('healthy')) result.log = tail((await docker(['logs', name])).out);
    const hostPort = (await docker(['port', name, String(port)])).out.trim().split('\n')[0]?.split(':').pop();
    const grpcProbe = /^\s*CMD \["(\/[^"]*grpc_health_probe)", "-addr=127\.0\.0\.1:\d+"\]/m.exec(dockerfile)?.[1];
    if (grpcProbe) {
      // A gRPC server: no HTTP. The image's own grpc_health_probe (a static binary), copied out and run on the
      // host against the published port: the same grpc.health.v1 Check the healthcheck makes, from outside.
      const probe = await hostGrpcProbe(name, grpcProbe, `127.0.0.1:${hostPort}`);
      add('answers from the host', probe.code === 0, `grpc_health_probe -addr=127.0.0.1:${hostPort} -> ${tail(probe.out, 1)}`);
    } else {
      // The healthcheck's own URL, requested from the host through the published port.
      const healthPath = /http:\/\/127\.0\.0\.1:\d+(\/[^'" ]*)/.exec(dockerfile)?.[1] ?? '/';
      const status = await httpGet(`http://127.0.0.1:${hostPort}${healthPath}`);
      add('answers from the host', status >= 200 && status < 400, `GET ${healthPath} -> ${status}`);
      // fixture.json "deepRoute": a client-side route of a static site must answer 200 on a reload (index.html fallback).
      const deepRoute = combination.fixture.e2e.deepRoute as string | undefined;
      if (deepRoute) {
        const deep = await httpGet(`http://127.0.0.1:${hostPort}${deepRoute}`);
        add('deep route answers', deep === 200, `GET ${deepRoute} -> ${deep}`);
      }
    }

    const user = finalUser(dockerfile) ?? '';
    const configured = (await docker(['inspect', '-f', '{{.Config.User}}', tag])).out.trim();
    const uids = await processUids(name);
    const uid = user.split(':')[0];
    add(
      'non-root user',
      configured === user && uid !== '0' && uids.length > 0 && uids.every((u) => u === uid),
      `USER ${configured}, process uids ${uids.join(',')}`,
    );

    const stop = await docker(['stop', '-t', '10', name]);
    add('stops on SIGTERM < 5s', stop.code === 0 && stop.ms < 5000, `${(stop.ms / 1000).toFixed(1)}s`);

    // A release step (compose's `release` profile): the same image, hardened the same way, runs it and exits 0.
    const release = Object.values(composed.services ?? {}).find((svc) => svc.profiles?.includes('release') && svc.command);
    if (release?.command) {
      const oneOff = await docker(['run', '--rm', ...hardened, tag, ...release.command]);
      add('release step exits 0', oneOff.code === 0, `${release.command.join(' ')}: ${tail(oneOff.out, 1)}`);
    }

    // Data kept across a new container on the same volumes (fixture.json e2e.restartKeeps: a GET path and its answer).
    const keeps = combination.fixture.e2e.restartKeeps as { path: string; expect: string } | undefined;
    if (keeps) {
      const second = `${name}-again`;
      const again = await docker(runArgs(second));
      const healthy = again.code === 0 && (await waitHealthy(second, 120_000)).status.startsWith('healthy');
      const againPort = (await docker(['port', second, String(port)])).out.trim().split('\n')[0]?.split(':').pop();
      const body = healthy ? await httpText(`http://127.0.0.1:${againPort}${keeps.path}`) : `not healthy: ${tail(again.out, 2)}`;
      add(
        'new container keeps the data',
        body.trim() === keeps.expect,
        `${mounts.map((m) => m.target).join(', ')}; GET ${keeps.path} -> ${body.trim()} (want ${keeps.expect})`,
      );
      await docker(['rm', '-f', second]);
    }

    const leak = await secretInImage(tag, secret);
    add('build secret not in image', leak === undefined, leak);

    const edited = full ? editSource(dir) : undefined;
    if (edited) {
      const warm = await buildIn(context, tag, 'runtime');
      result.warmS = warm.ms / 1000;
      const cached = installCached(warm.out);
      if (cached === undefined && /-mod=vendor/.test(dockerfile))
        add('rebuild keeps install CACHED', 'skip', `${edited} edited; vendored modules: no dependency download step to cache`);
      else
        add(
          'rebuild keeps install CACHED',
          warm.code === 0 && cached === true,
          `${edited} edited; install ${cached === undefined ? 'step not found' : cached ? 'CACHED' : 're-ran'}`,
        );
    } else add('rebuild keeps install CACHED', 'skip', full ? 'no source file to edit' : 'checked on the first runtime');

    // A workspace member: an edit in a member it does not need must leave its whole build stage cached.
    // (The edit is a comment line in the file's language, or an HTML comment.)
    const other = full && combination.fixture.member ? otherMemberFile(root, combination.fixture.member) : undefined;
    if (other) {
      appendFileSync(
        other,
        other.endsWith('.go') || other.endsWith('.js') ? `\n// e2e edit ${Date.now()}\n` : `\n<!-- e2e edit ${Date.now()} -->\n`,
      );
      const again = await buildIn(context, tag, 'runtime');
      const steps = buildSteps(again.out).filter((s) => s.stage === 'build');
      const reran = steps.filter((s) => !s.cached).length;
      add(
        'edit in another member keeps build CACHED',
        again.code === 0 && steps.length > 0 && reran === 0,
        `${relative(root, other)} edited; ${reran} of ${steps.length} build steps re-ran`,
      );
    }

    const platform = combination.fixture.e2e.crossBuild as string | undefined;
    if (platform && full) {
      const cross = await crossBuild(dir, platform, secretFile);
      add(`cross-build ${platform}`, cross.ok, cross.detail);
    }
    return result;
  } catch (error) {
    add('error', false, (error as Error).message);
    return result;
  } finally {
    await docker(['rm', '-f', name]);
    if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
    rmSync(root, { recursive: true, force: true });
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/**
 * A file of a workspace member the service (`member`) does not need, read from the workspace itself (a JS
 * workspace's dependency graph, or the modules a go.work module imports); undefined when it needs them all.
 */
function otherMemberFile(root: string, member: string): string | undefined {
  const workspace = readWorkspace(diskProject(root));
  let others: string[] = [];
  if (workspace) {
    const needed = new Set(memberClosure(workspace, member).map((m) => m.dir));
    others = workspace.members.map((m) => m.dir).filter((dir) => !needed.has(dir));
  } else {
    const dir = join(root, member);
    const work = detectGo(diskProject(dir), findGoWork(dir, diskProject)).workspace;
    others = work ? work.uses.filter((d) => d !== '.' && !work.needs.includes(d)) : [];
  }
  for (const other of others) {
    const file = listFiles(join(root, other)).find((f) => !/^(package\.json|go\.mod|go\.sum)$/.test(f) && !f.includes('node_modules'));
    if (file) return join(root, other, file);
  }
  return undefined;
}

/** ELF e_machine values of the architectures a cross-build may target. */
const ELF_MACHINE: Record<string, number> = { amd64: 0x3e, arm64: 0xb7 };

/**
 * Builds the runtime stage for another platform with the scratch variant (no base image to pull for that
 * platform) and exports its files: every ELF binary in it must be for the target architecture. The build
 * stage runs on the build platform and cross-compiles; there is no emulator here, so a RUN on the
 * target platform would fail.
 */
async function crossBuild(dir: string, platform: string, secrets: Record<string, string>): Promise<{ ok: boolean; detail: string }> {
  const arch = platform.split('/')[1];
  const out = mkdtempSync(join(tmpdir(), 'dockerstack-cross-'));
  try {
    const scratchDir = mkdtempSync(join(tmpdir(), 'dockerstack-cross-src-'));
    await sh('cp', ['-a', `${dir}/.`, scratchDir]);
    const regen = await sh(process.execPath, [BIN, 'go', '--yes', '--force', '--runtime', 'scratch'], { cwd: scratchDir });
    if (regen.code !== 0) return { ok: false, detail: `regenerate with --runtime scratch: ${tail(regen.out, 3)}` };
    const run = await docker(
      [
        'buildx',
        'build',
        '--builder',
        BUILDER,
        '--progress=plain',
        '--platform',
        platform,
        '--target',
        'runtime',
        ...secretArgs(secrets),
        '--output',
        `type=local,dest=${out}`,
        scratchDir,
      ],
      { timeoutMs: 20 * 60_000 },
    );
    rmSync(scratchDir, { recursive: true, force: true });
    if (run.code !== 0) return { ok: false, detail: tail(run.out, 5) };
    const found = await sh('find', [out, '-type', 'f', '-size', '+1k']);
    const binaries: string[] = [];
    for (const file of found.out.trim().split('\n').filter(Boolean)) {
      const head = readFileSync(file).subarray(0, 20);
      if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) continue; // not ELF
      const machine = head.readUInt16LE(18);
      binaries.push(`${file.slice(out.length)}: e_machine 0x${machine.toString(16)}`);
      if (machine !== ELF_MACHINE[arch]) return { ok: false, detail: binaries.join(', ') };
    }
    return binaries.length ? { ok: true, detail: `${binaries.join(', ')} (${arch})` } : { ok: false, detail: 'no binary in the image' };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The text of the compose file `docker compose` reads in a folder. */
const composeText = (dir: string) =>
  readFileSync(
    join(
      dir,
      composeFileIn((name) => existsSync(join(dir, name))),
    ),
    'utf8',
  );

/** App fixtures whose fixture.json asks for `"e2e": {"composeUp": true}`. */
const stacks = (): AppFixture[] => appFixtures().filter((f) => f.e2e.composeUp && (!only || only.some((o) => stackId(f).includes(o))));
const stackId = (fixture: AppFixture) => `app/${fixture.name} compose up`;

/** The whole stack with Compose: `up --wait` brings every service to healthy, `down` removes everything. */
async function runStack(fixture: AppFixture): Promise<CaseResult> {
  const checks: Check[] = [];
  const result: CaseResult = { id: stackId(fixture), checks };
  const add = (name: string, ok: boolean | 'skip', detail?: string) => checks.push({ name, ok, detail });
  const { dir, result: gen } = await generateApp(fixture);
  const project = `e2e-${randomBytes(4).toString('hex')}`;
  const compose = (args: string[], timeoutMs = 20 * 60_000) =>
    sh(DOCKER, ['compose', '--project-name', project, ...args], { cwd: dir, timeoutMs, env: { BUILDX_BUILDER: BUILDER } });
  try {
    add('generate', gen.code === 0, gen.code === 0 ? undefined : tail(gen.output));
    if (gen.code !== 0) return result;
    // secrets/ is the owner's alone; the containers still read the files mounted from it (up --wait below).
    const secretsMode = existsSync(join(dir, 'secrets')) ? statSync(join(dir, 'secrets')).mode & 0o777 : undefined;
    if (secretsMode !== undefined) add('secrets/ private (0700)', secretsMode === 0o700, secretsMode.toString(8));
    const dockerfiles = (await sh('find', [dir, '-name', 'Dockerfile', '-not', '-path', '*/node_modules/*'])).out.trim().split('\n');
    // Base images of every Dockerfile, and the images of services that are not built (PostgreSQL, Redis).
    const composed = parse(composeText(dir)) as {
      services: Record<string, { image?: string; build?: unknown; healthcheck?: { disable?: boolean }; profiles?: string[] }>;
    };
    const pulled = Object.values(composed.services).flatMap((svc) => (svc.build || !svc.image ? [] : [svc.image]));
    const images = [...new Set([...dockerfiles.flatMap((f) => baseImages(readFileSync(f, 'utf8'))), ...pulled])];
    const ensure = await ensureImages(images);
    if (ensure.code !== 0) {
      add('base images', false, tail(ensure.out));
      return result;
    }
    const up = await compose(['up', '--build', '--detach', '--wait', '--wait-timeout', '300']);
    result.coldS = up.ms / 1000;
    const ps = await compose(['ps', '--all', '--format', '{{.Service}} {{.Health}} {{.State}}']);
    const rows = ps.out.trim().split('\n').filter(Boolean);
    const services = servicesUpStarts(composed.services);
    add(
      'compose up --wait: all healthy',
      up.code === 0 && rows.length >= services && rows.every((row) => composeRowUp(row, composed.services)),
      rows.join('; '),
    );
    if (up.code !== 0) result.log = tail(`${up.out}\n${(await compose(['logs', '--tail', '20'])).out}`, 40);
    const down = await compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']);
    const left = await docker(['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${project}`]);
    add(
      'compose down cleans up',
      down.code === 0 && left.out.trim() === '',
      `${(down.ms / 1000).toFixed(1)}s${left.out.trim() ? `, left: ${left.out.trim()}` : ''}`,
    );
    return result;
  } catch (error) {
    add('error', false, (error as Error).message);
    return result;
  } finally {
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '1'], 60_000);
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}

type Case = (Combination & { full: boolean }) | { id: string; skip: string };

/**
 * `E2E_SCOPE=full` (npm run test:e2e:full) builds every fixture in every runtime. The default scope (CI on
 * every commit) builds every fixture in its first runtime, with every check, and each other runtime of a
 * language once (its first fixture that offers it): the runtime stages are the same template for every
 * fixture of a language, and the lint gates read every combination. E2E_ONLY builds all it names.
 */
const FULL = process.env.E2E_SCOPE === 'full' || only !== undefined;

function cases(): Case[] {
  const out: Case[] = [];
  const proven = new Set<string>();
  for (const fixture of fixtures()) {
    const runtimes = fixture.e2e.runtimes as string[] | undefined;
    // Every runtime the generator offers (its own option list), the first one with every check.
    const choices = LANGUAGES.find((l) => l.lang === fixture.lang)?.options.find((o) => o.name === 'runtime')?.choices ?? [];
    const list = runtimes ?? [...choices];
    for (const runtime of list) {
      const id = `${fixture.lang}/${fixture.name} runtime=${runtime}`;
      if (only && !only.some((o) => id.includes(o))) continue;
      const key = `${fixture.lang} ${runtime}`;
      if (!BUILT_RUNTIMES.has(runtime))
        out.push({ id, skip: 'static checks only: Alpine images cannot be built here (no Alpine packages)' });
      else if (!FULL && runtime !== list[0] && proven.has(key))
        out.push({ id, skip: `built by npm run test:e2e:full (this runtime is built for another ${fixture.lang} fixture)` });
      else {
        proven.add(key);
        out.push({ fixture, options: { ...fixture.options, runtime }, id, full: runtime === list[0] });
      }
    }
  }
  return out;
}

/** Case output is collected and printed whole when the case ends, so parallel cases do not interleave. */
function report(r: CaseResult): string {
  const lines = [`e2e: ${r.id}`];
  for (const check of r.checks)
    lines.push(
      `  ${check.ok === true ? 'ok  ' : check.ok === 'skip' ? 'skip' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`,
    );
  if (r.log && r.checks.some((x) => x.ok === false)) lines.push(`  --- log tail ---\n${r.log.replace(/^/gm, '  | ')}`);
  return lines.join('\n');
}

/** Runs `jobs` at most `width` at a time, in order of the list. */
async function pool<T>(items: T[], width: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Fixtures built at once (E2E_JOBS); the runtimes of one fixture run in order, sharing its build cache. */
const JOBS = Math.max(1, Number(process.env.E2E_JOBS ?? 2));

async function main(): Promise<number> {
  const t0 = Date.now();
  const results: CaseResult[] = [];
  const skipped: Array<{ id: string; skip: string }> = [];
  const list = cases();
  const groups = new Map<string, Array<Combination & { full: boolean }>>();
  for (const c of list) {
    if ('skip' in c) skipped.push(c);
    else groups.set(`${c.fixture.lang}/${c.fixture.name}`, [...(groups.get(`${c.fixture.lang}/${c.fixture.name}`) ?? []), c]);
  }
  console.log(
    `e2e: ${list.length} cases (${list.length - skipped.length} built, ${skipped.length} static-only), ${JOBS} fixtures at a time`,
  );
  await pool([...groups.values()], JOBS, async (group) => {
    for (const c of group) {
      const r = await runCase(c, c.full).catch(
        (error: Error): CaseResult => ({ id: c.id, checks: [{ name: 'error', ok: false, detail: error.message }] }),
      );
      results.push(r);
      console.log(report(r));
    }
  });
  const order = new Map(list.map((c, i) => [c.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  for (const stack of stacks()) {
    const r = await runStack(stack);
    results.push(r);
    console.log(report(r));
  }
  const names = [...new Set(results.flatMap((r) => r.checks.map((c) => c.name)))];
  console.log('\n## End-to-end report\n');
  console.log(`| case | ${names.join(' | ')} | size MB | cold s | rebuild s |`);
  console.log(`|${' --- |'.repeat(names.length + 4)}`);
  for (const r of results) {
    const cells = names.map((n) => {
      const c = r.checks.find((x) => x.name === n);
      return c ? (c.ok === true ? 'ok' : c.ok === 'skip' ? 'skip' : 'FAIL') : '-';
    });
    console.log(`| ${r.id} | ${cells.join(' | ')} | ${r.sizeMB ?? '-'} | ${r.coldS?.toFixed(1) ?? '-'} | ${r.warmS?.toFixed(1) ?? '-'} |`);
  }
  for (const s of skipped) console.log(`| ${s.id} | ${s.skip} |`);
  const failed = results.filter((r) => r.checks.some((c) => c.ok === false));
  console.log(
    `\ne2e: ${results.length} built, ${skipped.length} static-only, ${failed.length} failed, in ${((Date.now() - t0) / 60000).toFixed(1)} min`,
  );
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code));
