// Bun projects: when Bun runs the app, Bun's version, images and commands. In-memory projects, no Yeoman.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { detectBunStart } from '../generators/node/bun.ts';
import { detectNode, PACKAGE_MANAGER_DEFAULTS } from '../generators/node/detect.ts';
import { planNode } from '../generators/node/plan.ts';
import { InputError } from '../lib/errors.ts';
import { findWorkspace } from '../lib/js-workspace.ts';
import { memoryProject, subProject } from '../lib/project.ts';
import { FIXTURES, runCli } from './helpers/fixtures.ts';

const LOCK = '{\n  "lockfileVersion": 1,\n  "workspaces": {},\n  "packages": {},\n}\n';
const bunProject = (pkg: Record<string, unknown>, files: Record<string, string> = {}) =>
  memoryProject({
    'package.json': JSON.stringify({ name: 'api', dependencies: { hono: '^4' }, ...pkg }),
    'bun.lock': LOCK,
    'src/index.ts': 'Bun.serve({ port: 4000, fetch: () => new Response("ok") });\n',
    ...files,
  });
const answers = { runtime: 'distroless' as const, port: 4000, healthPath: '/', service: 'api' };

describe('bun', () => {
  it('finds the production command in a start script that runs bun', () => {
    const start = (script: string, scripts: Record<string, string> = {}) =>
      detectBunStart(memoryProject({}), { scripts: { start: script, ...scripts } })?.value;
    assert.deepEqual(start('bun run src/index.ts'), ['src/index.ts']);
    assert.deepEqual(start('bun src/server.ts'), ['src/server.ts']);
    assert.deepEqual(start('NODE_ENV=production bun --watch run src/index.ts'), ['src/index.ts']);
    assert.deepEqual(start('bun run serve', { serve: 'bun --smol src/main.ts' }), ['--smol', 'src/main.ts']);
    assert.equal(start('node dist/index.js'), undefined);
    assert.equal(start('bun test'), undefined);
    const module = detectBunStart(memoryProject({ 'index.ts': '' }), { module: 'index.ts' });
    assert.deepEqual(module?.value, ['index.ts']);
    assert.equal(module?.source, 'package.json "module"');
  });

  it('runs a Bun app with Bun on oven/bun images, at the newest Bun release without "packageManager"', () => {
    const f = detectNode(bunProject({ scripts: { start: 'bun run src/index.ts' } }));
    assert.equal(f.engine.value, 'bun');
    assert.equal(f.engine.source, 'package.json scripts.start');
    assert.deepEqual(f.packageManager.value, { name: 'bun', version: PACKAGE_MANAGER_DEFAULTS.bun, lockfile: 'bun.lock', berry: false });
    assert.equal(f.packageManager.source, 'bun.lock');
    assert.match(f.packageManager.note ?? '', /newest Bun release/);
    const d = planNode(f, answers).dockerfile as Record<string, unknown>;
    assert.deepEqual(d.args, [{ name: 'BUN_VERSION', value: PACKAGE_MANAGER_DEFAULTS.bun }]);
    assert.equal(d.buildImage, 'oven/bun:${BUN_VERSION}-slim');
    assert.equal(d.runtimeImage, 'oven/bun:${BUN_VERSION}-distroless');
    assert.equal(d.user, '65532:65532');
    assert.match(String(d.installRun), /--mount=type=cache,target=\/root\/\.bun\/install\/cache/);
    assert.match(String(d.installRun), /bun install --frozen-lockfile --production$/);
    assert.deepEqual(d.depsSetup, [(d.depsSetup as string[])[0]], 'bun is in the image: nothing installs it');
    assert.equal(d.entrypoint, '["/usr/local/bin/tini", "--"]');
    assert.equal(d.cmd, '["/usr/local/bin/bun", "src/index.ts"]');
    assert.match(String(d.healthcheck), /CMD \["\/usr\/local\/bin\/bun", "-e", "fetch\('http:\/\/127\.0\.0\.1:4000\/'\)/);
    const slim = planNode(f, { ...answers, runtime: 'slim' }).dockerfile as Record<string, unknown>;
    assert.equal(slim.runtimeImage, 'oven/bun:${BUN_VERSION}-slim');
    assert.equal(slim.user, '1000:1000');
  });

  it('takes the Bun version from "packageManager"', () => {
    const f = detectNode(bunProject({ packageManager: 'bun@1.3.2', scripts: { start: 'bun src/index.ts' } }));
    assert.equal(f.packageManager.value.version, '1.3.2');
    assert.deepEqual((planNode(f, answers).dockerfile as Record<string, unknown>).args, [{ name: 'BUN_VERSION', value: '1.3.2' }]);
  });

  it('runs with Node when the start script runs node, installing with bun on the Node image', () => {
    const f = detectNode(bunProject({ scripts: { build: 'tsc', start: 'node dist/index.js' } }, { 'bun.lockb': 'binary' }));
    assert.equal(f.engine.value, 'node');
    const d = planNode(f, answers).dockerfile as Record<string, unknown>;
    assert.match(String(d.runtimeImage), /^gcr\.io\/distroless\/nodejs/);
    assert.match(String(d.buildImage), /^node:/);
    assert.ok((d.depsSetup as string[]).some((s) => s.includes(`npm install -g bun@${PACKAGE_MANAGER_DEFAULTS.bun}`)));
  });

  it('rejects a bun.lock that is not a Bun lockfile, naming the file', () => {
    assert.throws(
      () => detectNode(memoryProject({ 'package.json': '{"name":"x","main":"i.js"}', 'bun.lock': 'lockfileVersion: 9\n', 'i.js': '' })),
      (e: unknown) => e instanceof InputError && /bun\.lock/.test(e.message) && /lockfileVersion/.test(e.message),
    );
  });

  it('takes the health route from the app, not from a test that requests it', () => {
    const f = detectNode(
      bunProject(
        { scripts: { start: 'bun run src/index.ts' } },
        { 'src/app.ts': "app.get('/healthz', ok);\n", 'src/app.spec.ts': "\n\nrequest('/healthz');\n" },
      ),
    );
    assert.equal(f.healthPath.source, 'src/app.ts:1');
  });

  it('builds a Bun workspace member from the root: full install, then only its production modules (--filter)', () => {
    const project = memoryProject({
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['apps/*', 'packages/*'] }),
      'bun.lock': LOCK,
      'apps/api/package.json': JSON.stringify({
        name: '@acme/api',
        scripts: { start: 'bun src/server.ts', test: 'bun test' },
        dependencies: { '@acme/util': 'workspace:*', hono: '^4' },
      }),
      'apps/api/src/server.ts': 'Bun.serve({ port: 4000, fetch });\n',
      'apps/admin/package.json': JSON.stringify({ name: '@acme/admin', scripts: { start: 'bun src/main.ts' } }),
      'packages/util/package.json': JSON.stringify({ name: '@acme/util', scripts: { build: 'tsc' } }),
    });
    const found = findWorkspace('/r/apps/api', (dir) => subProject(project, dir.replace(/^\/r\/?/, '') || '.'));
    const f = detectNode(subProject(project, 'apps/api'), found);
    assert.equal(f.engine.value, 'bun');
    const d = planNode(f, answers).dockerfile as Record<string, unknown>;
    assert.match(String(d.installRun), /bun install --frozen-lockfile$/);
    const build = (d.build as { run: string }).run;
    assert.match(build, /bun run --cwd packages\/util build/);
    assert.match(
      build,
      /rm -rf node_modules packages\/util\/node_modules apps\/api\/node_modules \\\n {4}&& bun install --frozen-lockfile --production --filter @acme\/api$/,
    );
    assert.match(build, /--mount=type=cache,target=\/root\/\.bun\/install\/cache/);
    assert.equal((d.test as { run: string }).run, 'RUN bun run --cwd packages/util build \\\n    && bun run --cwd apps/api test');
    assert.equal(d.runtimeWorkdir, '/app/apps/api');
    assert.equal(d.cmd, '["/usr/local/bin/bun", "src/server.ts"]');
  });

  it('gives a repository with a Python back end and a Bun workspace front end every service', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockerstack-bun-app-'));
    try {
      cpSync(join(FIXTURES, 'python', 'pip-flask', 'input'), join(root, 'backend'), { recursive: true });
      cpSync(join(FIXTURES, 'node', 'bun-workspace', 'input'), join(root, 'frontend'), { recursive: true });
      const { code, output } = await runCli(['--yes'], root);
      assert.equal(code, 0, output);
      const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'));
      assert.deepEqual(Object.keys(compose.services).sort(), ['admin', 'api', 'backend']);
      assert.equal(compose.services.api.build.context, './frontend');
      assert.equal(compose.services.api.build.dockerfile, 'apps/api/Dockerfile');
      assert.match(readFileSync(join(root, 'frontend', 'apps', 'admin', 'Dockerfile'), 'utf8'), /--production --filter @hello\/admin$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
