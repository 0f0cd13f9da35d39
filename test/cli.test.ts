// The published entry points: the `dockerstack` bin and yo's generator lookup.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { FIXTURES, ROOT, runCli } from './helpers/fixtures.ts';

describe('dockerstack CLI', () => {
  it('--help lists every option with its default', async () => {
    const { code, stdout } = await runCli(['node', '--help'], tmpdir());
    assert.equal(code, 0);
    for (const option of ['--runtime', '--port', '--health-path', '--service', '--start', '--yes', '--force', '--check']) {
      assert.match(stdout, new RegExp(`${option}\\b[^\\n]*\\[default: `), `${option} with its default in --help`);
    }
    assert.match(stdout, /distroless\|slim\|alpine/);
  });

  it('exits non-zero with the file and the problem on a malformed package.json, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-bad-'));
    writeFileSync(join(dir, 'package.json'), '{"name": "x", "scripts": {"start": "node a.js",}}');
    const { code, stderr } = await runCli(['node', '--yes'], dir);
    assert.equal(code, 1);
    assert.match(stderr, /dockerstack: error: package\.json: is not valid JSON/);
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
    assert.equal(existsSync(join(dir, '.yo-rc.json')), false);
    rmSync(dir, { recursive: true });
  });

  it('names an unknown generator', async () => {
    const { code, stderr } = await runCli(['rust', '--yes'], tmpdir());
    assert.equal(code, 2);
    assert.match(stderr, /unknown generator "rust"; use one of: app, node/);
  });

  it('says so when the destination is not writable', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-ro-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
    } catch {
      this.skip();
    }
    try {
      cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      const { code, stderr } = await runCli(['node', '--yes'], dir);
      assert.equal(code, 1);
      assert.match(stderr, /the destination folder is not writable/);
    } finally {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the node generator from the bin and prints facts with sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-cli-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    const { code, output } = await runCli(['node', '--yes'], dir);
    assert.equal(code, 0);
    assert.match(output, /node 26 <- package\.json engines\.node \(newest LTS satisfying >=20\)/);
    assert.match(output, /port 3000 <- src\/server\.js:7/);
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /target: runtime/);
    rmSync(dir, { recursive: true });
  });
});

describe('--check (drift from the saved answers)', () => {
  it('exits 0 when the files match and 1 with a diff when one drifted, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-check-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    assert.equal((await runCli(['node', '--yes', '--runtime', 'slim'], dir)).code, 0);
    const clean = await runCli(['node', '--check'], dir);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /every generated file matches the saved answers/);
    const edited = readFileSync(join(dir, 'Dockerfile'), 'utf8').replace('USER 1000:1000', 'USER root');
    writeFileSync(join(dir, 'Dockerfile'), edited);
    const dirty = await runCli(['node', '--check'], dir);
    assert.equal(dirty.code, 1);
    assert.match(dirty.stderr, /generated files differ/);
    assert.match(dirty.stderr, /^-USER root$/m);
    assert.match(dirty.stderr, /^\+USER 1000:1000$/m);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), edited, '--check writes nothing');
    rmSync(dir, { recursive: true });
  });

  it('python: --start and --server are saved, so --check needs neither; a --start that does not resolve writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-start-'));
    cpSync(join(FIXTURES, 'python', 'procfile-factory-flask', 'input'), dir, { recursive: true });
    const bad = await runCli(['python', '--yes', '--start', 'gunicorn missing:app'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--start: gunicorn missing:app: module missing \(missing\.py\) is not in the tree/);
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
    assert.equal(existsSync(join(dir, '.yo-rc.json')), false);
    const run = await runCli(['python', '--yes', '--start', 'gunicorn journal:app --workers 3', '--server', 'gunicorn'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /"--workers", "3", "journal:app"\]/);
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-dockerstack'];
    assert.equal(saved.start, 'gunicorn journal:app --workers 3');
    assert.equal(saved.server, 'gunicorn');
    const check = await runCli(['python', '--check'], dir);
    assert.equal(check.code, 0, check.output);
    rmSync(dir, { recursive: true });
  });
});

describe('yo lookup', () => {
  it('finds each namespace exactly once in a linked checkout (sources and dist side by side)', async () => {
    const npmPaths = mkdtempSync(join(tmpdir(), 'dockerstack-lookup-'));
    mkdirSync(join(npmPaths, 'node_modules'));
    execFileSync('ln', ['-s', ROOT, join(npmPaths, 'node_modules', 'generator-dockerstack')]);
    const env = createEnv();
    const found = await env.lookup({ npmPaths: [join(npmPaths, 'node_modules')], packagePatterns: ['generator-dockerstack'] });
    const namespaces = found.map((g) => g.namespace);
    assert.deepEqual([...new Set(namespaces)].sort(), namespaces.toSorted(), `duplicates in ${namespaces.join(', ')}`);
    assert.ok(namespaces.includes('dockerstack:node'));
    assert.ok(namespaces.includes('dockerstack:app'));
    for (const g of found) assert.match((g as { filePath?: string }).filePath ?? '', /dist\/generators\/\w+\/index\.js$/);
    rmSync(npmPaths, { recursive: true });
  });
});
