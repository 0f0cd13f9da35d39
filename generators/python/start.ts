// Python start commands: what a command from the repository (Procfile, boot script, Dockerfile) or
// --start means, translated to the image's exec form, and checked against the tree (pure functions).
import { lineOf } from '../../lib/errors.ts';
import { type Evidence, portOfAddress, shellWords } from '../../lib/evidence.ts';
import type { ProjectFiles } from '../../lib/project.ts';

/** What serves the app: a WSGI/ASGI server, or the app's own CLI. */
export type Runner = 'gunicorn' | 'uvicorn' | 'waitress' | 'streamlit' | 'fastapi' | 'litestar' | 'flask' | 'python';

/** Gunicorn waits 30 s for workers after SIGTERM; `docker stop` (and Compose) wait 10 s before SIGKILL. */
export const STOP_GRACE_SECONDS = 10;
export const GUNICORN_GRACEFUL_TIMEOUT = 8;

export interface TranslatedStart {
  runner: Runner;
  /** The command after the venv's bin/ (or python), with `${PORT}` where the port goes. */
  start: string[];
  /** `module:attr` the server loads, checked against the tree. */
  appRef?: string;
  /** Where the app is defined (file:line), when the target was resolved. */
  appSource?: string;
  /** A note on the target (a factory used instead of a missing attribute). */
  note?: string;
  /** The port the command itself binds (`-b :5000`), with the command's source. */
  port?: Evidence<number>;
  /** Runs the app's development server (flask run): only used when no WSGI server is a dependency. */
  devServer?: boolean;
}

export type Translation = TranslatedStart | { skip: string };

const under = (dir: string, path: string) => (dir ? `${dir}/${path}` : path);

/** The file of a Python module in the tree: `pkg.mod` -> `pkg/mod.py`, `pkg/mod/__init__.py` (also under src/). */
export function moduleFile(project: ProjectFiles, dir: string, module: string, appDir?: string): string | undefined {
  const rel = module.replace(/\./g, '/');
  const bases = [...(appDir ? [appDir.replace(/^\.\/?/, '').replace(/\/$/, '')] : []), '', 'src'].filter((b, i, a) => a.indexOf(b) === i);
  for (const base of bases)
    for (const f of [`${rel}.py`, `${rel}/__init__.py`]) {
      const path = under(dir, base ? `${base}/${f}` : f);
      if (project.exists(path)) return path;
    }
  return undefined;
}

/** The module-level definition of a name: assignment, def, class or import (file:line), else undefined. */
export function definitionOf(text: string, name: string): number | undefined {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    new RegExp(`^(?:async\\s+)?def\\s+${n}\\s*\\(`, 'm'),
    new RegExp(`^class\\s+${n}\\b`, 'm'),
    new RegExp(`^${n}\\s*(?::[^=\\n]+)?=(?!=)`, 'm'),
    new RegExp(`^from\\s+\\S+\\s+import\\s+(?:\\([^)]*\\b${n}\\b[^)]*\\)|[^\\n]*\\b${n}\\b)`, 'm'),
    new RegExp(`^import\\s+[^\\n]*\\bas\\s+${n}\\b`, 'm'),
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (m) return lineOf(text, m.index);
  }
  return undefined;
}

const FACTORIES = ['create_app', 'make_app', 'get_app', 'build_app'];

/**
 * Check a server target (`module:attr`, `module:factory()`, `module`) against the tree. A missing
 * attribute in a module that defines an app factory gives the factory call (`pkg:create_app()`).
 */
export function resolveTarget(
  project: ProjectFiles,
  dir: string,
  target: string,
  defaultAttr: string,
  appDir?: string,
): { ref: string; source: string; note?: string } | { error: string } {
  const [module, attrRaw] = target.includes(':') ? target.split(/:(.*)/s) : [target, defaultAttr];
  if (!/^[A-Za-z_][\w.]*$/.test(module)) return { error: `"${target}" is not a module:attribute target` };
  const file = moduleFile(project, dir, module, appDir);
  if (!file) return { error: `module ${module} (${module.replace(/\./g, '/')}.py) is not in the tree` };
  const text = project.read(file) ?? '';
  const rel = dir ? file.slice(dir.length + 1) : file;
  const attr = attrRaw.trim();
  const call = /^(\w+)\s*\(.*\)$/s.exec(attr);
  const name = call ? call[1] : attr;
  if (!/^\w+$/.test(name)) return { error: `"${target}": "${attr}" is not an attribute or a factory call` };
  const line = definitionOf(text, name);
  if (line) return { ref: `${module}:${attr}`, source: `${rel}:${line}` };
  if (!call) {
    // Only a factory the module defines itself (`def create_app(`), not one it imports.
    const factory = FACTORIES.map((f) => {
      const m = new RegExp(`^def\\s+${f}\\s*\\(`, 'm').exec(text);
      return { f, line: m ? lineOf(text, m.index) : undefined };
    }).find((x) => x.line);
    if (factory?.line)
      return {
        ref: `${module}:${factory.f}()`,
        source: `${rel}:${factory.line}`,
        note: `${module}:${attr} is not defined; the factory ${factory.f}() is`,
      };
  }
  return { error: `${rel} does not define ${name}` };
}

/** Prefixes that only run the command in the project's environment. */
function stripRunners(argv: string[]): string[] {
  let words = argv;
  for (;;) {
    const w = words[0] ?? '';
    if (/^(poetry|pipenv|pdm|uv|hatch|rye)$/.test(w) && words[1] === 'run') words = words.slice(2);
    else if (/^(python3?(\.\d+)?|.*\/python3?(\.\d+)?)$/.test(w) && words[1] === '-m' && words[2]) words = words.slice(2);
    else if (/\/(?:\.?venv|opt\/venv|usr\/local|usr)\/bin\/\w/.test(w) || /^\.?venv\/bin\//.test(w))
      words = [w.slice(w.lastIndexOf('/') + 1), ...words.slice(1)];
    else return words;
  }
}

/** Options that take a value, per server (the rest of the `-x`/`--x` words are flags). */
const VALUE_OPTIONS: Record<string, Set<string>> = {
  gunicorn: new Set(
    '-b --bind -w --workers -k --worker-class -c --config -t --timeout --graceful-timeout --keep-alive --threads --chdir --log-level --access-logfile --error-logfile --log-file --access-logformat --max-requests --max-requests-jitter --worker-connections --backlog -n --name --pythonpath --forwarded-allow-ips --worker-tmp-dir -e --env --log-config --statsd-host -u --user -g --group -m --umask --limit-request-line --limit-request-fields --limit-request-field_size'.split(
      ' ',
    ),
  ),
  uvicorn: new Set(
    '--host --port --uds --fd --workers --loop --http --ws --lifespan --interface --env-file --log-config --log-level --root-path --app-dir --forwarded-allow-ips --limit-concurrency --limit-max-requests --backlog --timeout-keep-alive --timeout-graceful-shutdown --ws-max-size --h11-max-incomplete-event-size --proxy-headers-trusted'.split(
      ' ',
    ),
  ),
};
/** Options that only make sense on a developer's machine, dropped from the image's command. */
const DEV_OPTIONS = new Set([
  '--reload',
  '--reload-dir',
  '--reload-include',
  '--reload-exclude',
  '--reload-delay',
  '-D',
  '--daemon',
  '--debug',
]);

/** Split a server's arguments into options (name, value) and positionals. */
function parseArgs(args: string[], valueOptions: Set<string>): { options: Array<[string, string | undefined]>; positionals: string[] } {
  const options: Array<[string, string | undefined]> = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      if (eq > 0) options.push([a.slice(0, eq), a.slice(eq + 1)]);
      else if (valueOptions.has(a) && i + 1 < args.length) options.push([a, args[++i]]);
      else options.push([a, undefined]);
    } else positionals.push(a);
  }
  return { options, positionals };
}

const optionWords = (options: Array<[string, string | undefined]>) => options.flatMap(([k, v]) => (v === undefined ? [k] : [k, v]));

export interface StartContext {
  project: ProjectFiles;
  dir: string;
  /** Normalized names of the production dependencies, and `name[extra]` for the extras they ask for. */
  deps: Set<string>;
  /** Where the command was read (file:line), for the port fact. */
  source: string;
}

/** A command from the repository (or --start) as the image's command, or why it cannot be used. */
export function translateStart(command: string[] | string, ctx: StartContext): Translation {
  const argv = stripRunners(typeof command === 'string' ? shellWords(command) : command);
  const [exe, ...args] = argv;
  const name = exe?.slice(exe.lastIndexOf('/') + 1);
  const portFrom = (address: string | undefined) => {
    const port = address === undefined ? undefined : portOfAddress(address);
    return port === undefined ? undefined : { value: port, source: ctx.source };
  };
  const target = (t: string | undefined, defaultAttr: string, appDir?: string) => {
    if (!t) return { error: 'no app target (module:attribute)' };
    return resolveTarget(ctx.project, ctx.dir, t, defaultAttr, appDir);
  };
  switch (name) {
    case 'gunicorn': {
      const { options, positionals } = parseArgs(args, VALUE_OPTIONS.gunicorn);
      const resolved = target(positionals[0], 'application', options.find(([k]) => k === '--chdir')?.[1]);
      if ('error' in resolved) return { skip: `gunicorn ${positionals[0] ?? ''}: ${resolved.error}`.replace(' :', ':') };
      const bind = options.find(([k]) => k === '-b' || k === '--bind')?.[1];
      // Else the bind of the config file the command names (`-c conf/gunicorn.py`).
      const config = options.find(([k]) => k === '-c' || k === '--config')?.[1]?.replace(/^python:/, '');
      const configText = config && !bind ? ctx.project.read(under(ctx.dir, config)) : undefined;
      const configBind = configText ? /^bind\s*=\s*\[?\s*['"]([^'"]+)['"]/m.exec(configText) : undefined;
      const kept = options.filter(([k]) => !['-b', '--bind', ...DEV_OPTIONS].includes(k));
      return {
        runner: 'gunicorn',
        start: ['gunicorn', '--bind', '0.0.0.0:${PORT}', ...optionWords(kept), resolved.ref],
        appRef: resolved.ref,
        appSource: resolved.source,
        note: resolved.note,
        port:
          portFrom(bind) ??
          (configBind && portOfAddress(configBind[1]) !== undefined
            ? { value: portOfAddress(configBind[1]) as number, source: `${config}:${lineOf(configText ?? '', configBind.index)}` }
            : undefined),
      };
    }
    case 'uvicorn': {
      const { options, positionals } = parseArgs(args, VALUE_OPTIONS.uvicorn);
      const factory = options.some(([k]) => k === '--factory');
      const resolved = target(positionals[0], 'app', options.find(([k]) => k === '--app-dir')?.[1]);
      if ('error' in resolved) return { skip: `uvicorn ${positionals[0] ?? ''}: ${resolved.error}` };
      // uvicorn calls a factory itself with --factory: the target names the function, not a call.
      const call = /^(.*:\w+)\(\)$/.exec(resolved.ref);
      const ref = call ? call[1] : resolved.ref;
      const kept = options.filter(([k]) => !['--host', '--port', '--factory', ...DEV_OPTIONS].includes(k));
      return {
        runner: 'uvicorn',
        start: ['uvicorn', ref, '--host', '0.0.0.0', '--port', '${PORT}', ...(factory || call ? ['--factory'] : []), ...optionWords(kept)],
        appRef: ref,
        appSource: resolved.source,
        note: resolved.note,
        port: portFrom(options.find(([k]) => k === '--port')?.[1]),
      };
    }
    case 'waitress-serve': {
      const { options, positionals } = parseArgs(args, new Set(['--host', '--port', '--listen', '--threads', '--url-scheme']));
      const resolved = target(positionals[0], 'application');
      if ('error' in resolved) return { skip: `waitress-serve ${positionals[0] ?? ''}: ${resolved.error}` };
      const listen = options.find(([k]) => k === '--listen')?.[1] ?? options.find(([k]) => k === '--port')?.[1];
      const kept = options.filter(([k]) => !['--host', '--port', '--listen'].includes(k));
      return {
        runner: 'waitress',
        start: ['waitress-serve', '--listen=0.0.0.0:${PORT}', ...optionWords(kept), resolved.ref],
        appRef: resolved.ref,
        appSource: resolved.source,
        note: resolved.note,
        port: portFrom(listen),
      };
    }
    case 'streamlit': {
      if (args[0] !== 'run' || !args[1]) return { skip: `streamlit ${args.join(' ')}: not "streamlit run <file>"` };
      const file = args[1];
      if (!ctx.project.exists(under(ctx.dir, file))) return { skip: `streamlit run ${file}: ${file} is not in the tree` };
      const { options } = parseArgs(args.slice(2), new Set());
      const port = options.find(([k]) => k === '--server.port')?.[1];
      return { runner: 'streamlit', start: streamlitCommand(file), appSource: file, port: portFrom(port) };
    }
    case 'fastapi':
    case 'litestar':
    case 'flask':
      return translateCli(name, args, ctx, portFrom);
    default:
      if (/^python3?(\.\d+)?$/.test(name ?? '') && args[0] && !args[0].startsWith('-')) {
        const file = args[0];
        if (!file.endsWith('.py') || !ctx.project.exists(under(ctx.dir, file)))
          return { skip: `${argv.join(' ')}: ${file} is not a Python file in the tree` };
        if (file.endsWith('manage.py'))
          return { skip: `${argv.join(' ')}: Django's manage.py (its development server) is not a production start` };
        return { runner: 'python', start: ['python', ...args], appSource: file };
      }
      return { skip: `${argv.join(' ') || '(empty)'}: not a Python server command` };
  }
}

export const streamlitCommand = (file: string) => [
  'streamlit',
  'run',
  file,
  '--server.address',
  '0.0.0.0',
  '--server.port',
  '${PORT}',
  '--server.headless',
  'true',
];

/** A framework CLI's serving command: `fastapi run <path>`, `litestar --app <ref> run`, `flask --app <ref> run`. */
export function cliStart(name: 'fastapi' | 'litestar' | 'flask', target?: string): string[] {
  const serve = ['--host', '0.0.0.0', '--port', '${PORT}'];
  if (name === 'fastapi') return ['fastapi', 'run', ...(target ? [target] : []), ...serve];
  return [name, ...(target ? ['--app', target] : []), 'run', ...serve];
}

/** `fastapi run`, `litestar run`, `flask run`: the frameworks' own CLIs. */
function translateCli(
  name: 'fastapi' | 'litestar' | 'flask',
  args: string[],
  ctx: StartContext,
  portFrom: (address: string | undefined) => Evidence<number> | undefined,
): Translation {
  const runAt = args.indexOf('run');
  if (runAt < 0) return { skip: `${name} ${args.join(' ')}: not "${name} run"` };
  const global = parseArgs(args.slice(0, runAt), new Set(['--app', '-A', '--app-dir']));
  const run = parseArgs(args.slice(runAt + 1), new Set(['--host', '-h', '--port', '-p', '--app', '--workers', '-W', '--cert', '--key']));
  const port = portFrom(run.options.find(([k]) => k === '--port' || k === '-p')?.[1]);
  if (name === 'fastapi') {
    const path = run.positionals[0];
    if (path && !ctx.project.exists(under(ctx.dir, path))) return { skip: `fastapi run ${path}: ${path} is not in the tree` };
    if (!ctx.deps.has('fastapi-cli') && !ctx.deps.has('fastapi[standard]') && !ctx.deps.has('fastapi[standard-no-fastapi-cloud-cli]'))
      return { skip: 'fastapi run: fastapi-cli is not a dependency (install fastapi[standard])' };
    return {
      runner: 'fastapi',
      start: cliStart('fastapi', path),
      appSource: path,
      port,
    };
  }
  const app = [...global.options, ...run.options].find(([k]) => k === '--app' || k === '-A')?.[1];
  const resolved = app ? resolveTarget(ctx.project, ctx.dir, app, 'app') : undefined;
  if (resolved && 'error' in resolved) return { skip: `${name} --app ${app}: ${resolved.error}` };
  return {
    runner: name,
    start: cliStart(name, resolved?.ref),
    appRef: resolved?.ref,
    appSource: resolved?.source,
    port,
    // flask run: Flask's development server, used only when the project has no WSGI server.
    devServer: name === 'flask' || undefined,
  };
}
