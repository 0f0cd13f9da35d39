// The corpus measure's pure part (corpus/lib.ts), and every expectation file in corpus/expect checked
// for what a reviewer needs: a pinned commit, a license, and a source for every fact.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExpectation, compare, type Expectation, parseFacts, tally, type WrittenService, wordsInOrder } from '../corpus/lib.ts';
import { ROOT } from './helpers/fixtures.ts';

const OUTPUT = `dockerstack found 2 service(s) in /tmp/x:
  web (node) <- web/package.json
  api (python) <- api/requirements.txt
dockerstack:node found in /tmp/x/web:
  service web <- package.json "name"
  node 22 <- .nvmrc (22 kept)
  pnpm 9.15.0 <- package.json "packageManager"
  build "vite build && tsc" <- package.json scripts.build
  start node dist/server.js <- package.json scripts.start ("node dist/server.js")
  port 3000 <- src/server.ts:9
  healthcheck /healthz <- src/server.ts:4
dockerstack:python found in /tmp/x/api:
  service api <- folder name
  python 3.13 <- default
  pip <- requirements.txt
  start gunicorn --bind 0.0.0.0:8000 api.wsgi:application <- api/wsgi.py
  port 8000 <- gunicorn default
  healthcheck / <- default
`;

const written: WrittenService[] = [
  { name: 'web', context: 'web', dependsOn: ['redis'], mounts: ['/tmp', '/app/uploads'], workdir: '/app', ports: ['3000:3000'] },
  { name: 'api', context: 'api', dependsOn: [], mounts: ['/tmp'], workdir: '/app', ports: ['8000:8000'] },
  { name: 'worker', context: 'api', command: 'celery -A api worker --loglevel info', dependsOn: [], mounts: [], ports: [] },
  { name: 'redis', image: 'redis:8.2-trixie', dependsOn: [], mounts: [], ports: [] },
];

const expectation = (services: Expectation['services']): Expectation => ({
  id: 'multi-test',
  repo: 'acme/test',
  commit: 'a'.repeat(40),
  path: '.',
  license: 'MIT',
  licenseFile: 'LICENSE',
  why: 'test',
  tags: [],
  buildable: true,
  services,
});

describe('corpus: reading a run and comparing it with the expectations', () => {
  it('reads each service block of the printed facts, with its folder relative to the project', () => {
    const blocks = parseFacts(OUTPUT, '/tmp/x');
    assert.deepEqual(
      blocks.map((b) => [b.language, b.dir]),
      [
        ['node', 'web'],
        ['python', 'api'],
      ],
    );
    assert.deepEqual(blocks[0].facts, {
      version: '22',
      packageManager: 'pnpm',
      packageManagerVersion: '9.15.0',
      build: 'vite build && tsc',
      start: 'node dist/server.js',
      port: '3000',
      health: '/healthz',
    });
  });

  it('matches a start command by its words in order, and a WSGI module by its default attribute', () => {
    assert.ok(wordsInOrder('gunicorn api.wsgi', 'gunicorn --bind 0.0.0.0:8000 api.wsgi:application'));
    assert.ok(wordsInOrder('node dist/server.js', 'node ./dist/server.js'));
    assert.ok(wordsInOrder('node dist/main', 'node dist/main.js'));
    assert.ok(!wordsInOrder('node dist/server.js', 'node index.js'));
    assert.ok(!wordsInOrder('uvicorn app.main:app', 'gunicorn app.main:app'));
  });

  it('counts each expected fact right or wrong, workers from their compose service', () => {
    const results = compare(
      expectation([
        {
          dir: 'web',
          language: 'node',
          kind: 'web',
          facts: {
            version: { range: '>=20 <23', source: 'x' },
            packageManager: { value: 'pnpm@9.15.0', source: 'x' },
            build: { value: 'pnpm run build', source: 'x' },
            start: { value: 'node dist/server.js', source: 'x' },
            port: { value: 3000, source: 'x' },
            health: { any: ['/healthz'], source: 'x' },
            backing: { value: ['redis'], source: 'x' },
            writable: { value: ['uploads/avatars'], source: 'x' },
          },
        },
        {
          dir: 'api',
          language: 'python',
          kind: 'web',
          facts: {
            version: { range: '>=3.8 <3.11', source: 'Django 3.2' },
            start: { value: 'gunicorn api.wsgi', source: 'x' },
            port: { value: 5000, source: 'x' },
            backing: { value: ['postgres'], source: 'x' },
          },
        },
        { dir: 'api', language: 'python', kind: 'worker', facts: { start: { value: 'celery -A api worker', source: 'x' } } },
        { dir: 'missing', language: 'go', kind: 'web', facts: { port: { value: 8080, source: 'x' } } },
      ]),
      { printed: parseFacts(OUTPUT, '/tmp/x'), written, scripts: { web: { build: 'vite build && tsc' } } },
    );
    const wrong = results.flatMap((s) => s.facts.filter((f) => !f.ok).map((f) => `${s.dir} ${f.fact}`));
    assert.deepEqual(wrong, ['api version', 'api port', 'api backing', 'missing port']);
    assert.deepEqual(
      results.map((s) => s.generated),
      [true, true, true, false],
    );
    assert.deepEqual(tally(results), { right: 10, total: 14 });
  });

  it('refuses an expectation a reviewer cannot check', () => {
    const bad = {
      ...expectation([]),
      commit: 'abc',
      services: [{ dir: '.', language: 'ruby', kind: 'web', facts: { port: { value: '80' } } }],
    };
    const problems = checkExpectation(bad as unknown as Expectation, 'corpus/expect/multi-test.json');
    assert.ok(problems.some((p) => p.includes('40 hex')));
    assert.ok(problems.some((p) => p.includes('"ruby"')));
    assert.ok(problems.some((p) => p.includes('facts.port has no source')));
    assert.ok(problems.some((p) => p.includes('port.value must be a number')));
  });

  it('every expectation in corpus/expect is well formed', () => {
    const dir = join(ROOT, 'corpus', 'expect');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 40, `${files.length} repositories in the corpus`);
    const problems = files.flatMap((f) => checkExpectation(JSON.parse(readFileSync(join(dir, f), 'utf8')), `corpus/expect/${f}`));
    assert.deepEqual(problems, []);
  });
});
