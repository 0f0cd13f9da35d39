// The repository's own `go build`: the environment and flags its Makefile, Taskfile.yml or .goreleaser.yaml
// sets for a main package, read as facts with file:line (pure over the project's files).
import { parse } from 'yaml';
import { lineOf } from '../../lib/errors.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import type { ProjectFiles } from '../../lib/project.ts';
import { normalizeMain } from './detect.ts';

/** Environment variables of the repository's build that change what `go build` compiles. */
const BUILD_ENV = ['GOEXPERIMENT', 'CGO_ENABLED'];

/** Where a `-X` value references the version: it becomes the Dockerfile's VERSION build argument. */
const VERSION_VAR = /^(VERSION|Version|APP_VERSION|version)$/;
const VERSION_MARK = '\u0000VERSION\u0000';
/** Marks a Make value computed by a shell command (`$(shell git rev-parse HEAD)`, a variable holding one). */
const SHELL_MARK = '\u0001';

export interface BuildRecipe {
  /** The `go build` the flags come from, e.g. `Makefile:9`. */
  source: string;
  /** GOEXPERIMENT and CGO_ENABLED, each with its file:line. */
  env: Array<Fact<string> & { name: string }>;
  tags?: Fact<string[]>;
  /** `-X name=value` flags kept: literal values, and the version as `${VERSION}`. */
  ldflags?: Fact<string[]>;
  /** `-X` flags left out: their value comes from a shell command or the release tool, with the reason. */
  dropped: string[];
}

/** Words of a shell command line, quotes removed (enough for `go build` lines). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g))
    words.push(m[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_, d, s) => (d ?? s).replace(/\\(.)/g, '$1')));
  return words;
}

interface GoBuild {
  env: Record<string, string>;
  tags: string[];
  ldflags: string[];
  pkg: string;
}

/** The env prefix, tags, ldflags and package of one `go build` command (after variable expansion). */
export function parseGoBuild(command: string): GoBuild | undefined {
  const words = shellWords(command);
  const at = words.findIndex((w, i) => w === 'build' && /(^|\/)go$/.test(words[i - 1] ?? ''));
  if (at < 0) return undefined;
  const env: Record<string, string> = {};
  for (const w of words.slice(0, at - 1)) {
    const m = /^(\w+)=(.*)$/.exec(w);
    if (m) env[m[1]] = m[2];
  }
  const tags: string[] = [];
  const ldflags: string[] = [];
  const args: string[] = [];
  const rest = words.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].startsWith('-') ? rest[i].replace(/^--/, '-').split(/=(.*)/s) : [rest[i]];
    const value = () => inline ?? rest[++i] ?? '';
    if (flag === '-tags')
      tags.push(
        ...value()
          .split(/[\s,]+/)
          .filter(Boolean),
      );
    else if (flag === '-ldflags') ldflags.push(...shellWords(value()));
    else if (['-o', '-gcflags', '-asmflags', '-mod', '-modfile', '-p', '-pkgdir', '-overlay', '-C'].includes(flag)) value();
    else if (!flag.startsWith('-')) args.push(flag);
  }
  // `go build ./...` builds every package: not one main's recipe.
  const pkg = args.find((a) => !a.endsWith('.go') && !a.includes('...')) ?? '.';
  return { env, tags, ldflags, pkg: normalizeMain(pkg) };
}

/** `-X` values: kept literally, the version as `${VERSION}`, and the rest (shell, release tool) dropped. */
function splitLdflags(flags: string[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (flag === '-s' || flag === '-w') continue; // always set
    if (flag !== '-X' && !flag.startsWith('-X=') && !flag.startsWith('-X')) {
      if (!flag.includes(SHELL_MARK) && !/[$`{]/.test(flag)) kept.push(flag);
      else dropped.push(`${flag} (computed at build time)`);
      continue;
    }
    const assignment = flag === '-X' ? (flags[++i] ?? '') : flag.replace(/^-X=?/, '');
    const [name, value = ''] = assignment.split(/=(.*)/s);
    if (value === VERSION_MARK) kept.push(`-X ${name}=\${VERSION}`);
    else if (value.includes(SHELL_MARK))
      dropped.push(`-X ${name} (a shell command: ${value.replaceAll(SHELL_MARK, '').replaceAll('\u0002', ' ')})`);
    else if (/\$[({]|\{\{/.test(value)) dropped.push(`-X ${name} (set by the release tool: ${value})`);
    else kept.push(`-X ${name}=${value}`);
  }
  return { kept, dropped };
}

/** The recipe from a parsed `go build` and the file:line sources of what it used. */
function recipeOf(build: GoBuild, source: string, envSources: Record<string, Fact<string>>): BuildRecipe {
  const env = BUILD_ENV.flatMap((name) => {
    if (build.env[name] !== undefined) return [{ name, ...fact(build.env[name], source) }];
    return envSources[name] ? [{ name, ...envSources[name] }] : [];
  });
  const { kept, dropped } = splitLdflags(build.ldflags);
  return {
    source,
    env,
    tags: build.tags.length ? fact(build.tags, source) : undefined,
    ldflags: kept.length ? fact(kept, source) : undefined,
    dropped,
  };
}

/** Make's variables, `$(NAME)` and `${NAME}` expanded (the version marked), with the line of each. */
function makeVariables(text: string): Map<string, { value: string; line: number; exported: boolean }> {
  const vars = new Map<string, { value: string; line: number; exported: boolean }>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.replace(/\s+#.*$/, '');
    const m = /^(export\s+)?(\w+)\s*(::?=|\?=|\+=|=)\s*(.*)$/.exec(line);
    if (!m || raw.startsWith('\t')) continue;
    const previous = vars.get(m[2]);
    if (m[3] === '?=' && previous) continue;
    const value = m[3] === '+=' && previous ? `${previous.value} ${m[4]}` : m[4];
    vars.set(m[2], { value: value.trim(), line: lineNo, exported: Boolean(m[1]) || Boolean(previous?.exported) });
  }
  return vars;
}

/** Expands Make variables; a value a shell computes becomes one word, `\u0001NAME\u0001`, so it can be named and dropped. */
function expandMake(text: string, vars: Map<string, { value: string }>, depth = 0): string {
  if (depth > 8) return text;
  return text
    .replace(/\$\(shell [^)]*\)|`[^`]*`/g, (cmd) => `${SHELL_MARK}${cmd.replace(/\s+/g, '\u0002')}${SHELL_MARK}`)
    .replace(/\$[({](\w+)[)}]/g, (whole, name: string) => {
      if (VERSION_VAR.test(name)) return VERSION_MARK;
      const v = vars.get(name);
      if (v && /\$\(shell |`/.test(v.value)) return `${SHELL_MARK}$(${name})${SHELL_MARK}`;
      return v ? expandMake(v.value, vars, depth + 1) : whole;
    });
}

function fromMakefile(project: ProjectFiles, main: string): BuildRecipe | undefined {
  for (const file of ['GNUmakefile', 'Makefile', 'makefile']) {
    const text = project.read(file);
    if (!text) continue;
    const vars = makeVariables(text);
    const envSources: Record<string, Fact<string>> = {};
    for (const name of BUILD_ENV) {
      const v = vars.get(name);
      if (v?.exported) envSources[name] = fact(expandMake(v.value, vars), `${file}:${v.line}`);
    }
    const builds: Array<{ build: GoBuild; line: number }> = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('\t')) continue;
      let command = lines[i];
      const start = i;
      while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]}`;
      const expanded = expandMake(command.replace(/^\t[@+-]*/, ''), vars).replace(/\$\((GO|GOCMD)\)/g, 'go');
      for (const part of expanded.split(/&&|;/)) {
        const build = parseGoBuild(part);
        if (build) builds.push({ build, line: start + 1 });
      }
    }
    const chosen = builds.find((b) => b.build.pkg === main);
    if (chosen) return recipeOf(chosen.build, `${file}:${chosen.line}`, envSources);
  }
  return undefined;
}

function fromTaskfile(project: ProjectFiles, main: string): BuildRecipe | undefined {
  for (const file of ['Taskfile.yml', 'Taskfile.yaml', 'taskfile.yml', 'taskfile.yaml']) {
    const text = project.read(file);
    if (!text) continue;
    let doc: {
      vars?: Record<string, unknown>;
      env?: Record<string, unknown>;
      tasks?: Record<string, { cmds?: unknown[]; env?: Record<string, unknown>; vars?: Record<string, unknown> }>;
    };
    try {
      doc = parse(text) ?? {};
    } catch {
      continue; // not ours to judge: Task reports its own file
    }
    const lineOfText = (needle: string) => lineOf(text, Math.max(0, text.indexOf(needle)));
    for (const task of Object.values(doc.tasks ?? {})) {
      const vars: Record<string, unknown> = { ...doc.vars, ...task?.vars };
      const expand = (s: string) =>
        s.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name: string) => {
          if (VERSION_VAR.test(name)) return VERSION_MARK;
          const v = vars[name];
          return typeof v === 'string' ? v : whole; // `sh:` variables are computed by a shell: left as they are
        });
      for (const cmd of task?.cmds ?? []) {
        const raw = typeof cmd === 'string' ? cmd : typeof (cmd as { cmd?: unknown })?.cmd === 'string' ? (cmd as { cmd: string }).cmd : '';
        const build = parseGoBuild(expand(raw));
        if (!build || build.pkg !== main) continue;
        const envSources: Record<string, Fact<string>> = {};
        for (const name of BUILD_ENV) {
          const value = task?.env?.[name] ?? doc.env?.[name];
          if (value !== undefined) envSources[name] = fact(String(value), `${file}:${lineOfText(`${name}:`)}`);
        }
        return recipeOf(build, `${file}:${lineOfText(raw.split('\n')[0])}`, envSources);
      }
    }
  }
  return undefined;
}

function fromGoreleaser(project: ProjectFiles, main: string): BuildRecipe | undefined {
  for (const file of ['.goreleaser.yaml', '.goreleaser.yml', 'goreleaser.yaml', 'goreleaser.yml']) {
    const text = project.read(file);
    if (!text) continue;
    let doc: { builds?: Array<Record<string, unknown>> };
    try {
      doc = parse(text) ?? {};
    } catch {
      continue;
    }
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    for (const b of doc.builds ?? []) {
      if (normalizeMain(String(b.main ?? '.')) !== main) continue;
      const version = (s: string) => s.replace(/\{\{\s*\.Version\s*\}\}/g, VERSION_MARK);
      const env: Record<string, string> = {};
      for (const e of list(b.env)) {
        const [name, value = ''] = e.split(/=(.*)/s);
        env[name] = value;
      }
      const flags = list(b.flags).flatMap(shellWords);
      const build = parseGoBuild(['go', 'build', ...flags].map((w) => `'${w}'`).join(' '));
      const tags = [...(build?.tags ?? []), ...list(b.tags)];
      const ldflags = list(b.ldflags).flatMap((l) => shellWords(version(l)));
      const at = text.indexOf(typeof b.id === 'string' ? b.id : 'builds:');
      return recipeOf({ env, tags, ldflags, pkg: main }, `${file}:${lineOf(text, Math.max(0, at))}`, {});
    }
  }
  return undefined;
}

/** The build of a main package as the repository does it: Makefile, else Taskfile, else GoReleaser. */
export function detectBuildRecipe(project: ProjectFiles, main: string): BuildRecipe | undefined {
  return fromMakefile(project, main) ?? fromTaskfile(project, main) ?? fromGoreleaser(project, main);
}
