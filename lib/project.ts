// Read-only view of a project folder. Detection code only sees this interface, so it is
// pure over the files and can be tested with an in-memory project.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ProjectFiles {
  /** Text of a file relative to the project root, or undefined when it does not exist. */
  read(path: string): string | undefined;
  exists(path: string): boolean;
  /** Entries of a folder (names, folders end with '/'), empty when missing. */
  list(dir: string): string[];
}

/** Folders never worth scanning for source facts. */
export const IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  '.next',
  'coverage',
  '.venv',
  'venv',
  '__pycache__',
  'vendor',
  '.turbo',
  '.cache',
]);

export function diskProject(root: string): ProjectFiles {
  return {
    read(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    exists(path) {
      try {
        statSync(join(root, path));
        return true;
      } catch {
        return false;
      }
    },
    list(dir) {
      try {
        return readdirSync(join(root, dir), { withFileTypes: true })
          .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
          .sort();
      } catch {
        return [];
      }
    },
  };
}

export function memoryProject(files: Record<string, string>): ProjectFiles {
  const paths = Object.keys(files).map((p) => posix.normalize(p));
  return {
    read: (path) => files[posix.normalize(path)],
    exists: (path) => {
      const p = posix.normalize(path);
      return p in files || paths.some((f) => f.startsWith(`${p}/`));
    },
    list(dir) {
      const prefix = dir === '' || dir === '.' ? '' : `${posix.normalize(dir)}/`;
      const names = new Set<string>();
      for (const f of paths) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.add(slash === -1 ? rest : `${rest.slice(0, slash + 1)}`);
      }
      return [...names].sort();
    },
  };
}

/** Source files under the given folders (recursive, skipping IGNORED_DIRS), matching a predicate. */
export function walk(project: ProjectFiles, dirs: string[], match: (path: string) => boolean, limit = 500): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of project.list(dir)) {
      if (found.length >= limit) return;
      const path = dir === '' ? entry : `${dir}/${entry}`;
      if (entry.endsWith('/')) {
        const name = entry.slice(0, -1);
        if (!IGNORED_DIRS.has(name) && !name.startsWith('.')) visit(path.slice(0, -1));
      } else if (match(path)) {
        found.push(path);
      }
    }
  };
  for (const dir of dirs) visit(dir);
  return found;
}

/** The files below a folder of a project, as a project of their own. */
export function subProject(project: ProjectFiles, dir: string): ProjectFiles {
  if (dir === '.' || dir === '') return project;
  const at = (path: string) => posix.join(dir, path);
  return { read: (path) => project.read(at(path)), exists: (path) => project.exists(at(path)), list: (path) => project.list(at(path)) };
}

/**
 * The nearest folder above `dir` (up to the repository's root, the first with a .git) for which `found`
 * returns a result; `found` returns undefined to look further up, or null to stop there with nothing.
 * `projectAt` opens a folder's files. Used to find the workspace (go.work, pnpm, npm, yarn) a folder is in.
 */
export function findAbove<T>(
  dir: string,
  projectAt: (dir: string) => ProjectFiles,
  found: (project: ProjectFiles, folder: string, member: string) => T | null | undefined,
): T | undefined {
  let current = dir;
  for (let depth = 0; depth < 6; depth++) {
    const parent = posix.dirname(current);
    if (parent === current) return undefined;
    current = parent;
    const project = projectAt(current);
    const result = found(project, current, posix.relative(current, dir));
    if (result !== undefined) return result ?? undefined;
    if (project.exists('.git')) return undefined;
  }
  return undefined;
}

/** The path from a folder back to an ancestor: `apps/api` -> `../..`. */
export const pathBack = (relativeDir: string) =>
  relativeDir
    .split('/')
    .map(() => '..')
    .join('/');
