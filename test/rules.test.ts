// Rule checks on every generated file, for every fixture and every option variant (runtime, ...).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { entrypointInit } from '../lib/dockerfile.ts';
import {
  appFixtures,
  composeBuilds,
  composeFileOf,
  generate,
  generateApp,
  listFiles,
  matrix,
  type ServiceBuild,
} from './helpers/fixtures.ts';
import { checkCompose, checkDockerfile, checkDockerignore } from './helpers/rules.ts';

/**
 * One init as PID 1: a service whose image's ENTRYPOINT is an init must not get compose's init too (two
 * inits; tini warns on every start that it is not PID 1).
 */
function checkOneInit(dockerfile: string, composeText: string, service: string): Array<{ line: number; rule: string; message: string }> {
  const init = entrypointInit(dockerfile);
  const compose = parse(composeText) as { services?: Record<string, { init?: boolean }> };
  if (!init || compose.services?.[service]?.init !== true) return [];
  return [{ line: 0, rule: 'one-init', message: `service ${service}: init: true, but the image's ENTRYPOINT runs ${init} already` }];
}

/** Rule findings for one built service: its Dockerfile, and its ignore file against its build context. */
function serviceFindings(build: ServiceBuild, composeText: string) {
  const dockerfile = readFileSync(build.dockerfile, 'utf8');
  const distroless = /^FROM\s+\S*(distroless|scratch)\S*\s+AS runtime$/m.test(dockerfile);
  const name = (path: string) => relative(build.context, path);
  return [
    ...checkDockerfile(dockerfile, { distroless }).map((f) => ({ file: name(build.dockerfile), ...f })),
    ...checkOneInit(dockerfile, composeText, build.service).map((f) => ({ file: 'compose.yaml', ...f })),
    ...checkDockerignore(readFileSync(build.dockerignore, 'utf8'), dockerfile, listFiles(build.context)).map((f) => ({
      file: name(build.dockerignore),
      ...f,
    })),
  ];
}

describe('rule checks on generated files', () => {
  for (const combination of matrix()) {
    it(combination.id, async () => {
      const { dir, root, build } = await generate(combination);
      try {
        const composeText = readFileSync(join(dir, 'compose.yaml'), 'utf8');
        const findings = [
          ...serviceFindings(build, composeText),
          ...checkCompose(composeText).map((f) => ({ file: 'compose.yaml', ...f })),
        ];
        assert.deepEqual(findings, [], findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`).join('\n'));
      } finally {
        rmSync(root, { recursive: true, force: true });
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
        const builds = composeBuilds(dir);
        assert.ok(
          builds.length >= Object.keys(fixture.stack).length,
          `a Dockerfile per service: ${builds.map((b) => b.dockerfile).join(', ')}`,
        );
        const composeFile = composeFileOf(dir);
        const composeText = readFileSync(join(dir, composeFile), 'utf8');
        const findings = [
          ...builds.flatMap((b) => serviceFindings(b, composeText)),
          ...checkCompose(composeText).map((f) => ({ file: composeFile, ...f })),
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
  it('reports two inits: compose init: true on an image whose ENTRYPOINT is tini', () => {
    const dockerfile = 'FROM node:26 AS deps\nFROM deps AS runtime\nENTRYPOINT ["/usr/local/bin/tini", "--"]\nCMD ["node", "a.js"]\n';
    assert.deepEqual(
      checkOneInit(dockerfile, 'services:\n  web:\n    init: true\n', 'web').map((f) => f.rule),
      ['one-init'],
    );
    assert.deepEqual(checkOneInit(dockerfile, 'services:\n  web:\n    init: false\n', 'web'), []);
    assert.equal(entrypointInit('FROM a AS runtime\nENTRYPOINT ["/app/server"]\n'), undefined);
    assert.equal(entrypointInit('FROM a AS runtime\nENTRYPOINT ["/sbin/dumb-init", "--"]\n'), 'dumb-init');
  });
  it('reports a .dockerignore that drops a copied file or keeps secrets', () => {
    const rules = checkDockerignore('package.json\n', 'FROM x AS runtime\nCOPY package.json ./\n', ['package.json']).map((f) => f.rule);
    assert.ok(rules.includes('dockerignore-copied'));
    assert.ok(rules.includes('dockerignore-secrets'));
  });
});
