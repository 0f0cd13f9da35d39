// Golden files: `dockerstack <lang> --yes` on every fixture must write exactly the expected files and
// print the facts with their sources. After an intended change: UPDATE_GOLDEN=1 npm test (then review the diff).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyInput, fixtures, OUTPUT_FILES, optionArgs, runCli } from './helpers/fixtures.ts';

const update = process.env.UPDATE_GOLDEN === '1';

describe('golden files', () => {
  for (const fixture of fixtures()) {
    it(`${fixture.lang}/${fixture.name}`, async () => {
      const dir = copyInput(fixture);
      try {
        const { code, output, stderr } = await runCli([fixture.lang, '--yes', ...optionArgs(fixture.options)], dir);
        assert.equal(code, 0, stderr);
        const outputs: Record<string, string> = {};
        for (const file of OUTPUT_FILES) outputs[file] = readFileSync(join(dir, file), 'utf8');
        // The facts block, with the temporary folder replaced.
        outputs['facts.txt'] = `${output
          .split('\n')
          .filter((l) => /^\S.* found in |^ {2}\S/.test(l))
          .join('\n')
          .replaceAll(dir, '<project>')}\n`;
        for (const [file, actual] of Object.entries(outputs)) {
          const expectedPath = join(fixture.expected, file === '.dockerignore' ? 'dockerignore' : file);
          if (update) {
            mkdirSync(fixture.expected, { recursive: true });
            writeFileSync(expectedPath, actual);
            continue;
          }
          assert.ok(existsSync(expectedPath), `missing golden ${expectedPath}: run UPDATE_GOLDEN=1 npm test`);
          assert.equal(actual, readFileSync(expectedPath, 'utf8'), `${fixture.lang}/${fixture.name}/${file} differs from the golden file`);
        }
        assert.match(outputs['facts.txt'], / <- /, 'facts are printed with their sources');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
