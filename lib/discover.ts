// Finding the services in a repository: pure over the project's files.
import { posix } from 'node:path';
import { goFiles, goServiceName, mainRoles, packageName, parseGoMod } from '../generators/go/detect.ts';
import { parseGoWork } from './go-work.ts';
import { readWorkspace, workspacePatterns } from './js-workspace.ts';
import { IGNORED_DIRS, type ProjectFiles, subProject } from './project.ts';

export type Language = 'node' | 'python' | 'go';

export interface DiscoveredService {
  /** Folder relative to the repository root ('.' for the root). */
  dir: string;
  language: Language;
  /** The manifest that identified it, e.g. `web/package.json`. */
  source: string;
  name: string;
  /** Go: the main package of this service, when the module has several servers (each is a service). */
  main?: string;
}

/** Folders that hold test data or examples, never deployable services. */
const SKIPPED = new Set([...IGNORED_DIRS, 'fixtures', 'test', 'tests', '__tests__', 'testdata', 'examples', 'docs', 'e2e']);

const PYTHON_MANIFESTS = ['pyproject.toml', 'requirements.txt', 'Pipfile', 'uv.lock', 'poetry.lock', 'setup.py'];

const join = (dir: string, file: string) => (dir === '.' ? file : posix.join(dir, file));

function nodeService(project: ProjectFiles, dir: string): DiscoveredService | 'workspace' | undefined {
  const text = project.read(join(dir, 'package.json'));
  if (text === undefined) return undefined;
  let pkg: { name?: string; workspaces?: unknown; scripts?: Record<string, string>; main?: string; dependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(text);
  } catch {
    // The Node generator reports the problem with the file and line when it runs.
    return { dir, language: 'node', source: join(dir, 'package.json'), name: posix.basename(dir === '.' ? 'app' : dir) };
  }
  if (pkg.workspaces || (project.exists(join(dir, 'pnpm-workspace.yaml')) && workspacePatterns(subProject(project, dir))))
    return 'workspace';
  const deps = pkg.dependencies ?? {};
  const deployable = Boolean(pkg.scripts?.start || pkg.scripts?.build || deps.next || deps.express || deps.fastify || deps.koa);
  if (!deployable) return undefined; // a library: not a service
  return { dir, language: 'node', source: join(dir, 'package.json'), name: (pkg.name ?? posix.basename(dir)).replace(/^@[^/]+\//, '') };
}

export function discoverServices(project: ProjectFiles, maxDepth = 3): DiscoveredService[] {
  const found: DiscoveredService[] = [];
  /** Members of npm, yarn and pnpm workspaces: looked at through their workspace only. */
  const members = new Set<string>();
  /** Module folders a go.work uses, and that go.work. */
  const goWorkOf = new Map<string, string>();
  const visit = (dir: string, depth: number) => {
    if (members.has(dir)) return;
    const entries = project.list(dir === '.' ? '' : dir);
    if (entries.includes('go.work')) {
      const work = parseGoWork(project.read(join(dir, 'go.work')) ?? '', join(dir, 'go.work'));
      for (const use of work.uses) goWorkOf.set(join(dir, use), join(dir, 'go.work'));
    }
    const node = entries.includes('package.json') ? nodeService(project, dir) : undefined;
    if (node === 'workspace') {
      // A workspace member is a service when it is deployable and no other member depends on it; it is
      // built from the workspace root with the workspace's lockfile.
      const workspace = readWorkspace(subProject(project, dir));
      for (const member of workspace?.members ?? []) {
        const memberDir = join(dir, member.dir);
        members.add(memberDir);
        if (!member.deployable) continue;
        found.push({
          dir: memberDir,
          language: 'node',
          source: `${join(memberDir, 'package.json')} ${member.deployable}, member of ${join(dir, workspace?.source ?? '')}`,
          name: member.name.replace(/^@[^/]+\//, ''),
        });
      }
    } else if (node) found.push(node);
    else if (entries.includes('go.mod')) {
      // A module without a main package is a library (one a go.work uses, for example): not a service.
      const module = subProject(project, dir);
      const source = `${join(dir, 'go.mod')}${goWorkOf.has(dir) ? `, used by ${goWorkOf.get(dir)}` : ''}`;
      const servers = goServers(module);
      if (servers.length > 1)
        for (const server of servers) found.push({ ...server, dir, language: 'go', source: `${source}, ${server.main} ${server.source}` });
      else if (goFiles(module).some((file) => packageName(module.read(file) ?? '') === 'main'))
        found.push({ dir, language: 'go', source, name: posix.basename(dir === '.' ? 'app' : dir) });
      else if (dir !== '.') return; // its folders are its own packages
    } else if (PYTHON_MANIFESTS.some((f) => entries.includes(f))) {
      const manifest = PYTHON_MANIFESTS.find((f) => entries.includes(f)) as string;
      // A uv workspace is one service: the Python generator builds its deployable member with the
      // workspace's lockfile (`uv sync --package`), so the members are not services of their own.
      const workspace = /^\[tool\.uv\.workspace\]/m.test(project.read(join(dir, 'pyproject.toml')) ?? '');
      found.push({
        dir,
        language: 'python',
        source: workspace ? `${join(dir, 'pyproject.toml')} [tool.uv.workspace]` : join(dir, manifest),
        name: posix.basename(dir === '.' ? 'app' : dir),
      });
    }
    // A service folder's subfolders are its own code (cmd/, app/, src/ ...); below a workspace root,
    // folders that are not members may hold services in other languages.
    const service = found.at(-1)?.dir === dir;
    if (service || depth >= maxDepth) return;
    for (const entry of entries) {
      if (!entry.endsWith('/')) continue;
      const name = entry.slice(0, -1);
      if (SKIPPED.has(name) || name.startsWith('.')) continue;
      visit(join(dir, name), depth + 1);
    }
  };
  visit('.', 0);
  return found;
}

/** The main packages of a Go module that listen on a port, each named like its service; none for a bad go.mod. */
function goServers(module: ProjectFiles): Array<{ main: string; name: string; source: string }> {
  let path: string;
  try {
    path = parseGoMod(module.read('go.mod') ?? '').module;
  } catch {
    return []; // the Go generator reports the problem with go.mod when it runs
  }
  const mains = [
    ...new Set(
      goFiles(module)
        .filter((f) => packageName(module.read(f) ?? '') === 'main')
        .map((f) => posix.dirname(f)),
    ),
  ];
  return mainRoles(
    module,
    path,
    mains.sort().map((d) => (d === '.' ? '.' : `./${d}`)),
  ).flatMap((r) =>
    r.serves
      ? [{ main: r.main, name: goServiceName(path, r.main), source: `serves: ${r.serves.file}:${r.serves.line} ${r.serves.call}` }]
      : [],
  );
}
