// Option specs shared by the generators: each prompt has a matching option, and `--help` shows every
// option with its default. Allowed values are checked before anything runs.
import { BACKING_KINDS } from './backing.ts';
import { InputError } from './errors.ts';

export interface OptionSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  description: string;
  /** Shown in --help; detected values say what they are detected from. */
  defaultText: string;
  choices?: readonly string[];
  /** Asked in interactive runs; saved in .yo-rc.json. */
  prompt?: string;
  alias?: string;
}

/** Options every generator has. */
export const COMMON_OPTIONS: OptionSpec[] = [
  {
    name: 'yes',
    alias: 'y',
    type: 'boolean',
    description: 'Take the detected or default answer for every question (no terminal needed)',
    defaultText: 'false',
  },
  { name: 'force', type: 'boolean', description: 'Overwrite existing files that differ, without asking', defaultText: 'false' },
  {
    name: 'preset',
    type: 'string',
    description: 'Team preset: a JSON file or an npm package (registry mirror, runtimes, uid/gid, labels, healthcheck path, locks)',
    defaultText: 'the preset saved in .yo-rc.json, else none',
  },
  {
    name: 'backing',
    type: 'string',
    description: `Backing services the app uses, comma-separated: ${BACKING_KINDS.join(', ')} (healthchecked, with volumes and a password secret)`,
    defaultText: 'the saved answer, else none',
  },
  {
    name: 'check',
    type: 'boolean',
    description: 'Write nothing; exit 1 with a diff if a generated file differs from the saved answers',
    defaultText: 'false',
  },
];

export function checkChoice(spec: OptionSpec, value: unknown, source = `--${spec.name}`): void {
  if (value === undefined || !spec.choices) return;
  if (!spec.choices.includes(String(value))) {
    throw new InputError(source, `"${value}" is not allowed; use one of: ${spec.choices.join(', ')}`);
  }
}

export function parsePort(value: unknown, source: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InputError(source, `"${value}" is not a TCP port (1-65535)`);
  return n;
}

export function parsePath(value: unknown, source: string): string {
  const s = String(value);
  if (!/^\/[\w\-./~%]*$/.test(s)) throw new InputError(source, `"${s}" is not a URL path starting with /`);
  return s;
}

/** An option for Yeoman's `this.option()` (which parses it; the help text is formatHelp's). */
export function yeomanOption(spec: OptionSpec): Record<string, unknown> {
  const type = spec.type === 'boolean' ? Boolean : spec.type === 'number' ? Number : String;
  return { type, alias: spec.alias, description: spec.description };
}

/** `--help` and `-h`: every generator has it. */
export const HELP_OPTION: OptionSpec = { name: 'help', alias: 'h', type: 'boolean', description: 'Show this help', defaultText: '' };

/**
 * The help text: a usage line with the command as typed, then one block per option, the descriptions in
 * one column (wrapped at `width`), each ending with its default in one style.
 */
export function formatHelp(command: string, specs: OptionSpec[], width = 100): string {
  const flag = (spec: OptionSpec) =>
    `${spec.alias ? `-${spec.alias}, ` : '    '}--${spec.name}${spec.type === 'boolean' ? '' : spec.type === 'number' ? ' <n>' : ' <value>'}`;
  const column = Math.max(...specs.map((spec) => flag(spec).length)) + 4;
  const lines = [`Usage: ${command} [options]`, '', 'Options:'];
  for (const spec of specs) {
    const text = [
      spec.choices ? `${spec.description}: ${spec.choices.join(', ')}` : spec.description,
      spec.defaultText ? `[default: ${spec.defaultText}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    // (The default's first word stays with "[default:".)
    const wrapped = wrap(text.replace('[default: ', '[default:\u00a0'), Math.max(30, width - column)).map((l) => l.replace('\u00a0', ' '));
    lines.push(`  ${flag(spec).padEnd(column - 2)}${wrapped[0]}`);
    for (const more of wrapped.slice(1)) lines.push(`${' '.repeat(column)}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/[ \t\n]+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** A command line the generator cannot take: an unknown option or an unexpected argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Check a generator's command line (Yeoman ignores what it does not know, so a typo would silently give
 * the default): every `--name`, `--no-name`, `--name=value` and `-x` must be one of `specs`; an option
 * that takes a value takes the next word. `elsewhere` names options of other generators, for a hint.
 */
export function checkArgs(args: readonly string[], specs: OptionSpec[], elsewhere?: { names: Set<string>; hint: string }): void {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byAlias = new Map(specs.filter((spec) => spec.alias).map((spec) => [spec.alias as string, spec]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const [name, value] = arg.slice(2).split(/=(.*)/s);
      const spec = byName.get(name) ?? (name.startsWith('no-') ? byName.get(name.slice(3)) : undefined);
      if (!spec || (spec.name !== name && spec.type !== 'boolean')) throw unknownOption(`--${name}`, name, specs, elsewhere);
      // A value: the next word (`--port 3000`); a boolean takes a following true or false, as Yeoman reads it.
      if (value === undefined && spec.name === name && (spec.type !== 'boolean' || /^(true|false)$/.test(args[i + 1] ?? ''))) i++;
    } else if (/^-[^\d]/.test(arg)) {
      for (const [k, letter] of [...arg.slice(1)].entries()) {
        const spec = byAlias.get(letter);
        if (!spec) throw unknownOption(`-${letter}`, letter, specs, elsewhere);
        if (spec.type !== 'boolean') {
          if (k === arg.length - 2) i++;
          break;
        }
      }
    } else {
      throw new UsageError(`unexpected argument "${arg}"; options start with -- (see --help)`);
    }
  }
}

function unknownOption(flag: string, name: string, specs: OptionSpec[], elsewhere?: { names: Set<string>; hint: string }): UsageError {
  const others = [...(elsewhere?.names ?? [])];
  if (others.includes(name)) return new UsageError(`unknown option ${flag}: ${elsewhere?.hint}`);
  const close = [...specs.map((spec) => spec.name), ...others]
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter((c) => c.distance <= Math.max(2, Math.floor(name.length / 3)) || (name.length >= 3 && c.candidate.startsWith(name)))
    .sort((a, b) => a.distance - b.distance)[0]?.candidate;
  if (!close) return new UsageError(`unknown option ${flag}; see --help for the options`);
  const where = others.includes(close) ? ` (${elsewhere?.hint})` : '';
  return new UsageError(`unknown option ${flag}; did you mean --${close}?${where}`);
}

/** Levenshtein distance: the closest valid option to a typo. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
