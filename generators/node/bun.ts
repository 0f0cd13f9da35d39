// Bun projects: when Bun (not Node) runs the app, and Bun's images and commands. Pure functions, no Yeoman.
import { InputError } from '../../lib/errors.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import type { ProjectFiles } from '../../lib/project.ts';

/** What Bun needs from package.json. */
interface BunPackageJson {
  module?: string;
  scripts?: Record<string, string>;
}

/** Bun's flags for development only: they are dropped from the production command. */
const DEV_FLAGS = new Set(['--watch', '--hot', '--inspect', '--inspect-wait', '--inspect-brk', '--no-clear-screen']);

/**
 * The production command when Bun runs the app: the arguments after `bun`, e.g. ['src/index.ts'] for
 * `bun run src/index.ts` or `bun src/server.ts`. A `bun run <script>` follows that script (once);
 * `--watch`/`--hot` are dropped. Without a start script, a `bun init` project's "module" (index.ts) runs.
 * Undefined when the start script is not a bun command (Node runs the app then).
 */
export function detectBunStart(project: ProjectFiles, pkg: BunPackageJson): Fact<string[]> | undefined {
  const scripts = pkg.scripts ?? {};
  const name = scripts['start:prod'] ? 'start:prod' : 'start';
  const start = scripts[name];
  if (start === undefined) {
    if (pkg.module && /\.(c|m)?[jt]sx?$/.test(pkg.module)) {
      const file = pkg.module.replace(/^\.\//, '');
      if (!project.exists(file)) throw new InputError('package.json', `"module" names ${file}, which does not exist`);
      return fact([file], 'package.json "module"', 'no start script: bun runs the module');
    }
    return undefined;
  }
  const args = bunArgs(start);
  if (!args) return undefined;
  // `bun run serve` runs the script "serve" of package.json: its command is the one to run.
  const [first, ...rest] = args;
  if (first && first in scripts && first !== name && !/\.\w+$/.test(first)) {
    const inner = bunArgs(scripts[first]);
    if (inner) return fact([...inner, ...rest], `package.json scripts.${first}`, `"${start}" runs "${scripts[first]}"`);
    return undefined;
  }
  if (!first) return undefined;
  return fact(args, `package.json scripts.${name}`, `"${start}"`);
}

/** `[VAR=x] bun [run] [flags] file [args]` -> [flags, file, args] without development flags; else undefined. */
function bunArgs(command: string): string[] | undefined {
  const m = /^(?:cross-env\s+)?(?:\w+=\S+\s+)*bun\s+(.+)$/.exec(command.trim());
  if (!m) return undefined;
  const words = m[1].split(/\s+/).filter((w) => w && !w.startsWith('$') && !DEV_FLAGS.has(w));
  if (words[0] === 'run') words.shift();
  // `bun test`, `bun build`, `bun install` are Bun's own commands, not an app.
  if (['test', 'build', 'install', 'x', 'add', 'create', 'init', 'upgrade'].includes(words[0] ?? '')) return undefined;
  return words;
}

/** A text bun.lock must say its format (a JSONC file with "lockfileVersion"). */
export function checkBunLock(project: ProjectFiles): void {
  const text = project.read('bun.lock');
  if (text !== undefined && !/"lockfileVersion"\s*:\s*\d+/.test(text))
    throw new InputError('bun.lock', 'has no "lockfileVersion": is it a Bun lockfile?');
}

/**
 * A Bun workspace member's commands, run from the workspace root. `bun install --filter <member>` installs
 * only what the member and the workspace packages it depends on need (not the other members', not the root's
 * devDependencies); it adds to an existing node_modules and removes nothing, so the full install of the build
 * is removed first (the root's and those of the members the image copies).
 */
export function bunWorkspaceCommands(prodInstall: string, name: string, dir: string, copied: string[]) {
  return {
    run: (script: string, member: { dir: string }) => `bun run --cwd ${member.dir} ${script}`,
    exec: (command: string) => `bun run --cwd ${dir} ${command}`,
    prod: `rm -rf node_modules ${copied.map((d) => `${d}/node_modules`).join(' ')} \\\n    && ${prodInstall} --filter ${name}`,
  };
}
