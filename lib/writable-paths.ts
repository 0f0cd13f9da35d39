// Files and folders a Python or Node app writes at run time (SQLite databases, uploads, logs, folders it
// creates), found from the paths in its own code. The container's root filesystem is read-only, so each
// gets a named volume (planWritable). Pure over the project's files: no Yeoman, no generators/* imports.
import { posix } from 'node:path';
import type { ServiceSpec } from './compose.ts';
import type { FactLine } from './facts.ts';
import { type ProjectFiles, walk } from './project.ts';

export interface WritablePath {
  /** Relative to the project folder (the app's working directory), normalized; `.` is the folder itself. */
  path: string;
  kind: 'file' | 'dir';
  /** What is written there: `sqlite`, `uploads`, `log`, `folder`, `instance`. */
  what: string;
  /** `settings.py:12 MEDIA_ROOT`. */
  source: string;
  /** The variable the app reads the path from (the path is its default). */
  env?: string;
}

const NOT_SOURCE =
  /(?:^|\/)(?:tests?|__tests__|testdata|fixtures|docs|examples?|e2e|scripts|migrations)\/|(?:^|\/)test_[^/]*\.py$|\.(?:test|spec)\.[cm]?[jt]s$/;

/** The text of the first argument (or expression) at the start of `s`: up to a top-level `,`, `)`, `}` or `;`. */
function firstArg(s: string): string {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote && s[i - 1] !== '\\') quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return s.slice(0, i).trim();
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) return s.slice(0, i).trim();
  }
  return s.trim();
}

/** Top-level pieces of `s` split on `sep` (a call's arguments, a pathlib `/` chain). */
function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let rest = s;
  while (rest.length) {
    const arg = firstArg(sep === ',' ? rest : rest.replaceAll(sep, ' , '));
    parts.push(rest.slice(0, arg.length).trim());
    rest = rest.slice(arg.length).replace(/^\s*[,/]?\s*/, '');
    if (parts.length > 12) break;
  }
  return parts;
}

const literal = (s: string) => s.match(/^(?:[rbf]?)(['"`])([^'"`$]*)\1$/)?.[2];

interface Evaluated {
  path: string;
  env?: string;
}

/**
 * A path expression in the code, relative to the project folder: a string (the working directory), a
 * folder of the file (`__dirname`, `Path(__file__).parent`, a `BASE_DIR` defined from `__file__`) joined
 * with strings; an environment variable with a default gives the default. Absolute or unknown: undefined.
 */
function evaluate(expr: string, fileDir: string, bases: Map<string, string>, env?: string): Evaluated | undefined {
  const e = expr.trim().replace(/^str\((.*)\)$/, '$1');
  const py = e.match(/^(?:os\.environ\.get|os\.getenv|environ\.get|getenv)\(\s*['"](\w+)['"]\s*,\s*(.+)\)$/s);
  if (py) return evaluate(py[2], fileDir, bases, py[1]);
  const js = e.match(/^process\.env(?:\.(\w+)|\[['"](\w+)['"]\])\s*(?:\|\||\?\?)\s*(.+)$/s);
  if (js) return evaluate(js[3], fileDir, bases, js[1] ?? js[2]);
  let parts: string[];
  const join = e.match(/^(?:os\.path\.join|path\.join|path\.resolve|posix\.join|join|resolve)\((.*)\)$/s);
  if (join) parts = splitTop(join[1], ',');
  else if (/\s\/\s/.test(e)) parts = splitTop(e, ' / ');
  else parts = [e];
  const pathlib = parts[0].match(/^(?:Path|pathlib\.Path)\((.*)\)$/s);
  if (pathlib) parts = [pathlib[1], ...parts.slice(1)];
  let base: string;
  const head = parts[0];
  const text = literal(head);
  if (text !== undefined) {
    if (text.startsWith('/') || text === ':memory:' || text === '') return undefined;
    base = text;
  } else if (head === '__dirname' || head === 'import.meta.dirname') base = fileDir || '.';
  else if (/^(?:process\.cwd|os\.getcwd)\(\)$/.test(head)) base = '.';
  else if (bases.has(head)) base = bases.get(head) as string;
  else return undefined;
  for (const part of parts.slice(1)) {
    const t = literal(part);
    if (t === undefined || t.startsWith('/')) return undefined;
    base = posix.join(base, t);
  }
  const path = posix.normalize(base).replace(/\/$/, '');
  if (path.startsWith('..')) return undefined;
  return { path, env };
}

/** Names bound to a folder derived from `__file__` in a Python file: `BASE_DIR = Path(__file__).resolve().parent.parent`. */
function fileBases(lines: string[], fileDir: string): Map<string, string> {
  const bases = new Map<string, string>();
  for (const line of lines) {
    const m = line.match(/^\s*(\w+)\s*=\s*(.*__file__.*)$/);
    if (!m) continue;
    const ups = (m[2].match(/\.parent\b/g) ?? []).length + (m[2].match(/dirname\(/g) ?? []).length;
    if (ups === 0) continue;
    let dir = fileDir || '.';
    for (let i = 1; i < ups; i++) dir = posix.dirname(dir);
    if (dir.startsWith('..')) continue;
    bases.set(m[1], dir === '' ? '.' : dir);
  }
  return bases;
}

interface Rule {
  /** Matched against one line; the path expression starts right after the match. */
  re: RegExp;
  kind: 'file' | 'dir';
  what: string;
  /** The name printed after the file:line (the setting or call). */
  label: string;
  /** Only in files whose text matches. */
  when?: RegExp;
}

const PY_RULES: Rule[] = [
  { re: /['"]NAME['"]\s*:\s*/, kind: 'file', what: 'sqlite', label: 'DATABASES NAME', when: /django\.db\.backends\.sqlite3/ },
  { re: /^\s*MEDIA_ROOT\s*=\s*/, kind: 'dir', what: 'uploads', label: 'MEDIA_ROOT' },
  { re: /UPLOAD_FOLDER['"]?\]?\s*=\s*/, kind: 'dir', what: 'uploads', label: 'UPLOAD_FOLDER' },
  { re: /\b(?:Rotating|TimedRotating|Watched)?FileHandler\(\s*(?:filename\s*=\s*)?/, kind: 'file', what: 'log', label: 'FileHandler' },
  { re: /\bbasicConfig\(.*\bfilename\s*=\s*/, kind: 'file', what: 'log', label: 'logging.basicConfig' },
  { re: /\bsqlite3\.connect\(\s*/, kind: 'file', what: 'sqlite', label: 'sqlite3.connect' },
  { re: /\bSqliteDatabase\(\s*/, kind: 'file', what: 'sqlite', label: 'SqliteDatabase' },
  { re: /\bos\.(?:makedirs|mkdir)\(\s*/, kind: 'dir', what: 'folder', label: 'os.makedirs' },
];

const JS_RULES: Rule[] = [
  { re: /\bnew\s+(?:\w+\.)?Database\(\s*/, kind: 'file', what: 'sqlite', label: 'new Database', when: /(?:better-)?sqlite3/ },
  { re: /\bmulter\(\s*\{[^}]*\bdest\s*:\s*/, kind: 'dir', what: 'uploads', label: 'multer dest' },
  { re: /\buploadDir\s*:\s*/, kind: 'dir', what: 'uploads', label: 'formidable uploadDir' },
  { re: /\bfilename\s*:\s*/, kind: 'file', what: 'sqlite', label: 'knex filename', when: /client\s*:\s*['"](?:better-)?sqlite3?['"]/ },
  { re: /\bstorage\s*:\s*/, kind: 'file', what: 'sqlite', label: 'sequelize storage', when: /dialect\s*:\s*['"]sqlite['"]/ },
  { re: /\btransports\.File\(\s*\{[^}]*\bfilename\s*:\s*/, kind: 'file', what: 'log', label: 'winston File transport' },
  { re: /\bpino\.destination\(\s*/, kind: 'file', what: 'log', label: 'pino.destination' },
  { re: /\b(?:mkdirSync|mkdir)\(\s*/, kind: 'dir', what: 'folder', label: 'mkdir' },
];

/** Every place the code writes, in file order; one entry per path (the first place that names it). */
export function detectWritablePaths(project: ProjectFiles, language: 'python' | 'node'): WritablePath[] {
  const sourceRe = language === 'python' ? /\.py$/ : /\.(?:[cm]?js|[cm]?ts)$/;
  const found: WritablePath[] = [];
  const add = (w: WritablePath) => {
    if (!found.some((f) => f.path === w.path)) found.push(w);
  };
  for (const file of walk(project, [''], (p) => sourceRe.test(p) && !NOT_SOURCE.test(p) && !p.endsWith('.d.ts'), 400)) {
    const text = project.read(file);
    if (!text) continue;
    const lines = text.split('\n');
    const fileDir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    const bases = language === 'python' ? fileBases(lines, fileDir) : new Map<string, string>();
    // Flask-SQLAlchemy 3 opens a relative sqlite:/// path in the Flask app's instance folder.
    const flaskSql = language === 'python' && /\bflask_sqlalchemy\b|SQLALCHEMY_DATABASE_URI/.test(text);
    lines.forEach((line, index) => {
      const trimmed = line.trim();
      if (/^(?:#|\/\/|\*|\/\*)/.test(trimmed)) return;
      const where = `${file}:${index + 1}`;
      for (const rule of language === 'python' ? PY_RULES : JS_RULES) {
        if (rule.when && !rule.when.test(text)) continue;
        const m = rule.re.exec(line);
        if (!m) continue;
        const value = evaluate(firstArg(line.slice(m.index + m[0].length)), fileDir, bases);
        if (value) add({ ...value, kind: rule.kind, what: rule.what, source: `${where} ${rule.label}` });
      }
      for (const url of sqliteUrls(line, language, fileDir, bases)) {
        const path = flaskSql && url.relative ? posix.join(flaskInstance(project, fileDir), url.path) : url.path;
        add({
          path,
          env: url.env,
          kind: 'file',
          what: 'sqlite',
          source: `${where} ${flaskSql && url.relative ? 'sqlite URL (Flask instance folder)' : 'sqlite URL'}`,
        });
      }
      if (language === 'python' && /\bmakedirs\(\s*(?:\w+\.)?instance_path\b/.test(line))
        add({ path: flaskInstance(project, fileDir), kind: 'dir', what: 'instance', source: `${where} app.instance_path` });
    });
  }
  return found;
}

/** `sqlite:///app.db`, `'sqlite:///' + os.path.join(basedir, 'app.db')`, `sqlite://./data/x.db`, `sqlite:./x.db`. */
function sqliteUrls(line: string, language: 'python' | 'node', fileDir: string, bases: Map<string, string>) {
  const out: Array<Evaluated & { relative: boolean }> = [];
  const envMatch = line.match(
    /(?:getenv|environ\.get)\(\s*['"](\w+)['"]\s*,\s*['"]sqlite:|process\.env\.(\w+)\s*(?:\|\||\?\?)\s*['"`]sqlite:/,
  );
  const env = envMatch ? (envMatch[1] ?? envMatch[2]) : undefined;
  for (const m of line.matchAll(/(['"`])sqlite(?:\+\w+)?:(\/\/\/?|)([^'"`]*)\1(\s*\+\s*(.+))?/g)) {
    const [, , slashes, rest, , concat] = m;
    if (rest === ':memory:' || (language === 'python' && slashes !== '///' && rest === '')) continue;
    if (rest === '' && concat) {
      const value = evaluate(firstArg(concat), fileDir, bases);
      if (value) out.push({ ...value, env: env ?? value.env, relative: false });
      continue;
    }
    if (rest.startsWith('/') || rest === '' || rest.includes('$')) continue;
    const path = posix.normalize(rest.split('?')[0]);
    if (!path.startsWith('..')) out.push({ path, env, relative: true });
  }
  return out;
}

/** Flask's instance folder: `instance/` beside the module that creates the app (beside the package for `pkg/__init__.py`). */
function flaskInstance(project: ProjectFiles, fileDir: string): string {
  const init = project.read(posix.join(fileDir || '.', '__init__.py'));
  const inPackage = fileDir !== '' && init !== undefined && /\bFlask\(\s*__name__/.test(init);
  return posix.join(inPackage ? posix.dirname(fileDir) : fileDir || '.', 'instance');
}

export interface WritablePlan {
  /** Named volumes: `name` mounted at `target` (absolute, in the image). */
  volumes: Array<{ name: string; target: string }>;
  /** Settings that point the app at a mounted folder. */
  environment: Record<string, string>;
  /** Folders (relative to the app folder) the image creates owned by the runtime user. */
  folders: string[];
  facts: FactLine[];
  warnings: string[];
}

/** The folder that holds data written beside the code, where it gets its own volume. */
export const DATA_DIR = 'data';

/**
 * A named volume per written folder (a file: its folder), under the app folder `appDir` (`/app`). A file
 * written in the app folder itself moves to `data/` through its variable; without one the volume is
 * still mounted at `data/` and a warning names the setting to change (a volume over /app would hide the code).
 */
export function planWritable(paths: WritablePath[], service: string, appDir: string): WritablePlan {
  const plan: WritablePlan = { volumes: [], environment: {}, folders: [], facts: [], warnings: [] };
  const mounts: string[] = [];
  const volumeOf = (folder: string) => `${service}-${folder.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+/, '')}`;
  const mount = (folder: string) => {
    if (mounts.some((m) => folder === m || folder.startsWith(`${m}/`)))
      return volumeOf(mounts.find((m) => folder === m || folder.startsWith(`${m}/`)) as string);
    // A folder above ones already mounted replaces them.
    for (let i = mounts.length - 1; i >= 0; i--) if (mounts[i].startsWith(`${folder}/`)) mounts.splice(i, 1);
    mounts.push(folder);
    return volumeOf(folder);
  };
  const lines: Array<{ path: WritablePath; shown: string; folder: string; note?: string }> = [];
  for (const p of paths) {
    const folder = p.kind === 'dir' ? p.path : posix.dirname(p.path);
    if (folder === '.' || folder === '') {
      const moved = posix.join(DATA_DIR, p.kind === 'dir' ? '' : posix.basename(p.path));
      mount(DATA_DIR);
      if (p.env) {
        plan.environment[p.env] =
          p.what === 'sqlite' && /sqlite URL/.test(p.source) ? `sqlite:///${appDir}/${moved}` : `${appDir}/${moved}`;
        lines.push({ path: p, shown: p.path, folder: DATA_DIR, note: `beside the code: ${p.env}=${plan.environment[p.env]}` });
      } else {
        lines.push({ path: p, shown: p.path, folder: DATA_DIR, note: 'beside the code: see the warning' });
        plan.warnings.push(
          `${p.path} is written in the app folder (${p.source}), which is read-only in the container and holds the code: ` +
            `change that setting to ${DATA_DIR}/${posix.basename(p.path)} (the named volume ${volumeOf(DATA_DIR)} is mounted at ${appDir}/${DATA_DIR})`,
        );
      }
      continue;
    }
    mount(folder);
    lines.push({ path: p, shown: p.kind === 'dir' ? `${p.path}/` : p.path, folder, note: p.env ? `default of ${p.env}` : undefined });
  }
  for (const folder of mounts) {
    plan.volumes.push({ name: volumeOf(folder), target: `${appDir}/${folder}` });
    plan.folders.push(folder);
  }
  for (const l of lines) {
    const m = mounts.find((x) => l.folder === x || l.folder.startsWith(`${x}/`)) as string;
    const note = [`named volume ${volumeOf(m)}${m === l.folder ? '' : ` at ${m}/`}`, ...(l.note ? [l.note] : [])].join('; ');
    plan.facts.push({ label: 'writable', value: l.shown, source: l.path.source, note });
  }
  return plan;
}

/** Where a builder stage creates the empty writable folders the runtime stage copies (no shell needed there). */
export const WRITABLE_STAGING = '/out/writable';

/** The builder-stage step creating the empty writable folders (one RUN, no heredoc: hadolint parses every line). */
export function writableFolderMkdir(folders: string[]): string | undefined {
  return folders.length ? `RUN mkdir -p ${folders.map((f) => `${WRITABLE_STAGING}/${f}`).join(' ')}` : undefined;
}

/**
 * Runtime-stage lines copying the empty folders from a builder stage, owned by the runtime user (a distroless
 * runtime has no shell for mkdir), so a fresh named volume mounted there starts with that owner.
 */
export function writableFolderCopies(w: Pick<WritablePlan, 'folders' | 'volumes'>, uid: number, gid: number, stage: string): string[] {
  return w.folders.map((f, i) => `COPY --from=${stage} --chown=${uid}:${gid} ${WRITABLE_STAGING}/${f} ${w.volumes[i].target}`);
}

/**
 * A service plan with its writable folders: the image creates them (and sets the variables that move a
 * file out of the app folder), compose.yaml mounts a named volume on each.
 */
export function withWritable<P extends { dockerfile: Record<string, unknown>; service: ServiceSpec }>(plan: P, w: WritablePlan): P {
  if (!w.folders.length) return plan;
  const { uid, gid } = plan.service.user;
  const env = Object.entries(w.environment).map(([k, v]) => `${k}=${v}`);
  const copies = [
    ...(plan.dockerfile.copies as string[]),
    '# Folders the app writes (named volumes in the compose file), owned by the runtime user: a new volume takes that owner.',
    ...writableFolderCopies(w, uid, gid, 'deps'),
    ...(env.length ? [`ENV ${env.join(' \\\n    ')}`] : []),
  ];
  return {
    ...plan,
    dockerfile: { ...plan.dockerfile, copies, writableMkdir: writableFolderMkdir(w.folders) },
    service: { ...plan.service, volumes: [...(plan.service.volumes ?? []), ...w.volumes] },
  };
}
