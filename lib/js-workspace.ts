// npm, yarn and pnpm workspaces: which folders are members, which members are libraries, and which
// workspace packages a member needs. Pure over the workspace root's files.
import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError, parseJsonFile } from './errors.ts';
import { findAbove, IGNORED_DIRS, type ProjectFiles } from './project.ts';

export interface WorkspaceMember {
  /** Folder relative to the workspace root, e.g. `apps/api`. */
  dir: string;
  /** package.json "name" (the folder's name when it has none). */
  name: string;
  scripts: Record<string, string>;
  /** Names of the workspace packages it depends on (any dependency field). */
  workspaceDeps: string[];
  /** What the member's package.json says that makes it deployable; undefined for a library. */
  deployable?: string;
}

/** A member's view of its workspace: the root's files and which member it is. */
export interface WorkspaceContext {
  root: ProjectFiles;
  /** The workspace root's absolute path (for the generator; detection does not read it). */
  rootDir: string;
  workspace: JsWorkspace;
  /** The member's folder relative to the root, e.g. `apps/api`. */
  member: string;
}

export interface JsWorkspace {
  /** The file that declares the members: `pnpm-workspace.yaml` or `package.json "workspaces"`. */
  source: string;
  patterns: string[];
  members: WorkspaceMember[];
}

const SERVER_DEPS = ['express', 'fastify', 'koa', '@nestjs/core', '@hapi/hapi', 'hono', '@hono/node-server', 'restify', 'polka'];
const APP_DEPS = ['next', 'vite', 'react-scripts', '@angular/core', '@vue/cli-service'];
/** A build script that builds an app (a library's build is `tsc`, `tsup`, `rollup` ...). */
const APP_BUILD = /\b(vite|next|react-scripts|ng|vue-cli-service|parcel|astro)\s+build\b/;

interface MemberJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Member patterns of the workspace whose root is the project's root, or undefined when it is not one. */
export function workspacePatterns(project: ProjectFiles): { source: string; patterns: string[] } | undefined {
  const pnpm = project.read('pnpm-workspace.yaml');
  if (pnpm !== undefined) {
    let doc: { packages?: unknown };
    try {
      doc = (parseYaml(pnpm) ?? {}) as { packages?: unknown };
    } catch (error) {
      throw new InputError('pnpm-workspace.yaml', `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const packages = doc.packages ?? [];
    if (!Array.isArray(packages) || packages.some((p) => typeof p !== 'string'))
      throw new InputError('pnpm-workspace.yaml', '"packages" must be a list of folder patterns');
    // pnpm 10 keeps its settings there too (onlyBuiltDependencies, catalogs, allowBuilds): with no member
    // folder listed it is no workspace, and the root package.json is the project.
    if (packages.length) return { source: 'pnpm-workspace.yaml', patterns: packages as string[] };
  }
  const text = project.read('package.json');
  if (text === undefined) return undefined;
  const pkg = parseJsonFile<{ workspaces?: unknown }>('package.json', text);
  const ws = pkg?.workspaces;
  if (ws === undefined) return undefined;
  const patterns = Array.isArray(ws) ? ws : (ws as { packages?: unknown })?.packages;
  if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string'))
    throw new InputError('package.json', '"workspaces" must be a list of folder patterns (or { "packages": [...] })');
  return { source: 'package.json "workspaces"', patterns: patterns as string[] };
}

/** A folder pattern (`apps/*`, `packages/**`, `tools/cli`, `!**\/test/**`) as a regular expression. */
function patternRegex(pattern: string): RegExp {
  const clean = posix.normalize(pattern.replace(/^!/, '').replace(/^\.\//, '')).replace(/\/$/, '');
  const body = clean
    .split('/')
    .map((part) => (part === '**' ? '(?:.+)' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/')
    .replace('(?:.+)/', '(?:.+/)?');
  return new RegExp(`^${body}$`);
}

/** Folders below the root that hold a package.json, up to a depth (node_modules and the like skipped). */
function packageFolders(project: ProjectFiles, dir = '', depth = 0, found: string[] = []): string[] {
  if (depth > 4) return found;
  for (const entry of project.list(dir)) {
    if (!entry.endsWith('/')) continue;
    const name = entry.slice(0, -1);
    if (IGNORED_DIRS.has(name) || name.startsWith('.')) continue;
    const path = dir ? `${dir}/${name}` : name;
    if (project.exists(`${path}/package.json`)) found.push(path);
    packageFolders(project, path, depth + 1, found);
  }
  return found;
}

/** The workspace at the project's root with its members, or undefined when the root is not a workspace. */
export function readWorkspace(project: ProjectFiles): JsWorkspace | undefined {
  const declared = workspacePatterns(project);
  if (!declared) return undefined;
  const include = declared.patterns.filter((p) => !p.startsWith('!')).map(patternRegex);
  const exclude = declared.patterns.filter((p) => p.startsWith('!')).map(patternRegex);
  const dirs = packageFolders(project).filter((d) => include.some((r) => r.test(d)) && !exclude.some((r) => r.test(d)));
  const parsed = dirs.map((dir) => {
    const file = `${dir}/package.json`;
    const pkg = parseJsonFile<MemberJson>(file, project.read(file) ?? '{}') ?? {};
    return { dir, pkg, name: pkg.name ?? posix.basename(dir) };
  });
  const names = new Set(parsed.map((p) => p.name));
  const members = parsed.map(({ dir, pkg, name }): WorkspaceMember => {
    const all = { ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.devDependencies, ...pkg.dependencies };
    return { dir, name, scripts: pkg.scripts ?? {}, workspaceDeps: Object.keys(all).filter((d) => names.has(d)) };
  });
  // A member another member depends on is a library, whatever else it has; otherwise a start script,
  // a server framework or an app framework makes it a deployable service.
  const needed = new Set(members.flatMap((m) => m.workspaceDeps));
  for (const member of members) {
    if (needed.has(member.name)) continue;
    const deps = parsed.find((p) => p.dir === member.dir)?.pkg.dependencies ?? {};
    const devDeps = parsed.find((p) => p.dir === member.dir)?.pkg.devDependencies ?? {};
    const server = SERVER_DEPS.find((d) => d in deps);
    const app = APP_DEPS.find((d) => d in deps || d in devDeps);
    const appBuild = APP_BUILD.exec(member.scripts.build ?? '')?.[1];
    if (member.scripts.start) member.deployable = `scripts.start "${member.scripts.start}"`;
    else if (server) member.deployable = `dependency "${server}"`;
    else if (app) member.deployable = `dependency "${app}"`;
    else if (appBuild) member.deployable = `scripts.build "${member.scripts.build}"`;
  }
  return { source: declared.source, patterns: declared.patterns, members };
}

/** The workspace packages a member needs, dependencies before dependents (the member itself last). */
export function memberClosure(workspace: JsWorkspace, dir: string): WorkspaceMember[] {
  const byName = new Map(workspace.members.map((m) => [m.name, m]));
  const start = workspace.members.find((m) => m.dir === dir);
  if (!start) return [];
  const order: WorkspaceMember[] = [];
  const seen = new Set<string>();
  const visit = (member: WorkspaceMember, path: string[]) => {
    if (seen.has(member.dir)) return;
    if (path.includes(member.name))
      throw new InputError(`${member.dir}/package.json`, `workspace dependency cycle: ${[...path, member.name].join(' -> ')}`);
    for (const dep of member.workspaceDeps) visit(byName.get(dep) as WorkspaceMember, [...path, member.name]);
    seen.add(member.dir);
    order.push(member);
  };
  visit(start, []);
  return order;
}

/**
 * The workspace a folder is a member of: the nearest folder above it (up to the repository's root, the
 * first with a .git) that declares a workspace listing it. `projectAt` opens a folder's files.
 */
export function findWorkspace(dir: string, projectAt: (dir: string) => ProjectFiles): WorkspaceContext | undefined {
  return findAbove(dir, projectAt, (project, rootDir, member) => {
    // Only a package.json that declares workspaces is read: an unrelated broken one is not this run's input.
    const declares = project.exists('pnpm-workspace.yaml') || /"workspaces"\s*:/.test(project.read('package.json') ?? '');
    if (!declares) return undefined;
    const workspace = readWorkspace(project);
    return workspace?.members.some((m) => m.dir === member) ? { root: project, rootDir, workspace, member } : null;
  });
}
