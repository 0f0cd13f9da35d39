// Node project detection: pure functions over the project's files (no Yeoman, no disk writes).
import { posix } from 'node:path';
import semver from 'semver';
import { serviceName } from '../../lib/compose.ts';
import { InputError, lineOf, parseJsonFile } from '../../lib/errors.ts';
import { readEvidence } from '../../lib/evidence.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import { memberClosure, type WorkspaceContext, type WorkspaceMember } from '../../lib/js-workspace.ts';
import type { LabelFacts } from '../../lib/labels.ts';
import { isOtherProtocolPort } from '../../lib/ports.ts';
import { type ProjectFiles, pathBack, walk } from '../../lib/project.ts';
import { currentLine, firstLine, type ResolvedVersion, resolveVersion, toolVersion } from '../../lib/versions.ts';
import { checkBunLock, detectBunStart } from './bun.ts';

export { serviceName };

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'bun';

export interface PackageManager {
  name: PackageManagerName;
  /** Exact version to run (npm: the one bundled with the Node image, undefined, unless "packageManager" pins one). */
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
  /** Nuxt, SvelteKit, React Router, Remix or Astro: their build output, start, port and listen variables. */
  framework?: Framework;
  /** The server's own variables for listening on every interface (set to 0.0.0.0) and for its port besides PORT. */
  listen?: Fact<{ hostEnv: string[]; portEnv: string[] }>;
  /** The build script, when there is one. */
  build?: Fact<string>;
  /** Folder the build writes (dist, build, .next, ...). */
  outDir?: Fact<string>;
  test?: Fact<string>;
  /** Arguments after `node` (or `bun`) in the production command, e.g. ['dist/main.js']. */
  start: Fact<string[]>;
  /** Processes beside the server from the same image (a Procfile `worker:` line, a worker script): arguments after node. */
  workers: NodeWorker[];
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
  bin?: string | Record<string, string>;
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

/**
 * A framework whose build writes its own Node server (or static site) somewhere else than a compiled
 * dist/: where the output is, how it starts, its default port, and the variables that make it listen
 * on every interface.
 */
export interface Framework {
  /** Which one, e.g. `nuxt`, `sveltekit`: also picks its file-based routes for the healthcheck. */
  id: 'nuxt' | 'sveltekit' | 'react-router' | 'remix' | 'astro' | 'angular';
  kind: Fact<NodeKind>;
  outDir: Fact<string>;
  /** Arguments after `node` (a server only). */
  start?: Fact<string[]>;
  port?: Fact<number>;
  /** Variables set to 0.0.0.0 so the server listens on every interface, not only on loopback (a server only). */
  hostEnv?: string[];
  /** Variables set to the port, besides PORT. */
  portEnv?: string[];
  /** The output carries its own dependencies (Nitro's .output): the runtime copies only the output. */
  outputOnly?: boolean;
  /** Folders the framework writes while preparing or building: kept out of the build context. */
  generated: string[];
}

/** The framework's config file (the first that exists) and its text. */
function configFile(project: ProjectFiles, base: string): { file: string; text: string } | undefined {
  for (const ext of ['js', 'mjs', 'ts', 'mts', 'cjs']) {
    const text = project.read(`${base}.${ext}`);
    if (text !== undefined) return { file: `${base}.${ext}`, text };
  }
  return undefined;
}

/** A string option in a config file, e.g. `out: 'build'` -> build. */
const configString = (text: string | undefined, key: string) =>
  new RegExp(`\\b${key}\\s*:\\s*['"\`]([^'"\`]+)['"\`]`)
    .exec(text ?? '')?.[1]
    ?.replace(/^\.\//, '')
    .replace(/\/$/, '');

function detectFramework(project: ProjectFiles, pkg: PackageJson, has: (name: string) => boolean): Framework | undefined {
  const dep = (name: string) => `package.json dependency "${name}"`;
  if (has('nuxt')) {
    // `nuxt generate` (or `nuxi generate`) prerenders every page: a static site in .output/public.
    if (/\bnux[ti]\s+generate\b/.test(pkg.scripts?.build ?? ''))
      return {
        id: 'nuxt',
        kind: fact('static', 'package.json scripts.build', `"${pkg.scripts?.build}" prerenders a static site`),
        outDir: fact('.output/public', 'nuxt generate output'),
        generated: ['.nuxt', '.output', '.data'],
      };
    return {
      id: 'nuxt',
      kind: fact('server', dep('nuxt'), 'Nitro node-server output'),
      outDir: fact('.output', 'Nuxt (Nitro) build output'),
      start: fact(['.output/server/index.mjs'], 'Nuxt (Nitro) server entry'),
      port: fact(3000, 'Nuxt default'),
      hostEnv: ['NITRO_HOST', 'HOST'],
      portEnv: ['NITRO_PORT'],
      outputOnly: true,
      generated: ['.nuxt', '.output', '.data'],
    };
  }
  if (has('@sveltejs/kit')) {
    const config = configFile(project, 'svelte.config');
    const adapter =
      /from\s+['"](@sveltejs\/adapter-[\w-]+)['"]/.exec(config?.text ?? '')?.[1] ??
      ['node', 'static', 'auto'].map((a) => `@sveltejs/adapter-${a}`).find(has);
    const where = config ? config.file : 'package.json';
    if (adapter === '@sveltejs/adapter-node') {
      const out = configString(config?.text, 'out');
      const dir = out ?? 'build';
      // A custom server (adapter-node's handler.js mounted in the project's own server) that scripts.start runs:
      // a file in the output (written by the build) or in the tree.
      const custom = /^node\s+(\S+)$/.exec(withoutEnv(pkg.scripts?.start ?? ''))?.[1]?.replace(/^\.\//, '');
      const own = custom && custom !== dir && (custom.startsWith(`${dir}/`) || project.exists(custom)) ? custom : undefined;
      return {
        id: 'sveltekit',
        kind: fact('server', `${where} adapter "${adapter}"`, 'SvelteKit'),
        outDir: out ? fact(out, `${where} adapter out`) : fact('build', 'adapter-node default'),
        start: own
          ? fact([own], 'package.json scripts.start', `"${pkg.scripts?.start}": a custom server around ${dir}/handler.js`)
          : fact([dir], 'adapter-node server entry', `${dir}/index.js`),
        port: fact(3000, 'adapter-node default'),
        hostEnv: ['HOST'],
        generated: ['.svelte-kit'],
      };
    }
    if (adapter === '@sveltejs/adapter-static') {
      const pages = configString(config?.text, 'pages');
      return {
        id: 'sveltekit',
        kind: fact('static', `${where} adapter "${adapter}"`, 'SvelteKit'),
        outDir: pages ? fact(pages, `${where} adapter pages`) : fact('build', 'adapter-static default'),
        generated: ['.svelte-kit'],
      };
    }
    throw new InputError(
      where,
      `SvelteKit with ${adapter ? `"${adapter}"` : 'no adapter'} writes neither a Node server nor a static site a container can run: use @sveltejs/adapter-node (a server) or @sveltejs/adapter-static (a static site)`,
    );
  }
  const serve = has('@react-router/dev') ? 'react-router' : has('@remix-run/dev') ? 'remix' : undefined;
  if (serve) {
    // The serve CLI's package, its command and the file its "bin" names.
    const [cli, bin, binFile] =
      serve === 'react-router'
        ? ['@react-router/serve', 'react-router-serve', 'bin.js']
        : ['@remix-run/serve', 'remix-serve', 'dist/cli.js'];
    const start = pkg.scripts?.start;
    const server = new RegExp(`\\b${bin}\\s+(\\S+)`).exec(start ?? '')?.[1]?.replace(/^\.\//, '') ?? 'build/server/index.js';
    if (!(pkg.dependencies && cli in pkg.dependencies))
      throw new InputError(
        'package.json',
        `"${cli}" must be in "dependencies" to serve the build in production (the image keeps only those)`,
      );
    return {
      id: serve,
      kind: fact('server', dep(serve === 'react-router' ? '@react-router/dev' : '@remix-run/dev'), 'framework mode'),
      outDir: fact(server.split('/')[0], start?.includes(bin) ? 'package.json scripts.start' : `${cli} default`),
      // The CLI's own file, run by node: the runtime image has no shell to run node_modules/.bin scripts.
      start: fact(
        [`node_modules/${cli}/${binFile}`, `./${server}`],
        start?.includes(bin) ? 'package.json scripts.start' : `${cli} default`,
        `"${bin} ./${server}"`,
      ),
      port: fact(3000, `${bin} default`),
      hostEnv: ['HOST'],
      generated: [serve === 'react-router' ? '.react-router' : '.cache'],
    };
  }
  const angular = project.read('angular.json');
  if (angular !== undefined && has('@angular/core'))
    return {
      id: 'angular',
      kind: fact('static', 'angular.json', 'an Angular app built by ng build'),
      outDir: angularOutDir(angular),
      // The CLI's build cache (often hundreds of MB) stays out of the build context.
      generated: ['.angular'],
    };
  if (has('astro')) {
    const config = configFile(project, 'astro.config');
    const where = config?.file ?? 'package.json';
    const outDir = configString(config?.text, 'outDir');
    const out = outDir ? fact(outDir, `${where} outDir`) : fact('dist', 'Astro default');
    if (has('@astrojs/node') && /@astrojs\/node/.test(config?.text ?? '')) {
      if (/mode\s*:\s*['"]middleware['"]/.test(config?.text ?? ''))
        throw new InputError(where, `@astrojs/node in mode "middleware" has no server of its own: use mode: 'standalone'`);
      return {
        id: 'astro',
        kind: fact('server', `${where} adapter "@astrojs/node"`, 'standalone'),
        outDir: out,
        start: fact([`${out.value}/server/entry.mjs`], '@astrojs/node standalone entry'),
        port: fact(4321, 'Astro default'),
        hostEnv: ['HOST'],
        generated: ['.astro'],
      };
    }
    return {
      id: 'astro',
      kind: fact('static', dep('astro'), 'no server adapter: a static site'),
      outDir: out,
      generated: ['.astro'],
    };
  }
  return undefined;
}

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

  const framework = detectFramework(project, pkg, has);
  let kind: Fact<NodeKind> = fact('server', 'default (no front-end framework found)');
  if (has('next')) kind = fact('next', 'package.json dependency "next"');
  else if (framework) kind = framework.kind;
  else {
    const builder = STATIC_BUILDERS.find(has);
    const server = SERVER_DEPS.find(has);
    if (builder && !server && !scripts.start?.match(/\bnode\b/))
      kind = fact('static', `package.json dependency "${builder}" and no server`);
    else if (server) kind = fact('server', `package.json dependency "${server}"`);
  }

  const build = scripts.build ? fact(scripts.build, 'package.json scripts.build') : undefined;
  const test = scripts.test && !/no test specified/.test(scripts.test) ? fact(scripts.test, 'package.json scripts.test') : undefined;
  const outDir = build ? (framework?.outDir ?? detectOutDir(project, kind.value, scripts.build)) : undefined;
  if (framework && kind.value === 'server' && !build)
    throw new InputError('package.json', `${kind.source}: the server is built by scripts.build, and there is none`);
  // A framework's own server (Nuxt, SvelteKit, React Router...) runs on Node; else Bun runs what the start script runs with bun.
  const bunStart = packageManager.value.name === 'bun' && kind.value === 'server' && !framework ? detectBunStart(project, pkg) : undefined;
  // Next.js traces a workspace member from the workspace root: its standalone server keeps the member's path.
  const start =
    bunStart ??
    (kind.value === 'next' && context
      ? fact([`${context.member}/server.js`], 'Next.js standalone output', 'traced from the workspace root')
      : (framework?.start ?? detectStart(project, pkg, kind.value, outDir?.value, warnings)));
  const engine = bunStart ? fact('bun' as const, bunStart.source, bunStart.note) : fact('node' as const, start.source);
  const fastifyCli = start.value[0] === FASTIFY_CLI ? fastifyCliFacts(pkg, start.source) : undefined;
  const port = framework?.port ?? fastifyCli?.port ?? detectPort(project, pkg, kind.value, start.value);
  const healthPath = detectHealthPath(project, kind.value, framework?.id);
  const listen =
    framework && kind.value === 'server'
      ? fact({ hostEnv: framework.hostEnv ?? [], portEnv: framework.portEnv ?? [] }, kind.source, framework.kind.note)
      : (fastifyCli?.listen ?? (kind.value === 'server' ? detectBind(project, warnings) : undefined));
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
    framework,
    listen,
    build,
    outDir,
    test,
    start,
    workers: kind.value === 'server' ? detectWorkers(project, pkg, outDir?.value, warnings) : [],
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
    return fact(
      { name, version, lockfile, berry },
      'package.json "packageManager"',
      name === 'npm' ? 'installed in the build stages' : undefined,
    );
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
  return fact('dist', 'default (no outDir found)');
}

/**
 * Where `ng build` writes the browser files: the application builder (Angular 17+) writes them to
 * <outputPath>/browser (outputPath defaults to dist/<project>; an object names base and browser), the
 * older browser builder to outputPath itself.
 */
function angularOutDir(text: string): Fact<string> {
  interface AngularProject {
    projectType?: string;
    architect?: { build?: { builder?: string; options?: { outputPath?: string | { base?: string; browser?: string } } } };
  }
  const json = parseJsonFile<{ projects?: Record<string, AngularProject> }>('angular.json', text);
  const projects = Object.entries(json?.projects ?? {});
  const [name, project] = projects.find(([, p]) => p.projectType === 'application') ?? projects[0] ?? [];
  if (!name || !project) throw new InputError('angular.json', 'has no project to build');
  const build = project.architect?.build;
  const outputPath = build?.options?.outputPath;
  const source = `angular.json projects.${name}`;
  if (/:browser(-esbuild)?$/.test(build?.builder ?? '') && typeof outputPath === 'string')
    return fact(outputPath.replace(/^\.\//, '').replace(/\/$/, ''), `${source} outputPath`, `${build?.builder} writes there`);
  if (typeof outputPath === 'object') {
    const base = (outputPath.base ?? `dist/${name}`).replace(/^\.\//, '').replace(/\/$/, '');
    const browser = outputPath.browser ?? 'browser';
    return fact(browser ? `${base}/${browser}` : base, `${source} outputPath`);
  }
  const base = (outputPath ?? `dist/${name}`).replace(/^\.\//, '').replace(/\/$/, '');
  return fact(
    `${base}/browser`,
    outputPath ? `${source} outputPath` : `${source} (default outputPath dist/${name})`,
    'the application builder writes browser/',
  );
}

/** Command runners and dev tools that must not run in production, mapped to what they wrap. */
const DEV_RUNNERS = /^(?:npx\s+)?(?:ts-node(?:-dev)?|tsx|nodemon|node-dev|babel-node|ts-node-esm)\s+/;

/** Node flags that take the next argument as their value (`node -r dotenv/config app.js`). */
const NODE_VALUE_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--title']);

/** Conventional entry files, tried last (sources for a build first, then plain JavaScript). */
const CONVENTIONAL_TS_ENTRIES = ['src/index.ts', 'src/server.ts', 'src/main.ts', 'src/app.ts'];
const CONVENTIONAL_JS_ENTRIES = [
  'src/index.js',
  'src/server.js',
  'src/app.js',
  'src/main.js',
  'index.js',
  'server.js',
  'app.js',
  'main.js',
];

/** A start command to check against the tree: the arguments after `node`, where they came from, and why. */
interface StartCandidate {
  args: string[];
  source: string;
  note?: string;
  /** A conventional file name: not worth a warning when it is missing. */
  quiet?: boolean;
  /** The file that must be in the tree, when it is not the script node runs (fastify start app.js). */
  file?: string;
  /** A runner that loads a module (fastify start): when its file is missing, plain `node <main>` is no fallback. */
  final?: boolean;
}

/**
 * The production start command. Each source is tried in order (scripts.start:prod or start translated,
 * "main", "bin", the build's output for a conventional source entry, conventional entry files); a command
 * whose file is not in the tree (and not written by the build) is rejected with a warning, and when none
 * resolves the run stops with an error that lists what was tried.
 */
function detectStart(
  project: ProjectFiles,
  pkg: PackageJson,
  kind: NodeKind,
  outDir: string | undefined,
  warnings: string[],
): Fact<string[]> {
  if (kind === 'next') return fact(['server.js'], 'Next.js standalone output');
  if (kind === 'static') return fact([], 'static site served by nginx');
  const build = pkg.scripts?.build;
  // What was tried and not used: said as warnings (conventional file names only in the error).
  const rejected: Array<{ text: string; quiet?: boolean }> = [];
  for (const candidate of startCandidates(project, pkg, outDir, rejected)) {
    const entry = candidate.file ?? entryArg(candidate.args);
    const resolved =
      entry === undefined ? undefined : resolveEntry(project, entry === '.' ? (pkg.main ?? 'index.js') : entry, outDir, build);
    if (resolved) {
      for (const r of rejected) if (!r.quiet) warnings.push(`start: ${r.text}`);
      const note = [candidate.note, resolved.note].filter(Boolean).join('; ');
      return fact(candidate.args, candidate.source, note || undefined);
    }
    rejected.push(
      candidate.quiet
        ? { text: candidate.source, quiet: true }
        : {
            text:
              entry === undefined
                ? `${candidate.source} "node ${candidate.args.join(' ')}" names no file: not used`
                : `${candidate.source} names ${entry}, which is not in the tree${build ? ' and not written by scripts.build' : ''}: not used`,
          },
    );
    if (candidate.final) break;
  }
  throw new InputError(
    'package.json',
    `no start command names a file in the tree; tried ${rejected.map((r) => r.text).join('; ')}. Add scripts.start ("node server.js") or "main", or pass --start`,
  );
}

/**
 * A start command given by the user (`--start`, or saved in .yo-rc.json): the problem when the file
 * it names is not in the tree and not written by the build, else undefined.
 */
export function startProblem(project: ProjectFiles, args: string[], facts: NodeFacts): string | undefined {
  const entry = entryArg(args);
  if (entry === undefined) return 'names no file to run';
  const main = readPackageJson(project).main ?? 'index.js';
  if (resolveEntry(project, entry === '.' ? main : entry, facts.outDir?.value, facts.build?.value)) return undefined;
  return `names ${entry}, which is not in the tree${facts.build ? ' and not written by scripts.build' : ''}`;
}

/** Every source of a start command, in order; a source that cannot be translated is added to `rejected`. */
function* startCandidates(
  project: ProjectFiles,
  pkg: PackageJson,
  outDir: string | undefined,
  rejected: Array<{ text: string; quiet?: boolean }>,
): Generator<StartCandidate> {
  const start = pkg.scripts?.['start:prod'] ?? pkg.scripts?.start;
  const scripts = pkg.scripts ?? {};
  if (start) {
    const own = pkg.scripts?.['start:prod'] ? 'start:prod' : 'start';
    const { command, source } = followRunScript(scripts, start, `package.json scripts.${own}`, own);
    const translated = translateStart(project, command, outDir);
    if (translated) yield { ...translated, source };
    else rejected.push({ text: `${source} "${command}" is not a plain node command: not used` });
  }
  // What the repository runs elsewhere: an existing Dockerfile's CMD, Procfile web, fly.toml (lib/evidence.ts).
  for (const ev of readEvidence(project).starts) {
    const { command, source } = followRunScript(scripts, ev.argv.join(' '), ev.origin);
    const translated = translateStart(project, command, outDir);
    if (translated) yield { ...translated, source };
    else rejected.push({ text: `${source} "${command}" is not a plain node command: not used`, quiet: true });
  }
  if (pkg.main) yield { args: [pkg.main.replace(/^\.\//, '')], source: 'package.json "main"' };
  const bins = typeof pkg.bin === 'string' ? { '': pkg.bin } : (pkg.bin ?? {});
  for (const [name, file] of Object.entries(bins))
    if (typeof file === 'string') yield { args: [file.replace(/^\.\//, '')], source: `package.json bin${name ? `.${name}` : ''}` };
  if (outDir && pkg.scripts?.build) {
    for (const entry of CONVENTIONAL_TS_ENTRIES.filter((f) => project.exists(f)))
      yield { args: [compiledPath(project, entry, outDir)], source: entry, note: `compiled by scripts.build to ${outDir}` };
  }
  for (const entry of CONVENTIONAL_JS_ENTRIES) yield { args: [entry], source: entry, note: 'conventional entry file', quiet: true };
}

/** A worker: its name (`worker`, `scheduler`), the arguments after node, and where it was found. */
export interface NodeWorker {
  name: string;
  args: string[];
  source: string;
}

/** Job-queue libraries whose projects run a worker process beside the server. */
const QUEUE_LIBRARIES = ['bullmq', 'bull', 'bee-queue', 'agenda', 'pg-boss', 'graphile-worker', 'kue'];

/**
 * Workers: each Procfile process beside web and release (lib/evidence.ts), else, in a project that depends
 * on a job queue (BullMQ, Bull, Agenda...), the package.json scripts named worker (`worker`, `worker:prod`,
 * `queue`, `jobs`). Each is translated like the start command (followed through `npm run`, compiled
 * TypeScript found in the build's output) and kept only when its file resolves in the tree; one that does
 * not is a warning.
 */
function detectWorkers(project: ProjectFiles, pkg: PackageJson, outDir: string | undefined, warnings: string[]): NodeWorker[] {
  const scripts = pkg.scripts ?? {};
  const declared: Array<{ name: string; command: string; source: string }> = readEvidence(project).workers.map((w) => ({
    name: w.name,
    command: w.argv.join(' '),
    source: w.origin,
  }));
  const deps = { ...pkg.dependencies };
  const queue = QUEUE_LIBRARIES.find((lib) => lib in deps);
  if (!declared.length && queue) {
    const names = Object.keys(scripts).filter((n) => /^(?:workers?|queue|jobs|consumer)(?::(?:prod|production|start))?$/.test(n));
    // `worker:prod` over `worker` (the development one often watches the source).
    const chosen = names.find((n) => n.includes(':')) ?? names[0];
    if (chosen)
      declared.push({ name: 'worker', command: scripts[chosen], source: `package.json scripts.${chosen} (dependency "${queue}")` });
  }
  const workers: NodeWorker[] = [];
  for (const w of declared) {
    const { command, source } = followRunScript(scripts, w.command, w.source);
    const translated = translateStart(project, command, outDir);
    const entry = translated && (translated.file ?? entryArg(translated.args));
    if (translated && entry !== undefined && resolveEntry(project, entry, outDir, scripts.build)) {
      workers.push({ name: w.name, args: translated.args, source });
    } else {
      const label = w.name === 'worker' ? 'worker' : `worker ${w.name}`;
      warnings.push(`${label}: ${source} runs "${command}", not a node command whose file is in the tree: not a compose service`);
    }
  }
  return workers;
}

/**
 * A command that only runs another package script (`npm run start-server`, `npm start`, `yarn serve`,
 * `pnpm run web`): that script's command, followed up to three times, with the chain in its source.
 */
export function followRunScript(
  scripts: Record<string, string>,
  command: string,
  source: string,
  own?: string,
): { command: string; source: string } {
  const seen = new Set(own ? [own] : []);
  let current = { command, source };
  for (let hop = 0; hop < 3; hop++) {
    const m = /^(?:npm\s+(?:run(?:-script)?\s+)?|pnpm\s+(?:run\s+)?|yarn\s+(?:run\s+)?|bun\s+run\s+)([\w:.-]+)$/.exec(
      withoutEnv(current.command),
    );
    const name = m?.[1];
    if (!name || seen.has(name) || scripts[name] === undefined) break;
    seen.add(name);
    current = { command: scripts[name], source: `${current.source} -> scripts.${name}` };
  }
  return current;
}

/** scripts.start as the arguments after `node` in production, or undefined when it is no node command. */
function translateStart(project: ProjectFiles, start: string, outDir: string | undefined): Omit<StartCandidate, 'source'> | undefined {
  const cmd = withoutEnv(start);
  const node = /^node\s+(.+)$/.exec(cmd);
  if (node) return { args: node[1].split(/\s+/).filter((a) => a && !a.startsWith('$')), note: `"${start}"` };
  const fastify = parseFastifyStart(cmd);
  if (fastify) {
    const dropped = fastify.dropped.length
      ? `; without ${fastify.dropped.join(' ')} (dev flags; address and port come from the environment)`
      : '';
    return { args: [FASTIFY_CLI, 'start', ...fastify.args], file: fastify.file, final: true, note: `"${start}"${dropped}` };
  }
  if (/^nest\s+start/.test(cmd)) {
    const main = outDir ? `${outDir}/main.js` : 'dist/main.js';
    return { args: [main], note: `"${start}" runs the compiled ${main} in production` };
  }
  const runner = DEV_RUNNERS.exec(cmd);
  if (!runner) return undefined;
  const entry = cmd
    .slice(runner[0].length)
    .split(/\s+/)
    .find((a) => !a.startsWith('-'));
  if (entry && outDir && /\.(c|m)?tsx?$/.test(entry)) {
    const compiled = compiledPath(project, entry, outDir);
    return { args: [compiled], note: `"${start}" is a dev runner; the compiled ${compiled} runs in production` };
  }
  if (entry && /\.(c|m)?js$/.test(entry)) return { args: [entry], note: `"${start}" without the dev runner` };
  return undefined;
}

/** A script without its leading variables (`cross-env NODE_ENV=production node app.js` -> `node app.js`). */
const withoutEnv = (script: string) =>
  script
    .replace(/^cross-env\s+(?:\w+=\S+\s+)*/, '')
    .replace(/^(?:\w+=\S+\s+)+/, '')
    .trim();

/** fastify-cli's own file, run by node (the runtime image has no shell for node_modules/.bin scripts). */
const FASTIFY_CLI = 'node_modules/fastify-cli/cli.js';

/**
 * `fastify start [flags] app.js` (fastify-cli): the arguments to keep, the plugin file, and the port and
 * address flags, which are dropped with the dev flags (watch, pretty logs): a flag beats FASTIFY_PORT
 * and FASTIFY_ADDRESS, which the image sets so the server listens on every interface at the answered port.
 */
function parseFastifyStart(cmd: string): { args: string[]; file?: string; port?: number; dropped: string[] } | undefined {
  const m = /^(?:npx\s+)?fastify\s+start\s+(.*)$/.exec(cmd);
  if (!m) return undefined;
  const words = m[1].split(/\s+/).filter(Boolean);
  const args: string[] = [];
  const dropped: string[] = [];
  let port: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split(/=(.*)/s);
    if (['-p', '--port', '-a', '--address'].includes(flag)) {
      const value = inline ?? words[++i];
      if (flag === '-p' || flag === '--port') port = Number(value);
      dropped.push(`${flag} ${value}`);
    } else if (['-w', '--watch', '-P', '--pretty-logs', '-V', '--verbose-watch'].includes(flag)) dropped.push(flag);
    else args.push(words[i]);
  }
  return { args, file: args.filter((a) => !a.startsWith('-')).pop(), port: Number.isInteger(port) ? port : undefined, dropped };
}

/** The script file among node's arguments: the first that is neither a flag nor a flag's value. */
function entryArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (NODE_VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * Whether `node <entry>` finds a file: in the tree (as node resolves it: the path, with .js/.mjs/.cjs,
 * or its index.js), or written by the build (in the compile's outDir with its source in the tree, or
 * named by the build script, or the output of a source file the build script names).
 */
function resolveEntry(
  project: ProjectFiles,
  entry: string,
  outDir: string | undefined,
  build: string | undefined,
): { note?: string } | undefined {
  const path = posix.normalize(entry).replace(/\/$/, '');
  const forms = [path, `${path}.js`, `${path}.mjs`, `${path}.cjs`, `${path}/index.js`, `${path}/index.mjs`];
  if (forms.some((f) => isFile(project, f))) return {};
  if (!build) return undefined;
  const built = forms.find((f) => /\.(c|m)?js$/.test(f));
  if (!built) return undefined;
  if (outDir && built.startsWith(`${outDir}/`)) {
    const source = sourceOf(project, built.slice(outDir.length + 1));
    if (source) return { note: `built from ${source}` };
  }
  const named = build.split(/[\s=]+/).map((w) => posix.normalize(w.replace(/^['"]|['"]$/g, '')));
  if (named.includes(built) || forms.some((f) => named.includes(f))) return { note: 'written by scripts.build' };
  const base = baseNoExt(built);
  const sourceNamed = named.find((w) => SOURCE_FILE.test(w) && baseNoExt(w) === base && isFile(project, w));
  if (sourceNamed && built.startsWith(`${outDir ?? 'dist'}/`)) return { note: `built from ${sourceNamed}` };
  return undefined;
}

/** The TypeScript (or JavaScript) source in the tree that compiles to `rel` inside the outDir. */
function sourceOf(project: ProjectFiles, rel: string): string | undefined {
  const tsconfig = project.read('tsconfig.build.json') ?? project.read('tsconfig.json') ?? '';
  const rootDir = /"rootDir"\s*:\s*"([^"]+)"/
    .exec(tsconfig)?.[1]
    ?.replace(/^\.\/?/, '')
    .replace(/\/$/, '');
  const stem = rel.replace(/\.(c|m)?js$/, '');
  const ext = /\.(c|m)?js$/.exec(rel)?.[1] ?? '';
  const dirs = rootDir !== undefined ? [rootDir] : ['src', ''];
  return dirs
    .flatMap((d) => [`.${ext}ts`, `.${ext}tsx`, `.${ext}js`].map((e) => posix.join(d, `${stem}${e}`)))
    .find((f) => isFile(project, f));
}

/** A file (not a folder) of the project. */
const isFile = (project: ProjectFiles, path: string) => project.read(path) !== undefined;

/** fastify start: the port (its flag, else fastify-cli's default) and FASTIFY_ADDRESS, as it listens on 127.0.0.1 by default. */
function fastifyCliFacts(pkg: PackageJson, source: string): { port: Fact<number>; listen: Fact<{ hostEnv: string[]; portEnv: string[] }> } {
  if (!pkg.dependencies?.['fastify-cli'])
    throw new InputError(
      'package.json',
      '"fastify-cli" must be in "dependencies" for "fastify start" in production (the image keeps only those)',
    );
  const script = source.endsWith('start:prod') ? pkg.scripts?.['start:prod'] : pkg.scripts?.start;
  const flag = parseFastifyStart(withoutEnv(script ?? ''))?.port;
  return {
    port: flag ? fact(flag, source, 'its --port flag') : fact(3000, 'fastify-cli default'),
    listen: fact({ hostEnv: ['FASTIFY_ADDRESS'], portEnv: ['FASTIFY_PORT'] }, source, 'fastify start listens on 127.0.0.1 unless told'),
  };
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

/** Patterns for a listening port in Node sources, most specific first; `loose` ones match any `port: N`. */
const PORT_PATTERNS: Array<{ re: RegExp; loose?: true }> = [
  { re: /process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/ },
  { re: /\.listen\(\s*(\d{2,5})\b/ },
  { re: /\bport\s*:\s*(\d{2,5})\b/g, loose: true },
  { re: /\bPORT\s*=\s*['"]?(\d{2,5})\b/g, loose: true },
];

function detectPort(project: ProjectFiles, pkg: PackageJson, kind: NodeKind, start: string[]): Fact<number> {
  if (kind === 'static') return fact(8080, 'nginx-unprivileged listens on 8080');
  if (kind === 'next') return fact(3000, 'Next.js default');
  const files = sourceFiles(project);
  // Look at the start file first.
  const startFile = start[0];
  const ordered = [...files].sort((a, b) => Number(b.endsWith(baseNoExt(startFile))) - Number(a.endsWith(baseNoExt(startFile))));
  for (const { re, loose } of PORT_PATTERNS) {
    for (const file of ordered) {
      const text = project.read(file) ?? '';
      // A loose match on a database's or another protocol's port (a Redis client's port: 6379) is not the server's.
      const m = loose ? [...text.matchAll(re)].find((x) => !isOtherProtocolPort(Number(x[1]))) : re.exec(text);
      if (m) return fact(Number(m[1]), `${file}:${lineOf(text, m.index ?? 0)}`);
    }
  }
  // No port in the source: the repository's own Dockerfile (EXPOSE, ENV PORT), fly.toml or app.json says it.
  const declared = readEvidence(project).ports[0];
  if (declared) return fact(declared.value, declared.source, 'no port in the source');
  const deps = { ...(pkg.devDependencies ?? {}), ...(pkg.dependencies ?? {}) };
  const framework = FRAMEWORK_PORTS.find(([dep]) => dep in deps);
  if (framework) return fact(framework[1], `${framework[0]} default`);
  return fact(3000, 'default (no port found in the source)');
}

const LOOPBACK = String.raw`(?:127\.0\.0\.1|localhost|::1)`;

/**
 * A server that listens on loopback only cannot be reached from outside its container. In each
 * `.listen(...)` or `serve(...)` call (and the variables it uses): a host from an environment variable
 * with a loopback default gives that variable (set to 0.0.0.0 by the image); a hard-coded loopback host
 * is a warning naming the file and line, as no setting of the app can change it.
 */
function detectBind(project: ProjectFiles, warnings: string[]): Fact<{ hostEnv: string[]; portEnv: string[] }> | undefined {
  const fromEnv = new RegExp(String.raw`process\.env\.(\w+)\s*(?:\|\||\?\?)\s*['"\`](${LOOPBACK})['"\`]`);
  const literal = new RegExp(String.raw`['"\`](${LOOPBACK})['"\`]`);
  for (const file of sourceFiles(project)) {
    const text = project.read(file) ?? '';
    for (const call of text.matchAll(/(?:\.listen|\bserve)\(/g)) {
      const at = `${file}:${lineOf(text, call.index)}`;
      const args = insideParens(text, call.index + call[0].length - 1);
      // The call's arguments, then what its variables are set to (`const host = process.env.HOST ?? 'localhost'`).
      const initializers = [...new Set(args.match(/[A-Za-z_$][\w$]*/g) ?? [])].map(
        (id) => new RegExp(String.raw`(?:const|let|var)\s+${id.replace(/\$/g, '\\$')}\s*=\s*([^;\n]+)`).exec(text)?.[1] ?? '',
      );
      for (const expr of [args, ...initializers]) {
        const env = fromEnv.exec(expr);
        if (env) return fact({ hostEnv: [env[1]], portEnv: [] }, at, `process.env.${env[1]} defaults to ${env[2]}`);
        const fixed = literal.exec(expr);
        if (fixed) {
          warnings.push(
            `${at}: the server listens on ${fixed[1]} only (hard-coded), so it is unreachable from outside the container; read the host from an environment variable (process.env.HOST) or listen on 0.0.0.0`,
          );
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** The text between the parenthesis at `open` and its matching one (strings are not looked into). */
function insideParens(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 2000; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1, open + 2000);
}

const baseNoExt = (path: string | undefined) => (path ?? '').replace(/^.*\//, '').replace(/\.[^.]+$/, '');

/** File-based routes of the frameworks: the file that answers a path (`server/routes/healthz.get.ts` -> /healthz). */
const FILE_ROUTES: Record<Framework['id'], Array<[RegExp, string]>> = {
  nuxt: [
    [/^server\/routes\/(.+?)(?:\.(?:get|head))?\.[cm]?[jt]s$/, '/$1'],
    [/^server\/api\/(.+?)(?:\.(?:get|head))?\.[cm]?[jt]s$/, '/api/$1'],
  ],
  sveltekit: [[/^src\/routes\/(.+)\/\+server\.[jt]s$/, '/$1']],
  astro: [[/^src\/pages\/(.+)\.[jt]s$/, '/$1']],
  'react-router': [[/^app\/routes\/(.+?)\.[jt]sx?$/, '/$1']],
  remix: [[/^app\/routes\/(.+?)\.[jt]sx?$/, '/$1']],
  angular: [],
};

function detectHealthPath(project: ProjectFiles, kind: NodeKind, framework?: Framework['id']): Fact<string> {
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
      // The frameworks' file-based routes, and React Router's route('healthz', ...) in app/routes.ts.
      const routes = framework ? FILE_ROUTES[framework] : [];
      if (routes.some(([re, to]) => re.test(file) && file.replace(re, to) === path)) return fact(path, file);
      const configured =
        framework === 'react-router' && /^app\/routes\.[jt]s$/.test(file)
          ? new RegExp(`route\\(\\s*['"]${path.slice(1)}['"]`).exec(text)
          : null;
      if (configured) return fact(path, `${file}:${lineOf(text, configured.index)}`);
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
