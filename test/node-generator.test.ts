// The Node generator through yeoman-test: prompts, saved answers, existing files and bad input.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import helpers, { result } from 'yeoman-test';
import { FIXTURES } from './helpers/fixtures.ts';
import { captureLog } from './helpers/log.ts';

const GENERATOR = join(import.meta.dirname, '..', 'generators', 'node', 'generator.ts');
const input = join(FIXTURES, 'node', 'npm-express', 'input');
const copyFixture = (dir: string) => cpSync(input, dir, { recursive: true });

describe('dockerstack:node', () => {
  it('asks with select prompts, uses the answers and saves them in .yo-rc.json', async () => {
    await helpers
      .run(GENERATOR)
      .withAnswers({ runtime: 'slim', port: '4100', 'health-path': '/ready', service: 'orders' })
      .onTargetDirectory(copyFixture);
    result.assertFileContent('Dockerfile', /^FROM node:\$\{NODE_VERSION\}-trixie-slim AS runtime$/m);
    result.assertFileContent('Dockerfile', /http:\/\/127\.0\.0\.1:4100\/ready/);
    result.assertFileContent('compose.yaml', /^ {2}orders:$/m);
    result.assertJsonFileContent('.yo-rc.json', {
      'generator-dockerstack': { runtime: 'slim', port: '4100', 'health-path': '/ready', service: 'orders' },
    });
  });

  it('reuses the saved answers on a second run', async () => {
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true } as never)
      .withYoRcConfig('generator-dockerstack', { runtime: 'slim', port: 4200 })
      .onTargetDirectory(copyFixture);
    result.assertFileContent('Dockerfile', /EXPOSE 4200/);
    result.assertFileContent('Dockerfile', /-trixie-slim AS runtime/);
  });

  it('--yes takes the detected answers without a terminal', async () => {
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true } as never)
      .onTargetDirectory(copyFixture);
    result.assertFileContent('Dockerfile', /gcr\.io\/distroless\/nodejs\$\{NODE_VERSION\}-debian13:nonroot AS runtime/);
    result.assertFileContent('Dockerfile', /127\.0\.0\.1:3000\/healthz/);
    result.assertFile(['.dockerignore', 'compose.yaml', 'secrets/.gitignore', 'secrets/npmrc', 'secrets/app_secret.txt']);
  });

  it('keeps a differing Dockerfile in a non-interactive run without --force, and says so', async () => {
    const lines: string[] = [];
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true, force: false } as never) // yeoman-test forces by default
      .onTargetDirectory((dir) => {
        copyFixture(dir);
        writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n# mine\n');
      })
      .onGenerator(captureLog(lines));
    assert.equal(readFileSync('Dockerfile', 'utf8'), 'FROM scratch\n# mine\n');
    assert.ok(
      lines.some((l) => /kept Dockerfile: it differs .* --force/.test(l)),
      lines.join('\n'),
    );
    result.assertFile('compose.yaml');
  });

  it('--force overwrites a differing Dockerfile', async () => {
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true, force: true } as never)
      .onTargetDirectory((dir) => {
        copyFixture(dir);
        writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
      });
    result.assertFileContent('Dockerfile', /AS runtime/);
  });

  it('edits an existing compose.yaml: other services and comments stay', async () => {
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true, force: true } as never)
      .onTargetDirectory((dir) => {
        copyFixture(dir);
        writeFileSync(join(dir, 'compose.yaml'), 'version: "3.8"\n# our cache\nservices:\n  cache:\n    image: redis:7 # pinned by ops\n');
      });
    const text = readFileSync('compose.yaml', 'utf8');
    assert.match(text, /# our cache/);
    assert.match(text, /image: redis:7 # pinned by ops/);
    assert.match(text, /^ {2}orders-api:$/m);
    assert.doesNotMatch(text, /^version:/m);
  });

  it('fails on a malformed package.json, naming the file, and writes nothing', async () => {
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true } as never)
        .onTargetDirectory((dir) => writeFileSync(join(dir, 'package.json'), '{ "name": "x",\n  "scripts": { }\n  "main": 1 }')),
      /package\.json: is not valid JSON \(line 3\)/,
    );
    assert.equal(existsSync('Dockerfile'), false);
    assert.equal(existsSync('compose.yaml'), false);
    assert.equal(existsSync('.yo-rc.json'), false);
  });

  it('lists the allowed values for an unknown option value', async () => {
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true, runtime: 'ubuntu' } as never)
        .onTargetDirectory(copyFixture),
      /--runtime: "ubuntu" is not allowed; use one of: distroless, slim, alpine/,
    );
    assert.equal(existsSync('Dockerfile'), false);
  });

  it('--start must name a file in the tree; it is saved in .yo-rc.json and used by the next run', async () => {
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true, start: 'node src/main.js' } as never)
        .onTargetDirectory(copyFixture),
      /--start: "node src\/main\.js" names src\/main\.js, which is not in the tree/,
    );
    assert.equal(existsSync('Dockerfile'), false);
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true, start: 'node --enable-source-maps src/server.js' } as never)
      .onTargetDirectory(copyFixture);
    result.assertFileContent('Dockerfile', /^CMD \["\/nodejs\/bin\/node", "--enable-source-maps", "src\/server\.js"\]$/m);
    result.assertJsonFileContent('.yo-rc.json', { 'generator-dockerstack': { start: 'node --enable-source-maps src/server.js' } });
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true } as never)
      .withYoRcConfig('generator-dockerstack', { start: 'node --enable-source-maps src/server.js' })
      .onTargetDirectory(copyFixture);
    result.assertFileContent('Dockerfile', /"--enable-source-maps", "src\/server\.js"\]$/m);
  });

  it('rejects a bad port from the options', async () => {
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true, port: 70000 } as never)
        .onTargetDirectory(copyFixture),
      /--port: "70000" is not a TCP port/,
    );
    assert.equal(existsSync('Dockerfile'), false);
    assert.equal(existsSync('compose.yaml'), false);
  });
});
