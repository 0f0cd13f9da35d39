// Node project detection: pure functions over the project's files (no Yeoman, no disk writes).
import { posix } from 'node:path';
import semver from 'semver';
import { serviceName } from '../../lib/compose.ts';
import { InputError, lineOf, parseJsonFile } from '../../lib/errors.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import { memberClosure, type WorkspaceContext, type WorkspaceMember } from '../../lib/js-workspace.ts';
import type { LabelFacts } from '../../lib/labels.ts';
import { type ProjectFiles, pathBack, walk } from '../../lib/project.ts';
import { currentLine, firstLine, type ResolvedVersion, resolveVersion, toolVersion } from '../../lib/versions.ts';
import { checkBunLock, detectBunStart } from './bun.ts';

export { serviceName };

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'bun';

export interface PackageManager {
  name: PackageManagerName;
  /** Exact version to run (npm: the one bundled with the Node image, so undefined). */
  version?: string;
  /** Lockfile name, undefined when the project has none. */
  lockfile?: string;
  /** yarn 2+ (berry). */
  berry: boolean;
}

export type NodeKind = 'server' | 'next' | 'static';

export interface NodeFacts {
  name: Fact<string>;
  node: Fact<ResolvedVersion>;
  packageManager: Fact<PackageManager>;
  kind: Fact<NodeKind>;
  /** The build script, when there is one. */
  build?: Fact<string>;
  /** Folder the build writes (dist, build, .next, ...). */
  outDir?: Fact<string>;
  test?: Fact<string>;
  /** Arguments after `node` (or `bun`) in the production command, e.g. ['dist/main.js']. */
  start: Fact<string[]>;
  /** What runs the app: Bun when the start script runs `bun` (see bun.ts), else Node. */
  engine: Fact<'node' | 'bun'>;
  port: Fact<number>;
  healthPath: Fact<string>;
  native: Fact<string[]>;
  /** Extra files copied with the manifests (.npmrc, .yarnrc.yml, patches/, pnpm-workspace.yaml). */
  manifestExtras: string[];
  /** .npmrc/.yarnrc.yml holding credentials: kept out of the image, replaced by the build secret. */
  secretRcFiles: string[];
  hasPublic: boolean;
  /** False when package.json has no dependencies at all: then the install creates no node_modules. */
  hasDependencies: boolean;
  labels: LabelFacts;
  /** Set for a member of an npm, yarn, pnpm or Bun workspace: it is built from the workspace root. */
  workspace?: WorkspaceFacts;
  warnings: string[];
}

/** A workspace member, as the Dockerfile needs it: built with the workspace root as the context. */
export interface WorkspaceFacts {
  /** The file that lists the members (pnpm-workspace.yaml or package.json "workspaces"). */
  source: string;
  /** The member's folder relative to the workspace root, e.g. `apps/api`. */
  dir: string;
  /** The member's package name (for `--filter` and `workspaces focus`). */
  name: string;
  /** The path from the member's folder back to the workspace root, e.g. `../..`. */
  toRoot: string;
  /** Every member's folder: their package.json files are part of the install's input. */
  members: string[];
  /** The workspace packages it needs, dependencies first, itself last. */
  closure: WorkspaceMember[];
}

interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  repository?: string | { url?: string };
  main?: string;
  type?: string;
  packageManager?: string;
  engines?: { node?: string };
  volta?: { node?: string };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Known modules with native code compiled by node-gyp (or needing a toolchain when no prebuilt binary fits). */
export const NATIVE_MODULES = [
  'bcrypt',
  'better-sqlite3',
  'sqlite3',
  'sharp',
  'canvas',
  'argon2',
  'bufferutil',
  'utf-8-validate',
  'node-pty',
  'cpu-features',
  'ssh2',
  'leveldown',
  're2',
  'zeromq',
  'libxmljs',
  'libxmljs2',
  'kerberos',
];

const STATIC_BUILDERS = [
  'vite',
  'react-scripts',
  '@vue/cli-service',
  '@angular/cli',
  '@angular/core',
  'parcel',
  '@sveltejs/vite-plugin-svelte',
];
const SERVER_DEPS = ['express', 'fastify', 'koa', '@nestjs/core', '@hapi/hapi', 'hono', '@hono/node-server', 'restify', 'polka'];

/** Framework default ports, used when the source names none. */
const FRAMEWORK_PORTS: Array<[string, number]> = [
  ['next', 3000],
  ['@nestjs/core', 3000],
  ['express', 3000],
  ['fastify', 3000],
  ['koa', 3000],
  ['hono', 3000],
];

export function readPackageJson(project: ProjectFiles): PackageJson {
  const text = project.read('package.json');
  if (text === undefined)
    throw new InputError('package.json', 'not found: run the Node generator in a Node project folder (or pass --language)');
  const pkg = parseJsonFile<PackageJson>('package.json', text);
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) throw new InputError('package.json', 'must contain a JSON object');
  for (const field of ['scripts', 'dependencies', 'devDependencies', 'engines'] as const) {
    const value = pkg[field];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new InputError('package.json', `"${field}" must be an object`);
    }
  }
  return pkg;
}

export function detectNode(project: ProjectFiles, context?: WorkspaceContext): NodeFacts {
  const pkg = readPackageJson(project);
  const warnings: string[] = [];
  // In a workspace the lockfile, the package manager's settings and the Node version files live at the
  // root; the member's own package.json and sources say the rest.
  const root = context ? context.root : project;
  const rootPkg = context ? readRootPackageJson(context.root) : pkg;
  const atRoot = <T>(f: Fact<T>): Fact<T> =>
    context && !f.source.startsWith('default') ? { ...f, source: `${posix.join(pathBack(context.member), f.source)}` } : f;
  const deps = { ...(pkg.devDependencies ?? {}), ...(pkg.dependencies ?? {}) };
  const has = (name: string) => name in deps;
  const scripts = pkg.scripts ?? {};

  const name = pkg.name ? fact(serviceName(pkg.name), 'package.json "name"') : fact('app', 'default (package.json has no "name")');
  const node =
    detectNodeVersion(project, pkg, warnings, !context) ??
    atRoot(detectNodeVersion(root, rootPkg, warnings, true) as Fact<ResolvedVersion>);
  const packageManager = atRoot(detectPackageManager(root, rootPkg, warnings));

  let kind: Fact<NodeKind> = fact('server', 'default (no front-end framework found)');
  if (has('next')) kind = fact('next', 'package.json dependency "next"');
  else {
    const builder = STATIC_BUILDERS.find(has);
    const server = SERVER_DEPS.find(has);
    if (builder && !server && !scripts.start?.match(/\bnode\b/))
      kind = fact('static', `package.json dependency "${builder}" and no server`);
    else if (server) kind = fact('server', `package.json dependency "${server}"`);
  }

  const build = scripts.build ? fact(scripts.build, 'package.json scripts.build') : undefined;
  const test = scripts.test && !/no test specified/.test(scripts.test) ? fact(scripts.test, 'package.json scripts.test') : undefined;
  const outDir = build ? detectOutDir(project, kind.value, scripts.build) : undefined;
  const bunStart = packageManager.value.name === 'bun' && kind.value === 'server' ? detectBunStart(project, pkg) : undefined;
  // Next.js traces a workspace member from the workspace root: its standalone server keeps the member's path.
  const start =
    bunStart ??
    (kind.value === 'next' && context
      ? fact([`${context.member}/server.js`], 'Next.js standalone output', 'traced from the workspace root')
      : detectStart(project, pkg, kind.value, outDir?.value, warnings));
  const engine = bunStart ? fact('bun' as const, bunStart.source, bunStart.note) : fact('node' as const, start.source);
  const port = detectPort(project, pkg, kind.value, start.value);
  const healthPath = detectHealthPath(project, kind.value);
  const native = detectNative(project, deps);

  const manifestExtras = ['.npmrc', '.yarnrc.yml', '.yarnrc', 'pnpm-workspace.yaml', 'bunfig.toml', '.pnpmfile.cjs'].filter((f) =>
    root.exists(f),
  );
  if (root.exists('patches/') || root.list('patches').length > 0) manifestExtras.push('patches');
  if (packageManager.value.berry && root.exists('.yarn/releases')) manifestExtras.push('.yarn/releases');
  if (packageManager.value.berry && root.exists('.yarn/plugins')) manifestExtras.push('.yarn/plugins');

  const secretRcFiles = ['.npmrc', '.yarnrc.yml', '.yarnrc'].filter((f) =>
    /(_authToken|_auth\b|_password|npmAuthToken|npmAuthIdent)/.test(root.read(f) ?? ''),
  );
  for (const f of secretRcFiles)
    warnings.push(`${f} holds registry credentials: it is kept out of the image; pass it as the build secret instead`);
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const labels: LabelFacts = {
    title: name.value,
    description: pkg.description,
    version: pkg.version,
    source: repo?.replace(/^git\+/, '').replace(/\.git$/, ''),
    licenses: pkg.license,
  };
  const hasPublic = project.exists('public');
  const hasDependencies = Object.keys(deps).length > 0;
  return {
    name,
    node,
    packageManager,
    kind,
    build,
    outDir,
    test,
    start,
    engine,
    port,
    healthPath,
    native,
    manifestExtras,
    secretRcFiles,
    hasPublic,
    hasDependencies,
    labels,
    workspace: context ? workspaceFacts(context) : undefined,
    warnings,
  };
}

function readRootPackageJson(root: ProjectFiles): PackageJson {
  const text = root.read('package.json');
  return text === undefined ? {} : (parseJsonFile<PackageJson>('package.json (workspace root)', text) ?? {});
}

function workspaceFacts(context: WorkspaceContext): WorkspaceFacts {
  const { workspace, member } = context;
  const self = workspace.members.find((m) => m.dir === member);
  if (!self) throw new InputError(`${member}/package.json`, `is not a member of the workspace (${workspace.source})`);
  return {
    source: workspace.source,
    dir: member,
    name: self.name,
    toRoot: pathBack(member),
    members: workspace.members.map((m) => m.dir),
    closure: memberClosure(workspace, member),
  };
}

const LTS_CODENAMES: Record<string, string> = { hydrogen: '18', iron: '20', jod: '22', krypton: '24' };

function detectNodeVersion(
  project: ProjectFiles,
  pkg: PackageJson,
  warnings: string[],
  orDefault: boolean,
): Fact<ResolvedVersion> | undefined {
  const sources: Array<[string, string | undefined]> = [
    ['package.json engines.node', pkg.engines?.node],
    ['.nvmrc', firstLine(project.read('.nvmrc'))],
    ['.node-version', firstLine(project.read('.node-version'))],
    ['package.json volta.node', pkg.volta?.node],
    ['.tool-versions', toolVersion(project.read('.tool-versions'), ['nodejs', 'node'])],
  ];
  for (const [source, raw] of sources) {
    if (!raw) continue;
    let spec = raw.trim();
    const lts = /^lts\/(.+)$/i.exec(spec);
    if (lts) {
      const code = lts[1].toLowerCase();
      spec = code === '*' || code === 'latest' ? currentLine('node') : (LTS_CODENAMES[code] ?? '');
      if (!spec) throw new InputError(source, `unknown LTS codename "${raw.trim()}"`);
    } else if (/^(node|stable|latest|current)$/i.test(spec)) {
      spec = `>=${currentLine('node')}`;
    }
    let resolved: Fact<ResolvedVersion>;
    try {
      resolved = resolveVersion('node', spec, source);
    } catch (error) {
      throw new InputError(source, `${(error as Error).message}`);
    }
    if (resolved.value.warning) warnings.push(resolved.value.warning);
    return resolved;
  }
  if (!orDefault) return undefined;
  const line = currentLine('node');
  return fact({ tag: line, line, exact: false }, 'default', 'current LTS; no engines.node, .nvmrc, .node-version, volta or .tool-versions');
}

/** Pinned default versions, by lockfile format. */
export const PACKAGE_MANAGER_DEFAULTS = {
  pnpm: { '9': '10.34.9', '6': '8.15.9', '5': '7.33.7' } as Record<string, string>,
  yarnClassic: '1.22.22',
  yarnBerry: { '10': '4.18.1', '8': '4.18.1', '6': '3.8.7', '4': '2.4.3' } as Record<string, string>,
  /** The newest Bun release (npm `bun`), for a Bun project without "packageManager". */
  bun: '1.4.5',
};

function detectPackageManager(project: ProjectFiles, pkg: PackageJson, warnings: string[]): Fact<PackageManager> {
  const lockfiles: Array<[string, PackageManagerName]> = [
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['bun.lockb', 'bun'],
    ['package-lock.json', 'npm'],
    ['npm-shrinkwrap.json', 'npm'],
  ];
  const lock = lockfiles.find(([file]) => project.exists(file));
  const yarnLock = project.read('yarn.lock');
  const berryLock = yarnLock !== undefined && /^__metadata:/m.test(yarnLock);

  if (pkg.packageManager) {
    const m = /^(npm|pnpm|yarn|bun)@(\d+\.\d+\.\d+[^+]*)/.exec(pkg.packageManager);
    if (!m) throw new InputError('package.json', `"packageManager" must look like "pnpm@9.15.0", got "${pkg.packageManager}"`);
    const name = m[1] as PackageManagerName;
    const version = m[2];
    const lockfile = lockfiles.find(([file, pm]) => pm === name && project.exists(file))?.[0];
    if (name === 'bun') checkBunLock(project);
    if (!lockfile) warnings.push(`no lockfile for ${name}: dependencies are resolved at build time, so builds are not reproducible`);
    const berry = name === 'yarn' && semver.major(version) >= 2;
    return fact({ name, version: name === 'npm' ? version : version, lockfile, berry }, 'package.json "packageManager"');
  }
  if (!lock) {
    warnings.push('no lockfile: dependencies are resolved at build time, so builds are not reproducible; commit a lockfile');
    return fact({ name: 'npm', lockfile: undefined, berry: false }, 'default (no lockfile, no "packageManager")');
  }
  const [lockfile, name] = lock;
  const text = project.read(lockfile) ?? '';
  if (name === 'pnpm') {
    const v = /^lockfileVersion:\s*'?(\d+)/m.exec(text)?.[1];
    if (!v) throw new InputError(lockfile, 'has no lockfileVersion: is it a pnpm lockfile?');
    const version = PACKAGE_MANAGER_DEFAULTS.pnpm[v];
    if (!version)
      throw new InputError(
        lockfile,
        `lockfileVersion ${v} is not supported (known: ${Object.keys(PACKAGE_MANAGER_DEFAULTS.pnpm).join(', ')})`,
      );
    return fact({ name, version, lockfile, berry: false }, lockfile, `lockfile v${v} -> pnpm ${version}`);
  }
  if (name === 'yarn') {
    if (berryLock) {
      const v = /^\s+version:\s*(\d+)/m.exec(text)?.[1] ?? '8';
      const version = PACKAGE_MANAGER_DEFAULTS.yarnBerry[v] ?? PACKAGE_MANAGER_DEFAULTS.yarnBerry['8'];
      return fact({ name, version, lockfile, berry: true }, lockfile, `lockfile v${v} -> yarn ${version}`);
    }
    return fact({ name, version: PACKAGE_MANAGER_DEFAULTS.yarnClassic, lockfile, berry: false }, lockfile, 'yarn v1 lockfile');
  }
  if (name === 'bun') {
    checkBunLock(project);
    return fact(
      { name, version: PACKAGE_MANAGER_DEFAULTS.bun, lockfile, berry: false },
      lockfile,
      'newest Bun release; no "packageManager"',
    );
  }
  if (name === 'npm') parseJsonFile(lockfile, text);
  return fact({ name, lockfile, berry: false }, lockfile);
}

function detectOutDir(project: ProjectFiles, kind: NodeKind, buildScript: string | undefined): Fact<string> {
  if (kind === 'next') return fact('.next', 'Next.js');
  const tsconfigText = project.read('tsconfig.build.json') ?? project.read('tsconfig.json');
  if (tsconfigText && kind === 'server') {
    const outDir = /"outDir"\s*:\s*"([^"]+)"/.exec(tsconfigText)?.[1];
    if (outDir) {
      const file = project.read('tsconfig.build.json') ? 'tsconfig.build.json' : 'tsconfig.json';
      return fact(
        posix
          .normalize(outDir)
          .replace(/^\.\/?/, '')
          .replace(/\/$/, '') || 'dist',
        `${file} compilerOptions.outDir`,
      );
    }
  }
  const vite = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs'].find((f) => project.exists(f));
  if (vite) {
    const outDir = /outDir\s*:\s*['"]([^'"]+)['"]/.exec(project.read(vite) ?? '')?.[1];
    return outDir ? fact(outDir, `${vite} build.outDir`) : fact('dist', `${vite} (Vite's default outDir)`);
  }
  const flag = /--out-?dir[= ]([\w./-]+)/i.exec(buildScript ?? '')?.[1];
  if (flag) return fact(flag.replace(/^\.\//, ''), 'package.json scripts.build');
  if (buildScript?.includes('react-scripts')) return fact('build', 'react-scripts default');
  if (project.exists('angular.json')) {
    const out = /"outputPath"\s*:\s*"([^"]+)"/.exec(project.read('angular.json') ?? '')?.[1];
    if (out) return fact(`${out}/browser`, 'angular.json outputPath');
  }
  return fact('dist', 'default (no outDir found)');
}

/** Command runners and dev tools that must not run in production, mapped to what they wrap. */
const DEV_RUNNERS = /^(?:npx\s+)?(?:ts-node(?:-dev)?|tsx|nodemon|node-dev|babel-node|ts-node-esm)\s+/;

function detectStart(
  project: ProjectFiles,
  pkg: PackageJson,
  kind: NodeKind,
  outDir: string | undefined,
  warnings: string[],
): Fact<string[]> {
  if (kind === 'next') return fact(['server.js'], 'Next.js standalone output');
  if (kind === 'static') return fact([], 'static site served by nginx');
  const start = pkg.scripts?.['start:prod'] ?? pkg.scripts?.start;
  const startSource = pkg.scripts?.['start:prod'] ? 'package.json scripts.start:prod' : 'package.json scripts.start';
  if (start) {
    const cmd = start
      .replace(/^cross-env\s+(?:\w+=\S+\s+)*/, '')
      .replace(/^(?:\w+=\S+\s+)+/, '')
      .trim();
    const node = /^node\s+(.+)$/.exec(cmd);
    if (node) {
      const args = node[1].split(/\s+/).filter((a) => a && !a.startsWith('$'));
      return fact(args, startSource, `"${start}"`);
    }
    if (/^nest\s+start/.test(cmd)) {
      const main = outDir ? `${outDir}/main.js` : 'dist/main.js';
      return fact([main], startSource, `"${start}" runs the compiled ${main} in production`);
    }
    const runner = DEV_RUNNERS.exec(cmd);
    if (runner) {
      const entry = cmd
        .slice(runner[0].length)
        .split(/\s+/)
        .find((a) => !a.startsWith('-'));
      if (entry && outDir && /\.(c|m)?tsx?$/.test(entry)) {
        const compiled = compiledPath(project, entry, outDir);
        return fact([compiled], startSource, `"${start}" is a dev runner; the compiled ${compiled} runs in production`);
      }
      if (entry && /\.(c|m)?js$/.test(entry)) return fact([entry], startSource, `"${start}" without the dev runner`);
    }
    warnings.push(`package.json scripts.start "${start}" is not a plain node command; falling back to "main"`);
  }
  if (pkg.main) {
    const main = pkg.main.replace(/^\.\//, '');
    return fact([main], 'package.json "main"');
  }
  for (const candidate of ['index.js', 'server.js', 'app.js', 'src/index.js', 'src/server.js', 'src/app.js']) {
    if (project.exists(candidate)) return fact([candidate], candidate);
  }
  throw new InputError('package.json', 'no start command: add scripts.start ("node server.js") or "main", or pass --start');
}

/** src/main.ts with outDir dist and rootDir src -> dist/main.js. */
function compiledPath(project: ProjectFiles, entry: string, outDir: string): string {
  const tsconfig = project.read('tsconfig.build.json') ?? project.read('tsconfig.json') ?? '';
  const rootDir = /"rootDir"\s*:\s*"([^"]+)"/
    .exec(tsconfig)?.[1]
    ?.replace(/^\.\/?/, '')
    .replace(/\/$/, '');
  let rel = entry.replace(/^\.\//, '');
  if (rootDir && rel.startsWith(`${rootDir}/`)) rel = rel.slice(rootDir.length + 1);
  else if (!rootDir && rel.startsWith('src/')) rel = rel.slice(4);
  return `${outDir}/${rel.replace(/\.(c|m)?tsx?$/, (_, p) => `.${p ?? ''}js`)}`;
}

const SOURCE_FILE = /\.(c|m)?[jt]sx?$/;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

function sourceFiles(project: ProjectFiles): string[] {
  return walk(
    project,
    ['src', 'app', 'server', 'lib', ''],
    (p) => SOURCE_FILE.test(p) && !/\.(test|spec|d)\.[cm]?[jt]sx?$/.test(p),
    400,
  ).filter((p, i, all) => all.indexOf(p) === i);
}

/** Patterns for a listening port in Node sources, most specific first. */
const PORT_PATTERNS: RegExp[] = [
  /process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/,
  /\.listen\(\s*(\d{2,5})\b/,
  /\bport\s*:\s*(\d{2,5})\b/,
  /\bPORT\s*=\s*['"]?(\d{2,5})\b/,
];

function detectPort(project: ProjectFiles, pkg: PackageJson, kind: NodeKind, start: string[]): Fact<number> {
  if (kind === 'static') return fact(8080, 'nginx-unprivileged listens on 8080');
  if (kind === 'next') return fact(3000, 'Next.js default');
  const files = sourceFiles(project);
  // Look at the start file first.
  const startFile = start[0];
  const ordered = [...files].sort((a, b) => Number(b.endsWith(baseNoExt(startFile))) - Number(a.endsWith(baseNoExt(startFile))));
  for (const pattern of PORT_PATTERNS) {
    for (const file of ordered) {
      const text = project.read(file) ?? '';
      const m = pattern.exec(text);
      if (m) return fact(Number(m[1]), `${file}:${lineOf(text, m.index)}`);
    }
  }
  const deps = { ...(pkg.devDependencies ?? {}), ...(pkg.dependencies ?? {}) };
  const framework = FRAMEWORK_PORTS.find(([dep]) => dep in deps);
  if (framework) return fact(framework[1], `${framework[0]} default`);
  return fact(3000, 'default (no port found in the source)');
}

const baseNoExt = (path: string | undefined) => (path ?? '').replace(/^.*\//, '').replace(/\.[^.]+$/, '');

function detectHealthPath(project: ProjectFiles, kind: NodeKind): Fact<string> {
  if (kind === 'static') return fact('/', 'static site');
  const dirs = kind === 'next' ? ['app', 'pages', 'src'] : ['src', 'app', 'server', 'lib', ''];
  // Tests request the route too (a spec file sorts before its module): the route's source is the app's file.
  const files = walk(project, dirs, (p) => SOURCE_FILE.test(p) && !TEST_FILE.test(p), 400);
  for (const path of ['/healthz', '/health', '/api/health', '/api/healthz']) {
    for (const file of files) {
      const text = project.read(file) ?? '';
      const quoted = new RegExp(`['"\`]${path.replace(/\//g, '\\/')}['"\`]`);
      const m = quoted.exec(text);
      if (m) return fact(path, `${file}:${lineOf(text, m.index)}`);
      // Next.js route handlers: app/api/health/route.ts
      if (kind === 'next' && new RegExp(`(^|/)(app|pages)${path}(/route)?\\.[jt]sx?$`).test(file.replace(/^src\//, ''))) {
        return fact(path, file);
      }
    }
  }
  return fact('/', 'default (no /healthz or /health route found)');
}

function detectNative(project: ProjectFiles, deps: Record<string, string>): Fact<string[]> {
  const found = NATIVE_MODULES.filter((m) => m in deps);
  if (project.exists('binding.gyp')) found.push('binding.gyp');
  if (found.length === 0) return fact([], 'no native modules in package.json');
  return fact(found, found.includes('binding.gyp') ? 'binding.gyp' : 'package.json dependencies');
}
