#!/usr/bin/env node
// `npx dockerstack [node|python|go] [options]`: runs the generators through yeoman-environment,
// without a global yo and as root (yo itself refuses to run as root).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';

const here = dirname(fileURLToPath(import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const GENERATORS = ['app', 'node', 'python', 'go'];
/** The command as the user typed it (`dockerstack`, or `generator-dockerstack` through npx), for --help. */
const PROGRAM = basename(process.argv[1] ?? 'dockerstack').replace(/\.(js|ts)$/, '');

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  const name = first && !first.startsWith('-') ? argv.shift() : 'app';
  if (!name || !GENERATORS.includes(name)) {
    process.stderr.write(`dockerstack: unknown generator "${name}"; use one of: ${GENERATORS.join(', ')}\n`);
    return 2;
  }
  const force = argv.includes('--force');
  const env = createEnv({ force, skipInstall: true } as never);
  for (const gen of GENERATORS) {
    const path = join(here, '..', 'generators', gen, ext === 'ts' ? 'generator.ts' : 'index.js');
    if (existsSync(path)) env.register(path, { namespace: `dockerstack:${gen}` });
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    const command = name === 'app' ? PROGRAM : `${PROGRAM} ${name}`;
    const generator = (await env.create(`dockerstack:${name}`, {
      generatorArgs: [],
      generatorOptions: { help: true, command },
    } as never)) as unknown as {
      help(): string;
    };
    process.stdout.write(`${generator.help()}\nGenerators: ${GENERATORS.join(', ')} (${PROGRAM} <generator> --help)\n`);
    return 0;
  }
  await env.run([`dockerstack:${name}`, ...argv]);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`dockerstack: error: ${error.message}\n`);
    process.exit(1);
  },
);
