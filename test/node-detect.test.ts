// Detection is pure: these tests use in-memory projects, no Yeoman and no disk.
import assert from 'node:assert/strict';
import { detectNode, serviceName } from '../generators/node/detect.ts';
import { planNode } from '../generators/node/plan.ts';
import { memoryProject } from '../lib/project.ts';

const pkg = (p: Record<string, unknown>) => JSON.stringify({ name: 'app', scripts: { start: 'node index.js' }, ...p });

describe('node detection', () => {
  it('reads the package manager version from packageManager, before the lockfile', () => {
    const f = detectNode(
      memoryProject({
        'package.json': pkg({ packageManager: 'pnpm@9.15.0+sha512.abc' }),
        'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
        'index.js': '',
      }),
    );
    assert.deepEqual(f.packageManager.value, { name: 'pnpm', version: '9.15.0', lockfile: 'pnpm-lock.yaml', berry: false });
    assert.equal(f.packageManager.source, 'package.json "packageManager"');
  });
  it('matches pnpm to the lockfile format (a v6 lockfile needs pnpm 8)', () => {
    const f = detectNode(memoryProject({ 'package.json': pkg({}), 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n", 'index.js': '' }));
    assert.equal(f.packageManager.value.version, '8.15.9');
    assert.equal(f.packageManager.note, 'lockfile v6 -> pnpm 8.15.9');
  });
  it('tells yarn 1 from yarn berry by the lockfile', () => {
    const classic = detectNode(memoryProject({ 'package.json': pkg({}), 'yarn.lock': '# yarn lockfile v1\n', 'index.js': '' }));
    assert.equal(classic.packageManager.value.berry, false);
    const berry = detectNode(memoryProject({ 'package.json': pkg({}), 'yarn.lock': '__metadata:\n  version: 8\n', 'index.js': '' }));
    assert.equal(berry.packageManager.value.berry, true);
    assert.equal(berry.packageManager.value.version, '4.18.1');
  });
  it('installs without a lockfile and says so', () => {
    const f = detectNode(memoryProject({ 'package.json': pkg({}), 'index.js': '' }));
    assert.equal(f.packageManager.value.lockfile, undefined);
    assert.ok(f.warnings.some((w) => /no lockfile/.test(w)));
    const plan = planNode(f, { runtime: 'distroless', port: 3000, healthPath: '/', service: 'app' });
    assert.match(String(plan.dockerfile.installRun), /npm install --omit=dev$/);
  });
  it('takes the Node version from .nvmrc with lts/* and from .tool-versions', () => {
    assert.equal(detectNode(memoryProject({ 'package.json': pkg({}), '.nvmrc': 'lts/*\n', 'index.js': '' })).node.value.tag, '26');
    const tv = detectNode(memoryProject({ 'package.json': pkg({}), '.tool-versions': 'python 3.12.1\nnodejs 22.11.0\n', 'index.js': '' }));
    assert.equal(tv.node.value.tag, '22.11.0');
    assert.equal(tv.node.source, '.tool-versions');
  });
  it('translates dev start commands to the production command', () => {
    const nest = detectNode(
      memoryProject({
        'package.json': pkg({ scripts: { build: 'nest build', start: 'nest start' } }),
        'tsconfig.json': '{"compilerOptions":{"outDir":"./dist"}}',
        'src/main.ts': '',
      }),
    );
    assert.deepEqual(nest.start.value, ['dist/main.js']);
    const tsNode = detectNode(
      memoryProject({
        'package.json': pkg({ scripts: { build: 'tsc', start: 'ts-node src/server.ts' } }),
        'tsconfig.json': '{"compilerOptions":{"outDir":"build","rootDir":"src"}}',
        'src/server.ts': '',
      }),
    );
    assert.deepEqual(tsNode.start.value, ['build/server.js']);
    assert.equal(tsNode.outDir?.value, 'build');
  });
  it('checks the start command against the tree: a "main" that is not there is not used', () => {
    const f = detectNode(memoryProject({ 'package.json': JSON.stringify({ name: 'a', main: 'index.js' }), 'src/index.js': '' }));
    assert.deepEqual(f.start.value, ['src/index.js']);
    assert.equal(f.start.source, 'src/index.js');
    assert.ok(f.warnings.includes('start: package.json "main" names index.js, which is not in the tree: not used'), f.warnings.join('\n'));
    // A dev runner on a missing file, then "bin".
    const bin = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'a', bin: { serve: './bin/serve.js' }, scripts: { start: 'nodemon index.js' } }),
        'bin/serve.js': '',
      }),
    );
    assert.deepEqual(bin.start.value, ['bin/serve.js']);
    assert.equal(bin.start.source, 'package.json bin.serve');
    assert.match(bin.warnings.join('\n'), /scripts\.start names index\.js, which is not in the tree: not used/);
    // node's own resolution: no extension, a folder with index.js, flags before the file.
    const bare = detectNode(
      memoryProject({ 'package.json': pkg({ scripts: { start: 'node -r dotenv/config lib/server' } }), 'lib/server/index.js': '' }),
    );
    assert.deepEqual(bare.start.value, ['-r', 'dotenv/config', 'lib/server']);
    assert.deepEqual(bare.warnings, [
      'no lockfile: dependencies are resolved at build time, so builds are not reproducible; commit a lockfile',
    ]);
  });
  it('takes a compiled file as resolving only when the build writes it', () => {
    const tsc = {
      'package.json': JSON.stringify({ name: 'a', main: 'index.js', scripts: { build: 'tsc' } }),
      'tsconfig.json': '{"compilerOptions":{"outDir":"dist","rootDir":"src"}}',
      'src/index.ts': '',
    };
    const f = detectNode(memoryProject(tsc));
    assert.deepEqual(f.start.value, ['dist/index.js']);
    assert.equal(f.start.source, 'src/index.ts');
    assert.equal(f.start.note, 'compiled by scripts.build to dist; built from src/index.ts');
    // scripts.start on a compiled file with no source for it is rejected; the build's real output is used.
    const stale = detectNode(memoryProject({ ...tsc, 'package.json': pkg({ scripts: { build: 'tsc', start: 'node dist/server.js' } }) }));
    assert.deepEqual(stale.start.value, ['dist/index.js']);
    assert.match(
      stale.warnings.join('\n'),
      /scripts\.start names dist\/server\.js, which is not in the tree and not written by scripts\.build/,
    );
    // A bundler's output file named in the build script.
    const bundled = detectNode(
      memoryProject({
        'package.json': pkg({
          scripts: { build: 'esbuild src/app.ts --bundle --platform=node --outfile=out/server.cjs', start: 'node out/server.cjs' },
        }),
        'src/app.ts': '',
      }),
    );
    assert.deepEqual(bundled.start.value, ['out/server.cjs']);
    assert.match(bundled.start.note ?? '', /written by scripts\.build/);
  });
  it('stops with an error naming every start command it tried when none is in the tree', () => {
    assert.throws(
      () =>
        detectNode(
          memoryProject({ 'package.json': JSON.stringify({ name: 'a', main: 'index.js', scripts: { start: 'vite' } }), 'src/util.js': '' }),
        ),
      (e: Error) =>
        /^package\.json: no start command names a file in the tree; tried package\.json scripts\.start "vite" is not a plain node command: not used; package\.json "main" names index\.js, which is not in the tree: not used; src\/index\.js; .*; main\.js\. Add scripts\.start/.test(
          e.message,
        ),
    );
  });
  it('finds the port and the health route with file and line', () => {
    const f = detectNode(
      memoryProject({
        'package.json': pkg({ dependencies: { express: '4' } }),
        'index.js': "const app = require('express')();\n\napp.get('/health', h);\napp.listen(process.env.PORT || 8080);\n",
      }),
    );
    assert.equal(f.port.value, 8080);
    assert.equal(f.port.source, 'index.js:4');
    assert.equal(f.healthPath.value, '/health');
    assert.equal(f.healthPath.source, 'index.js:3');
  });
  it('finds native modules and builds them on the full image only', () => {
    const f = detectNode(memoryProject({ 'package.json': pkg({ dependencies: { 'better-sqlite3': '11' } }), 'index.js': '' }));
    assert.deepEqual(f.native.value, ['better-sqlite3']);
    const plan = planNode(f, { runtime: 'slim', port: 3000, healthPath: '/', service: 'app' });
    assert.equal(plan.dockerfile.buildImage, 'node:${NODE_VERSION}-trixie');
    assert.equal(plan.dockerfile.runtimeImage, 'node:${NODE_VERSION}-trixie-slim');
  });
  it('keeps an .npmrc with a token out of the image', () => {
    const f = detectNode(memoryProject({ 'package.json': pkg({}), '.npmrc': '//registry.npmjs.org/:_authToken=abc\n', 'index.js': '' }));
    assert.deepEqual(f.secretRcFiles, ['.npmrc']);
    assert.ok(!f.manifestExtras.filter((x) => !f.secretRcFiles.includes(x)).includes('.npmrc'));
  });
  it('names the file and the problem for bad manifests', () => {
    assert.throws(
      () => detectNode(memoryProject({ 'package.json': '{ "name": "x", }' })),
      /^InputError: package\.json: is not valid JSON \(line 1\)/,
    );
    assert.throws(() => detectNode(memoryProject({ 'package.json': '[]' })), /package\.json: must contain a JSON object/);
    assert.throws(
      () => detectNode(memoryProject({ 'package.json': pkg({ packageManager: 'pnpm' }) })),
      /package\.json: "packageManager" must look like/,
    );
    assert.throws(
      () => detectNode(memoryProject({ 'package.json': pkg({}), 'package-lock.json': '{oops' })),
      /package-lock\.json: is not valid JSON/,
    );
    assert.throws(() => detectNode(memoryProject({ 'package.json': pkg({}), '.nvmrc': 'banana' })), /\.nvmrc: "banana" is not a version/);
    assert.throws(() => detectNode(memoryProject({})), /package\.json: not found/);
  });
  it('makes compose-safe service names', () => {
    assert.equal(serviceName('@acme/Web App'), 'web-app');
  });
});
