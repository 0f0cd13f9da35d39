// Option specs shared by the generators: each prompt has a matching option, and `--help` shows every
// option with its default. Allowed values are checked before anything runs.
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
    description: 'Backing services the app uses, comma-separated: postgres, redis (healthchecked, with volumes and a password secret)',
    defaultText: 'the saved answer, else none',
  },
  {
    name: 'check',
    type: 'boolean',
    description: 'Write nothing; exit 1 with a diff if a generated file differs from the saved answers',
    defaultText: 'false',
  },
];

export function checkChoice(spec: OptionSpec, value: unknown): void {
  if (value === undefined || !spec.choices) return;
  if (!spec.choices.includes(String(value))) {
    throw new InputError(`--${spec.name}`, `"${value}" is not allowed; use one of: ${spec.choices.join(', ')}`);
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
