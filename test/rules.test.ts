// Rule checks on every generated file, for every fixture and every option variant (runtime, ...).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appFixtures, generate, generateApp, listFiles, matrix } from './helpers/fixtures.ts';
import { checkCompose, checkDockerfile, checkDockerignore } from './helpers/rules.ts';

describe('rule checks on generated files', () => {
  for (const combination of matrix()) {
    it(combination.id, async () => {
      const { dir } = await generate(combination);
      try {
        const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
        const distroless = /^FROM\s+\S*(distroless|scratch)\S*\s+AS runtime$/m.test(dockerfile);
        const findings = [
          ...checkDockerfile(dockerfile, { distroless }).map((f) => ({ file: 'Dockerfile', ...f })),
          ...checkCompose(readFileSync(join(dir, 'compose.yaml'), 'utf8')).map((f) => ({ file: 'compose.yaml', ...f })),
          ...checkDockerignore(readFileSync(join(dir, '.dockerignore'), 'utf8'), dockerfile, listFiles(dir)).map((f) => ({
            file: '.dockerignore',
            ...f,
          })),
        ];
        assert.deepEqual(findings, [], findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`).join('\n'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('rule checks on whole repositories (app fixtures)', () => {
  for (const fixture of appFixtures()) {
    it(`app/${fixture.name}`, async () => {
      const { dir, result } = await generateApp(fixture);
      try {
        assert.equal(result.code, 0, result.output);
        const files = listFiles(dir);
        const dockerfiles = files.filter((f) => f.endsWith('Dockerfile'));
        assert.ok(dockerfiles.length >= Object.keys(fixture.stack).length, `a Dockerfile per service: ${dockerfiles.join(', ')}`);
        const findings = [
          ...dockerfiles.flatMap((file) => {
            const text = readFileSync(join(dir, file), 'utf8');
            const distroless = /^FROM\s+\S*(distroless|scratch)\S*\s+AS runtime$/m.test(text);
            return checkDockerfile(text, { distroless }).map((f) => ({ file, ...f }));
          }),
          ...checkCompose(readFileSync(join(dir, 'compose.yaml'), 'utf8')).map((f) => ({ file: 'compose.yaml', ...f })),
        ];
        assert.deepEqual(findings, [], findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`).join('\n'));
      } finally {
        rmSync(dirname(dir), { recursive: true, force: true });
      }
    });
  }
});

describe('the rule checks can fail', () => {
  it('reports a bad Dockerfile', () => {
    const bad = [
      'FROM node:latest',
      'ENV NPM_TOKEN=abc',
      'WORKDIR app',
      'ADD . .',
      'RUN npm install',
      'COPY package.json ./',
      'CMD npm start',
    ].join('\n');
    const rules = new Set(checkDockerfile(bad, { distroless: true }).map((f) => f.rule));
    for (const rule of [
      'syntax',
      'stage-named',
      'pinned-base',
      'no-secret-arg-env',
      'workdir-absolute',
      'no-add',
      'numeric-user',
      'exec-form',
      'one-healthcheck',
    ]) {
      assert.ok(rules.has(rule), `rule ${rule} not reported; got ${[...rules].join(', ')}`);
    }
  });
  it('reports a bad compose file', () => {
    const rules = checkCompose('version: "3.8"\nservices:\n  web:\n    image: x\n    bogus: 1\n').map((f) => f.rule);
    assert.ok(rules.includes('compose-no-version'));
    assert.ok(rules.includes('compose-schema'));
  });
  it('reports a .dockerignore that drops a copied file or keeps secrets', () => {
    const rules = checkDockerignore('package.json\n', 'FROM x AS runtime\nCOPY package.json ./\n', ['package.json']).map((f) => f.rule);
    assert.ok(rules.includes('dockerignore-copied'));
    assert.ok(rules.includes('dockerignore-secrets'));
  });
});
