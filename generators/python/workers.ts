// Python workers: the processes a repository runs beside its server (a Procfile `worker:` line, a Celery
// app), each a compose service from the same image. Pure over the project's files.
import { type Evidence, shellWords, splitChain, type WorkerCommand } from '../../lib/evidence.ts';
import type { FactLine } from '../../lib/facts.ts';
import { type ProjectFiles, walk } from '../../lib/project.ts';

export interface PythonWorker {
  /** Process type: `worker`, `beat`. */
  name: string;
  /** Exec form, run with the image's PATH (the virtual environment's bin/ first). */
  command: string[];
  environment: Record<string, string>;
  /** A command that exits 0 while the worker works (Celery's ping); undefined: no check of its own. */
  health?: string[];
  /** `Procfile:2 worker`, `tasks.py:5 celery = Celery(...)` */
  source: string;
  /** A release step (migrations): run once with `docker compose run --rm`, not started by `up`. */
  oneOff?: boolean;
}

/** Celery's app argument: `-A x`, `--app x`, `--app=x`, `-Ax`. */
function celeryApp(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if ((w === '-A' || w === '--app') && argv[i + 1]) return argv[i + 1];
    const m = /^(?:--app=|-A)(.+)$/.exec(w);
    if (m) return m[1];
  }
  return undefined;
}

/** `./manage.py x` and `manage.py x` run through python (the script may not be executable in the image). */
function normalize(argv: string[]): string[] {
  const [first, ...rest] = argv;
  if (/^(\.\/)?[\w./-]+\.py$/.test(first)) return ['python', first.replace(/^\.\//, ''), ...rest];
  if (first === 'python3') return ['python', ...rest];
  return argv;
}

/** The check that fits a worker: Celery answers `inspect ping` through its broker; the others have none. */
function healthOf(command: string[]): string[] | undefined {
  if (command[0] !== 'celery' || !command.includes('worker')) return undefined;
  const app = celeryApp(command);
  return app ? ['celery', '-A', app, 'inspect', 'ping', '--timeout', '5'] : undefined;
}

/** A module-level `name = Celery(...)` in the code: `celery -A module.name worker`. */
function celeryInstance(project: ProjectFiles, dir: string): { app: string; source: string } | undefined {
  const files = walk(
    project,
    [dir],
    (p) => p.endsWith('.py') && !/(^|\/)(tests?|migrations|docs|examples)\//.test(p) && !/(^|\/)(test_[^/]*|conftest)\.py$/.test(p),
    400,
  ).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  for (const file of files) {
    const lines = (project.read(file) ?? '').split(/\r?\n/);
    const i = lines.findIndex((l) => /^(\w+)\s*=\s*Celery\(/.test(l));
    if (i < 0) continue;
    const name = /^(\w+)/.exec(lines[i])?.[1] as string;
    const rel = dir ? file.slice(dir.length + 1) : file;
    const module = rel
      .replace(/\.py$/, '')
      .replace(/\/__init__$/, '')
      .replace(/^src\//, '')
      .split('/')
      .join('.');
    return { app: `${module}.${name}`, source: `${rel}:${i + 1} ${name} = Celery(...)` };
  }
  return undefined;
}

/**
 * The workers of a Python service: the repository's Procfile lines beside `web` (worker, beat, scheduler),
 * else, for a project that depends on Celery, the Celery app in its code.
 */
export function detectWorkers(
  project: ProjectFiles,
  dir: string,
  declared: WorkerCommand[],
  deps: Set<string>,
  releases: Array<Evidence<string>> = [],
): { workers: PythonWorker[]; facts: FactLine[] } {
  const workers: PythonWorker[] = declared.map((w) => {
    const command = normalize(w.argv);
    return { name: w.name, command, environment: w.environment, health: healthOf(command), source: w.origin };
  });
  if (!workers.length && deps.has('celery')) {
    const found = celeryInstance(project, dir);
    if (found) {
      const command = ['celery', '-A', found.app, 'worker', '--loglevel=INFO'];
      workers.push({ name: 'worker', command, environment: {}, health: healthOf(command), source: found.source });
    }
  }
  // The release step (the first one the repository names) as a one-off from the same image: one command in
  // exec form (the image may have no shell); a chain stays a printed fact to run by hand.
  const release = releases[0];
  const releaseFacts: FactLine[] = [];
  if (release) {
    const chain = splitChain(release.value);
    if (chain.length === 1) {
      const command = normalize(shellWords(chain[0]));
      releaseFacts.push({
        label: 'release one-off',
        value: command.join(' '),
        source: release.source,
        note: 'a compose service in the "release" profile: docker compose run --rm <service>-release',
      });
      workers.push({ name: 'release', command, environment: {}, source: release.source, oneOff: true });
    }
  }
  const facts = workers
    .filter((w) => !w.oneOff)
    .map(
      (w): FactLine => ({
        label: w.name === 'worker' ? 'worker' : `worker ${w.name}`,
        value: w.command.join(' '),
        source: w.source,
        note: w.health
          ? `checked by ${w.health.slice(0, 1).concat(w.health.slice(3, 5)).join(' ')}`
          : 'no check of its own: healthy while it runs, restarted when it exits',
      }),
    );
  return { workers, facts: [...facts, ...releaseFacts] };
}
