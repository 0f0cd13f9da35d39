// Lint gates: every generated Dockerfile, .dockerignore and compose.yaml of the fixture x option matrix
// goes through the linters a reviewer would run, with default rules and zero findings allowed.
//
//   node test/lint-output/run.ts            (or: npm run lint:output)
//   options: --no-build (use dist/ as it is), --no-setup (trust $CACHE/lint/env.sh), --only <substring>
//
// Gates (tool column):
//   hadolint        hadolint, default rules, no config, inline `# hadolint ignore` pragmas disabled
//   trivy           trivy config (built-in Dockerfile checks, all severities), offline
//   buildcheck      docker buildx build --call=check (Docker build checks), the `# syntax` line blanked
//   shellcheck      every shell-form RUN (without its --mount flags) as an sh script
//   compose-config  docker compose config --quiet
//   compose-schema  compose.yaml against test/schema/compose-spec.json (ajv, draft-07), and no `version:`
//   dockerignore    every COPY/ADD source from the context survives .dockerignore; .git, .env, keys do not
//
// A self-test runs first on test/lint-output/bad/: each gate must report the rules it owns there, else
// the run fails ("gate X cannot fail"). Exit 1 on any finding, error, or self-test failure.
// Gates whose tool is missing (compose v2, buildx: from e2e/setup-buildkit.sh) are "unavailable".
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ignoreModule from '@balena/dockerignore';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DockerfileParser, type Instruction, JSONInstruction, type ModifiableInstruction } from 'dockerfile-ast';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { appFixtures, type Combination, composeBuilds, composeFileOf, generate, generateApp, matrix, ROOT } from '../helpers/fixtures.ts';

const HERE = join(ROOT, 'test', 'lint-output');
const BAD = join(HERE, 'bad');
const SCHEMA = join(ROOT, 'test', 'schema', 'compose-spec.json');
const CACHE = process.env.DOCKERSTACK_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'dockerstack');
const LINT = join(CACHE, 'lint');
const PARALLEL = Number(process.env.LINT_PARALLEL ?? 2);

const TOOLS = ['hadolint', 'trivy', 'buildcheck', 'shellcheck', 'compose-config', 'compose-schema', 'dockerignore'] as const;
type Tool = (typeof TOOLS)[number];

interface Finding {
  combination: string;
  tool: Tool | 'generate';
  file: string;
  line: number;
  rule: string;
  message: string;
}
/** What one gate did on one target. */
interface GateResult {
  status: 'ran' | 'unavailable' | 'error';
  findings: Finding[];
  note?: string;
}
/** A folder with a Dockerfile, .dockerignore and compose.yaml (a generated combination, or bad/). */
interface Target {
  id: string;
  dir: string;
  /** Where its compose.yaml is, when not beside the Dockerfile (a service of a whole repository). */
  composeDir?: string;
  /** Its build context, when not the Dockerfile's folder (a workspace member: the workspace root). */
  context?: string;
  /** The ignore file BuildKit uses (`Dockerfile.dockerignore` beside it, else the context's .dockerignore). */
  dockerignore?: string;
  /** The folder to remove afterwards, when not `dir` or the app's folder. */
  root?: string;
}

// ---------------------------------------------------------------------------------------------------
// processes

interface Proc {
  code: number;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<Proc> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeout ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && typeof error.code !== 'number' ? error.message : '') });
      },
    );
  });
}

async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const timings = new Map<string, number>();
async function timed<R>(name: string, fn: () => Promise<R>): Promise<R> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings.set(name, (timings.get(name) ?? 0) + (performance.now() - t0));
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const errorResult = (note: string): GateResult => ({ status: 'error', findings: [], note: oneLine(note).slice(0, 400) });

// ---------------------------------------------------------------------------------------------------
// tools

interface Tools {
  hadolint: string;
  shellcheck: string;
  trivy: string;
  trivyCache: string;
  docker: string | null;
  compose: string | null;
  buildx: string | null;
}

async function setupTools(skipSetup: boolean): Promise<Tools> {
  const envFile = join(LINT, 'env.sh');
  if (!skipSetup || !existsSync(envFile)) {
    const setup = await run('bash', [join(HERE, 'setup.sh')], { timeout: 3_600_000 });
    process.stderr.write(setup.stderr);
    if (setup.code !== 0) throw new Error(`test/lint-output/setup.sh failed (exit ${setup.code})`);
  }
  const vars = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  // The Debian client (e2e/setup-engine.sh) is the one the e2e helpers give compose and buildx plugins;
  // DOCKER overrides it.
  const candidates = [process.env.DOCKER, '/usr/bin/docker', 'docker'].filter((c): c is string => !!c);
  let docker: string | null = null;
  for (const c of candidates) {
    if ((await run(c, ['version', '--format', '{{.Client.Version}}'], { timeout: 30_000 })).code === 0) {
      docker = c;
      break;
    }
  }
  let compose: string | null = null;
  let buildx: string | null = null;
  if (docker) {
    const c = await run(docker, ['compose', 'version', '--short'], { timeout: 30_000 });
    if (c.code === 0 && /^v?2\./.test(c.stdout.trim())) compose = c.stdout.trim();
    const b = await run(docker, ['buildx', 'version'], { timeout: 30_000 });
    if (b.code === 0) buildx = b.stdout.trim().split(/\s+/)[1] ?? b.stdout.trim();
  }
  return { hadolint: vars.HADOLINT, shellcheck: vars.SHELLCHECK, trivy: vars.TRIVY, trivyCache: vars.TRIVY_CACHE, docker, compose, buildx };
}

// ---------------------------------------------------------------------------------------------------
// gate: hadolint

// @balena/dockerignore is CommonJS (module.exports = ignore) but its types declare a default export.
const ignore = ignoreModule as unknown as typeof ignoreModule.default;

const SCRATCH = mkdtempSync(join(tmpdir(), 'dockerstack-lint-'));
// An explicit, empty configuration: no rule ignored or re-levelled, whatever ~/.config/hadolint.yaml says.
const HADOLINT_CONFIG = join(SCRATCH, 'hadolint.yaml');
writeFileSync(HADOLINT_CONFIG, 'ignored: []\n');
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: SCRATCH, XDG_CONFIG_HOME: SCRATCH, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('HADOLINT_')) delete env[k];
  return env;
};

async function hadolint(tools: Tools, t: Target): Promise<GateResult> {
  const r = await run(
    tools.hadolint,
    ['--no-color', '--disable-ignore-pragma', '--config', HADOLINT_CONFIG, '--format', 'json', 'Dockerfile'],
    {
      cwd: t.dir,
      env: cleanEnv(),
    },
  );
  let items: Array<{ code: string; line: number; message: string; level: string }>;
  try {
    items = JSON.parse(r.stdout);
  } catch {
    return errorResult(`hadolint exit ${r.code}: ${r.stderr || r.stdout}`);
  }
  return {
    status: 'ran',
    findings: items.map((i) => ({
      combination: t.id,
      tool: 'hadolint',
      file: 'Dockerfile',
      line: i.line,
      rule: i.code,
      message: `${i.message} [${i.level}]`,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------
// gate: trivy (one scan for all targets: loading the checks is the slow part)

interface TrivyMisconf {
  ID: string;
  AVDID?: string;
  Title: string;
  Message: string;
  Severity: string;
  Status: string;
  CauseMetadata?: { StartLine?: number };
}

async function trivyAll(tools: Tools, targets: Target[]): Promise<Map<string, GateResult>> {
  const root = mkdtempSync(join(SCRATCH, 'trivy-'));
  targets.forEach((t, i) => {
    mkdirSync(join(root, String(i)));
    writeFileSync(join(root, String(i), 'Dockerfile'), readFileSync(join(t.dir, 'Dockerfile')));
  });
  const args = [
    'config',
    '--quiet',
    '--format',
    'json',
    '--severity',
    'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
    '--skip-check-update', // the checks embedded in the binary: no bundle download
    '--skip-version-check', // no update notice request
    '--disable-telemetry',
    '--cache-dir',
    tools.trivyCache,
    '--exit-code',
    '0',
    root,
  ];
  const r = await run('nice', ['-n', '10', tools.trivy, ...args], { timeout: 900_000 });
  const results = new Map<string, GateResult>();
  let report: { Results?: Array<{ Target: string; Misconfigurations?: TrivyMisconf[] }> };
  try {
    report = JSON.parse(r.stdout);
  } catch {
    for (const t of targets) results.set(t.id, errorResult(`trivy exit ${r.code}: ${r.stderr || r.stdout}`));
    return results;
  }
  if (r.code !== 0) {
    for (const t of targets) results.set(t.id, errorResult(`trivy exit ${r.code}: ${r.stderr}`));
    return results;
  }
  for (const t of targets) results.set(t.id, { status: 'ran', findings: [] });
  for (const res of report.Results ?? []) {
    const idx = Number(res.Target.split('/')[0]);
    const t = targets[idx];
    if (!t) continue;
    for (const m of res.Misconfigurations ?? []) {
      if (m.Status !== 'FAIL') continue;
      results.get(t.id)!.findings.push({
        combination: t.id,
        tool: 'trivy',
        file: 'Dockerfile',
        line: m.CauseMetadata?.StartLine ?? 0,
        rule: m.ID,
        message: `${m.Title}: ${m.Message} [${m.Severity}]`,
      });
    }
  }
  rmSync(root, { recursive: true, force: true });
  return results;
}

// ---------------------------------------------------------------------------------------------------
// gate: docker build checks

/** Docker's short name of an image reference, as BuildKit looks up named contexts (`:latest` trimmed). */
function familiarName(ref: string): string {
  return ref
    .replace(/^(index\.)?docker\.io\/library\//, '')
    .replace(/^(index\.)?docker\.io\//, '')
    .replace(/:latest$/, '');
}

/** The external images a Dockerfile's FROM lines name (global ARG defaults expanded; stages and scratch left out). */
function baseImages(text: string): string[] {
  const df = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    const p = a.getProperty();
    if (p) args.set(p.getName(), p.getValue() ?? '');
  }
  const expand = (v: string) =>
    v.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_m, a: string, def: string | undefined, b: string) => {
        const name = a ?? b;
        return args.get(name) || def || '';
      },
    );
  const stages = new Set<string>();
  const images: string[] = [];
  for (const from of df.getFROMs()) {
    const raw = from.getArguments()[0]?.getValue();
    if (raw) {
      const image = expand(raw);
      if (image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase())) images.push(familiarName(image));
    }
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
  }
  return [...new Set(images)];
}

async function buildcheck(tools: Tools, t: Target): Promise<GateResult> {
  if (!tools.docker || !tools.buildx)
    return { status: 'unavailable', findings: [], note: 'docker buildx not installed (e2e/setup-buildkit.sh)' };
  // `# syntax=docker/dockerfile:1` makes BuildKit pull the dockerfile frontend image, impossible offline:
  // blank the directive in a copy (same line numbers) so the builder's built-in frontend runs the checks.
  const text = readFileSync(join(t.dir, 'Dockerfile'), 'utf8');
  const stripped = text.split('\n').map((l, i) => (i < 5 && /^#\s*syntax\s*=/i.test(l) ? '' : l));
  const dir = mkdtempSync(join(SCRATCH, 'check-'));
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, stripped.join('\n'));
  // The checks also resolve every base image's config from its registry, impossible offline (and Alpine has
  // no stand-in at all). A named build context with the image's name replaces the image by an empty one:
  // no registry access, the same Dockerfile. What the checks then cannot see is the base images' own config.
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const contexts = baseImages(text).flatMap((image) => ['--build-context', `${image}=${empty}`]);
  const r = await run(
    tools.docker,
    ['buildx', 'build', '--call=check,format=json', '--progress=quiet', ...contexts, '-f', dockerfile, t.context ?? t.dir],
    { env: { ...process.env, BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } },
  );
  rmSync(dir, { recursive: true, force: true });
  let report: {
    warnings?: Array<{
      ruleName: string;
      description: string;
      detail: string;
      location?: { ranges?: Array<{ start: { line: number } }> };
    }> | null;
    buildError?: { message: string };
  };
  try {
    report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  } catch {
    return errorResult(`docker buildx build --call=check exit ${r.code}: ${r.stderr || r.stdout}`);
  }
  // A check that stopped early (e.g. an unresolvable image) checked nothing: an error, not a pass.
  if (report.buildError) return errorResult(`docker buildx build --call=check: ${report.buildError.message}`);
  return {
    status: 'ran',
    findings: (report.warnings ?? []).map((w) => ({
      combination: t.id,
      tool: 'buildcheck',
      file: 'Dockerfile',
      line: w.location?.ranges?.[0]?.start.line ?? 0,
      rule: w.ruleName,
      message: oneLine(w.detail || w.description),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------
// gate: shellcheck on every shell-form RUN

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/**
 * The shell script of a shell-form RUN without its flags (`--mount=...`), laid out so that line N of the
 * script is line firstLine + N - 1 of the Dockerfile. Null for exec-form RUN.
 */
function runScript(text: string, ins: Instruction): { script: string; firstLine: number } | null {
  if (ins instanceof JSONInstruction && ins.getJSONStrings().length > 0) return null; // exec form: no shell
  const argsRange = ins.getArgumentsRange();
  if (!argsRange) return null;
  const offsets = lineOffsets(text);
  const at = (p: { line: number; character: number }) => offsets[p.line] + p.character;
  const flags = (ins as ModifiableInstruction).getFlags();
  const start = flags.length ? flags[flags.length - 1].getRange().end : argsRange.start;
  const end = ins.getRange().end;
  const body = text.slice(at(start), at(end));
  const lines = body.split('\n');
  const heredoc = /^\s*<<(-?)\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*$/.exec(lines[0] ?? '');
  if (heredoc) {
    // RUN <<EOF ... EOF: the script is the heredoc's body, from the next line to the delimiter.
    const after = text.slice(offsets[start.line + 1] ?? text.length).split('\n');
    const close = after.findIndex((l) => (heredoc[1] ? l.trim() : l) === heredoc[2]);
    return { script: `${after.slice(0, close < 0 ? undefined : close).join('\n')}\n`, firstLine: start.line + 2 };
  }
  // Docker drops comment and empty lines inside a continued instruction; a lone backslash in their place
  // keeps the line count and gives the shell the same command.
  const script = lines.map((l, i) => (i > 0 && (/^\s*#/.test(l) || /^\s*$/.test(l)) ? '\\' : l)).join('\n');
  return { script: `${script}\n`, firstLine: start.line + 1 };
}

async function shellcheck(tools: Tools, t: Target): Promise<GateResult> {
  const text = readFileSync(join(t.dir, 'Dockerfile'), 'utf8');
  const df = DockerfileParser.parse(text);
  const findings: Finding[] = [];
  let shell = 'sh';
  for (const ins of df.getInstructions()) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') shell = 'sh';
    if (kw === 'SHELL' && ins instanceof JSONInstruction) {
      const argv = ins.getJSONStrings().map((s) => s.getValue());
      shell = /bash$/.test(argv[0] ?? '') ? 'bash' : /(^|\/)(sh|ash|dash)$/.test(argv[0] ?? '') ? 'sh' : 'none';
    }
    if (kw !== 'RUN' || shell === 'none') continue;
    const s = runScript(text, ins);
    if (!s) continue;
    const file = join(SCRATCH, `run-${process.pid}-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(file, s.script);
    const r = await run(tools.shellcheck, ['--shell', shell, '--format', 'json1', '--color', 'never', file], { env: cleanEnv() });
    rmSync(file, { force: true });
    let report: { comments: Array<{ line: number; code: number; message: string; level: string }> };
    try {
      report = JSON.parse(r.stdout);
    } catch {
      return errorResult(`shellcheck exit ${r.code}: ${r.stderr || r.stdout}`);
    }
    for (const c of report.comments) {
      findings.push({
        combination: t.id,
        tool: 'shellcheck',
        file: 'Dockerfile',
        line: s.firstLine + c.line - 1,
        rule: `SC${c.code}`,
        message: `${c.message} [${c.level}]`,
      });
    }
  }
  return { status: 'ran', findings };
}

// ---------------------------------------------------------------------------------------------------
// gates: compose

async function composeConfig(tools: Tools, t: Target): Promise<GateResult> {
  if (!tools.docker || !tools.compose)
    return { status: 'unavailable', findings: [], note: 'docker compose v2 not installed (e2e/setup-buildkit.sh)' };
  const file = composeFileOf(t.composeDir ?? t.dir);
  const r = await run(tools.docker, ['compose', '-f', file, 'config', '--quiet'], {
    cwd: t.composeDir ?? t.dir,
    timeout: 60_000,
  });
  if (r.code === 0 && !r.stderr.trim()) return { status: 'ran', findings: [] };
  const message = oneLine(r.stderr || r.stdout || `exit ${r.code}`);
  const line = Number(/line (\d+)/.exec(message)?.[1] ?? 0);
  return {
    status: 'ran',
    findings: [{ combination: t.id, tool: 'compose-config', file, line, rule: r.code === 0 ? 'warning' : 'invalid', message }],
  };
}

type AjvValidate = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }> | null;
};
let validateCompose: AjvValidate | null = null;
function composeValidator(): AjvValidate {
  if (validateCompose) return validateCompose;
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
  // The spec says "$schema": "https://json-schema.org/draft-07/schema"; Ajv's default class is draft-07 and
  // knows the meta-schema under its canonical http id only.
  delete schema.$schema;
  const Ajv = AjvModule.default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormatsModule.default(ajv);
  validateCompose = ajv.compile(schema) as AjvValidate;
  return validateCompose;
}

function composeSchema(t: Target): GateResult {
  const file = composeFileOf(t.composeDir ?? t.dir);
  const text = readFileSync(join(t.composeDir ?? t.dir, file), 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const f = (line: number, rule: string, message: string): Finding => ({
    combination: t.id,
    tool: 'compose-schema',
    file,
    line,
    rule,
    message,
  });
  if (doc.errors.length) return { status: 'ran', findings: doc.errors.map((e) => f(e.linePos?.[0].line ?? 0, 'yaml', oneLine(e.message))) };
  const findings: Finding[] = [];
  const lineOf = (path: string[], key?: string): number => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lc.linePos(range[0]).line;
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lc.linePos(range[0]).line : 0;
  };
  if (isMap(doc.contents) && doc.contents.items.some((p) => isScalar(p.key) && p.key.value === 'version')) {
    findings.push(f(lineOf([], 'version'), 'no-version', 'top-level `version:` is obsolete (Compose v2 ignores it and warns); remove it'));
  }
  const validate = composeValidator();
  if (!validate(doc.toJS())) {
    for (const e of validate.errors ?? []) {
      // oneOf/anyOf wrappers repeat what their branches said
      if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
      const path = e.instancePath
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const extra = e.params.additionalProperty as string | undefined;
      const where = `/${path.join('/')}`;
      findings.push(
        f(
          lineOf(path, extra),
          `schema:${e.keyword}`,
          `${where}${extra ? ` "${extra}"` : ''}: ${e.message ?? e.keyword}${e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
        ),
      );
    }
  }
  return { status: 'ran', findings };
}

// ---------------------------------------------------------------------------------------------------
// gate: .dockerignore

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...walk(full, base));
    else out.push(relative(base, full).split('\\').join('/'));
  }
  return out;
}

/** Docker's COPY source wildcards (Go filepath.Match: `*`, `?`, `[...]`, never across `/`). */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${pattern
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const normalizeSource = (s: string) =>
  s
    .replace(/^\.\/+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');

/** Paths that must never reach the build context: probes (whether or not the fixture has them). */
const SECRET_PROBES = [
  '.git',
  '.git/config',
  '.env',
  '.env.local',
  '.env.production',
  'id_rsa',
  'id_ed25519',
  'server.pem',
  'server.key',
  'config/.env',
  'deploy/id_rsa',
  'certs/server.pem',
  'packages/api/.env',
];
const SECRET_FILE =
  /(^|\/)(\.env(\.(?!example$|sample$|template$|dist$)[^/]+)?|id_(rsa|dsa|ecdsa|ed25519)|[^/]+\.(pem|key|p12|pfx)|\.netrc)$|(^|\/)\.git\/|(^|\/)secrets\//;

function dockerignoreGate(t: Target): GateResult {
  const text = readFileSync(join(t.dir, 'Dockerfile'), 'utf8');
  const diPath = t.dockerignore ?? join(t.dir, '.dockerignore');
  const ig = ignore().add(existsSync(diPath) ? readFileSync(diPath, 'utf8') : '');
  const files = walk(t.context ?? t.dir);
  const findings: Finding[] = [];
  const f = (file: string, line: number, rule: string, message: string): Finding => ({
    combination: t.id,
    tool: 'dockerignore',
    file,
    line,
    rule,
    message,
  });

  const df = DockerfileParser.parse(text);
  for (const ins of df.getInstructions()) {
    const kw = ins.getKeyword();
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const flags = (ins as ModifiableInstruction).getFlags();
    if (flags.some((fl) => fl.getName() === 'from')) continue; // from another stage or image, not the context
    const args =
      ins instanceof JSONInstruction && ins.getJSONStrings().length
        ? ins.getJSONStrings().map((s) => s.getValue())
        : ins.getArguments().map((a) => a.getValue());
    const sources = args.slice(0, -1).filter((s) => !s.startsWith('<<') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith('git@'));
    const line = ins.getRange().start.line + 1;
    for (const raw of sources) {
      if (raw.includes('$')) continue; // a build-arg in the path: cannot be resolved statically
      const src = normalizeSource(raw);
      const isGlob = /[*?[]/.test(src);
      let matched: string[];
      if (src === '') matched = files;
      else if (isGlob) {
        const re = globRegex(src);
        const depth = src.split('/').length;
        matched = files.filter((p) => re.test(p.split('/').slice(0, depth).join('/')));
      } else matched = files.filter((p) => p === src || p.startsWith(`${src}/`));
      if (!matched.length) {
        // BuildKit allows a wildcard that matches nothing; a named path that is not there fails the build.
        if (!isGlob) findings.push(f('Dockerfile', line, 'copy-source-missing', `${kw} ${raw}: not in the build context`));
        continue;
      }
      const surviving = matched.filter((p) => !ig.ignores(p));
      if (!isGlob && src !== '' && matched.length === 1 && matched[0] === src && !surviving.length) {
        findings.push(
          f('.dockerignore', 0, 'copy-source-ignored', `${kw} ${raw} (Dockerfile line ${line}): ${src} is excluded by .dockerignore`),
        );
      } else if (!surviving.length) {
        findings.push(
          f(
            '.dockerignore',
            0,
            'copy-source-ignored',
            `${kw} ${raw} (Dockerfile line ${line}): every matching file is excluded by .dockerignore`,
          ),
        );
      } else if (!isGlob && src !== '') {
        for (const p of matched.filter((m) => ig.ignores(m) && !SECRET_FILE.test(m)).slice(0, 5)) {
          findings.push(
            f('.dockerignore', 0, 'copy-source-ignored', `${kw} ${raw} (Dockerfile line ${line}): ${p} is excluded by .dockerignore`),
          );
        }
      }
    }
  }
  for (const p of SECRET_PROBES) {
    if (ig.ignores(p)) continue;
    // .dockerignore patterns are anchored at the context root: `*.pem` does not cover certs/server.pem.
    const nested = p.includes('/') && !p.startsWith('.git/');
    const rule = nested ? 'nested-secret-not-ignored' : 'secret-not-ignored';
    const hint = nested ? ' (.dockerignore patterns are anchored at the context root: needs a **/ pattern)' : '';
    findings.push(f('.dockerignore', 0, rule, `${p} (probe) would be sent to the builder and copied by COPY . .${hint}`));
  }
  for (const p of files) {
    if (SECRET_FILE.test(p) && !ig.ignores(p))
      findings.push(f('.dockerignore', 0, 'secret-not-ignored', `${p} (file in the project) would be sent to the builder`));
  }
  return { status: 'ran', findings };
}

// ---------------------------------------------------------------------------------------------------
// running the gates

async function gates(tools: Tools, targets: Target[]): Promise<Map<string, Map<Tool, GateResult>>> {
  const all = new Map<string, Map<Tool, GateResult>>();
  for (const t of targets) all.set(t.id, new Map());
  const trivy = await timed('trivy', () => trivyAll(tools, targets));
  for (const t of targets) all.get(t.id)!.set('trivy', trivy.get(t.id)!);
  await pool(targets, PARALLEL, async (t) => {
    const m = all.get(t.id)!;
    const guard = async (tool: Tool, fn: () => Promise<GateResult> | GateResult) => {
      try {
        m.set(tool, await timed(tool, async () => fn()));
      } catch (e) {
        m.set(tool, errorResult(`${tool} threw: ${(e as Error).stack ?? e}`));
      }
    };
    await guard('hadolint', () => hadolint(tools, t));
    await guard('shellcheck', () => shellcheck(tools, t));
    await guard('compose-schema', () => composeSchema(t));
    await guard('dockerignore', () => dockerignoreGate(t));
    await guard('compose-config', () => composeConfig(tools, t));
    await guard('buildcheck', () => buildcheck(tools, t));
  });
  return all;
}

/** Rules each gate must report on bad/ (any one of the alternatives, per entry). */
const MUST_FIND: Record<Tool, string[][]> = {
  hadolint: [['DL3007'], ['DL3002'], ['DL3020'], ['DL3025']],
  trivy: [
    ['DS-0001', 'DS001'],
    ['DS-0002', 'DS002'],
    ['DS-0005', 'DS005'],
  ],
  buildcheck: [['SecretsUsedInArgOrEnv'], ['JSONArgsRecommended']],
  shellcheck: [['SC2045'], ['SC2086']],
  'compose-config': [['invalid']],
  'compose-schema': [['no-version'], ['schema:additionalProperties']],
  dockerignore: [['copy-source-ignored'], ['secret-not-ignored']],
};

async function selfTest(tools: Tools): Promise<{ ok: boolean; lines: string[]; unavailable: Tool[] }> {
  const bad: Target = { id: 'self-test (bad/)', dir: BAD };
  const results = (await gates(tools, [bad])).get(bad.id)!;
  const lines: string[] = [];
  const unavailable: Tool[] = [];
  let ok = true;
  for (const tool of TOOLS) {
    const r = results.get(tool)!;
    if (r.status === 'unavailable') {
      unavailable.push(tool);
      lines.push(`  ${tool.padEnd(15)} unavailable (${r.note})`);
      continue;
    }
    if (r.status === 'error') {
      ok = false;
      lines.push(`  ${tool.padEnd(15)} ERROR: ${r.note}`);
      continue;
    }
    const found = new Set(r.findings.map((x) => x.rule));
    const missing = MUST_FIND[tool].filter((alts) => !alts.some((a) => found.has(a))).map((alts) => alts.join('|'));
    if (missing.length) {
      ok = false;
      lines.push(
        `  ${tool.padEnd(15)} FAILED: gate ${tool} cannot fail: it did not report ${missing.join(', ')} on bad/ (it reported: ${[...found].join(', ') || 'nothing'})`,
      );
    } else {
      lines.push(
        `  ${tool.padEnd(15)} ok: reports ${MUST_FIND[tool].map((a) => a.find((x) => found.has(x))).join(', ')} (${r.findings.length} findings on bad/)`,
      );
    }
  }
  return { ok, lines, unavailable };
}

// ---------------------------------------------------------------------------------------------------
// main

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const t0 = performance.now();

  if (!argv.includes('--no-build')) {
    const b = await timed('build', () => run('nice', ['-n', '5', 'npm', 'run', '--silent', 'build'], { cwd: ROOT }));
    if (b.code !== 0) {
      console.error(`npm run build failed:\n${b.stdout}${b.stderr}`);
      return 1;
    }
  }
  const tools = await timed('setup', () => setupTools(argv.includes('--no-setup')));
  console.log('Lint gates');
  console.log(`  hadolint   ${tools.hadolint}`);
  console.log(`  shellcheck ${tools.shellcheck}`);
  console.log(`  trivy      ${tools.trivy}`);
  console.log(`  docker     ${tools.docker ?? 'none'}; compose ${tools.compose ?? 'unavailable'}; buildx ${tools.buildx ?? 'unavailable'}`);

  console.log('\nSelf-test on test/lint-output/bad/ (each gate must report its rules):');
  const st = await timed('self-test', () => selfTest(tools));
  console.log(st.lines.join('\n'));
  if (!st.ok) {
    console.log('\nSelf-test FAILED: a gate that cannot fail proves nothing. Not running the matrix.');
    return 1;
  }

  const combos: Combination[] = matrix().filter((c) => !only || c.id.includes(only));
  console.log(`\nGenerating ${combos.length} combinations ...`);
  const genFindings: Finding[] = [];
  const generated = await timed('generate', () =>
    pool(combos, PARALLEL, async (c): Promise<Target | null> => {
      try {
        const { dir, root, build } = await generate(c);
        // One of several Go servers: its Dockerfile is in its folder (cmd/api/), compose.yaml in the module's.
        const at = dirname(build.dockerfile);
        return {
          id: c.id,
          dir: at,
          ...(at !== dir ? { composeDir: dir } : {}),
          context: build.context,
          dockerignore: build.dockerignore,
          root,
        };
      } catch (e) {
        genFindings.push({
          combination: c.id,
          tool: 'generate',
          file: '-',
          line: 0,
          rule: 'generate-failed',
          message: oneLine(String((e as Error).message)).slice(0, 400),
        });
        return null;
      }
    }),
  );
  const targets = generated.filter((t): t is Target => t !== null);
  // The app generator's output for whole repositories: every service folder, with the one root compose.yaml.
  const apps = appFixtures().filter((a) => !only || `app/${a.name}`.includes(only));
  for (const app of apps) {
    const { dir: root, result: r } = await generateApp(app);
    if (r.code !== 0) {
      genFindings.push({
        combination: `app/${app.name}`,
        tool: 'generate',
        file: '-',
        line: 0,
        rule: 'generate-failed',
        message: oneLine(r.output).slice(0, 400),
      });
      continue;
    }
    // Every service compose.yaml builds, with the context and ignore file it builds with.
    for (const build of composeBuilds(root)) {
      const dir = dirname(build.dockerfile);
      targets.push({
        id: `app/${app.name} ${relative(root, dir) || '.'}`,
        dir,
        composeDir: root,
        context: build.context,
        dockerignore: build.dockerignore,
      });
    }
  }
  if (apps.length) console.log(`Generated ${apps.length} whole repositories (app generator): ${apps.map((a) => a.name).join(', ')}`);
  const results = await gates(tools, targets);

  // summary table: combination x tool
  const cell = (r: GateResult | undefined) =>
    !r ? '-' : r.status === 'unavailable' ? 'unavailable' : r.status === 'error' ? 'ERROR' : String(r.findings.length);
  const rows = [['combination', ...TOOLS]];
  for (const t of targets) rows.push([t.id, ...TOOLS.map((tool) => cell(results.get(t.id)!.get(tool)))]);
  for (const g of genFindings) rows.push([g.combination, ...TOOLS.map(() => 'not generated')]);
  const total = (tool: Tool) => {
    const rs = targets.map((t) => results.get(t.id)!.get(tool)!);
    if (rs.length && rs.every((r) => r.status === 'unavailable')) return 'unavailable';
    const errs = rs.filter((r) => r.status === 'error').length;
    return `${rs.reduce((n, r) => n + r.findings.length, 0)}${errs ? ` (+${errs} ERROR)` : ''}`;
  };
  rows.push(['TOTAL', ...TOOLS.map(total)]);
  console.log(`\nFindings per combination and tool:\n${table(rows)}`);

  const findings = [...genFindings, ...targets.flatMap((t) => TOOLS.flatMap((tool) => results.get(t.id)!.get(tool)!.findings))];
  const errors = targets.flatMap((t) =>
    TOOLS.map((tool) => [t.id, tool, results.get(t.id)!.get(tool)!] as const).filter(([, , r]) => r.status === 'error'),
  );
  if (findings.length) {
    console.log(`\nFindings (${findings.length}):`);
    console.log(
      table([
        ['combination', 'file:line', 'tool', 'rule', 'message'],
        ...findings.map((x) => [x.combination, `${x.file}:${x.line || '-'}`, x.tool, x.rule, x.message]),
      ]),
    );
    const byRule = new Map<string, { n: number; combos: Set<string>; example: Finding }>();
    for (const x of findings) {
      const k = `${x.tool} ${x.rule}`;
      const e = byRule.get(k) ?? { n: 0, combos: new Set<string>(), example: x };
      e.n++;
      e.combos.add(x.combination);
      byRule.set(k, e);
    }
    console.log('\nBy rule:');
    console.log(
      table([
        ['tool', 'rule', 'findings', 'combinations', 'example'],
        ...[...byRule.entries()].map(([k, e]) => [
          ...k.split(' '),
          String(e.n),
          String(e.combos.size),
          `${e.example.file}:${e.example.line || '-'} ${e.example.message}`.slice(0, 160),
        ]),
      ]),
    );
  }
  if (errors.length) {
    console.log(`\nGate errors (${errors.length}): the gate could not run, so nothing is proven:`);
    for (const [id, tool, r] of errors) console.log(`  ${id}  ${tool}: ${r.note}`);
  }
  const unavailable = TOOLS.filter(
    (tool) => targets.length && targets.every((t) => results.get(t.id)!.get(tool)!.status === 'unavailable'),
  );
  console.log('\nTimings (s, summed over parallel workers):');
  console.log(
    `  ${[...timings.entries()].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}; wall ${((performance.now() - t0) / 1000).toFixed(1)}`,
  );
  console.log(
    `\n${targets.length + genFindings.length} combinations checked (${targets.length} generated), ${findings.length} findings, ${errors.length} gate errors${unavailable.length ? `; unavailable: ${unavailable.join(', ')}` : ''}.`,
  );
  rmSync(SCRATCH, { recursive: true, force: true });
  if (!argv.includes('--keep'))
    for (const t of targets) rmSync(t.root ?? (t.composeDir ? dirname(t.composeDir) : t.dir), { recursive: true, force: true });
  return findings.length || errors.length ? 1 : 0;
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
