// Fixture projects and the option matrix, shared by the golden tests, the rule checks, the lint gates
// and the end-to-end suite. The matrix is generated from the generators' own option lists.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GO_OPTIONS } from '../../generators/go/options.ts';
import { NODE_OPTIONS } from '../../generators/node/options.ts';
import { PYTHON_OPTIONS } from '../../generators/python/options.ts';
import type { OptionSpec } from '../../lib/options.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const BIN = join(ROOT, 'dist', 'bin', 'dockerstack.js');

/** Service generators and their options. A new generator or option is covered by adding it here. */
export const LANGUAGES: Array<{ lang: string; options: OptionSpec[] }> = [
  { lang: 'node', options: NODE_OPTIONS },
  { lang: 'python', options: PYTHON_OPTIONS },
  { lang: 'go', options: GO_OPTIONS },
];

export interface Fixture {
  lang: string;
  name: string;
  /** The fixture's input project. */
  input: string;
  /** Expected output of `dockerstack <lang> --yes` with the fixture's options. */
  expected: string;
  /** Extra CLI options (fixture.json "options"), e.g. { main: './cmd/api' }. */
  options: Record<string, string>;
  /** fixture.json "e2e": what the end-to-end suite expects (e.g. { "testFails": true }). */
  e2e: Record<string, unknown>;
}

export function fixtures(lang?: string): Fixture[] {
  const langs = lang ? [lang] : LANGUAGES.map((l) => l.lang);
  return langs.flatMap((l) => {
    const dir = join(FIXTURES, l);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, 'input')))
      .sort()
      .map((name) => {
        const meta = existsSync(join(dir, name, 'fixture.json')) ? JSON.parse(readFileSync(join(dir, name, 'fixture.json'), 'utf8')) : {};
        return {
          lang: l,
          name,
          input: join(dir, name, 'input'),
          expected: join(dir, name, 'expected'),
          options: meta.options ?? {},
          e2e: meta.e2e ?? {},
        };
      });
  });
}

/** Every value of every option with choices (runtime variants, ...): one combination per value. */
export function optionVariants(lang: string): Array<Record<string, string>> {
  const specs = LANGUAGES.find((l) => l.lang === lang)?.options ?? [];
  const variants: Array<Record<string, string>> = [];
  for (const spec of specs) for (const choice of spec.choices ?? []) variants.push({ [spec.name]: choice });
  return variants.length ? variants : [{}];
}

export interface Combination {
  fixture: Fixture;
  options: Record<string, string>;
  id: string;
}

/** fixture x option variant, for every language. */
export function matrix(lang?: string): Combination[] {
  return fixtures(lang).flatMap((fixture) =>
    optionVariants(fixture.lang).map((variant) => {
      const options = { ...fixture.options, ...variant };
      const id = `${fixture.lang}/${fixture.name} ${Object.entries(variant)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`.trim();
      return { fixture, options, id };
    }),
  );
}

/** A fresh copy of a fixture's input in a temporary folder. */
export function copyInput(fixture: Fixture): string {
  const dir = mkdtempSync(join(tmpdir(), `dockerstack-${fixture.lang}-${fixture.name}-`));
  cpSync(fixture.input, dir, { recursive: true });
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together (Yeoman logs to stderr). */
  output: string;
}

/** Run the compiled CLI (what users run with npx). */
export function runCli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, output: stdout + stderr });
      },
    );
  });
}

export const optionArgs = (options: Record<string, string>) => Object.entries(options).flatMap(([k, v]) => [`--${k}`, v]);

/** Generate a combination's files with the CLI; returns the folder. */
export async function generate(combination: Combination, extra: string[] = []): Promise<{ dir: string; result: CliResult }> {
  const dir = copyInput(combination.fixture);
  const result = await runCli([combination.fixture.lang, '--yes', ...optionArgs(combination.options), ...extra], dir);
  if (result.code !== 0) throw new Error(`${combination.id}: dockerstack exited ${result.code}\n${result.stderr}${result.stdout}`);
  return { dir, result };
}

/** Files a service generator writes in the service folder. */
export const OUTPUT_FILES = ['Dockerfile', '.dockerignore', 'compose.yaml', 'README.Docker.md'];
