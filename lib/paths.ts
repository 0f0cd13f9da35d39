// Where the package's templates live, from the source tree or from the compiled dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`generator-dockerstack: no templates/ folder above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** Absolute path of a template, e.g. templatesDir('node/Dockerfile.ejs'). */
export const templatesDir = (...parts: string[]) => join(PACKAGE_ROOT, 'templates', ...parts);
