// Writes dist/generators/<name>/index.js, the entry yo's lookup finds. The TypeScript sources are named
// generator.ts, so a linked checkout (sources and dist side by side) offers each namespace exactly once.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist', 'generators');
for (const name of readdirSync(dist)) {
  writeFileSync(join(dist, name, 'index.js'), "export { default } from './generator.js';\n");
}
