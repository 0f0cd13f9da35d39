// The app generator: service discovery (pure) and a whole repository through the CLI.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { discoverServices } from '../lib/discover.ts';
import { memoryProject } from '../lib/project.ts';
import { FIXTURES, runCli } from './helpers/fixtures.ts';
import { checkCompose, checkDockerfile } from './helpers/rules.ts';

describe('service discovery', () => {
  it('finds services at the root and in subfolders, skipping node_modules, libraries and test fixtures', () => {
    const project = memoryProject({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }),
      'apps/web/package.json': JSON.stringify({ name: '@acme/web', scripts: { build: 'vite build' } }),
      'apps/api/go.mod': 'module example.com/api\n\ngo 1.24\n',
      'packages/ui/package.json': JSON.stringify({ name: '@acme/ui', main: 'index.js' }),
      'worker/pyproject.toml': '[project]\nname = "worker"\n',
      'node_modules/x/package.json': JSON.stringify({ name: 'x', scripts: { start: 'node x' } }),
      'test/fixtures/app/package.json': JSON.stringify({ name: 'fx', scripts: { start: 'node x' } }),
    });
    assert.deepEqual(
      discoverServices(project).map((s) => `${s.name} ${s.language} <- ${s.source}`),
      ['api go <- apps/api/go.mod', 'web node <- apps/web/package.json', 'worker python <- worker/pyproject.toml'],
    );
  });
  it('takes a single service at the root', () => {
    const project = memoryProject({
      'package.json': JSON.stringify({ name: 'one', scripts: { start: 'node i.js' } }),
      'src/package.json': '{}',
    });
    assert.deepEqual(
      discoverServices(project).map((s) => s.dir),
      ['.'],
    );
  });
});

describe('dockerstack (app) on a repository with several services', () => {
  it('writes a Dockerfile per service and one compose.yaml that holds them all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockerstack-mono-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), join(root, 'api'), { recursive: true });
    cpSync(join(FIXTURES, 'node', 'static-vite', 'input'), join(root, 'web'), { recursive: true });
    cpSync(join(FIXTURES, 'node', 'nolock-plain', 'input'), join(root, 'services', 'echo'), { recursive: true });
    const { code, output } = await runCli(['--yes'], root);
    assert.equal(code, 0, output);
    assert.match(output, /orders-api \(node\) <- api\/package\.json/);
    const text = readFileSync(join(root, 'compose.yaml'), 'utf8');
    const compose = parse(text);
    assert.deepEqual(Object.keys(compose.services).sort(), ['marketing-site', 'orders-api', 'plain-http']);
    assert.equal(compose.services['plain-http'].build.context, './services/echo');
    assert.equal(compose.name, root.split('/').pop()?.toLowerCase());
    assert.deepEqual(checkCompose(text), []);
    for (const dir of ['api', 'web', 'services/echo']) {
      assert.deepEqual(checkDockerfile(readFileSync(join(root, dir, 'Dockerfile'), 'utf8')), [], dir);
      assert.ok(existsSync(join(root, dir, '.dockerignore')));
    }
    assert.ok(existsSync(join(root, 'secrets', 'app_secret.txt')));
    // One README.Docker.md beside compose.yaml describes every service, though each generator wrote in turn.
    const readme = readFileSync(join(root, 'README.Docker.md'), 'utf8');
    for (const [name, context] of [
      ['orders-api', 'api'],
      ['marketing-site', 'web'],
      ['plain-http', 'services/echo'],
    ])
      assert.match(readme, new RegExp(`^\\| \`${name}\` \\| \`${context}\` \\|`, 'm'), `${name} in README.Docker.md`);
    assert.match(readme, /^docker build --target test api$/m);
    assert.match(readme, /^trivy image plain-http:dev$/m);
    assert.equal(existsSync(join(root, 'api', 'README.Docker.md')), false, 'only beside compose.yaml');
    const check = await runCli(['--check'], root);
    assert.equal(check.code, 0, check.output);
    rmSync(root, { recursive: true, force: true });
  });
});
