// Golden files: `dockerstack <lang> --yes` on every fixture must write exactly the expected files and
// print the facts with their sources. After an intended change: UPDATE_GOLDEN=1 npm test (then review the diff).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  appFixtures,
  copyAppInput,
  copyInput,
  FIXTURES,
  fixtures,
  listFiles,
  OUTPUT_FILES,
  optionArgs,
  ROOT,
  runCli,
} from './helpers/fixtures.ts';

const update = process.env.UPDATE_GOLDEN === '1';

/** Dot files are stored without the dot, so the golden folders hold no hidden or ignore files. */
const goldenName = (file: string) => file.replace(/(^|\/)\.(dockerignore|yo-rc\.json)$/, '$1$2');

describe('golden files', () => {
  for (const fixture of fixtures()) {
    it(`${fixture.lang}/${fixture.name}`, async () => {
      const root = copyInput(fixture);
      // A workspace member's fixture runs in the member's folder; its ignore file is Dockerfile.dockerignore.
      const dir = fixture.member ? join(root, fixture.member) : root;
      try {
        const input = new Set(listFiles(dir));
        const { code, output, stderr } = await runCli([fixture.lang, '--yes', ...optionArgs(fixture.options)], dir);
        assert.equal(code, 0, stderr);
        const outputs: Record<string, string> = {};
        for (const file of OUTPUT_FILES) if (existsSync(join(dir, file))) outputs[file] = readFileSync(join(dir, file), 'utf8');
        // A Dockerfile written in a subfolder (one of several Go servers: cmd/api/Dockerfile) and its ignore file.
        for (const file of listFiles(dir))
          if (!input.has(file) && /\/(Dockerfile|Dockerfile\.dockerignore)$/.test(file))
            outputs[file] = readFileSync(join(dir, file), 'utf8');
        // The facts block, with the temporary folder replaced.
        outputs['facts.txt'] = `${output
          .split('\n')
          .filter((l) => /^\S.* found in |^ {2}\S/.test(l))
          .join('\n')
          .replaceAll(dir, '<project>')}\n`;
        if (!update)
          assert.deepEqual(
            Object.keys(outputs).map(goldenName).sort(),
            listFiles(fixture.expected).sort(),
            'the files written are the golden ones',
          );
        for (const [file, actual] of Object.entries(outputs)) {
          const expectedPath = join(fixture.expected, goldenName(file));
          if (update) {
            mkdirSync(dirname(expectedPath), { recursive: true });
            writeFileSync(expectedPath, actual);
            continue;
          }
          assert.ok(existsSync(expectedPath), `missing golden ${expectedPath}: run UPDATE_GOLDEN=1 npm test`);
          assert.equal(actual, readFileSync(expectedPath, 'utf8'), `${fixture.lang}/${fixture.name}/${file} differs from the golden file`);
        }
        assert.match(outputs['facts.txt'], / <- /, 'facts are printed with their sources');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});

describe('golden files of the app generator (whole repositories)', () => {
  for (const fixture of appFixtures()) {
    it(`app/${fixture.name}`, async function () {
      if (!update && !existsSync(fixture.expected)) this.skip(); // a fixture for the e2e suite only
      const dir = copyAppInput(fixture);
      try {
        const input = new Map(listFiles(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
        const { code, output, stderr } = await runCli(['--yes', ...optionArgs(fixture.options)], dir);
        assert.equal(code, 0, stderr);
        // Everything the run wrote or changed, but the secret files (random values).
        const outputs: Record<string, string> = {};
        for (const file of listFiles(dir).sort()) {
          const text = readFileSync(join(dir, file), 'utf8');
          if (input.get(file) !== text && !file.startsWith('secrets/')) outputs[goldenName(file)] = text;
        }
        outputs['facts.txt'] = `${output
          .split('\n')
          .filter((l) => /^\S.* found |^ {2}\S/.test(l))
          .join('\n')
          .replaceAll(dir, '<project>')}\n`;
        if (update) {
          rmSync(fixture.expected, { recursive: true, force: true });
          for (const [file, text] of Object.entries(outputs)) {
            mkdirSync(dirname(join(fixture.expected, file)), { recursive: true });
            writeFileSync(join(fixture.expected, file), text);
          }
          return;
        }
        assert.deepEqual(Object.keys(outputs).sort(), listFiles(fixture.expected).sort(), 'the files written are the golden ones');
        for (const [file, actual] of Object.entries(outputs))
          assert.equal(
            actual,
            readFileSync(join(fixture.expected, file), 'utf8'),
            `app/${fixture.name}/${file} differs from the golden file`,
          );
        // The next run needs none of the options again: the answers (and a preset) are saved in .yo-rc.json.
        const check = await runCli(['--check'], dir);
        assert.equal(check.code, 0, check.output);
        assert.match(check.output, /every generated file matches the saved answers/);
      } finally {
        rmSync(dirname(dir), { recursive: true, force: true });
      }
    });
  }
});

describe('the README shows real output', () => {
  it('its Dockerfile, .dockerignore and compose.yaml samples are the npm-express golden files', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```\w+\n([\s\S]*?)```/g)].map((m) => m[1]);
    const golden = (file: string) => readFileSync(join(FIXTURES, 'node', 'npm-express', 'expected', file), 'utf8');
    const dockerfile = blocks.find((b) => b.startsWith('# syntax='));
    assert.equal(dockerfile, golden('Dockerfile'));
    const ignore = blocks.find((b) => b.startsWith('# Generated by generator-dockerstack: keeps'));
    assert.ok(ignore?.endsWith('...\n'), 'the .dockerignore sample is the start of the file');
    assert.ok(
      golden('dockerignore').startsWith((ignore ?? '').slice(0, -'...\n'.length)),
      "the .dockerignore sample is the golden file's start",
    );
    const compose = blocks.find((b) => b.includes('pull_policy: build'));
    assert.ok(compose && golden('compose.yaml').includes(compose), 'the compose.yaml sample is part of the golden file');
  });
});
