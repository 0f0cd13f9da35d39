// Go project detection: pure functions over the project's files (no Yeoman, no disk writes).
import { posix } from 'node:path';
import { serviceName } from '../../lib/compose.ts';
import { InputError, lineOf } from '../../lib/errors.ts';
import { readEvidence } from '../../lib/evidence.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import { type GoWorkContext, goDirectives } from '../../lib/go-work.ts';
import type { LabelFacts } from '../../lib/labels.ts';
import { configFilePort, isOtherProtocolPort } from '../../lib/ports.ts';
import { type ProjectFiles, pathBack, subProject } from '../../lib/project.ts';
import { type ResolvedVersion, resolveVersion } from '../../lib/versions.ts';

export interface GoMod {
  module: string;
  /** The `go` directive (a minimum), e.g. '1.24' or '1.24.0'; undefined when go.mod has none. */
  go?: string;
  goLine?: number;
  /** The `toolchain` directive (an exact release), e.g. 'go1.26.3'. */
  toolchain?: string;
  toolchainLine?: number;
  /** Required module paths. */
  requires: string[];
}

export interface GoFacts {
  module: Fact<string>;
  go: Fact<ResolvedVersion>;
  goSum: Fact<boolean>;
  vendor: Fact<boolean>;
  /** Main packages, './cmd/api' style ('.' for the module root), sorted. */
  mains: Fact<string[]>;
  /** Each main package's role: a server (the call that listens) or a CLI. */
  roles: MainRole[];
  /** The main packages that serve, in order: each is a service. */
  servers: string[];
  /** Why the module needs cgo; empty when it does not. */
  cgo: Fact<string[]>;
  /** cgo code that is C++ (needs libstdc++ at run time: distroless cc instead of base). */
  cxx: boolean;
  /** Folders holding Go packages (relative, '.' for the root): a .dockerignore never excludes them. */
  packageDirs: string[];
  goprivate?: Fact<string>;
  labels: LabelFacts;
  /** Set for a module a go.work uses: it is built from the go.work folder, with every module it uses. */
  workspace?: GoWorkspaceFacts;
  warnings: string[];
}

export interface GoWorkspaceFacts {
  /** `../../go.work`: the file, seen from the module. */
  source: string;
  /** The module's folder relative to the go.work folder, e.g. `services/api`. */
  dir: string;
  /** The path back to the go.work folder, e.g. `../..`. */
  toRoot: string;
  /** Every module folder go.work uses: their go.mod and go.sum are the download's input. */
  uses: string[];
  /** The used module folders it imports from (tests included, transitively), itself first. */
  needs: string[];
}

/** What the chosen main package serves. */
export interface ServeFacts {
  port: Fact<number>;
  /** The program reads $PORT, so the image sets it. */
  portEnv: boolean;
  healthPath: Fact<string>;
  /** Folders the binary reads at run time (not //go:embed'ed): copied into the runtime image. */
  assets: Fact<string[]>;
  /** Folders it creates files in at run time (a SQLite file, uploads, logs): named volumes. */
  writes: WrittenDir[];
  /** Files it writes where no volume can keep them. */
  writeWarnings: string[];
  /** A gRPC server that registers grpc.health.v1: probed with grpc_health_probe instead of HTTP. */
  grpcHealth?: Fact<true>;
  /** The subcommand that serves, for a command-line program (cobra, urfave/cli): `serve` in `app serve`. */
  subcommand?: Fact<string>;
}

/** Subcommand names that start a server, most conventional first. */
const SERVE_COMMANDS = ['serve', 'server', 'web', 'start', 'run', 'http', 'api', 'daemon'];

/**
 * The serving subcommand of a cobra or urfave/cli program: with such a library imported, a command declared
 * as `Use: "serve"` (cobra) or `Name: "serve"` (urfave/cli) is what the image runs; the bare binary prints help.
 */
function serveSubcommand(texts: Texts): Fact<string> | undefined {
  const found: Array<{ word: string; source: string }> = [];
  for (const [file, text] of texts) {
    const imports = goImports(text);
    const cobra = imports.includes('github.com/spf13/cobra');
    const urfave = imports.some((i) => /^github\.com\/urfave\/cli(\/v\d+)?$/.test(i));
    if (!cobra && !urfave) continue;
    const code = blankComments(text);
    // urfave/cli: any `Name: "web"` but a flag's (`&cli.StringFlag{Name: "server"}`).
    const decl = cobra ? /&cobra\.Command\{[^}]*?\bUse:\s*"(\w[\w-]*)/g : /\bName:\s*"(\w[\w-]*)"/g;
    const isFlag = (at: number) => /Flag\{[^}]*$/.test(code.slice(Math.max(0, at - 120), at));
    // A deprecated alias (`Deprecated: "use server instead"`) is not the one to run.
    const deprecated = (at: number) => /\bDeprecated:\s*"/.test(code.slice(at, code.indexOf('\n}', at) + 1 || undefined));
    for (const m of code.matchAll(decl))
      if (SERVE_COMMANDS.includes(m[1]) && (cobra || !isFlag(m.index ?? 0)) && !deprecated(m.index ?? 0))
        found.push({
          word: m[1],
          source: `${file}:${lineOf(text, (m.index ?? 0) + m[0].lastIndexOf(m[1]))} ${cobra ? 'cobra Use' : 'cli.Command Name'}`,
        });
  }
  found.sort((a, b) => SERVE_COMMANDS.indexOf(a.word) - SERVE_COMMANDS.indexOf(b.word));
  return found[0] ? fact(found[0].word, found[0].source) : undefined;
}

/** Modules that only build with cgo (they compile C code or link a C library). */
export const CGO_MODULES = [
  'github.com/mattn/go-sqlite3',
  'github.com/confluentinc/confluent-kafka-go',
  'github.com/confluentinc/confluent-kafka-go/v2',
  'github.com/tecbot/gorocksdb',
  'github.com/linxGnu/grocksdb',
  'gopkg.in/gographics/imagick.v3',
  'github.com/h2non/bimg',
  'github.com/davidbyttow/govips/v2',
  'github.com/mattn/go-oci8',
  'github.com/godror/godror',
  'github.com/google/gopacket',
  'github.com/go-gl/glfw/v3.3',
];
/** cgo modules that link C++ (libstdc++ at run time). */
const CXX_MODULES = ['github.com/tecbot/gorocksdb', 'github.com/linxGnu/grocksdb'];

/** Parse go.mod; a file without a module line or with a bad go directive is an InputError. */
export function parseGoMod(text: string): GoMod {
  const mod: Partial<GoMod> & { requires: string[] } = { requires: [] };
  for (const { keyword, args, line } of goDirectives(text)) {
    const value = args.join(' ');
    if (keyword === 'module') mod.module = value.replace(/^"|"$/g, '');
    else if (keyword === 'go') {
      if (!/^1\.\d+(\.\d+)?$|^1\.\d+(rc|beta)\d+$/.test(value))
        throw new InputError('go.mod', `line ${line}: "go ${value}" is not a Go version such as "go 1.24"`);
      mod.go = value;
      mod.goLine = line;
    } else if (keyword === 'toolchain') {
      if (!/^go1\.\d+(\.\d+)?$/.test(value) && value !== 'default')
        throw new InputError('go.mod', `line ${line}: "toolchain ${value}" is not a Go release such as "toolchain go1.26.3"`);
      if (value !== 'default') {
        mod.toolchain = value;
        mod.toolchainLine = line;
      }
    } else if (keyword === 'require') mod.requires.push(args[0]);
  }
  if (!mod.module) throw new InputError('go.mod', 'has no "module" line: is it a Go module? (go mod init <path>)');
  return mod as GoMod;
}

export function readGoMod(project: ProjectFiles): GoMod {
  const text = project.read('go.mod');
  if (text === undefined) throw new InputError('go.mod', 'not found: run the Go generator in a Go module folder (go mod init <path>)');
  return parseGoMod(text);
}

/** Go source files of the module (skipping vendor, testdata, hidden and `_` folders), tests excluded unless asked. */
export function goFiles(project: ProjectFiles, tests = false, limit = 1000): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of project.list(dir)) {
      if (found.length >= limit) return;
      const path = dir === '' ? entry : `${dir}/${entry}`;
      if (entry.endsWith('/')) {
        const name = entry.slice(0, -1);
        // A nested go.mod is another module.
        if (['vendor', 'testdata', 'node_modules'].includes(name) || /^[._]/.test(name)) continue;
        if (project.exists(`${path}go.mod`)) continue;
        visit(path.slice(0, -1));
      } else if (entry.endsWith('.go') && (tests || !entry.endsWith('_test.go'))) found.push(path);
    }
  };
  visit('');
  return found;
}

/** The package clause of a Go file, skipping comments (a `//go:build ignore` file is no package). */
export function packageName(text: string): string | undefined {
  if (/^\/\/go:build\s+ignore\b/m.test(text)) return undefined;
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /^\s*package\s+(\w+)/m.exec(stripped)?.[1];
}

/** './cmd/api' for 'cmd/api/main.go', '.' for 'main.go'. */
const pkgDir = (file: string) => {
  const dir = posix.dirname(file);
  return dir === '.' ? '.' : `./${dir}`;
};

export function detectGo(project: ProjectFiles, context?: GoWorkContext): GoFacts {
  const mod = readGoMod(project);
  const warnings: string[] = [];
  const toRoot = context ? pathBack(context.member) : '';
  // In a workspace the go.work's go and toolchain lines are the ones the build uses (they are at least the modules').
  const work = context?.work;
  const go =
    work && (work.go || work.toolchain)
      ? detectGoVersion({ ...mod, go: work.go, toolchain: work.toolchain }, warnings, `${toRoot}/go.work`)
      : detectGoVersion(mod, warnings);
  const files = goFiles(project);

  const goSumExists = project.exists('go.sum');
  const goSum = goSumExists
    ? fact(true, 'go.sum')
    : fact(false, mod.requires.length ? 'no go.sum' : 'go.mod requires no module, so there is no go.sum');
  if (!goSumExists && mod.requires.length)
    warnings.push('go.mod requires modules but there is no go.sum: run `go mod tidy` and commit go.sum, or the build fails');
  const vendored = project.exists('vendor/modules.txt');
  const vendor = vendored ? fact(true, 'vendor/modules.txt', 'built with -mod=vendor, nothing downloaded') : fact(false, 'no vendor/');

  const mainDirs = new Set<string>();
  for (const file of files) if (packageName(project.read(file) ?? '') === 'main') mainDirs.add(pkgDir(file));
  const mainList = [...mainDirs].sort();
  if (mainList.length === 0)
    throw new InputError('go.mod', 'no main package in the module (a "package main" with func main): nothing to run');
  const mains = fact(mainList, mainList.length === 1 ? mainFile(project, mainList[0]) : `${mainList.length} main packages`);

  const roles = mainRoles(project, mod.module, mainList);
  const cgo = detectCgo(project, mod, files);
  const cxx = mod.requires.some((r) => CXX_MODULES.includes(r)) || files.some((f) => /\.(cc|cpp|cxx)$/.test(f));
  const goprivate = detectGoprivate(project);
  const base = mod.module.split('/').filter((p) => !/^v\d+$/.test(p));
  const repo = /^(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/[^/]+\/[^/]+/.exec(mod.module)?.[0];
  const labels: LabelFacts = {
    title: serviceName(base.at(-1) ?? 'app'),
    source: repo ? `https://${repo}` : undefined,
    licenses: detectLicense(project),
  };
  return {
    module: fact(mod.module, 'go.mod module'),
    go,
    goSum,
    vendor,
    mains,
    roles,
    servers: roles.filter((r) => r.serves).map((r) => r.main),
    cgo,
    cxx,
    packageDirs: [...new Set(files.map((f) => posix.dirname(f)))].sort(),
    goprivate,
    labels,
    workspace: context
      ? { source: `${toRoot}/go.work`, dir: context.member, toRoot, uses: context.work.uses, needs: workspaceNeeds(context) }
      : undefined,
    warnings,
  };
}

/** The file holding func main in a main package (for the fact's source). */
function mainFile(project: ProjectFiles, dir: string): string {
  const rel = dir === '.' ? '' : dir.slice(2);
  const names = project.list(rel).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  const withMain = names.find((f) => /^func main\(\)/m.test(project.read(rel ? `${rel}/${f}` : f) ?? ''));
  const file = withMain ?? names[0] ?? 'main.go';
  return rel ? `${rel}/${file}` : file;
}

/** './cmd/api', 'cmd/api', 'cmd/api/' -> './cmd/api'; '', '.', './' -> '.'. */
export function normalizeMain(main: string): string {
  const trimmed = main.trim().replace(/\/+$/, '').replace(/^\.\//, '');
  return trimmed === '' || trimmed === '.' ? '.' : `./${trimmed}`;
}

/** The service name for a main package: the module's last element, or the command's folder. */
export function goServiceName(module: string, main: string): string {
  const base = module.split('/').filter((p) => !/^v\d+$/.test(p));
  const modName = serviceName(base.at(-1) ?? 'app');
  if (main === '.') return modName;
  const cmd = serviceName(posix.basename(main));
  return cmd === modName ? cmd : `${modName}-${cmd}`;
}

/** The binary's name in the image: the command's folder, or the module's last element. */
export function binaryName(module: string, main: string): string {
  if (main !== '.') return serviceName(posix.basename(main));
  return goServiceName(module, '.');
}

function detectGoVersion(mod: GoMod, warnings: string[], file = 'go.mod'): Fact<ResolvedVersion> {
  let resolved: Fact<ResolvedVersion>;
  try {
    if (mod.toolchain) resolved = resolveVersion('go', mod.toolchain, `${file} toolchain ${mod.toolchain}`);
    else if (mod.go) resolved = resolveVersion('go', `>=${mod.go.replace(/(rc|beta)\d+$/, '')}`, `${file} go ${mod.go}`);
    else resolved = resolveVersion('go', '>=1.0', `default (${file} has no go directive)`);
  } catch (error) {
    throw new InputError(file, (error as Error).message);
  }
  if (resolved.value.warning) warnings.push(resolved.value.warning);
  return resolved;
}

function detectCgo(project: ProjectFiles, mod: GoMod, files: string[]): Fact<string[]> {
  const reasons: string[] = [];
  let source = '';
  for (const file of files) {
    const text = project.read(file) ?? '';
    const m = /^\s*import\s+(?:\(\s*)?"C"/m.exec(text);
    if (m) {
      reasons.push(`${file}:${lineOf(text, m.index + m[0].indexOf('import'))}`);
      source ||= `import "C" in ${reasons[0]}`;
    }
  }
  const deps = mod.requires.filter((r) => CGO_MODULES.includes(r));
  reasons.push(...deps);
  if (!source && deps.length) source = `go.mod requires ${deps.join(', ')} (needs cgo)`;
  if (reasons.length === 0) return fact([], 'no import "C" and no known cgo module in go.mod');
  return fact(reasons, source);
}

/** GOPRIVATE from the project's environment files (.envrc, Makefile, .env.example). */
function detectGoprivate(project: ProjectFiles): Fact<string> | undefined {
  for (const file of ['.envrc', 'Makefile', 'makefile', 'GNUmakefile']) {
    const text = project.read(file);
    if (!text) continue;
    const m = /^\s*(?:export\s+)?GOPRIVATE\s*:?\??=\s*["']?([^\s"'#]+)/m.exec(text);
    if (m) return fact(m[1], `${file}:${lineOf(text, m.index)}`);
  }
  return undefined;
}

function detectLicense(project: ProjectFiles): string | undefined {
  const text = project.read('LICENSE') ?? project.read('LICENSE.md') ?? project.read('LICENSE.txt');
  if (!text) return undefined;
  if (/MIT License/i.test(text)) return 'MIT';
  if (/Apache License[\s\S]{0,40}Version 2\.0/i.test(text)) return 'Apache-2.0';
  if (/BSD 3-Clause|Redistribution and use in source and binary forms/i.test(text)) return 'BSD-3-Clause';
  return undefined;
}

/** Listening-port patterns in Go sources, most specific first (group 1 is the port). */
const PORT_PATTERNS: RegExp[] = [
  /Getenv\("PORT"\)\s*,\s*"(\d{2,5})"/, // cmp.Or(os.Getenv("PORT"), "8080")
  /\b[Pp]ort\s*:?=\s*"(\d{2,5})"/, // port = "8080" after reading $PORT
  // a port flag's default, itself or an env lookup's: flag.Int("port", 3000, ...), flag.StringVar(&port, "port", getEnv("X", "80"), ...)
  /\bflag\.(?:String|Int|Uint)(?:Var)?\((?:&?[\w.]+,\s*)?"(?:port|http-port|listen-port)"\s*,\s*(?:[\w.]+\(\s*"[^"]*"\s*,\s*)?"?(\d{2,5})\b/,
  /(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen)\(\s*"[\w.-]*:(\d{2,5})"/, // http, gin, echo, fiber
  /\bAddr\s*:\s*"[\w.-]*:(\d{2,5})"/,
  /net\.Listen\(\s*"tcp\d?"\s*,\s*"[\w.-]*:(\d{2,5})"/,
  // a flag default such as flag.String("addr", ":8080", ...): a host part that is a host (not `"size:2048"`)
  /"(?:localhost|\d+\.\d+\.\d+\.\d+|[\w-]+(?:\.[\w-]+)+)?:(\d{2,5})"/,
];

/** Health routes, most conventional first. */
const HEALTH_PATHS = ['/healthz', '/health', '/livez', '/readyz', '/ready', '/ping', '/status'];

/** Port, health path and run-time assets of a main package ('.' or './cmd/api'). */
export function detectServe(project: ProjectFiles, main: string, module = readGoMod(project).module): ServeFacts {
  const all = goFiles(project);
  // The main package first, then the module's packages it imports (internal/server/...): not another main's.
  const dirs = reachablePackages(project, module, main, all);
  const ordered = dirs.flatMap((dir) => all.filter((f) => posix.dirname(f) === dir));
  const texts = ordered.map((f) => [f, project.read(f) ?? ''] as const);

  let port: Fact<number> | undefined;
  for (const pattern of PORT_PATTERNS) {
    for (const [file, text] of texts) {
      // A database's or another protocol's port (a Redis client's Addr: ":6379", OTLP's 4317) is not the server's.
      const m = [...text.matchAll(new RegExp(pattern.source, 'g'))].find((x) => !isOtherProtocolPort(Number(x[1])));
      if (m) {
        port = fact(Number(m[1]), `${file}:${lineOf(text, m.index ?? 0)}`);
        break;
      }
    }
    if (port) break;
  }
  const portEnv = texts.some(([, text]) => /Getenv\("PORT"\)|LookupEnv\("PORT"\)/.test(text));
  // No port in the source: the repository's own Dockerfile (EXPOSE, ENV PORT), fly.toml or app.json says it.
  const declared = port ? undefined : readEvidence(project).ports[0];
  if (declared) port = fact(declared.value, declared.source, 'no port in the source');
  // Nor there: the config file the code reads at run time (conf/test/conf.yaml kitex.address ":8881").
  const configured = port ? undefined : configFilePort(project, texts);
  if (configured) port = fact(configured.port, configured.source, 'the config file the code reads');
  port ??= fact(8080, 'default (no port found in the source)');

  let healthPath: Fact<string> | undefined;
  for (const path of HEALTH_PATHS) {
    for (const [file, text] of texts) {
      const m = new RegExp(`"(?:[A-Z]+ +)?${path}/?"`).exec(text);
      if (m) {
        healthPath = fact(path, `${file}:${lineOf(text, m.index)}`);
        break;
      }
    }
    if (healthPath) break;
  }
  healthPath ??= fact('/', 'default (no /healthz, /health, /livez or /readyz route found)');

  let grpcHealth: Fact<true> | undefined;
  for (const [file, text] of texts) {
    const m = /\b[\w.]*RegisterHealthServer\(|\bhealth\.NewServer\(\)/.exec(blankComments(text));
    if (m) {
      grpcHealth = fact(true, `${file}:${lineOf(text, m.index)} ${m[0].replace(/\($/, '').replace(/\(\)$/, '')}`);
      break;
    }
  }
  const writes = detectWrites(texts);
  const subcommand = serveSubcommand(texts);
  return {
    port,
    portEnv,
    healthPath,
    assets: detectAssets(project, texts),
    writes: writes.dirs,
    writeWarnings: writes.warnings,
    ...(grpcHealth ? { grpcHealth } : {}),
    ...(subcommand ? { subcommand } : {}),
  };
}

/** Calls that read files at run time; their relative string arguments name what the image must hold. */
const READ_CALLS =
  /\b(?:[\w.]*\.(?:ParseGlob|ParseFiles|LoadHTMLGlob|LoadHTMLFiles|Static|StaticFS|StaticFile)|http\.Dir|os\.DirFS|os\.ReadFile|os\.ReadDir|os\.Open|ioutil\.ReadFile|filepath\.Glob)\(/g;
/** Calls that create files at run time: their folders need a writable volume (the root filesystem is read-only). */
const WRITE_CALLS = /\b(?:os\.MkdirAll|os\.Mkdir|os\.Create|os\.WriteFile|os\.OpenFile|sql\.Open|sqlx\.Open|sqlx\.Connect|sqlite\.Open)\(/g;
const SQLITE_DRIVERS = /^(sqlite3?|libsql)$/;

/** The string literals of a call's arguments (up to its closing parenthesis), with their offsets. */
function callStrings(code: string, open: number): Array<{ value: string; index: number }> {
  const found: Array<{ value: string; index: number }> = [];
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
    else if (c === '"' || c === '`') {
      const end = c === '"' ? /^"(?:[^"\\\n]|\\.)*"/.exec(code.slice(i)) : /^`[^`]*`/.exec(code.slice(i));
      if (!end) break;
      found.push({ value: end[0].slice(1, -1), index: i });
      i += end[0].length - 1;
    }
  }
  return found;
}

/** A relative file path as the program uses it (`./data/app.db`, `file:data/app.db?_fk=1`), else undefined. */
function relativePath(value: string): string | undefined {
  const path = value
    .replace(/^file:/, '')
    .replace(/\?.*$/, '')
    .replace(/^\.\//, '');
  if (!path || path.startsWith('/') || path.startsWith(':') || path.includes('://') || /[\s%{}]/.test(path)) return undefined;
  return posix.normalize(path).startsWith('..') ? undefined : posix.normalize(path);
}

type Texts = ReadonlyArray<readonly [string, string]>;

/** Folders (or root files) the code reads at run time by a relative path, minus those a //go:embed compiles in. */
function detectAssets(project: ProjectFiles, texts: Texts): Fact<string[]> {
  const embedded = new Set<string>();
  const read = new Map<string, string>(); // root entry -> source
  for (const [file, text] of texts) {
    for (const m of text.matchAll(/^\/\/go:embed\s+(.+)$/gm)) {
      for (const pattern of m[1].match(/"[^"]*"|`[^`]*`|\S+/g) ?? []) {
        const p = pattern.replace(/^["`]|["`]$/g, '').replace(/^all:/, '');
        const rel = posix.normalize(posix.join(posix.dirname(file), p));
        embedded.add(rel.split('/')[0]);
      }
    }
    const code = blankComments(text);
    for (const call of code.matchAll(READ_CALLS)) {
      for (const arg of callStrings(code, (call.index ?? 0) + call[0].length - 1)) {
        const path = relativePath(arg.value);
        const top = path?.split('/')[0];
        if (!path || !top || read.has(top) || /[*?[]/.test(top)) continue;
        // It is there to be copied: a folder, or a file at the root of the module.
        if (project.list(top).length === 0 && !(top === path && project.exists(top))) continue;
        read.set(top, `${file}:${lineOf(text, call.index ?? 0)} ${call[0].slice(0, -1)}`);
      }
    }
  }
  const copied = [...read.keys()].filter((d) => !embedded.has(d));
  const skipped = [...embedded].filter((d) => project.list(d).length > 0);
  const note = skipped.length ? `${skipped.join(', ')} embedded with //go:embed` : undefined;
  if (copied.length === 0) return fact([], note ?? 'no templates/, static/ or migrations/ folder');
  return fact(copied, copied.map((d) => read.get(d)).join(', '), note ?? 'not //go:embed-ed: read at run time');
}

/** A folder the program writes at run time: a named volume in compose.yaml, created in the image for the user. */
export interface WrittenDir {
  dir: string;
  source: string;
}

/** Folders the code creates files in (SQLite databases, uploads, logs), by relative path; warnings for the rest. */
export function detectWrites(texts: Texts): { dirs: WrittenDir[]; warnings: string[] } {
  const dirs: WrittenDir[] = [];
  const warnings: string[] = [];
  for (const [file, text] of texts) {
    const code = blankComments(text);
    for (const call of code.matchAll(WRITE_CALLS)) {
      const name = call[0].slice(0, -1);
      const args = callStrings(code, (call.index ?? 0) + call[0].length - 1);
      let value: string | undefined;
      if (/\bOpen$|Connect$/.test(name) && name !== 'os.Open' && name !== 'os.OpenFile') {
        // database/sql: the driver, then the data source; gorm's sqlite.Open: the data source only.
        if (name === 'sqlite.Open') value = args[0]?.value;
        else if (args[0] && SQLITE_DRIVERS.test(args[0].value)) value = args[1]?.value;
      } else if (name === 'os.OpenFile') {
        const flags = code.slice(call.index ?? 0, (call.index ?? 0) + 200).split(')')[0];
        if (/O_CREATE|O_WRONLY|O_RDWR|O_APPEND/.test(flags)) value = args[0]?.value;
      } else value = args[0]?.value;
      const path = value === undefined ? undefined : relativePath(value);
      if (!path || path === ':memory:') continue;
      const source = `${file}:${lineOf(text, call.index ?? 0)} ${name}`;
      const isDir = name === 'os.MkdirAll' || name === 'os.Mkdir';
      const dir = isDir ? path.split('/')[0] : path.includes('/') ? path.split('/')[0] : undefined;
      if (!dir) {
        warnings.push(
          `${source} writes ${path} in the working folder (/app): a volume there would hide the binary, so it is lost when the container is removed; keep it in a folder (data/${path})`,
        );
        continue;
      }
      if (!dirs.some((d) => d.dir === dir)) dirs.push({ dir, source });
    }
  }
  return { dirs, warnings };
}

/** Import paths of Go source (`import "x"`, `import alias "x"`, `import ( ... )`). */
export function goImports(text: string): string[] {
  const found: string[] = [];
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const block of stripped.matchAll(/^\s*import\s*\(([\s\S]*?)\)/gm))
    for (const spec of block[1].matchAll(/"([^"]+)"/g)) found.push(spec[1]);
  for (const single of stripped.matchAll(/^\s*import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)) found.push(single[1]);
  return found;
}

/**
 * The go.work modules a module needs: those whose module path its packages (tests included) import,
 * and theirs in turn. The others' sources can stay out of its build context.
 */
function workspaceNeeds(context: GoWorkContext): string[] {
  const modules = context.work.uses.flatMap((dir) => {
    const text = context.root.read(posix.join(dir, 'go.mod'));
    if (text === undefined) return [];
    try {
      return [{ dir, path: parseGoMod(text).module }];
    } catch {
      return []; // that module's own generator run reports its go.mod
    }
  });
  const needs: string[] = [];
  const visit = (dir: string) => {
    if (needs.includes(dir)) return;
    needs.push(dir);
    const module = subProject(context.root, dir);
    const imports = goFiles(module, true).flatMap((file) => goImports(module.read(file) ?? ''));
    for (const other of modules) if (imports.some((i) => i === other.path || i.startsWith(`${other.path}/`))) visit(other.dir);
  };
  visit(context.member);
  return needs;
}

/** Go source with its comments blanked out (same length and line breaks, so offsets and lines stay true). */
export function blankComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m,
  );
}

/** A call that makes a program a server: it listens on a port. */
export interface Listener {
  file: string;
  line: number;
  /** The call as written, e.g. `http.ListenAndServe`, `srv.ListenAndServe`, `net.Listen`, `r.Run`. */
  call: string;
}

/** Listening calls; a framework's method counts only in a file that imports that framework. */
const LISTENERS: Array<{ pattern: RegExp; imports?: RegExp }> = [
  { pattern: /\b[\w.]*\.ListenAndServe(?:TLS)?\(/g }, // http.ListenAndServe, srv.ListenAndServe, e.Server.ListenAndServe
  { pattern: /\bhttp\.Serve(?:TLS)?\(/g },
  { pattern: /\bnet\.Listen\(\s*"tcp[46]?"/g }, // grpc's s.Serve(lis), http.Serve(lis, ...)
  { pattern: /\b[\w.]+\.Run(?:TLS)?\(/g, imports: /^github\.com\/gin-gonic\/gin$/ },
  { pattern: /\b[\w.]+\.Start(?:TLS)?\(/g, imports: /^github\.com\/labstack\/echo(\/v\d+)?$/ },
  { pattern: /\b[\w.]+\.Listen(?:TLS)?\(/g, imports: /^github\.com\/gofiber\/fiber(\/v\d+)?$/ },
];

/** The first listening call in a Go file, if any. */
export function findListener(file: string, text: string): Listener | undefined {
  const code = blankComments(text);
  const imports = goImports(text);
  let best: (Listener & { index: number }) | undefined;
  for (const { pattern, imports: needs } of LISTENERS) {
    if (needs && !imports.some((i) => needs.test(i))) continue;
    for (const m of code.matchAll(pattern)) {
      if (best && best.index <= (m.index ?? 0)) break;
      best = { file, line: lineOf(text, m.index ?? 0), call: m[0].replace(/\($/, '').replace(/\(\s*"tcp[46]?"$/, ''), index: m.index ?? 0 };
      break;
    }
  }
  if (!best) return undefined;
  const { index: _, ...listener } = best;
  return listener;
}

/**
 * The module's package folders a main package uses: its own folder first, then the folders of the module's
 * packages it imports, transitively ('.' for the module root). Packages of other modules are not followed.
 */
export function reachablePackages(project: ProjectFiles, module: string, main: string, files = goFiles(project)): string[] {
  const byDir = new Map<string, string[]>();
  for (const file of files) byDir.set(posix.dirname(file), [...(byDir.get(posix.dirname(file)) ?? []), file]);
  const seen: string[] = [];
  const visit = (dir: string) => {
    if (seen.includes(dir) || !byDir.has(dir)) return;
    seen.push(dir);
    for (const file of byDir.get(dir) ?? [])
      for (const imp of goImports(project.read(file) ?? '')) {
        if (imp === module) visit('.');
        else if (imp.startsWith(`${module}/`)) visit(imp.slice(module.length + 1));
      }
  };
  visit(main === '.' ? '.' : main.replace(/^\.\//, ''));
  return seen;
}

/** What a main package is: a server (with the call that listens, in it or a package it imports) or a CLI. */
export interface MainRole {
  main: string;
  serves?: Listener;
}

/** The role of every main package: servers listen on a port, the others are CLIs and tools. */
export function mainRoles(project: ProjectFiles, module: string, mains: string[]): MainRole[] {
  const files = goFiles(project);
  return mains.map((main) => {
    for (const dir of reachablePackages(project, module, main, files))
      for (const file of files.filter((f) => posix.dirname(f) === dir)) {
        const serves = findListener(file, project.read(file) ?? '');
        if (serves) return { main, serves };
      }
    return { main };
  });
}

/** `serves: cmd/server/main.go:42 http.ListenAndServe; ./cmd/migrate is a CLI (no listener)`. */
export function rolesSource(chosen: MainRole, roles: MainRole[]): string {
  const serves = chosen.serves ? `serves: ${chosen.serves.file}:${chosen.serves.line} ${chosen.serves.call}` : 'no listener found';
  const others = roles
    .filter((r) => r.main !== chosen.main)
    .map((r) => (r.serves ? `${r.main} serves too (${r.serves.file}:${r.serves.line})` : `${r.main} is a CLI (no listener)`));
  return [serves, ...others].join('; ');
}
