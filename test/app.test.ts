// The app generator: service discovery (pure) and a whole repository through the CLI.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import helpers, { result } from 'yeoman-test';
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
      'apps/api/main.go': 'package main\n\nfunc main() {}\n',
      // A Go module without a main package is a library.
      'libs/health/go.mod': 'module example.com/health\n\ngo 1.24\n',
      'libs/health/health.go': 'package health\n',
      'packages/ui/package.json': JSON.stringify({ name: '@acme/ui', main: 'index.js' }),
      // A library with a build script, and one an app depends on although it has a server dependency.
      'packages/format/package.json': JSON.stringify({ name: '@acme/format', scripts: { build: 'tsc' } }),
      'packages/http/package.json': JSON.stringify({ name: '@acme/http', dependencies: { express: '4' } }),
      'apps/admin/package.json': JSON.stringify({
        name: '@acme/admin',
        scripts: { start: 'node a.js' },
        dependencies: { '@acme/http': '*' },
      }),
      'worker/pyproject.toml': '[project]\nname = "worker"\n',
      'node_modules/x/package.json': JSON.stringify({ name: 'x', scripts: { start: 'node x' } }),
      'test/fixtures/app/package.json': JSON.stringify({ name: 'fx', scripts: { start: 'node x' } }),
    });
    assert.deepEqual(
      discoverServices(project).map((s) => `${s.name} ${s.language} <- ${s.source}`),
      [
        'admin node <- apps/admin/package.json scripts.start "node a.js", member of package.json "workspaces"',
        'web node <- apps/web/package.json scripts.build "vite build", member of package.json "workspaces"',
        'api go <- apps/api/go.mod',
        'worker python <- worker/pyproject.toml',
      ],
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

describe('dockerstack (app), interactive', () => {
  const generator = (name: string) => join(import.meta.dirname, '..', 'generators', name, 'generator.ts');

  it('lets the user drop a service, rename the others and change their answers', async () => {
    const asked: string[] = [];
    await helpers
      .run(generator('app'))
      .withGenerators([
        [generator('node'), { namespace: 'dockerstack:node' }],
        [generator('go'), { namespace: 'dockerstack:go' }],
        [generator('python'), { namespace: 'dockerstack:python' }],
      ] as never)
      .withAnswers(
        { chosen: ['web', 'api'], backing: [] },
        {
          // Every service generator asks for its service name (each gets its detected name with a prefix)
          // and its runtime (the second choice of its own list: slim for Node, scratch for Go).
          callback: (answer, { question }) => {
            asked.push(String(question.name));
            if (question.name === 'service') return `shop-${question.default}`;
            if (question.name === 'runtime') {
              const second = (question as unknown as { choices: Array<string | { value: string }> }).choices[1];
              return typeof second === 'string' ? second : second.value;
            }
            return answer;
          },
        },
      )
      .onTargetDirectory((dir) => {
        cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), join(dir, 'web'), { recursive: true });
        cpSync(join(FIXTURES, 'go', 'stdlib-root', 'input'), join(dir, 'api'), { recursive: true });
        cpSync(join(FIXTURES, 'python', 'pip-flask', 'input'), join(dir, 'worker'), { recursive: true });
      });
    assert.ok(asked.includes('chosen') && asked.includes('backing'), `asked: ${asked.join(', ')}`);
    result.assertFile(['web/Dockerfile', 'api/Dockerfile', 'compose.yaml']);
    result.assertNoFile('worker/Dockerfile');
    const compose = parse(readFileSync(join(result.cwd, 'compose.yaml'), 'utf8'));
    assert.deepEqual(Object.keys(compose.services).sort(), ['shop-hello', 'shop-orders-api']);
    result.assertFileContent('web/Dockerfile', /^FROM node:\$\{NODE_VERSION\}-trixie-slim AS runtime$/m);
    result.assertFileContent('api/Dockerfile', /^FROM scratch AS runtime$/m);
    result.assertJsonFileContent('web/.yo-rc.json', { 'generator-dockerstack': { runtime: 'slim', service: 'shop-orders-api' } });
  });
});

describe('dockerstack (app) on a repository with several services', () => {
  it('builds the members of a workspace in a subfolder from that folder, next to a service in another language', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockerstack-sub-'));
    try {
      cpSync(join(FIXTURES, 'app', 'pnpm-workspace', 'input'), join(root, 'frontend'), { recursive: true });
      cpSync(join(FIXTURES, 'go', 'stdlib-root', 'input'), join(root, 'backend'), { recursive: true });
      const { code, output } = await runCli(['--yes'], root);
      assert.equal(code, 0, output);
      assert.match(output, /api \(node\) <- frontend\/apps\/api\/package\.json .*member of frontend\/pnpm-workspace\.yaml/);
      const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'));
      assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'hello', 'web', 'worker']);
      assert.deepEqual(compose.services.api.build.context, './frontend');
      assert.deepEqual(compose.services.api.build.dockerfile, 'apps/api/Dockerfile');
      assert.deepEqual(compose.services.hello.build.context, './backend');
      const ignore = readFileSync(join(root, 'frontend', 'apps', 'api', 'Dockerfile.dockerignore'), 'utf8');
      assert.match(ignore, /^secrets$/m);
      assert.doesNotMatch(ignore, /\.\.\//, 'no entry points outside the build context');
      const check = await runCli(['--check'], root);
      assert.equal(check.code, 0, check.output);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

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

describe('dockerstack (app) with a service it cannot understand', () => {
  it('reports it with the reason, leaves it out, writes the others and exits non-zero with --yes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockerstack-partial-'));
    try {
      cpSync(join(FIXTURES, 'python', 'pip-flask', 'input'), join(root, 'api'), { recursive: true });
      // A Node service whose .nvmrc names no Node release: its generator fails in detection.
      mkdirSync(join(root, 'web'));
      writeFileSync(join(root, 'web', 'package.json'), JSON.stringify({ name: 'web', scripts: { start: 'node server.js' } }));
      writeFileSync(join(root, 'web', 'server.js'), 'require("http").createServer().listen(3000);\n');
      writeFileSync(join(root, 'web', '.nvmrc'), 'lts/banana\n');
      const before = readdirSync(join(root, 'web')).sort();
      const { code, output, stderr } = await runCli(['--yes'], root);
      assert.equal(code, 1, output);
      assert.match(output, /left out web \(node, web\): \.nvmrc: unknown LTS codename "lts\/banana"/);
      assert.match(stderr, /1 of 2 service\(s\) left out, nothing written for them: web \(web: \.nvmrc: unknown LTS codename/);
      // The Python service is written in full; nothing of the Node one, not even its saved answers.
      assert.ok(existsSync(join(root, 'api', 'Dockerfile')));
      const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'));
      assert.deepEqual(Object.keys(compose.services), ['api']);
      assert.deepEqual(readdirSync(join(root, 'web')).sort(), before);
      assert.doesNotMatch(readFileSync(join(root, 'README.Docker.md'), 'utf8'), /`web`/);
      // Fixed, the next run adds it next to the other.
      writeFileSync(join(root, 'web', '.nvmrc'), '24\n');
      const again = await runCli(['--yes'], root);
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(Object.keys(parse(readFileSync(join(root, 'compose.yaml'), 'utf8')).services).sort(), ['api', 'web']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('discovery of workspaces', () => {
  it('takes a uv workspace as one service and does not look inside a service folder', () => {
    const project = memoryProject({
      'pyproject.toml': '[project]\nname = "root"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      'uv.lock': 'version = 1\n',
      'packages/api/pyproject.toml': '[project]\nname = "api"\n',
      'packages/lib/pyproject.toml': '[project]\nname = "lib"\n',
    });
    assert.deepEqual(
      discoverServices(project).map((s) => `${s.dir} ${s.source}`),
      ['. pyproject.toml [tool.uv.workspace]'],
    );
    const nested = memoryProject({
      'worker/requirements.txt': 'flask==3.1.2\n',
      'worker/tools/requirements.txt': 'click==8.1.8\n',
      'api/go.mod': 'module example.com/api\n\ngo 1.25\n',
      'api/main.go': 'package main\n\nfunc main() {}\n',
      'api/tools/go.mod': 'module example.com/tools\n\ngo 1.25\n',
      'api/tools/main.go': 'package main\n\nfunc main() {}\n',
    });
    assert.deepEqual(
      discoverServices(nested).map((s) => s.dir),
      ['api', 'worker'],
    );
  });
});

describe('new projects, backing services and existing compose files (app generator)', () => {
  const temp = () => join(mkdtempSync(join(tmpdir(), 'dockerstack-new-')), 'shop');

  it('creates starter services and wires PostgreSQL and Redis into compose.yaml', async () => {
    const root = temp();
    mkdirSync(root);
    try {
      const { code, output } = await runCli(['--yes', '--new', 'web:node,api:go', '--backing', 'postgres,redis'], root);
      assert.equal(code, 0, output);
      assert.match(output, /created web\/ \(node starter\): package\.json, package-lock\.json, server\.js, test\/server\.test\.js/);
      const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'));
      assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'db', 'redis', 'web']);
      assert.equal(compose.services.db.image, 'postgres:18-trixie');
      assert.deepEqual(compose.services.db.healthcheck.test.slice(0, 2), ['CMD', 'pg_isready']);
      assert.match(compose.services.redis.healthcheck.test[1], /REDISCLI_AUTH=.*redis-cli ping/);
      // Redis asks for a password; the app gets it in REDIS_URL from its git-ignored env file, never printed.
      const redisPassword = /^requirepass (\S+)$/m.exec(readFileSync(join(root, 'secrets', 'redis.conf'), 'utf8'))?.[1] ?? '';
      assert.ok(redisPassword.length >= 24);
      assert.deepEqual(compose.services.web.env_file, ['./secrets/web.env']);
      assert.match(
        readFileSync(join(root, 'secrets', 'web.env'), 'utf8'),
        new RegExp(`^REDIS_URL=redis://:${redisPassword}@redis:6379/0$`, 'm'),
      );
      assert.equal(compose.services.web.environment.REDIS_URL, undefined);
      assert.deepEqual(compose.services.web.depends_on, { db: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      assert.equal(compose.services.api.environment.DATABASE_PASSWORD_FILE, '/run/secrets/db_password');
      assert.ok(compose.services.api.secrets.includes('db_password'));
      assert.deepEqual(Object.keys(compose.volumes).sort(), ['db-data', 'redis-data']);
      // The password: random, in a git-ignored file, never printed.
      const password = readFileSync(join(root, 'secrets', 'db_password.txt'), 'utf8').trim();
      assert.ok(password.length >= 24);
      assert.ok(!output.includes(password), 'the password is never printed');
      assert.ok(!output.includes(redisPassword), "Redis's password is never printed");
      assert.match(readFileSync(join(root, 'secrets', '.gitignore'), 'utf8'), /^\*$/m);
      // The folder is the owner's alone; each file stays readable for the container user it is mounted for.
      assert.equal(statSync(join(root, 'secrets')).mode & 0o777, 0o700);
      assert.equal(statSync(join(root, 'secrets', 'db_password.txt')).mode & 0o004, 0o004);
      // The next run needs no options: --check regenerates from the saved answers.
      const check = await runCli(['--check'], root);
      assert.equal(check.code, 0, check.output);
      // A drifted file fails --check with a diff that names it.
      writeFileSync(join(root, 'web', 'Dockerfile'), `${readFileSync(join(root, 'web', 'Dockerfile'), 'utf8')}# local edit\n`);
      const dirty = await runCli(['--check'], root);
      assert.equal(dirty.code, 1, dirty.output);
      assert.match(dirty.output, /web\/Dockerfile|Dockerfile/);
      assert.match(dirty.output, /\+?# local edit/);
    } finally {
      rmSync(dirname(root), { recursive: true, force: true });
    }
  });

  it('refuses --new into a folder that has files, and a bad --new or --backing, writing nothing', async () => {
    const root = temp();
    mkdirSync(join(root, 'web'), { recursive: true });
    writeFileSync(join(root, 'web', 'notes.txt'), 'mine\n');
    try {
      const taken = await runCli(['--yes', '--new', 'web:node'], root);
      assert.equal(taken.code, 1);
      assert.match(taken.output, /web: exists and is not empty; --new only creates new services/);
      const bad = await runCli(['--yes', '--new', 'web:ruby'], root);
      assert.equal(bad.code, 1);
      assert.match(bad.output, /--new: "ruby" is not a language; use one of: node, go, python/);
      const backing = await runCli(['--yes', '--new', 'api:go', '--backing', 'cassandra'], root);
      assert.equal(backing.code, 1);
      assert.match(backing.output, /--backing: "cassandra" is not allowed; use any of: postgres, redis, mysql, mongo, rabbitmq/);
      assert.deepEqual(readdirSync(root), ['web'], 'nothing written');
      assert.deepEqual(readdirSync(join(root, 'web')), ['notes.txt']);
    } finally {
      rmSync(dirname(root), { recursive: true, force: true });
    }
  });

  it('asks for --new in a folder with files but no service', async () => {
    const root = temp();
    mkdirSync(root);
    writeFileSync(join(root, 'notes.md'), '# plans\n');
    try {
      const r = await runCli(['--yes'], root);
      assert.equal(r.code, 1);
      assert.match(r.output, /no service found .*pass --new name:language/);
      assert.deepEqual(readdirSync(root), ['notes.md']);
    } finally {
      rmSync(dirname(root), { recursive: true, force: true });
    }
  });
});
