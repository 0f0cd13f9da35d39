// Python project detection: pure functions over the project's files (no Yeoman, no disk writes).
import { parse as parseToml } from 'smol-toml';
import { serviceName } from '../../lib/compose.ts';
import { InputError, lineOf, parseJsonFile } from '../../lib/errors.ts';
import { type RepoEvidence, readEvidence, type StartCommand } from '../../lib/evidence.ts';
import { type Fact, type FactLine, fact } from '../../lib/facts.ts';
import type { LabelFacts } from '../../lib/labels.ts';
import { configFilePort } from '../../lib/ports.ts';
import { type ProjectFiles, subProject, walk } from '../../lib/project.ts';
import {
  currentLine,
  firstLine,
  lineSatisfies,
  pythonBoundOf,
  RELEASES,
  type ResolvedVersion,
  resolveVersion,
  toolVersion,
} from '../../lib/versions.ts';
import { cliStart, moduleFile, type Runner, streamlitCommand, type TranslatedStart, translateStart } from './start.ts';
import { detectWorkers, type PythonWorker } from './workers.ts';

export type ManagerName = 'uv' | 'poetry' | 'pipenv' | 'pdm' | 'pip' | 'pep621';

export interface Manager {
  name: ManagerName;
  /** Version of the tool installed in the build stage (pip: the image's own). */
  version?: string;
  lockfile?: string;
  /** Files copied before the source for the dependency install, in order. */
  manifests: string[];
  /** pip: the requirements file installed, and the one with test dependencies. */
  requirements?: string;
  devRequirements?: string;
  /** The project itself is a package installed into the venv (after the source is copied). */
  installProject: boolean;
  /** uv/Poetry workspaces: the member that is the service (folder and package name). */
  member?: { dir: string; name: string };
}

export type Framework = 'django' | 'fastapi' | 'flask' | 'asgi' | 'wsgi' | 'streamlit' | 'entrypoint' | 'script';
export type Server = 'gunicorn' | 'uvicorn';

export interface PythonFacts {
  name: Fact<string>;
  python: Fact<ResolvedVersion>;
  /** The project's own version spec (raw), to check it against a fixed runtime Python (distroless). */
  pythonSpec?: string;
  manager: Fact<Manager>;
  framework: Fact<Framework>;
  /** `module:object` for ASGI/WSGI apps, e.g. `app.main:app` or `notes:create_app()`. */
  appRef?: string;
  /** What serves the app: gunicorn, uvicorn, waitress, or the app's own CLI (streamlit, fastapi, litestar, flask). */
  server?: Fact<string>;
  /** The server package is not among the dependencies: the image adds it, pinned. */
  addServer?: string;
  /** The command after the venv's bin/ (or python), e.g. ['gunicorn', '--bind', ...] or ['python', 'main.py']. */
  start: Fact<string[]>;
  /** Django: run collectstatic in the build stage (STATIC_ROOT is set). */
  collectstatic?: Fact<string>;
  djangoSettings?: string;
  port: Fact<number>;
  healthPath: Fact<string>;
  native: Fact<string[]>;
  test?: Fact<string[]>;
  /** Test-only packages the image adds when the project does not declare them (pytest). */
  addTestPackages: string[];
  /** Normalized names of the production dependencies. */
  dependencies: string[];
  labels: LabelFacts;
  /** What the repository says beside the start command: release steps, workers, start-up steps. */
  evidence: FactLine[];
  /** Processes beside the server, each a compose service from the same image. */
  workers: PythonWorker[];
  warnings: string[];
}

/** Pinned versions of the tools the image installs. */
export const PYTHON_TOOLS = {
  uv: '0.9.5',
  poetry: '2.2.1',
  pipenv: '2025.0.4',
  pdm: '2.26.1',
  gunicorn: '23.0.0',
  uvicorn: '0.37.0',
  waitress: '3.0.2',
  pytest: '8.4.2',
} as const;

/** Packages that compile from source, with the build and runtime system packages they need. */
export interface NativePackage {
  build: { apt: string[]; apk: string[] };
  runtime: { apt: string[]; apk: string[] };
}
const TOOLCHAIN = { apt: ['build-essential=12.*'], apk: ['build-base=~0.5'] };
export const NATIVE_PACKAGES: Record<string, NativePackage> = {
  psycopg2: {
    build: { apt: ['libpq-dev=17.*'], apk: ['postgresql17-dev=~17'] },
    runtime: { apt: ['libpq5=17.*'], apk: ['libpq=~17'] },
  },
  mysqlclient: {
    build: { apt: ['default-libmysqlclient-dev=1.1.*', 'pkg-config=1.8.*'], apk: ['mariadb-connector-c-dev=~3.4', 'pkgconf=~2.4'] },
    runtime: { apt: ['libmariadb3=1:11.8.*'], apk: ['mariadb-connector-c=~3.4'] },
  },
  'python-ldap': {
    build: { apt: ['libldap-dev=2.6.*', 'libsasl2-dev=2.1.*'], apk: ['openldap-dev=~2.6'] },
    runtime: { apt: ['libldap2=2.6.*'], apk: ['libldap=~2.6'] },
  },
  uwsgi: { build: { apt: [], apk: ['linux-headers=~6.14'] }, runtime: { apt: [], apk: [] } },
};
export { TOOLCHAIN };

const _SERVER_NAMES = new Set(['gunicorn', 'uvicorn']);

/** PEP 503 normalized name. */
export const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The package name of a PEP 508 requirement (`Flask[async] (>=3)` -> `flask`). */
export const requirementName = (req: string) => normalize(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req)?.[1] ?? '');

type Toml = Record<string, unknown>;

export function readToml(project: ProjectFiles, file: string): Toml | undefined {
  const text = project.read(file);
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Toml;
  } catch (error) {
    const e = error as Error & { line?: number };
    throw new InputError(file, `is not valid TOML${e.line ? ` (line ${e.line})` : ''}: ${e.message.split('\n')[0]}`);
  }
}

const table = (value: unknown): Toml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** One requirement of a requirements file, with its file and line. */
export interface Requirement {
  name: string;
  /** The version specifier as written (`==3.2.25`, `>=4,<5`), empty when none. */
  spec: string;
  /** `name[extra]` for each extra asked for. */
  extras: string[];
  file: string;
  line: number;
}

/** The name, extras and version specifier of a PEP 508 requirement line. */
export function parseRequirement(req: string): Omit<Requirement, 'file' | 'line'> | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*\(?\s*([<>=!~][^;@)]*)?/.exec(req);
  if (!m) return undefined;
  const name = normalize(m[1]);
  const extras = (m[2] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => `${name}[${normalize(e)}]`);
  return { name, spec: (m[3] ?? '').replace(/\s+/g, ''), extras };
}

/** Requirements files with `-r`/`-c` includes followed: every requirement with its file:line, and every file read. */
export function requirementEntries(
  project: ProjectFiles,
  file: string,
  seen = new Set<string>(),
): { entries: Requirement[]; files: string[] } {
  if (seen.has(file)) return { entries: [], files: [] };
  seen.add(file);
  const text = project.read(file);
  if (text === undefined) throw new InputError(file, 'not found (included with -r)');
  const entries: Requirement[] = [];
  const files = [file];
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i];
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = `${raw.slice(0, -1)} ${lines[++i]}`;
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^(?:-r|--requirement|-c|--constraint)[=\s]+(\S+)/.exec(line);
    if (include) {
      const sub = requirementEntries(project, `${dir}${include[1]}`, seen);
      if (!/^-c|^--constraint/.test(line)) entries.push(...sub.entries);
      files.push(...sub.files);
      continue;
    }
    if (line.startsWith('-')) continue;
    const req = parseRequirement(line);
    if (req?.name) entries.push({ ...req, file, line: lineNo });
  }
  return { entries, files };
}

/** Requirements files with `-r`/`-c` includes followed; returns package names and every file read. */
export function readRequirements(project: ProjectFiles, file: string): { names: string[]; files: string[] } {
  const { entries, files } = requirementEntries(project, file);
  return { names: entries.map((e) => e.name), files };
}

interface Project {
  pyproject?: Toml;
  /** Where the service's code lives ('' or a workspace member folder). */
  dir: string;
  deps: string[];
  devDeps: string[];
  scripts: Record<string, string>;
  /** `name[extra]` of the production dependencies that ask for extras (fastapi[standard]). */
  extras: string[];
}

export interface DetectOptions {
  /** --package: the uv workspace member. */
  package?: string;
  /** --start (or the saved answer): the start command, checked like the repository's own. */
  start?: Fact<string>;
  /** A `.python-version` in a folder above (uv and pyenv read it from the parents): `../.python-version`. */
  pythonVersionAbove?: { value: string; source: string };
}

export function detectPython(project: ProjectFiles, options: DetectOptions = {}): PythonFacts {
  const warnings: string[] = [];
  const pyproject = readToml(project, 'pyproject.toml');
  const manager = detectManager(project, pyproject, options.package);
  const proj = projectDeps(project, manager.value, pyproject);
  const meta = table(proj.pyproject?.project);
  const poetryMeta = table(table(proj.pyproject?.tool).poetry);

  const rawName = (meta.name ?? poetryMeta.name) as string | undefined;
  const name = rawName
    ? fact(serviceName(rawName), `${proj.dir ? `${proj.dir}/` : ''}pyproject.toml name`)
    : fact('app', 'default (no project name)');
  const { python, spec } = detectPythonVersion(
    project,
    pyproject,
    proj.pyproject,
    warnings,
    pythonBound(project, manager.value),
    options.pythonVersionAbove,
  );

  const deps = new Set(proj.deps);
  const allDeps = new Set([...proj.deps, ...proj.devDeps]);
  const evidence = readEvidence(project, proj.dir);
  const { commandPort, ...app } = detectApp(
    { project, proj, deps: new Set([...deps, ...proj.extras]), warnings, tried: [] },
    evidence,
    options.start,
  );
  const port = detectPort(project, proj.dir, { ...app, commandPort }, evidence);
  const healthPath =
    app.framework.value === 'streamlit' ? fact('/_stcore/health', "Streamlit's health endpoint") : detectHealthPath(project, proj.dir);
  const native = detectNative(deps);
  const workers = detectWorkers(project, proj.dir, evidence.workers, deps, evidence.releases);
  const tests = detectTests(project, proj.dir, allDeps, app.framework.value, manager.value);

  const labels: LabelFacts = {
    title: name.value,
    description: (meta.description ?? poetryMeta.description) as string | undefined,
    version: (meta.version ?? poetryMeta.version) as string | undefined,
    source: projectUrl(meta),
    licenses: typeof meta.license === 'string' ? meta.license : (table(meta.license).text as string | undefined),
  };
  if (app.addServer)
    warnings.push(
      `${app.server?.value} is not among the project's dependencies: the image adds ${app.addServer}; add it to the project to own the version`,
    );
  return {
    name,
    python,
    pythonSpec: spec,
    manager,
    ...app,
    port,
    healthPath,
    native,
    test: tests.test,
    addTestPackages: tests.add,
    dependencies: [...deps],
    labels,
    evidence: [...evidence.facts, ...workers.facts],
    workers: workers.workers,
    warnings,
  };
}

function projectUrl(meta: Toml): string | undefined {
  const urls = table(meta.urls);
  const key = Object.keys(urls).find((k) => /^(source|repository|homepage)$/i.test(k));
  return key ? String(urls[key]) : undefined;
}

function detectManager(project: ProjectFiles, pyproject: Toml | undefined, wanted?: string): Fact<Manager> {
  const tool = table(pyproject?.tool);
  if (project.exists('uv.lock')) {
    const lock = readToml(project, 'uv.lock') ?? {};
    const manifests = ['pyproject.toml', 'uv.lock'];
    const members = workspaceMembers(project, strings(table(table(tool.uv).workspace).members));
    const member = members.length ? chooseMember(project, members, wanted) : undefined;
    for (const m of members) manifests.push(`${m.dir}/pyproject.toml`);
    const rootPackage = table(tool.uv).package !== false && Boolean(pyproject?.['build-system']);
    return fact(
      { name: 'uv', version: PYTHON_TOOLS.uv, lockfile: 'uv.lock', manifests, installProject: rootPackage || Boolean(member), member },
      'uv.lock',
      `lockfile revision ${lock.revision ?? lock.version ?? '?'}${member ? `; workspace member ${member.dir}${member.source ? ` (${member.source})` : ''}` : ''}`,
    );
  }
  if (project.exists('poetry.lock')) {
    const text = project.read('poetry.lock') ?? '';
    readToml(project, 'poetry.lock');
    const version = /@generated by Poetry (\d+\.\d+\.\d+)/.exec(text)?.[1];
    const major2 = !version || Number(version.split('.')[0]) >= 2;
    const packageMode = table(tool.poetry)['package-mode'] !== false;
    return fact(
      {
        name: 'poetry',
        version: major2 && version ? version : PYTHON_TOOLS.poetry,
        lockfile: 'poetry.lock',
        manifests: ['pyproject.toml', 'poetry.lock'],
        installProject: packageMode && Boolean(pyproject?.['build-system']),
      },
      'poetry.lock',
      version ? `generated by Poetry ${version}` : undefined,
    );
  }
  if (project.exists('Pipfile.lock') || project.exists('Pipfile')) {
    const lockText = project.read('Pipfile.lock');
    if (lockText !== undefined) {
      const lock = parseJsonFile<Toml>('Pipfile.lock', lockText);
      if (!lock || typeof lock !== 'object' || !table(lock).default) throw new InputError('Pipfile.lock', 'has no "default" section');
    }
    readToml(project, 'Pipfile');
    return fact(
      {
        name: 'pipenv',
        version: PYTHON_TOOLS.pipenv,
        lockfile: lockText !== undefined ? 'Pipfile.lock' : undefined,
        manifests: ['Pipfile', ...(lockText !== undefined ? ['Pipfile.lock'] : [])],
        installProject: false,
      },
      lockText !== undefined ? 'Pipfile.lock' : 'Pipfile',
    );
  }
  if (project.exists('pdm.lock')) {
    const meta = table(readToml(project, 'pdm.lock')?.metadata);
    const strategy = strings(meta.strategy);
    return fact(
      { name: 'pdm', version: PYTHON_TOOLS.pdm, lockfile: 'pdm.lock', manifests: ['pyproject.toml', 'pdm.lock'], installProject: false },
      'pdm.lock',
      `lock_version ${meta.lock_version ?? '?'}${strategy.includes('inherit_metadata') ? '' : ' without the inherit_metadata strategy (PDM < 2.12)'}; installed with pdm sync`,
    );
  }
  const reqFile = ['requirements.txt', 'requirements/prod.txt', 'requirements/production.txt', 'requirements/base.txt'].find((f) =>
    project.exists(f),
  );
  if (reqFile) {
    const { files } = readRequirements(project, reqFile);
    const dev = [
      'requirements-dev.txt',
      'requirements-test.txt',
      'dev-requirements.txt',
      'requirements/dev.txt',
      'requirements/test.txt',
    ].find((f) => project.exists(f));
    const devFiles = dev ? readRequirements(project, dev).files : [];
    return fact(
      {
        name: 'pip',
        manifests: [...new Set([...files, ...devFiles])],
        requirements: reqFile,
        devRequirements: dev,
        installProject: false,
      },
      reqFile,
      files.length > 1 ? `with ${files.slice(1).join(', ')}` : undefined,
    );
  }
  if (pyproject?.project) {
    return fact(
      { name: 'pep621', manifests: ['pyproject.toml'], installProject: true },
      'pyproject.toml [project]',
      'no lockfile: pip install .',
    );
  }
  // A setuptools project without pyproject.toml: setup.py's install_requires, installed with the project.
  if (project.exists('setup.py'))
    return fact(
      { name: 'pep621', manifests: ['setup.py', ...(project.exists('setup.cfg') ? ['setup.cfg'] : [])], installProject: true },
      'setup.py',
      'no lockfile: pip install . (install_requires)',
    );
  throw new InputError(
    'pyproject.toml',
    'not found (nor requirements.txt, Pipfile, uv.lock, poetry.lock or setup.py): run the Python generator in a Python project folder',
  );
}

/** setup.py's `install_requires=[...]` strings (a literal list; a computed one gives none). */
export function setupPyRequires(text: string): string[] {
  const list = /\binstall_requires\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '';
  return [...list.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

interface Member {
  dir: string;
  name: string;
  source?: string;
}

function workspaceMembers(project: ProjectFiles, globs: string[]): Member[] {
  const members: Member[] = [];
  for (const glob of globs) {
    const dirs = glob.endsWith('/*')
      ? project
          .list(glob.slice(0, -2))
          .filter((e) => e.endsWith('/'))
          .map((e) => `${glob.slice(0, -2)}/${e.slice(0, -1)}`)
      : [glob.replace(/\/$/, '')];
    for (const dir of dirs) {
      const toml = readToml(project, `${dir}/pyproject.toml`);
      if (toml) members.push({ dir, name: String(table(toml.project).name ?? dir.split('/').pop()) });
    }
  }
  return members;
}

const WEB_DEPS = ['django', 'fastapi', 'flask', 'starlette', 'litestar', 'quart', 'falcon', 'sanic', 'aiohttp', 'gunicorn', 'uvicorn'];

function chooseMember(project: ProjectFiles, members: Member[], wanted?: string): Member {
  if (wanted) {
    const m = members.find((x) => x.name === wanted || x.dir === wanted || x.dir.endsWith(`/${wanted}`));
    if (!m) throw new InputError('--package', `"${wanted}" is not a workspace member (members: ${members.map((x) => x.name).join(', ')})`);
    return { ...m, source: '--package' };
  }
  const services = members.filter((m) => {
    const deps = strings(table(readToml(project, `${m.dir}/pyproject.toml`)?.project).dependencies).map(requirementName);
    return deps.some((d) => WEB_DEPS.includes(d));
  });
  if (services.length === 1) return { ...services[0], source: 'the member with a web framework' };
  if (services.length === 0) throw new InputError('pyproject.toml', 'no workspace member depends on a web framework: pass --package');
  throw new InputError(
    'pyproject.toml',
    `several workspace members are services (${services.map((m) => m.name).join(', ')}): pass --package to choose one`,
  );
}

function projectDeps(project: ProjectFiles, manager: Manager, rootPyproject: Toml | undefined): Project {
  const dir = manager.member?.dir ?? '';
  const pyproject = dir ? readToml(project, `${dir}/pyproject.toml`) : rootPyproject;
  const meta = table(pyproject?.project);
  const poetry = table(table(pyproject?.tool).poetry);
  const deps = strings(meta.dependencies).map(requirementName);
  const extras = strings(meta.dependencies).flatMap((r) => parseRequirement(r)?.extras ?? []);
  deps.push(...Object.keys(table(poetry.dependencies)).map(normalize));
  // Poetry and Pipenv tables: `fastapi = { version = "*", extras = ["standard"] }`.
  const tableExtras = (t: Toml) =>
    Object.entries(t).flatMap(([name, v]) => strings(table(v).extras).map((e) => `${normalize(name)}[${normalize(e)}]`));
  extras.push(...tableExtras(table(poetry.dependencies)));
  const devDeps: string[] = [];
  for (const group of Object.values(table(pyproject?.['dependency-groups']))) devDeps.push(...strings(group).map(requirementName));
  for (const group of Object.values(table(meta['optional-dependencies']))) devDeps.push(...strings(group).map(requirementName));
  for (const group of Object.values(table(poetry.group))) devDeps.push(...Object.keys(table(table(group).dependencies)).map(normalize));
  devDeps.push(...Object.keys(table(poetry['dev-dependencies'])).map(normalize));
  // PDM before PEP 735: [tool.pdm.dev-dependencies] groups.
  for (const group of Object.values(table(table(table(pyproject?.tool).pdm)['dev-dependencies'])))
    devDeps.push(...strings(group).map(requirementName));
  if (manager.name === 'pipenv') {
    const pipfile = readToml(project, 'Pipfile') ?? {};
    deps.push(...Object.keys(table(pipfile.packages)).map(normalize));
    extras.push(...tableExtras(table(pipfile.packages)));
    devDeps.push(...Object.keys(table(pipfile['dev-packages'])).map(normalize));
  }
  if (manager.name === 'pip' && manager.requirements) {
    const { entries } = requirementEntries(project, manager.requirements);
    deps.push(...entries.map((e) => e.name));
    extras.push(...entries.flatMap((e) => e.extras));
    if (manager.devRequirements) devDeps.push(...readRequirements(project, manager.devRequirements).names);
  }
  if (manager.name === 'pep621' && !pyproject?.project && project.exists('setup.py')) {
    const requires = setupPyRequires(project.read('setup.py') ?? '');
    deps.push(...requires.map(requirementName));
    extras.push(...requires.flatMap((r) => parseRequirement(r)?.extras ?? []));
  }
  const scripts: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...table(poetry.scripts), ...table(meta.scripts) })) if (typeof v === 'string') scripts[k] = v;
  return { pyproject, dir, deps: deps.filter((d) => d !== 'python'), devDeps, scripts, extras };
}

function detectPythonVersion(
  project: ProjectFiles,
  pyproject: Toml | undefined,
  memberPyproject: Toml | undefined,
  warnings: string[],
  bound?: PythonBound,
  above?: { value: string; source: string },
): { python: Fact<ResolvedVersion>; spec?: string } {
  const pipfile = project.exists('Pipfile') ? table(readToml(project, 'Pipfile')?.requires) : {};
  const requires = (table(memberPyproject?.project)['requires-python'] ?? table(pyproject?.project)['requires-python']) as
    | string
    | undefined;
  const runtimeTxt = firstLine(project.read('runtime.txt'))?.replace(/^python-/, '');
  const sources: Array<[string, string | undefined]> = [
    ['.python-version', firstLine(project.read('.python-version'))],
    [above?.source ?? '', above?.value],
    ['pyproject.toml requires-python', requires],
    ['runtime.txt', runtimeTxt],
    // App Engine's `runtime: python312` names the line.
    [
      'app.yaml runtime',
      /^runtime:\s*["']?python(3)(\d+)["']?\s*$/m
        .exec(project.read('app.yaml') ?? '')
        ?.slice(1)
        .join('.'),
    ],
    ['Pipfile python_version', (pipfile.python_full_version ?? pipfile.python_version) as string | undefined],
    ['.tool-versions', toolVersion(project.read('.tool-versions'), ['python'])],
  ];
  for (const [source, raw] of sources) {
    if (!raw) continue;
    let resolved: Fact<ResolvedVersion>;
    try {
      resolved = resolveVersion('python', raw, source);
    } catch (error) {
      throw new InputError(source.split(' ')[0], (error as Error).message);
    }
    // A range is narrowed to what the pinned packages support; a version the project names is kept.
    if (bound && !lineSatisfies('python', `<${nextLine(bound.max)}`, resolved.value.line)) {
      if (resolved.value.exact || /^\d+\.\d+$/.test(raw.trim()))
        warnings.push(
          `${source} asks for Python ${raw.trim()} but ${bound.why} (${bound.source}): expect failures; upgrade ${bound.display}`,
        );
      else if (
        lineSatisfies('python', raw, bound.max) ||
        RELEASES.python.some((r) => lineSatisfies('python', `${raw},<${nextLine(bound.max)}`, r.line))
      ) {
        const narrowed = resolveVersion('python', `${raw},<${nextLine(bound.max)}`, bound.source);
        if (narrowed.value.warning) warnings.push(narrowed.value.warning);
        return {
          python: fact(narrowed.value, bound.source, `${bound.why}; ${source} ${raw.trim()}`),
          spec: `${raw.trim()},<${nextLine(bound.max)}`,
        };
      } else warnings.push(`${source} ${raw.trim()} and ${bound.source} (${bound.why}) have no Python in common: using ${source}`);
    }
    if (resolved.value.warning) warnings.push(resolved.value.warning);
    return { python: resolved, spec: raw.trim() };
  }
  if (bound) {
    const bounded = resolveVersion('python', `<${nextLine(bound.max)}`, bound.source);
    if (bounded.value.warning) warnings.push(`${bounded.value.warning} ${bound.display} first (${bound.why})`);
    return { python: fact(bounded.value, bound.source, bound.why), spec: `<${nextLine(bound.max)}` };
  }
  const line = currentLine('python');
  return {
    python: fact(
      { tag: line, line, exact: false },
      'default',
      'current stable release; no .python-version, requires-python, runtime.txt, app.yaml runtime or Pipfile',
    ),
  };
}

/** `3.10` -> `3.11`. */
const nextLine = (line: string) => {
  const [major, minor] = line.split('.').map(Number);
  return `${major}.${minor + 1}`;
};

/** The tightest Python bound among the pinned production packages, with the pin that sets it. */
interface PythonBound {
  max: string;
  display: string;
  /** `requirements.txt:3 Django==3.2.25` */
  source: string;
  /** `Django 3.2 supports Python <= 3.10` */
  why: string;
}

/** Exact versions of the production packages: `==` pins in requirements files, else the lockfile's versions. */
export function pinnedVersions(project: ProjectFiles, manager: Manager): Array<{ name: string; version: string; source: string }> {
  const pins: Array<{ name: string; version: string; source: string }> = [];
  const at = (file: string, text: string, re: RegExp) => {
    const m = re.exec(text);
    return m ? `${file}:${lineOf(text, m.index)}` : file;
  };
  if (manager.name === 'pip' && manager.requirements) {
    for (const r of requirementEntries(project, manager.requirements).entries) {
      const exact = /^===?([\w.!+-]+)$/.exec(r.spec);
      if (exact) pins.push({ name: r.name, version: exact[1], source: `${r.file}:${r.line}` });
    }
  } else if (manager.lockfile === 'Pipfile.lock') {
    const text = project.read('Pipfile.lock') ?? '';
    const lock = parseJsonFile<Toml>('Pipfile.lock', text);
    for (const [name, entry] of Object.entries(table(table(lock).default))) {
      const version = /^==([\w.!+-]+)$/.exec(String(table(entry).version ?? ''))?.[1];
      if (version) pins.push({ name: normalize(name), version, source: at('Pipfile.lock', text, new RegExp(`"${name}"\\s*:`)) });
    }
  } else if (manager.lockfile) {
    // uv.lock, poetry.lock, pdm.lock: [[package]] tables with name and version.
    const file = manager.lockfile;
    const text = project.read(file) ?? '';
    const lock = readToml(project, file) ?? {};
    for (const pkg of Array.isArray(lock.package) ? lock.package.map(table) : []) {
      if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') continue;
      const name = pkg.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      pins.push({ name: normalize(pkg.name), version: pkg.version, source: at(file, text, new RegExp(`^name = "${name}"`, 'mi')) });
    }
  }
  return pins;
}

function pythonBound(project: ProjectFiles, manager: Manager): PythonBound | undefined {
  let best: PythonBound | undefined;
  for (const pin of pinnedVersions(project, manager)) {
    const b = pythonBoundOf(pin.name, pin.version);
    if (!b || (best && !lineSatisfies('python', `<${best.max}`, b.max))) continue;
    best = {
      max: b.max,
      display: b.display,
      source: `${pin.source} ${b.display}==${pin.version}`,
      why: `${b.display} ${b.row} supports Python <= ${b.max}`,
    };
  }
  return best;
}

const under = (dir: string, path: string) => (dir ? `${dir}/${path}` : path);

function sourceFiles(project: ProjectFiles, dir: string): string[] {
  return walk(project, [dir], (p) => p.endsWith('.py') && !/(^|\/)(tests?|migrations)\//.test(p) && !/(^|\/)test_[^/]*\.py$/.test(p), 400);
}

/** `src/pkg/app.py` (in member dir) -> `pkg.app`. */
function moduleOf(file: string, dir: string): string {
  let rel = dir && file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
  if (rel.startsWith('src/')) rel = rel.slice(4);
  return rel
    .replace(/\/__init__\.py$/, '')
    .replace(/\.py$/, '')
    .replace(/\//g, '.');
}

const APP_PATTERNS: Array<{ framework: Framework; re: RegExp; server: Server }> = [
  { framework: 'fastapi', re: /^(\w+)\s*(?::\s*\w+\s*)?=\s*(?:fastapi\.)?FastAPI\(/m, server: 'uvicorn' },
  { framework: 'flask', re: /^(\w+)\s*(?::\s*\w+\s*)?=\s*(?:flask\.)?Flask\(/m, server: 'gunicorn' },
  { framework: 'asgi', re: /^(\w+)\s*=\s*(?:\w+\.)?(?:Starlette|Litestar|Quart|Sanic|asgi\.App)\(/m, server: 'uvicorn' },
  { framework: 'wsgi', re: /^(\w+)\s*=\s*(?:falcon\.App|Bottle|bottle\.Bottle|Pyramid|get_wsgi_application)\(/m, server: 'gunicorn' },
];

/** A module-level app made by a factory (`app = create_app()`), and the factory itself (`def create_app(config=None):`). */
const FACTORY_CALL = /^(\w+)\s*=\s*(?:[\w.]+\.)?(create_app|make_app)\(/m;
const FACTORY_DEF = /^def (create_app|make_app)\(\s*(?:\)|\w+\s*(?::[^=,)]+)?=[^,)]*(?:,\s*\w+\s*(?::[^=,)]+)?=[^,)]*)*\))/m;

type AppFacts = Pick<PythonFacts, 'framework' | 'appRef' | 'server' | 'addServer' | 'start' | 'collectstatic' | 'djangoSettings'> & {
  /** The port the start command binds itself (`gunicorn -b :5000`), with that command's source. */
  commandPort?: Fact<number>;
};

interface AppContext {
  project: ProjectFiles;
  proj: Project;
  deps: Set<string>;
  warnings: string[];
  /** What was tried, for the message when nothing is found. */
  tried: string[];
}

/** The server for a framework's preferred one, given the dependencies: gunicorn with uvicorn workers when only gunicorn is there. */
function serverFor(deps: Set<string>, preferred: Server, source: string) {
  const has = (s: string) => deps.has(s);
  let server: Server = preferred;
  if (preferred === 'uvicorn' && !has('uvicorn') && has('gunicorn')) server = 'gunicorn';
  const needed = server === 'gunicorn' && preferred === 'uvicorn' ? ['gunicorn', 'uvicorn'] : [server];
  const missing = needed.find((s) => !has(s));
  return {
    server: fact(server as string, has(server) ? `dependency "${server}"` : source),
    addServer: missing ? `${missing}==${PYTHON_TOOLS[missing as Server]}` : undefined,
    workers: server === 'gunicorn' && preferred === 'uvicorn',
  };
}

/** The image's command for an app served by gunicorn or uvicorn (`${PORT}` is the port). */
export function serverCommand(server: Server, ref: string, workers: boolean): string[] {
  return server === 'uvicorn'
    ? ['uvicorn', ref, '--host', '0.0.0.0', '--port', '${PORT}']
    : ['gunicorn', ...(workers ? ['--worker-class', 'uvicorn.workers.UvicornWorker'] : []), '--bind', '0.0.0.0:${PORT}', ref];
}

/**
 * The start command, from the first source that gives one that holds in the tree: --start (or the saved
 * answer), the repository's own commands (Dockerfile, Procfile, boot scripts, fly.toml), then the code.
 */
function detectApp(ctx: AppContext, evidence: RepoEvidence, given?: Fact<string>): AppFacts {
  const { project, proj, deps, tried } = ctx;
  let code: AppFacts | undefined | null = null;
  const fromCode = () => {
    if (code === null) code = detectAppInCode(ctx);
    return code;
  };
  const translate = (command: string[] | string, source: string) => translateStart(command, { project, dir: proj.dir, deps, source });
  if (given) {
    const t = translate(given.value, given.source);
    if ('skip' in t) throw new InputError(given.source === '--start' ? '--start' : `.yo-rc.json start`, t.skip);
    return fromCommand(ctx, t, given.source, undefined, fromCode);
  }
  // The repository's commands: a server (gunicorn, uvicorn, waitress, streamlit, python) first; a
  // framework CLI (fastapi run, litestar run) only when no server command is known; flask run only
  // without a WSGI server among the dependencies.
  const found: Array<{ t: TranslatedStart; start: StartCommand }> = [];
  for (const start of evidence.starts) {
    const t = translate(start.argv, start.source);
    const direct = start.origin.startsWith(`${start.source} `);
    const where = direct ? start.origin : `${start.origin} -> ${start.source}`;
    if ('skip' in t) tried.push(`${where} (${t.skip})`);
    else if (t.devServer && (deps.has('gunicorn') || deps.has('waitress')))
      tried.push(`${where} (flask run is the development server; ${deps.has('gunicorn') ? 'gunicorn' : 'waitress'} is a dependency)`);
    else found.push({ t, start });
  }
  const cli = new Set<Runner>(['fastapi', 'litestar', 'flask']);
  const chosen = found.find((f) => !cli.has(f.t.runner)) ?? found[0];
  if (chosen) {
    const { t, start } = chosen;
    if (t.runner === 'flask')
      ctx.warnings.push(
        "flask run is Flask's development server (one process, no worker management): add gunicorn or waitress to the dependencies to serve it with a WSGI server",
      );
    return fromCommand(ctx, t, start.source, start.origin.startsWith(`${start.source} `) ? undefined : `via ${start.origin}`, fromCode);
  }
  const app = fromCode();
  if (app) return app;
  throw new InputError(
    proj.dir ? `${proj.dir}/` : './',
    `no start command found; tried: ${[...tried, 'manage.py (Django)', 'FastAPI, Flask, ASGI/WSGI app objects and create_app() factories in the .py files', '[project.scripts] in pyproject.toml', 'main.py, app.py, server.py, run.py, __main__.py'].join('; ')}. Pass --start "gunicorn module:app"`,
  );
}

/** The framework an app module uses, from its text. */
function frameworkOf(project: ProjectFiles, dir: string, t: TranslatedStart, deps: Set<string>): Framework {
  if (t.runner === 'streamlit') return 'streamlit';
  if (t.runner === 'python') return 'script';
  if (t.runner === 'fastapi') return 'fastapi';
  if (t.runner === 'flask') return 'flask';
  if (t.runner === 'litestar') return 'asgi';
  const file = t.appRef ? moduleFile(project, dir, t.appRef.split(':')[0]) : undefined;
  const text = file ? (project.read(file) ?? '') : '';
  if (/\bFastAPI\(/.test(text)) return 'fastapi';
  if (/\bFlask\(|^from flask import|^import flask/m.test(text) || (t.appRef?.endsWith('()') && /create_app|make_app/.test(t.appRef)))
    return 'flask';
  if (/get_wsgi_application|get_asgi_application/.test(text)) return 'django';
  // An app made elsewhere (`app = create_app()` from a package): the framework among the dependencies.
  const asgi = t.runner === 'uvicorn' || t.start.includes('uvicorn.workers.UvicornWorker');
  if (asgi && deps.has('fastapi')) return 'fastapi';
  if (!asgi && deps.has('flask')) return 'flask';
  return t.runner === 'uvicorn' || t.start.includes('uvicorn.workers.UvicornWorker') ? 'asgi' : 'wsgi';
}

/** App facts from a translated command; the code's Django facts (settings, collectstatic) are kept. */
function fromCommand(
  ctx: AppContext,
  t: TranslatedStart,
  source: string,
  via: string | undefined,
  fromCode: () => AppFacts | undefined,
): AppFacts {
  const { deps, project, proj } = ctx;
  const framework = frameworkOf(project, proj.dir, t, deps);
  const django = framework === 'django' ? fromCode() : undefined;
  let addServer: string | undefined;
  if (t.runner === 'gunicorn' || t.runner === 'uvicorn' || t.runner === 'waitress') {
    const needed = [t.runner, ...(t.runner === 'gunicorn' && t.start.includes('uvicorn.workers.UvicornWorker') ? ['uvicorn'] : [])];
    addServer =
      needed
        .filter((s) => !deps.has(s))
        .map((s) => `${s}==${PYTHON_TOOLS[s as keyof typeof PYTHON_TOOLS]}`)
        .join(' ') || undefined;
  }
  const server = t.runner === 'python' ? undefined : fact(t.runner as string, deps.has(t.runner) ? `dependency "${t.runner}"` : source);
  return {
    framework: fact(framework, t.appSource ?? source, t.note),
    appRef: t.appRef,
    server,
    addServer,
    start: fact(t.start, source, via),
    collectstatic: django?.collectstatic,
    djangoSettings: django?.djangoSettings,
    commandPort: t.port ? fact(t.port.value, t.port.source) : undefined,
  };
}

/** The app and its start command, from the code alone (undefined when nothing is found). */
function detectAppInCode(ctx: AppContext): AppFacts | undefined {
  const { project, proj, deps, warnings } = ctx;
  const command = serverCommand;
  const server = (preferred: Server, source: string) => serverFor(deps, preferred, source);

  // Django: manage.py and its settings module.
  const manage = under(proj.dir, 'manage.py');
  if (project.exists(manage) || deps.has('django')) {
    const text = project.read(manage) ?? '';
    const m = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(text);
    if (m) {
      const settings = m[1];
      const pkg = settings.split('.')[0];
      const settingsFile = under(proj.dir, `${settings.replace(/\./g, '/')}.py`);
      const settingsText = project.read(settingsFile) ?? project.read(under(proj.dir, `${settings.replace(/\./g, '/')}/__init__.py`)) ?? '';
      const asgi = project.exists(under(proj.dir, `${pkg}/asgi.py`)) && deps.has('uvicorn') && !deps.has('gunicorn');
      const ref = asgi ? `${pkg}.asgi:application` : `${pkg}.wsgi:application`;
      const s = server(asgi ? 'uvicorn' : 'gunicorn', `Django ${asgi ? 'ASGI' : 'WSGI'} default`);
      const staticRoot = /^STATIC_ROOT\s*=/m.exec(settingsText);
      return {
        framework: fact('django', `${manage}:${lineOf(text, m.index)}`, `settings ${settings}`),
        appRef: ref,
        server: s.server,
        addServer: s.addServer,
        start: fact(command(s.server.value as Server, ref, s.workers), `${pkg}/${asgi ? 'asgi' : 'wsgi'}.py`),
        collectstatic: staticRoot
          ? fact('python manage.py collectstatic --noinput', `${settingsFile}:${lineOf(settingsText, staticRoot.index)} STATIC_ROOT`)
          : undefined,
        djangoSettings: settings,
      };
    }
    if (project.exists(manage)) throw new InputError(manage, 'does not set DJANGO_SETTINGS_MODULE');
  }

  const files = sourceFiles(project, proj.dir);
  // Streamlit: the script that imports streamlit, run by its own CLI.
  if (deps.has('streamlit')) {
    const rankSt = (f: string) => (/(^|\/)(streamlit_app|app|main|Home|home)\.py$/.test(f) ? 0 : 1);
    const script = [...files]
      .sort((a, b) => rankSt(a) - rankSt(b) || a.length - b.length)
      .find((f) => /^(import streamlit|from streamlit\b)/m.test(project.read(f) ?? ''));
    if (script) {
      const text = project.read(script) ?? '';
      const rel = proj.dir ? script.slice(proj.dir.length + 1) : script;
      const at = `${script}:${lineOf(text, /^(import streamlit|from streamlit\b)/m.exec(text)?.index ?? 0)}`;
      return {
        framework: fact('streamlit', at),
        server: fact('streamlit', 'dependency "streamlit"'),
        start: fact(streamlitCommand(rel), at),
      };
    }
  }
  // Prefer conventional entry files.
  const rank = (f: string) => (/(^|\/)(main|app|wsgi|asgi|server|__init__)\.py$/.test(f) ? 0 : 1);
  const ordered = [...files].sort((a, b) => rank(a) - rank(b) || a.length - b.length);
  for (const pattern of APP_PATTERNS) {
    for (const file of ordered) {
      const text = project.read(file) ?? '';
      const m = pattern.re.exec(text);
      if (!m) continue;
      const ref = `${moduleOf(file, proj.dir)}:${m[1]}`;
      const at = `${file}:${lineOf(text, m.index)}`;
      // A framework's own CLI serves the app when the project installs it and no server is a dependency.
      const cli = frameworkCli(pattern.framework, file, proj.dir, ref, deps, text);
      if (cli) return { framework: fact(pattern.framework, at), appRef: ref, server: cli.server, start: fact(cli.start, at, cli.note) };
      const s = server(
        pattern.server,
        `${pattern.server} for ${pattern.framework === 'wsgi' || pattern.framework === 'flask' ? 'WSGI' : 'ASGI'}`,
      );
      return {
        framework: fact(pattern.framework, at),
        appRef: ref,
        server: s.server,
        addServer: s.addServer,
        start: fact(command(s.server.value as Server, ref, s.workers), at),
      };
    }
  }
  if (deps.has('flask')) {
    // Application factories: a module that makes the app (`app = create_app()`), else the factory itself.
    for (const [re, refOf] of [
      [FACTORY_CALL, (file: string, m: RegExpExecArray) => `${moduleOf(file, proj.dir)}:${m[1]}`],
      [FACTORY_DEF, (file: string, m: RegExpExecArray) => `${moduleOf(file, proj.dir)}:${m[1]}()`],
    ] as const) {
      for (const file of ordered) {
        const text = project.read(file) ?? '';
        const m = re.exec(text);
        if (!m) continue;
        const ref = refOf(file, m);
        const s = server('gunicorn', 'gunicorn for WSGI');
        const at = `${file}:${lineOf(text, m.index)}`;
        return {
          framework: fact('flask', at, re === FACTORY_DEF ? `factory ${m[1]}()` : `app made by ${m[2]}()`),
          appRef: ref,
          server: s.server,
          addServer: s.addServer,
          start: fact(command(s.server.value as Server, ref, false), at),
        };
      }
    }
  }
  const scripts = Object.keys(proj.scripts);
  if (scripts.length) {
    const script = scripts.find((s) => normalize(s) === normalize(String(table(proj.pyproject?.project).name ?? ''))) ?? scripts[0];
    if (scripts.length > 1) warnings.push(`several [project.scripts] entry points: using "${script}"`);
    return {
      framework: fact('entrypoint', `${under(proj.dir, 'pyproject.toml')} [project.scripts]`, `${script} = "${proj.scripts[script]}"`),
      start: fact([script], `${under(proj.dir, 'pyproject.toml')} [project.scripts]`),
    };
  }
  for (const candidate of ['main.py', 'app.py', 'server.py', 'run.py', '__main__.py']) {
    const file = under(proj.dir, candidate);
    if (project.exists(file)) return { framework: fact('script', file), start: fact(['python', candidate], file) };
  }
  // A package that runs as `python -m pkg` (its __main__.py), the only one at the top (or under src/).
  const mains = ['', 'src/']
    .flatMap((prefix) =>
      project
        .list(under(proj.dir, prefix.replace(/\/$/, '')))
        .filter((d) => d.endsWith('/'))
        .map((d) => `${prefix}${d.slice(0, -1)}`),
    )
    .filter((d) => /^(src\/)?[A-Za-z_]\w*$/.test(d) && !/^(src\/)?(tests?|docs?|examples?|scripts?)$/.test(d))
    .filter((d) => project.exists(under(proj.dir, `${d}/__main__.py`)) && project.exists(under(proj.dir, `${d}/__init__.py`)));
  if (mains.length === 1) {
    const pkg = mains[0].replace(/^src\//, '');
    const file = under(proj.dir, `${mains[0]}/__main__.py`);
    return { framework: fact('script', file), start: fact(['python', '-m', pkg], file, 'the package runs as python -m') };
  }
  return undefined;
}

/**
 * `fastapi run` / `litestar run` when the project installs the framework's CLI (fastapi[standard],
 * litestar[standard]) and no server (uvicorn, gunicorn) is a dependency of its own.
 */
function frameworkCli(framework: Framework, file: string, dir: string, ref: string, deps: Set<string>, text: string) {
  if (deps.has('uvicorn') || deps.has('gunicorn')) return undefined;
  const rel = dir ? file.slice(dir.length + 1) : file;
  if (framework === 'fastapi' && (deps.has('fastapi-cli') || deps.has('fastapi[standard]')))
    return {
      server: fact('fastapi', deps.has('fastapi-cli') ? 'dependency "fastapi-cli"' : 'dependency "fastapi[standard]"'),
      start: cliStart('fastapi', rel),
      note: "FastAPI's own CLI, uvicorn underneath; no uvicorn or gunicorn among the dependencies",
    };
  if (framework === 'asgi' && deps.has('litestar[standard]') && /\bLitestar\(/.test(text))
    return {
      server: fact('litestar', 'dependency "litestar[standard]"'),
      start: cliStart('litestar', ref),
      note: "Litestar's own CLI, uvicorn underneath; no uvicorn or gunicorn among the dependencies",
    };
  return undefined;
}

/** A server call in the code that sets the port: `app.run(port=5000)`, `uvicorn.run(app, port=9000)`, `web.run_app(app, port=8080)`. */
const SERVER_CALL_PORT = /(?:\.run|run_app|\bserve|run_simple)\([^\n]*?\bport\s*=\s*(\d{2,5})\b/;
const PORT_PATTERNS: RegExp[] = [
  /environ(?:\.get\(|\[)\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})/,
  /getenv\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})/,
  SERVER_CALL_PORT,
];

/**
 * The port: the start command's own bind, else what the repository declares (Dockerfile EXPOSE, fly.toml),
 * else gunicorn.conf.py's bind, else a server call or $PORT default in the code (never any `port=`: a
 * Redis or database port is not the app's), else the server's default.
 */
function detectPort(project: ProjectFiles, dir: string, app: AppFacts, evidence: RepoEvidence): Fact<number> {
  if (app.commandPort) return app.commandPort;
  const declared = evidence.ports[0];
  if (declared) return fact(declared.value, declared.source);
  const runner = app.server?.value;
  const conf = under(dir, 'gunicorn.conf.py');
  const confText = runner === 'gunicorn' ? project.read(conf) : undefined;
  const bind = confText ? /^bind\s*=\s*\[?\s*['"][\w.]*:(\d{2,5})['"]/m.exec(confText) : undefined;
  if (confText && bind) return fact(Number(bind[1]), `${conf}:${lineOf(confText, bind.index)}`);
  if (runner === 'streamlit') return fact(8501, 'Streamlit default port');
  const files = sourceFiles(project, dir);
  for (const pattern of PORT_PATTERNS) {
    for (const file of files) {
      const text = project.read(file) ?? '';
      const m = pattern.exec(text);
      if (m) return fact(Number(m[1]), `${file}:${lineOf(text, m.index)}`);
    }
  }
  const framework = app.framework.value;
  if (runner === 'flask') return fact(5000, 'flask run default port');
  if (framework === 'entrypoint' || framework === 'script') {
    // The app's own server: the config file it reads at run time may name its port (config/polls.yaml port: 8080).
    const configured = configFilePort(
      subProject(project, dir),
      files.map((f) => [f, project.read(f) ?? ''] as const),
    );
    if (configured) return fact(configured.port, under(dir, configured.source), 'the config file the code reads');
    return fact(8000, 'default (no port found in the source)');
  }
  const name: Record<string, string> = { fastapi: 'fastapi run', litestar: 'litestar run', waitress: 'waitress' };
  return fact(
    runner === 'waitress' ? 8080 : 8000,
    `${framework === 'django' ? 'Django' : (name[runner ?? ''] ?? (framework === 'fastapi' || framework === 'asgi' ? 'uvicorn' : 'gunicorn'))} default port`,
  );
}

function detectHealthPath(project: ProjectFiles, dir: string): Fact<string> {
  const files = sourceFiles(project, dir);
  for (const path of ['healthz', 'health', 'api/health', 'api/healthz', 'ping']) {
    const re = new RegExp(`['"](/?${path.replace('/', '\\/')}/?)['"]`);
    for (const file of files) {
      const text = project.read(file) ?? '';
      const m = re.exec(text);
      if (m) return fact(m[1].startsWith('/') ? m[1] : `/${m[1]}`, `${file}:${lineOf(text, m.index)}`);
    }
  }
  return frameworkPage(project, files) ?? fact('/', 'default (no /healthz or /health route found)');
}

/** Python code without its comments and triple-quoted strings (docstrings), line numbers kept. */
function blankPython(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  return text.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|#[^\n]*/g, blank);
}

/**
 * With no health route: the route the code declares at /, else a page the framework itself serves without a
 * login or a database: Django's admin login form (where urls.py mounts the admin), FastAPI's OpenAPI schema
 * (unless turned off), Litestar's schema page. With no route at /, / is a 404 in such apps.
 */
function frameworkPage(project: ProjectFiles, files: string[]): Fact<string> | undefined {
  // A route the code declares at / comes first: `@app.get("/")` on the app object, or `path("", ...)` in
  // Django's root URLconf (ROOT_URLCONF; an app's own urls.py is mounted under a prefix).
  // Each file's code without comments and docstrings, read and blanked once for the three searches below.
  const blanked = new Map<string, string>();
  const code = (file: string) => {
    if (!blanked.has(file)) blanked.set(file, blankPython(project.read(file) ?? ''));
    return blanked.get(file) as string;
  };
  const rootConf = files
    .map((f) => /^\s*ROOT_URLCONF\s*=\s*['"]([\w.]+)['"]/m.exec(code(f))?.[1])
    .find(Boolean)
    ?.replace(/\./g, '/');
  for (const file of files) {
    const text = code(file);
    const isRootConf = !!rootConf && file.replace(/\.py$/, '').endsWith(rootConf);
    const m =
      /@(?:app|application|api)\.(?:get|route|api_route)\(\s*['"]\/['"]/.exec(text) ??
      (isRootConf ? /\b(?:re_)?path\(\s*r?['"]\^?\$?['"]\s*,/.exec(text) : null);
    if (m) return fact('/', `${file}:${lineOf(text, m.index)}`, 'a route at /');
  }
  for (const file of files) {
    const text = code(file);
    const admin = /\b(?:re_)?path\(\s*r?['"]\^?([\w/-]*)['"]\s*,\s*admin\.site\.urls/.exec(text);
    if (admin) {
      const prefix = admin[1].replace(/^\/+/, '');
      return fact(
        `/${prefix}${prefix && !prefix.endsWith('/') ? '/' : ''}login/`,
        `${file}:${lineOf(text, admin.index)}`,
        "Django admin's login page",
      );
    }
  }
  for (const file of files) {
    const text = code(file);
    const app = /\b(FastAPI|Litestar)\(/.exec(text);
    if (!app) continue;
    const source = `${file}:${lineOf(text, app.index)}`;
    // openapi_url="/api/openapi.json" moves it; None, or a value computed at run time, leaves nothing to name.
    const moved = /\bopenapi_url\s*=\s*(?:(['"])(\/[^'"]*)\1)?/.exec(text);
    if (app[1] === 'FastAPI' && moved) {
      if (moved[2]) return fact(moved[2], `${file}:${lineOf(text, moved.index)}`, "FastAPI's OpenAPI schema");
      continue;
    }
    return app[1] === 'FastAPI'
      ? fact('/openapi.json', source, "FastAPI's OpenAPI schema")
      : fact('/schema', source, "Litestar's OpenAPI schema page");
  }
  return undefined;
}

function detectNative(deps: Set<string>): Fact<string[]> {
  const found = Object.keys(NATIVE_PACKAGES).filter((p) => deps.has(p));
  if (!found.length) return fact([], 'no packages that compile from source');
  return fact(found, 'dependencies', 'no wheel for Linux: compiled in the build stage');
}

function detectTests(
  project: ProjectFiles,
  dir: string,
  deps: Set<string>,
  framework: Framework,
  manager: Manager,
): { test?: Fact<string[]>; add: string[] } {
  const testFiles = walk(project, [under(dir, 'tests'), under(dir, 'test'), dir], (p) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(p), 50);
  const pytestConfig = ['pytest.ini', 'conftest.py'].find((f) => project.exists(under(dir, f)));
  if (deps.has('pytest') && (testFiles.length || pytestConfig))
    return { test: fact(['python', '-m', 'pytest'], 'dependency "pytest"'), add: [] };
  if (!testFiles.length) return { add: [] };
  if (framework === 'django') return { test: fact(['python', 'manage.py', 'test'], testFiles[0]), add: [] };
  // Tests without pytest declared: the test stage adds it, pinned (pip-based installs only).
  const add = manager.name === 'uv' || manager.name === 'poetry' ? [] : [`pytest==${PYTHON_TOOLS.pytest}`];
  if (!add.length) return { add };
  return { test: fact(['python', '-m', 'pytest'], testFiles[0], `pytest ${PYTHON_TOOLS.pytest} added for the test stage`), add };
}

/** --server: serve the detected ASGI/WSGI app with the chosen server instead. */
export function withServer(facts: PythonFacts, server: Server, source = '--server'): PythonFacts {
  if (!facts.appRef || !facts.server) return facts;
  // Already served by it (a --start or repository command keeps its own options).
  if (facts.server.value === server) return { ...facts, server: fact(server, source) };
  const asgi = facts.framework.value === 'fastapi' || facts.framework.value === 'asgi' || facts.appRef.includes('.asgi:');
  if (server === 'uvicorn' && !asgi && facts.framework.value !== 'django') return facts;
  const workers = server === 'gunicorn' && asgi && facts.framework.value !== 'django';
  const ref =
    facts.framework.value === 'django'
      ? facts.appRef.replace(server === 'uvicorn' ? '.wsgi:' : '.asgi:', server === 'uvicorn' ? '.asgi:' : '.wsgi:')
      : facts.appRef;
  const start =
    server === 'uvicorn'
      ? ['uvicorn', ref, '--host', '0.0.0.0', '--port', '${PORT}']
      : ['gunicorn', ...(workers ? ['--worker-class', 'uvicorn.workers.UvicornWorker'] : []), '--bind', '0.0.0.0:${PORT}', ref];
  const missing = (workers ? ['gunicorn', 'uvicorn'] : [server]).filter((s) => !facts.dependencies.includes(s));
  const warnings = facts.warnings.filter((w) => !/is not among the project's dependencies/.test(w));
  const addServer = missing.map((s) => `${s}==${PYTHON_TOOLS[s as Server]}`).join(' ') || undefined;
  if (addServer) warnings.push(`${missing.join(' and ')} not among the project's dependencies: the image adds ${addServer}`);
  return { ...facts, appRef: ref, server: fact(server, source), start: fact(start, source), addServer, warnings };
}
