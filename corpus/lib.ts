// The corpus measure, pure: read what the generator printed and wrote for one repository, and compare
// it with the facts a careful engineer read from the code (corpus/expect/<id>.json). No I/O here.
import { posix } from 'node:path';
import semver from 'semver';

export type Language = 'node' | 'python' | 'go';
export type FactName = 'version' | 'packageManager' | 'build' | 'start' | 'port' | 'health' | 'backing' | 'writable';
export const FACT_NAMES: FactName[] = ['version', 'packageManager', 'build', 'start', 'port', 'health', 'backing', 'writable'];

export interface ExpectedFact {
  source: string;
  value?: unknown;
  range?: string;
  any?: string[];
}

export interface ExpectedService {
  dir: string;
  language: Language;
  kind: 'web' | 'worker' | 'static' | 'grpc';
  facts: Partial<Record<FactName, ExpectedFact>>;
}

export interface Expectation {
  id: string;
  repo: string;
  commit: string;
  path: string;
  license: string;
  licenseFile: string;
  why: string;
  tags: string[];
  buildable: true | string;
  services: ExpectedService[];
}

/** One `dockerstack:<lang> found in <dir>:` block of the printed facts. */
export interface PrintedService {
  language: Language;
  /** Relative to the project root ('.' for the root). */
  dir: string;
  /** label -> value, e.g. port -> '3000', start -> 'node server.js', version -> '26', pm -> 'npm'. */
  facts: Record<string, string>;
}

const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun', 'pip', 'poetry', 'uv', 'pipenv', 'pdm'];

/** The facts blocks of a run's output (stdout and stderr together), with dirs relative to `root`. */
export function parseFacts(output: string, root: string): PrintedService[] {
  const blocks: PrintedService[] = [];
  let current: PrintedService | undefined;
  for (const line of output.split('\n')) {
    const head = /^dockerstack:(node|python|go) found in (.+):$/.exec(line);
    if (head) {
      const rel = posix.relative(root, head[2]) || '.';
      current = { language: head[1] as Language, dir: rel, facts: {} };
      blocks.push(current);
      continue;
    }
    if (!current) continue;
    const fact = /^ {2}(\S+)(?: (.*?))? <- /.exec(line);
    if (!fact) {
      if (!/^ {2}/.test(line)) current = undefined;
      continue;
    }
    const [, label, value = ''] = fact;
    if (label === current.language) current.facts.version ??= value.split(' ')[0];
    else if (PACKAGE_MANAGERS.includes(label)) {
      current.facts.packageManager ??= label;
      if (/^\d/.test(value)) current.facts.packageManagerVersion ??= value.split(' ')[0];
    } else if (label === 'build') current.facts.build ??= unquote(value);
    else if (label === 'start' || label === 'main') current.facts.start ??= unquote(value);
    else if (label === 'port') current.facts.port ??= value.split(' ')[0];
    else if (label === 'healthcheck') current.facts.health ??= value.split(' ')[0];
    else if (label === 'pep621') current.facts.packageManager ??= 'pip';
  }
  return blocks;
}

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');

/** Every word of `expected` appears in `actual`, in order (a word may be part of a longer argument: `:5000` in `0.0.0.0:5000`). */
export function wordsInOrder(expected: string, actual: string): boolean {
  const words = actual.split(/\s+/).filter(Boolean);
  let i = 0;
  for (const want of expected.split(/\s+/).filter(Boolean)) {
    while (i < words.length && !sameWord(want, words[i])) i++;
    if (i === words.length) return false;
    i++;
  }
  return true;
}

const sameWord = (want: string, got: string) => {
  const norm = (w: string) => w.replace(/^['"]|['"]$/g, '').replace(/^\.\//, '');
  // `pkg.wsgi` names the module whose `application` gunicorn runs: `pkg.wsgi:application` is the same target.
  // and Node resolves `dist/main` to `dist/main.js`.
  const bare = norm(got).replace(/\.[cm]?js$/, '');
  return norm(got) === norm(want) || norm(got).endsWith(norm(want)) || norm(got).startsWith(`${norm(want)}:`) || bare === norm(want);
};

/** The parts of compose.yaml and the Dockerfiles the comparison reads, for one compose service. */
export interface WrittenService {
  name: string;
  /** The folder of its Dockerfile relative to the project root, or undefined for an image-only service (a backing service). */
  context?: string;
  /** The build context, when it is not the Dockerfile's folder (a workspace root; a Go module with a Dockerfile per server). */
  buildContext?: string;
  image?: string;
  command?: string;
  dependsOn: string[];
  /** Mount targets: named volumes, binds and tmpfs. */
  mounts: string[];
  /** The runtime stage's WORKDIR. */
  workdir?: string;
  /** Whether the generator wrote its Dockerfile (a repository's own service beside it may build the same folder). */
  generated?: boolean;
  ports: string[];
}

const BACKING_KINDS: Array<[RegExp, string]> = [
  [/(^|\/)postgres(ql)?(:|$)/, 'postgres'],
  // MariaDB is a MySQL server (the protocol the app's driver speaks): the same kind.
  [/(^|\/)(mysql|mariadb)(:|$)/, 'mysql'],
  [/(^|\/)redis(:|$)/, 'redis'],
  [/(^|\/)valkey(:|$)/, 'valkey'],
  [/(^|\/)mongo(db)?(:|$)/, 'mongo'],
  [/(^|\/)rabbitmq(:|$)/, 'rabbitmq'],
  [/(^|\/)nats(:|$)/, 'nats'],
  [/(^|\/)memcached(:|$)/, 'memcached'],
];

export const backingKind = (image: string) => BACKING_KINDS.find(([re]) => re.test(image))?.[1];

export interface FactResult {
  fact: FactName;
  ok: boolean;
  expected: string;
  got: string;
  source: string;
}

export interface ServiceResult {
  dir: string;
  language: Language;
  kind: string;
  generated: boolean;
  facts: FactResult[];
}

export interface CompareInput {
  printed: PrintedService[];
  written: WrittenService[];
  /** package.json scripts per service dir (Node), to tell `npm run build` from the script it runs. */
  scripts?: Record<string, Record<string, string>>;
}

const describe = (f: ExpectedFact): string =>
  f.range !== undefined ? f.range : f.any ? f.any.join(' | ') : f.value === null ? 'none' : JSON.stringify(f.value);

/** Compare one repository's expectation with what a run printed and wrote. */
export function compare(expect: Expectation, input: CompareInput): ServiceResult[] {
  const usedBlocks = new Set<PrintedService>();
  return expect.services.map((svc) => {
    const dir = posix.normalize(svc.dir);
    const builtFrom = (w: WrittenService) =>
      (w.context !== undefined && posix.normalize(w.context) === dir) ||
      (w.buildContext !== undefined && posix.normalize(w.buildContext) === dir);
    const compose = input.written.filter(builtFrom);
    let block: PrintedService | undefined;
    let worker: WrittenService | undefined;
    if (svc.kind === 'worker') {
      const want = svc.facts.start?.value;
      worker = compose.find((w) => w.ports.length === 0 && typeof want === 'string' && w.command && wordsInOrder(want, w.command));
      block = input.printed.find((b) => b.dir === dir);
    } else {
      const candidates = input.printed.filter((b) => b.dir === dir && !usedBlocks.has(b));
      const want = svc.facts.start?.value;
      block = candidates.find((b) => typeof want === 'string' && b.facts.start && wordsInOrder(want, b.facts.start)) ?? candidates[0];
      if (block) usedBlocks.add(block);
    }
    const generated = svc.kind === 'worker' ? worker !== undefined : block !== undefined && compose.length > 0;
    const served = (list: WrittenService[]) => list.find((w) => w.ports.length > 0) ?? list[0];
    const own = svc.kind === 'worker' ? worker : (served(compose.filter((w) => w.generated)) ?? served(compose));
    const facts: FactResult[] = [];
    for (const name of FACT_NAMES) {
      const exp = svc.facts[name];
      if (!exp) continue;
      const res = (ok: boolean, got: string | undefined): FactResult => ({
        fact: name,
        ok: generated && ok,
        expected: describe(exp),
        got: generated ? (got ?? '(not printed)') : '(not generated)',
        source: exp.source,
      });
      const got = block?.facts ?? {};
      switch (name) {
        case 'version': {
          const v = semver.coerce(got.version ?? '');
          facts.push(res(Boolean(v && exp.range && semver.satisfies(v, exp.range)), got.version));
          break;
        }
        case 'packageManager': {
          const [pm, version] = String(exp.value).split('@');
          const printed = svc.language === 'go' && block ? 'go' : got.packageManager;
          facts.push(
            res(
              printed === pm && (!version || got.packageManagerVersion === version),
              [printed, got.packageManagerVersion].filter(Boolean).join(' '),
            ),
          );
          break;
        }
        case 'build': {
          if (exp.value === null) facts.push(res(got.build === undefined, got.build ?? 'none'));
          else
            facts.push(
              res(got.build !== undefined && sameBuild(String(exp.value), got.build, input.scripts?.[dir] ?? {}), got.build ?? 'none'),
            );
          break;
        }
        case 'start': {
          const actual = svc.kind === 'worker' ? worker?.command : got.start;
          facts.push(res(actual !== undefined && wordsInOrder(String(exp.value), actual), actual));
          break;
        }
        case 'port':
          facts.push(res(got.port === String(exp.value), got.port));
          break;
        case 'health':
          facts.push(res(got.health !== undefined && (exp.any ?? []).includes(got.health), got.health));
          break;
        case 'backing': {
          const deps = new Set(own?.dependsOn ?? []);
          const kinds = input.written
            .filter((w) => w.context === undefined && deps.has(w.name) && w.image)
            .map((w) => backingKind(w.image as string) ?? w.image)
            .sort();
          const want = [...((exp.value as string[]) ?? [])].sort();
          facts.push(res(JSON.stringify(kinds) === JSON.stringify(want), kinds.join(', ') || 'none'));
          break;
        }
        case 'writable': {
          const want = (exp.value as string[]) ?? [];
          const workdir = own?.workdir ?? '/app';
          const mounts = own?.mounts ?? [];
          const covered = (p: string) => {
            const target = posix.join(workdir, p);
            return mounts.some((m) => m !== '/' && (target === m || target.startsWith(`${m.replace(/\/$/, '')}/`)));
          };
          facts.push(res(want.every(covered), mounts.join(', ') || 'none'));
          break;
        }
      }
    }
    return { dir: svc.dir, language: svc.language, kind: svc.kind, generated, facts };
  });
}

/** `npm run build` and the script it runs (`next build`) are the same build step. */
function sameBuild(expected: string, printed: string, scripts: Record<string, string>): boolean {
  if (wordsInOrder(expected, printed) || wordsInOrder(printed, expected)) return true;
  const script = (cmd: string) => /^(?:npm|pnpm|yarn|bun)(?: run)? ([\w:-]+)$/.exec(cmd.trim())?.[1];
  const a = script(expected);
  const b = script(printed);
  return (
    (a !== undefined && scripts[a] !== undefined && wordsInOrder(scripts[a], printed)) ||
    (b !== undefined && scripts[b] !== undefined && wordsInOrder(expected, scripts[b]))
  );
}

/** Right and total facts of a repository's results. */
export const tally = (services: ServiceResult[]) => ({
  right: services.reduce((n, s) => n + s.facts.filter((f) => f.ok).length, 0),
  total: services.reduce((n, s) => n + s.facts.length, 0),
});

/** Problems with an expectation file itself: a reviewer must be able to check every fact. */
export function checkExpectation(e: Expectation, file: string): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string) => ok || problems.push(`${file}: ${what}`);
  need(/^[a-z]+-[a-z0-9-]+$/.test(e.id) && file.endsWith(`${e.id}.json`), `id "${e.id}" must be <kind>-<name> and the file's name`);
  need(/^[\w.-]+\/[\w.-]+$/.test(e.repo), `repo "${e.repo}" is not owner/name`);
  need(/^[0-9a-f]{40}$/.test(e.commit), `commit "${e.commit}" is not 40 hex digits`);
  need(
    typeof e.path === 'string' && !e.path.startsWith('/') && !e.path.split('/').includes('..'),
    'path must be a folder inside the repository',
  );
  need(typeof e.license === 'string' && e.license !== '' && typeof e.licenseFile === 'string', 'license and licenseFile are required');
  need(
    e.buildable === true || (typeof e.buildable === 'string' && e.buildable !== ''),
    'buildable is true or the reason it cannot be built here',
  );
  need(Array.isArray(e.services) && e.services.length > 0, 'services must list at least one service');
  for (const [i, s] of (e.services ?? []).entries()) {
    need(['node', 'python', 'go'].includes(s.language), `services[${i}].language "${s.language}" is not node, python or go`);
    need(['web', 'worker', 'static', 'grpc'].includes(s.kind), `services[${i}].kind "${s.kind}" is not web, worker, static or grpc`);
    for (const [name, f] of Object.entries(s.facts ?? {})) {
      need(FACT_NAMES.includes(name as FactName), `services[${i}].facts.${name} is not a known fact`);
      need(typeof f?.source === 'string' && f.source.trim() !== '', `services[${i}].facts.${name} has no source`);
      if (name === 'version')
        need(
          typeof f.range === 'string' && semver.validRange(f.range) !== null,
          `services[${i}].facts.version.range is not a semver range`,
        );
      if (name === 'health') need(Array.isArray(f.any) && f.any.length > 0, `services[${i}].facts.health needs "any": [paths]`);
      if (name === 'backing' || name === 'writable') need(Array.isArray(f.value), `services[${i}].facts.${name}.value must be a list`);
      if (name === 'port') need(Number.isInteger(f.value), `services[${i}].facts.port.value must be a number`);
    }
  }
  return problems;
}
