// What a repository already says about how it runs, read as evidence with its file and line:
// Procfile, the boot scripts a start command calls, an existing Dockerfile, fly.toml, app.json and the
// platform files that name a start command (app.yaml, nixpacks.toml, railpack.json, render.yaml, project.toml).
// Language-agnostic and pure over the project's files: each generator decides what a command means.
// Nothing here is copied into the output as is; a generator translates and checks every command.
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { InputError, lineOf, parseJsonFile } from './errors.ts';
import type { FactLine } from './facts.ts';
import type { ProjectFiles } from './project.ts';

/** A piece of evidence: a value and the file:line it was read from. */
export interface Evidence<T> {
  value: T;
  /** `Procfile:1`, `boot.sh:10` */
  source: string;
}

/** A command that starts the service, followed through the scripts it calls. */
export interface StartCommand {
  /** The server command's words (shell quoting removed; variables such as `$PORT` kept as text). */
  argv: string[];
  /** Where the server command is written (the boot script's `exec` line when a script was followed). */
  source: string;
  /** What pointed to it: `Procfile:1 web`, `Dockerfile:12 ENTRYPOINT`; equal to source when direct. */
  origin: string;
  /** Commands run before the server (migrations, asset builds): reported, not run by the image. */
  steps: Array<Evidence<string>>;
}

/** A process the repository runs beside its server, e.g. Procfile `worker: celery -A app worker`. */
export interface WorkerCommand {
  /** Its process type: `worker`, `beat`, `scheduler`. */
  name: string;
  /** Its words, after the leading `NAME=value` assignments (followed through the scripts it calls). */
  argv: string[];
  /** The leading `NAME=value` assignments (`REMAP_SIGTERM=SIGQUIT celery ...`). */
  environment: Record<string, string>;
  /** `Procfile:2` (the script line when one was followed). */
  source: string;
  /** `Procfile:2 worker` */
  origin: string;
}

export interface RepoEvidence {
  /** Candidate start commands for the service, in the order to try: Dockerfile, Procfile web, fly.toml. */
  starts: StartCommand[];
  /** Ports the repository declares (Dockerfile EXPOSE and ENV PORT, fly.toml internal_port, app.json env PORT). */
  ports: Array<Evidence<number>>;
  /** Processes beside the server (Procfile lines other than web and release): a worker, a scheduler. */
  workers: WorkerCommand[];
  /** Release steps, run once before each deploy (Procfile `release:`, fly.toml `release_command`). */
  releases: Array<Evidence<string>>;
  /** Facts to print: release steps, workers, start-up steps. */
  facts: FactLine[];
  /** Every file read, for messages that say what was tried. */
  files: string[];
}

/** Shell words of a command line: quotes removed, `$VAR` kept as text. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The commands of a chain (`a; b && c`), split outside quotes. */
export function splitChain(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ';' || ((c === '&' || c === '|') && text[i + 1] === c)) {
      if (c !== ';') i++;
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

/** Inits and wrappers that only start the real command. */
const WRAPPERS = new Set(['exec', 'tini', '/usr/bin/tini', '/sbin/tini', '/usr/local/bin/tini', 'dumb-init', '/usr/bin/dumb-init']);
const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', '/usr/bin/env', 'env']);

/** The words of a command without `exec`, an init (`tini --`) or a shell running a script (`sh boot.sh`). */
function unwrap(argv: string[]): string[] {
  let words = [...argv];
  for (;;) {
    if (WRAPPERS.has(words[0])) words = words.slice(words[1] === '--' ? 2 : 1);
    else if (SHELLS.has(words[0]) && words[1] && !words[1].startsWith('-')) words = words.slice(1);
    else if (SHELLS.has(words[0]) && words[1] === '-c' && words[2]) words = shellWords(words[2]);
    else return words;
  }
}

/** Shell lines that are control flow or noise, not commands of their own. */
const SHELL_NOISE =
  /^(#|while\b|until\b|if\b|then\b|else\b|elif\b|fi\b|do\b|done\b|for\b|case\b|esac\b|echo\b|printf\b|sleep\b|set\b|export\b|source\b|\.\s|cd\b|break\b|continue\b|exit\b|return\b|wait\b|trap\b|shift\b|local\b|\[|\]|\{|\}|\)|;;|[A-Za-z_]\w*=)/;

/** A script file the command runs: `./boot.sh`, `boot.sh`, `/app/boot.sh` (seen from the image's WORKDIR). */
function scriptOf(project: ProjectFiles, word: string | undefined, dir: string, workdir?: string): string | undefined {
  if (!word || word.includes('$')) return undefined;
  const candidates: string[] = [];
  if (word.startsWith('/')) {
    if (workdir && word.startsWith(`${workdir.replace(/\/$/, '')}/`)) candidates.push(word.slice(workdir.replace(/\/$/, '').length + 1));
    candidates.push(word.slice(word.lastIndexOf('/') + 1));
  } else candidates.push(word.replace(/^\.\//, ''));
  for (const c of candidates) {
    const path = dir ? `${dir}/${c}` : c;
    const text = project.read(path);
    if (text === undefined) continue;
    if (c.endsWith('.sh') || text.startsWith('#!/bin/') || text.startsWith('#!/usr/bin/env sh') || text.startsWith('#!/usr/bin/env bash'))
      return path;
  }
  return undefined;
}

/** Logical lines of a shell script (continuations joined), with their 1-based line numbers. */
function scriptLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let t = lines[i];
    while (t.endsWith('\\') && i + 1 < lines.length) t = `${t.slice(0, -1)} ${lines[++i]}`;
    t = t.trim();
    if (t) out.push({ text: t, line });
  }
  return out;
}

/**
 * Follow a command line to the server it starts. In a chain the server is the `exec` command, else the
 * last; a script is read for its `exec` line (else its last command). `"$@"` hands over to `rest`
 * (an ENTRYPOINT script that ends in `exec "$@"` runs the CMD).
 */
function follow(
  project: ProjectFiles,
  text: string,
  source: string,
  dir: string,
  rest: { argv: string[]; source: string } | undefined,
  workdir: string | undefined,
  depth = 0,
): { argv: string[]; source: string; steps: Array<Evidence<string>> } | undefined {
  const chain = splitChain(text);
  if (!chain.length) return undefined;
  const execIndex = chain.findIndex((c) => /^exec\s/.test(c));
  const serverIndex = execIndex >= 0 ? execIndex : chain.length - 1;
  const steps: Array<Evidence<string>> = chain.filter((_, i) => i !== serverIndex).map((c) => ({ value: c, source }));
  let argv = unwrap(shellWords(chain[serverIndex]));
  if (argv[0] === '$@' || argv[0] === '${@}') {
    if (!rest) return undefined;
    return { argv: unwrap(rest.argv), source: rest.source, steps };
  }
  const script = depth < 3 ? scriptOf(project, argv[0], dir, workdir) : undefined;
  if (script) {
    const lines = scriptLines(project.read(script) ?? '').filter((l) => !l.text.startsWith('#'));
    const commands = lines.filter((l) => !SHELL_NOISE.test(l.text) || /^exec\s/.test(l.text));
    const execLine = [...commands].reverse().find((l) => /^exec\s/.test(l.text)) ?? commands[commands.length - 1];
    if (!execLine) return undefined;
    const name = script.slice(dir ? dir.length + 1 : 0);
    const args = argv.slice(1);
    const inner = follow(
      project,
      execLine.text,
      `${name}:${execLine.line}`,
      dir,
      args.length ? { argv: args, source } : rest,
      workdir,
      depth + 1,
    );
    if (!inner) return undefined;
    // Commands before the server, also the ones a loop or test runs (`until flask db upgrade; do`).
    const before = lines
      .filter((l) => l.line < execLine.line)
      .map((l) => ({ text: /^(?:until|while|if)\s+(?:!\s*)?(.+?)\s*;\s*(?:do|then)\s*$/.exec(l.text)?.[1] ?? l.text, line: l.line }))
      .filter((l) => !SHELL_NOISE.test(l.text) && !/^(true|false|:)$/.test(l.text))
      .map((l) => ({ value: l.text, source: `${name}:${l.line}` }));
    return { argv: inner.argv, source: inner.source, steps: [...steps, ...before, ...inner.steps] };
  }
  if (argv.length === 0) return undefined;
  if (argv.some((w) => w === '$@' || w === '"$@"') && rest) argv = argv.flatMap((w) => (w === '$@' ? rest.argv : [w]));
  return { argv, source, steps };
}

/** Procfile `type: command` lines. */
function readProcfile(project: ProjectFiles, dir: string, ev: RepoEvidence): void {
  const file = dir ? `${dir}/Procfile` : 'Procfile';
  const text = project.read(file);
  if (text === undefined) return;
  ev.files.push('Procfile');
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^([A-Za-z0-9_-]+):\s*(.*\S)\s*$/.exec(raw);
    if (!m) return;
    const [, type, command] = m;
    const source = `Procfile:${i + 1}`;
    if (type === 'web') {
      const followed = follow(project, command, source, dir, undefined, undefined);
      if (followed) ev.starts.push({ ...followed, origin: `${source} web` });
    } else if (type === 'release') {
      ev.releases.push({ value: command, source });
      ev.facts.push({
        label: 'release',
        value: command,
        source,
        note: 'a migration step for each deploy: run it before the service starts',
      });
    } else {
      const followed = follow(project, command, source, dir, undefined, undefined);
      if (!followed) return;
      const environment: Record<string, string> = {};
      let argv = followed.argv;
      for (let a = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(argv[0] ?? ''); a; a = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(argv[0] ?? '')) {
        environment[a[1]] = a[2];
        argv = argv.slice(1);
      }
      if (argv.length) ev.workers.push({ name: type, argv, environment, source: followed.source, origin: `${source} ${type}` });
    }
  });
}

interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** A Dockerfile's instructions (continuations joined), from its last stage only. */
function dockerInstructions(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let t = lines[i].trim();
    if (!t || t.startsWith('#')) continue;
    while (t.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i].trim();
      if (!next.startsWith('#')) t = `${t.slice(0, -1).trimEnd()} ${next}`;
    }
    const m = /^(\w+)\s+(.*)$/.exec(t);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    if (keyword === 'FROM') out.length = 0;
    out.push({ keyword, args: m[2].trim(), line });
  }
  return out;
}

/** `["a", "b"]` (exec form) or a shell-form command line as words. */
function dockerCommand(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed = JSON.parse(args) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: Docker runs it as a shell-form command
    }
  }
  return ['sh', '-c', args];
}

/** ENV lines: `ENV A=1 B=2` or `ENV A 1`. */
function envPairs(args: string): Array<[string, string]> {
  if (!args.includes('=') || /^\w+\s+[^=]*$/.test(args)) {
    const m = /^(\w+)\s+(.*)$/.exec(args);
    return m ? [[m[1], m[2]]] : [];
  }
  const words = shellWords(args);
  return words.flatMap((w) => {
    const eq = w.indexOf('=');
    return eq > 0 ? [[w.slice(0, eq), w.slice(eq + 1)] as [string, string]] : [];
  });
}

/** An existing Dockerfile: EXPOSE, ENV PORT and what ENTRYPOINT/CMD run (followed through scripts). */
function readDockerfile(project: ProjectFiles, dir: string, ev: RepoEvidence): void {
  const file = dir ? `${dir}/Dockerfile` : 'Dockerfile';
  const text = project.read(file);
  if (text === undefined) return;
  ev.files.push('Dockerfile');
  const instructions = dockerInstructions(text);
  let workdir: string | undefined;
  let entrypoint: DockerInstruction | undefined;
  let cmd: DockerInstruction | undefined;
  for (const ins of instructions) {
    if (ins.keyword === 'WORKDIR') workdir = ins.args;
    else if (ins.keyword === 'ENTRYPOINT') entrypoint = ins;
    else if (ins.keyword === 'CMD') cmd = ins;
    else if (ins.keyword === 'EXPOSE') {
      const port = /^(\d{2,5})(?:\/tcp)?\b/.exec(ins.args);
      if (port) ev.ports.push({ value: Number(port[1]), source: `Dockerfile:${ins.line} EXPOSE` });
    } else if (ins.keyword === 'ENV') {
      for (const [key, value] of envPairs(ins.args))
        if (key === 'PORT' && /^\d{2,5}$/.test(value)) ev.ports.push({ value: Number(value), source: `Dockerfile:${ins.line} ENV PORT` });
    }
  }
  const main = entrypoint ?? cmd;
  if (!main) return;
  const source = `Dockerfile:${main.line}`;
  const rest = entrypoint && cmd ? { argv: dockerCommand(cmd.args), source: `Dockerfile:${cmd.line}` } : undefined;
  // Exec form: the words are the command, quoted again for `follow`; shell form is a command line already.
  const words = dockerCommand(main.args);
  const line =
    words[0] === 'sh' && words[1] === '-c' && !main.args.startsWith('[')
      ? main.args
      : words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ');
  const followed = follow(project, line, source, dir, rest, workdir);
  if (followed) ev.starts.push({ ...followed, origin: `${source} ${main.keyword}` });
}

type Toml = Record<string, unknown>;
const table = (value: unknown): Toml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : {});

/** The line of the first match of a pattern in a text (1 when absent). */
const lineMatching = (text: string, re: RegExp) => {
  const m = re.exec(text);
  return m ? lineOf(text, m.index) : 1;
};

/** The line of `key =` inside a TOML table (`[processes]`), else anywhere. */
function tomlKeyLine(text: string, tableName: string, key: string): number {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `[${tableName}]`);
  const keyRe = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`);
  for (let i = start + 1; start >= 0 && i < lines.length && !/^\s*\[/.test(lines[i]); i++) if (keyRe.test(lines[i])) return i + 1;
  return lineMatching(text, new RegExp(keyRe.source, 'm'));
}

/** fly.toml: `internal_port`, `[processes]`, `[deploy] release_command`, `[env] PORT`. */
function readFlyToml(project: ProjectFiles, dir: string, ev: RepoEvidence): void {
  const file = dir ? `${dir}/fly.toml` : 'fly.toml';
  const text = project.read(file);
  if (text === undefined) return;
  ev.files.push('fly.toml');
  let toml: Toml;
  try {
    toml = parseToml(text) as Toml;
  } catch (error) {
    throw new InputError('fly.toml', `is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const services = [table(toml.http_service), ...(Array.isArray(toml.services) ? toml.services.map(table) : [])];
  const port = services.map((s) => s.internal_port).find((p) => typeof p === 'number');
  if (typeof port === 'number')
    ev.ports.push({ value: port, source: `fly.toml:${lineMatching(text, /^\s*internal_port\s*=/m)} internal_port` });
  const envPort = table(toml.env).PORT;
  if (envPort !== undefined && /^\d{2,5}$/.test(String(envPort)))
    ev.ports.push({ value: Number(envPort), source: `fly.toml:${tomlKeyLine(text, 'env', 'PORT')} [env] PORT` });
  const processes = table(toml.processes);
  for (const [name, command] of Object.entries(processes)) {
    if (typeof command !== 'string') continue;
    const source = `fly.toml:${tomlKeyLine(text, 'processes', name)}`;
    if (name === 'app' || name === 'web') {
      const followed = follow(project, command, source, dir, undefined, undefined);
      if (followed) ev.starts.push({ ...followed, origin: `${source} [processes] ${name}` });
    } else ev.facts.push({ label: name, value: command, source, note: 'a fly.toml process: not a service yet' });
  }
  const release = table(toml.deploy).release_command;
  if (typeof release === 'string') {
    ev.releases.push({ value: release, source: `fly.toml:${tomlKeyLine(text, 'deploy', 'release_command')}` });
    ev.facts.push({
      label: 'release',
      value: release,
      source: `fly.toml:${tomlKeyLine(text, 'deploy', 'release_command')}`,
      note: 'a migration step for each deploy: run it before the service starts',
    });
  }
}

/** app.json (Heroku): `scripts` (postdeploy...) as steps to report, `env.PORT` as a port. */
function readAppJson(project: ProjectFiles, dir: string, ev: RepoEvidence): void {
  const file = dir ? `${dir}/app.json` : 'app.json';
  const text = project.read(file);
  if (text === undefined) return;
  const json = table(parseJsonFile('app.json', text));
  ev.files.push('app.json');
  for (const [name, command] of Object.entries(table(json.scripts))) {
    const value = typeof command === 'string' ? command : table(command).command;
    if (typeof value !== 'string') continue;
    ev.facts.push({
      label: name,
      value,
      source: `app.json:${lineMatching(text, new RegExp(`"${name}"\\s*:`))} scripts`,
      note: 'a deploy step: run it before the service starts',
    });
  }
  const port = table(table(json.env).PORT);
  const value = port.value ?? table(json.env).PORT;
  if (value !== undefined && /^\d{2,5}$/.test(String(value)))
    ev.ports.push({ value: Number(value), source: `app.json:${lineMatching(text, /"PORT"\s*:/)} env PORT` });
}

/** A start command a platform file states: its words followed like a Procfile line, with `file:line key` as origin. */
function platformStart(
  project: ProjectFiles,
  dir: string,
  ev: RepoEvidence,
  file: string,
  text: string,
  key: string,
  command: string,
): void {
  // The line that holds the command (a file may name several: render.yaml's workers), else the key's.
  const at = text.indexOf(command);
  const source = `${file}:${at >= 0 ? lineOf(text, at) : lineMatching(text, new RegExp(`["']?${key}["']?\\s*[:=]`))}`;
  const followed = follow(project, command, source, dir, undefined, undefined);
  if (followed) ev.starts.push({ ...followed, origin: `${source} ${key}` });
}

/**
 * The platform files that state a start command: App Engine's app.yaml `entrypoint` (with its `runtime:`),
 * nixpacks.toml `[start] cmd`, railpack.json `deploy.startCommand`, render.yaml `startCommand` of a web
 * service, and a buildpacks project.toml `GOOGLE_ENTRYPOINT` build variable.
 */
function readPlatformFiles(project: ProjectFiles, dir: string, ev: RepoEvidence): void {
  const at = (name: string) => (dir ? `${dir}/${name}` : name);
  const yamlOf = (file: string, text: string) => {
    try {
      return parseYaml(text) as unknown;
    } catch (error) {
      throw new InputError(file, `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const tomlOf = (file: string, text: string) => {
    try {
      return parseToml(text) as Toml;
    } catch (error) {
      throw new InputError(file, `is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const appYaml = project.read(at('app.yaml'));
  if (appYaml !== undefined) {
    const gae = table(yamlOf('app.yaml', appYaml));
    if (typeof gae.runtime === 'string' && typeof gae.entrypoint === 'string') {
      ev.files.push('app.yaml');
      platformStart(project, dir, ev, 'app.yaml', appYaml, 'entrypoint', gae.entrypoint);
    }
  }
  const nixpacks = project.read(at('nixpacks.toml'));
  if (nixpacks !== undefined) {
    ev.files.push('nixpacks.toml');
    const cmd = table(tomlOf('nixpacks.toml', nixpacks).start).cmd;
    if (typeof cmd === 'string') platformStart(project, dir, ev, 'nixpacks.toml', nixpacks, 'cmd', cmd);
  }
  const railpack = project.read(at('railpack.json'));
  if (railpack !== undefined) {
    ev.files.push('railpack.json');
    const cmd = table(table(parseJsonFile('railpack.json', railpack)).deploy).startCommand;
    if (typeof cmd === 'string') platformStart(project, dir, ev, 'railpack.json', railpack, 'startCommand', cmd);
  }
  const render = project.read(at('render.yaml'));
  if (render !== undefined) {
    ev.files.push('render.yaml');
    const services = table(yamlOf('render.yaml', render)).services;
    const web = (Array.isArray(services) ? services.map(table) : []).find((s) => s.type === 'web' && typeof s.startCommand === 'string');
    if (web) platformStart(project, dir, ev, 'render.yaml', render, 'startCommand', String(web.startCommand));
  }
  const projectToml = project.read(at('project.toml'));
  if (projectToml !== undefined) {
    ev.files.push('project.toml');
    const toml = tomlOf('project.toml', projectToml);
    const env = [table(toml.build).env, table(table(table(toml.io).buildpacks).build).env].flatMap((e) =>
      Array.isArray(e) ? e.map(table) : [],
    );
    const entry = env.find((e) => e.name === 'GOOGLE_ENTRYPOINT' && typeof e.value === 'string');
    if (entry) platformStart(project, dir, ev, 'project.toml', projectToml, 'value', String(entry.value));
  }
}

/** Everything the repository says about how its service in `dir` runs. */
export function readEvidence(project: ProjectFiles, dir = ''): RepoEvidence {
  const ev: RepoEvidence = { starts: [], ports: [], workers: [], releases: [], facts: [], files: [] };
  readDockerfile(project, dir, ev);
  readProcfile(project, dir, ev);
  readFlyToml(project, dir, ev);
  readAppJson(project, dir, ev);
  readPlatformFiles(project, dir, ev);
  for (const start of ev.starts)
    for (const step of start.steps)
      if (!ev.facts.some((f) => f.value === step.value && f.source === step.source))
        ev.facts.push({ label: 'start-up step', value: step.value, source: step.source, note: `before the server in ${start.origin}` });
  return ev;
}

/** A port from a bind or listen argument: `:5000`, `0.0.0.0:5000`, `${PORT:-5000}`, `5000`. */
export function portOfAddress(address: string): number | undefined {
  const fallback = /\$\{PORT:?-(\d{2,5})\}/.exec(address);
  if (fallback) return Number(fallback[1]);
  const m = /(?:^|:)(\d{2,5})$/.exec(address);
  return m ? Number(m[1]) : undefined;
}
