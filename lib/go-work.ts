// Go workspaces (go.work): which module folders it uses, and the workspace a module folder belongs to.
// Pure over the files (a `projectAt` function opens a folder).
import { posix } from 'node:path';
import { InputError } from './errors.ts';
import { findAbove, type ProjectFiles } from './project.ts';

export interface GoWork {
  /** The `go` directive, e.g. '1.24'. */
  go?: string;
  toolchain?: string;
  /** Module folders it uses, relative to the go.work folder ('.' for that folder itself), in file order. */
  uses: string[];
}

/** One directive of a go.mod or go.work file; a line inside a `keyword ( ... )` block has its block's keyword. */
export interface GoDirective {
  keyword: string;
  args: string[];
  /** 1-based line number. */
  line: number;
}

/** The directives of a go.mod or go.work file (both have the same syntax), `//` comments dropped. */
export function goDirectives(text: string): GoDirective[] {
  const found: GoDirective[] = [];
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) return;
    const words = line.split(/\s+/);
    if (block) {
      if (line === ')') block = undefined;
      else found.push({ keyword: block, args: words, line: i + 1 });
      return;
    }
    const [keyword, ...args] = words;
    if (args.length === 1 && args[0] === '(') block = keyword;
    else found.push({ keyword, args, line: i + 1 });
  });
  return found;
}

/** Parse go.work (`use ./a`, `use ( ./a ./b )`, `go 1.24`, `toolchain go1.26.3`); a bad one is an InputError. */
export function parseGoWork(text: string, file = 'go.work'): GoWork {
  const work: GoWork = { uses: [] };
  for (const { keyword, args, line } of goDirectives(text)) {
    if (keyword === 'use') {
      const path = (args[0] ?? '').replace(/^"|"$/g, '');
      if (posix.isAbsolute(path))
        throw new InputError(file, `line ${line}: "use ${path}" is absolute; the image can only use folders below go.work`);
      const clean = posix.normalize(path).replace(/\/$/, '');
      if (clean.startsWith('..')) throw new InputError(file, `line ${line}: "use ${path}" is outside the workspace folder`);
      work.uses.push(clean);
    } else if (keyword === 'go') {
      if (!/^1\.\d+(\.\d+)?$/.test(args[0] ?? ''))
        throw new InputError(file, `line ${line}: "go ${args.join(' ')}" is not a Go version such as "go 1.24"`);
      work.go = args[0];
    } else if (keyword === 'toolchain' && args[0] !== 'default') work.toolchain = args[0];
  }
  if (!work.uses.length) throw new InputError(file, 'uses no module (add `use ./path/to/module`)');
  return work;
}

/** A module's view of its Go workspace. */
export interface GoWorkContext {
  root: ProjectFiles;
  /** The go.work folder's absolute path. */
  rootDir: string;
  work: GoWork;
  /** The module's folder relative to the go.work folder. */
  member: string;
}

/**
 * The go.work that uses a module folder: the nearest go.work above it (or in it, for a workspace whose root
 * is the module itself: then there is nothing to do, and undefined is returned), up to the first .git.
 */
export function findGoWork(dir: string, projectAt: (dir: string) => ProjectFiles): GoWorkContext | undefined {
  if (projectAt(dir).exists('go.work')) return undefined;
  return findAbove(dir, projectAt, (project, rootDir, member) => {
    const text = project.read('go.work');
    if (text === undefined) return undefined;
    const work = parseGoWork(text, posix.join(rootDir, 'go.work'));
    return work.uses.includes(member) ? { root: project, rootDir, work, member } : null;
  });
}
