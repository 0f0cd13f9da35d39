// npm, yarn and pnpm workspaces: members, libraries, the packages a member needs, and what the Node
// generator plans for a member (pure: no Yeoman, no disk).
import assert from 'node:assert/strict';
import { detectNode } from '../generators/node/detect.ts';
import { planNode } from '../generators/node/plan.ts';
import { discoverServices } from '../lib/discover.ts';
import { findWorkspace, memberClosure, readWorkspace } from '../lib/js-workspace.ts';
import { memoryProject, subProject } from '../lib/project.ts';

const json = (value: unknown) => JSON.stringify(value);

/** A pnpm workspace: api -> shared -> config (dev), web (static), a test helper excluded by a negated pattern. */
const PNPM = {
  'package.json': json({ name: 'root', private: true, packageManager: 'pnpm@9.15.0' }),
  'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!**/testing/**'\n",
  'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
  '.nvmrc': '22\n',
  'apps/api/package.json': json({
    name: '@acme/api',
    scripts: { build: 'tsc', start: 'node dist/main.js', test: 'node --test' },
    dependencies: { '@acme/shared': 'workspace:*', express: '4.21.2' },
  }),
  'apps/api/src/main.ts': "app.get('/healthz', h); app.listen(process.env.PORT ?? 4000);\n",
  'apps/web/package.json': json({ name: '@acme/web', scripts: { build: 'vite build' }, devDependencies: { vite: '6' } }),
  'packages/shared/package.json': json({
    name: '@acme/shared',
    scripts: { build: 'tsc' },
    devDependencies: { '@acme/config': 'workspace:*' },
  }),
  'packages/tools/config/package.json': json({ name: '@acme/config' }),
  'packages/testing/mocks/package.json': json({ name: '@acme/mocks', scripts: { start: 'node m.js' } }),
  'node_modules/@acme/api/package.json': json({ name: '@acme/api' }),
};

describe('JS workspaces', () => {
  it('reads the members from pnpm-workspace.yaml, with ** and negated patterns, and tells libraries from services', () => {
    const ws = readWorkspace(memoryProject(PNPM));
    assert.ok(ws);
    assert.equal(ws.source, 'pnpm-workspace.yaml');
    assert.deepEqual(
      ws.members.map((m) => `${m.dir} ${m.deployable ?? 'library'}`),
      [
        'apps/api scripts.start "node dist/main.js"',
        'apps/web dependency "vite"',
        'packages/shared library',
        'packages/tools/config library',
      ],
    );
  });

  it('reads package.json "workspaces" (a list, or { packages })', () => {
    const list = readWorkspace(
      memoryProject({ 'package.json': json({ workspaces: ['svc/*'] }), 'svc/a/package.json': json({ name: 'a' }) }),
    );
    assert.deepEqual(
      list?.members.map((m) => m.dir),
      ['svc/a'],
    );
    const object = readWorkspace(
      memoryProject({ 'package.json': json({ workspaces: { packages: ['svc/*'] } }), 'svc/b/package.json': json({ name: 'b' }) }),
    );
    assert.deepEqual(
      object?.members.map((m) => m.name),
      ['b'],
    );
    assert.equal(readWorkspace(memoryProject({ 'package.json': json({ name: 'plain' }) })), undefined);
  });

  it('takes a pnpm-workspace.yaml that lists no member folder for settings only: the root package.json is the service', () => {
    const app = json({ name: 'site', scripts: { build: 'vite build' }, devDependencies: { vite: 'catalog:' } });
    for (const settings of [
      'onlyBuiltDependencies:\n  - esbuild\n',
      'packages: []\ncatalog:\n  vite: ^7.0.0\n',
      'allowBuilds:\n  esbuild: false\n',
    ]) {
      const project = memoryProject({ 'package.json': app, 'pnpm-lock.yaml': '', 'pnpm-workspace.yaml': settings });
      assert.equal(readWorkspace(project), undefined, settings);
      assert.deepEqual(
        discoverServices(project).map((s) => `${s.dir} ${s.language} ${s.source}`),
        ['. node package.json'],
        settings,
      );
    }
    // With a member folder listed it is a workspace: the root is looked at through its members.
    const ws = memoryProject({
      'package.json': app,
      'pnpm-workspace.yaml': 'packages: [apps/*]\n',
      'apps/api/package.json': json({ name: 'api', scripts: { start: 'node .' } }),
    });
    assert.deepEqual(
      discoverServices(ws).map((s) => s.dir),
      ['apps/api'],
    );
  });

  it('orders the packages a member needs: dependencies first, the member last', () => {
    const ws = readWorkspace(memoryProject(PNPM));
    assert.ok(ws);
    assert.deepEqual(
      memberClosure(ws, 'apps/api').map((m) => m.name),
      ['@acme/config', '@acme/shared', '@acme/api'],
    );
  });

  it('reports a dependency cycle and bad workspace files with the file and the problem', () => {
    const cycle = readWorkspace(
      memoryProject({
        'package.json': json({ workspaces: ['p/*'] }),
        'p/a/package.json': json({ name: 'a', dependencies: { b: '*' } }),
        'p/b/package.json': json({ name: 'b', dependencies: { a: '*' } }),
      }),
    );
    assert.ok(cycle);
    assert.throws(() => memberClosure(cycle, 'p/a'), /p\/a\/package\.json: workspace dependency cycle: a -> b -> a/);
    assert.throws(
      () => readWorkspace(memoryProject({ 'pnpm-workspace.yaml': 'packages: [apps/*\n' })),
      /^InputError: pnpm-workspace\.yaml: is not valid YAML/,
    );
    assert.throws(
      () => readWorkspace(memoryProject({ 'pnpm-workspace.yaml': 'packages: apps/*\n' })),
      /pnpm-workspace\.yaml: "packages" must be a list/,
    );
    assert.throws(
      () => readWorkspace(memoryProject({ 'package.json': json({ workspaces: 'apps/*' }) })),
      /package\.json: "workspaces" must be a list/,
    );
  });

  it('finds the workspace a folder belongs to, and none for a folder that is not a member', () => {
    const all = memoryProject(PNPM);
    const at = (dir: string) => subProject(all, dir.replace(/^\/repo\/?/, '') || '.');
    const found = findWorkspace('/repo/apps/api', at);
    assert.equal(found?.rootDir, '/repo');
    assert.equal(found?.member, 'apps/api');
    assert.equal(findWorkspace('/repo/packages/testing/mocks', at), undefined);
  });
});

describe('Node generator on a workspace member', () => {
  const root = memoryProject(PNPM);
  const context = () => {
    const found = findWorkspace('/repo/apps/api', (dir) => subProject(root, dir.replace(/^\/repo\/?/, '') || '.'));
    assert.ok(found);
    return found;
  };
  const answers = { runtime: 'distroless' as const, port: 4000, healthPath: '/healthz', service: 'api' };

  it('takes the lockfile, package manager and Node version from the workspace root, with sources', () => {
    const facts = detectNode(subProject(root, 'apps/api'), context());
    assert.equal(facts.packageManager.value.name, 'pnpm');
    assert.equal(facts.packageManager.source, '../../package.json "packageManager"');
    assert.equal(facts.node.value.tag, '22');
    assert.equal(facts.node.source, '../../.nvmrc');
    assert.equal(facts.port.value, 4000);
    assert.deepEqual(facts.workspace?.members, ['apps/api', 'apps/web', 'packages/shared', 'packages/tools/config']);
  });

  it('plans a build from the workspace root: every manifest, the needed packages built first, pnpm deploy', () => {
    const plan = planNode(detectNode(subProject(root, 'apps/api'), context()), answers);
    const d = plan.dockerfile as Record<string, unknown>;
    assert.equal(d.manifests, 'package.json pnpm-lock.yaml pnpm-workspace.yaml');
    assert.deepEqual(d.memberManifests, [
      'COPY apps/api/package.json apps/api/',
      'COPY apps/web/package.json apps/web/',
      'COPY packages/shared/package.json packages/shared/',
      'COPY packages/tools/config/package.json packages/tools/config/',
    ]);
    const build = (d.build as { run: string }).run;
    assert.ok(
      build.indexOf('pnpm --filter @acme/shared run build') < build.indexOf('pnpm --filter @acme/api run build'),
      'shared builds before api',
    );
    assert.match(build, /pnpm --filter @acme\/api deploy --prod \/prod\/app$/, 'pnpm 9 deploys without --legacy');
    assert.deepEqual(d.copies, ['COPY --from=build --chown=65532:65532 /prod/app ./']);
    assert.match((d.test as { run: string }).run, /pnpm --filter @acme\/shared run build \\\n {4}&& pnpm --filter @acme\/api run test$/);
    assert.equal(plan.service.context, '../..');
    assert.equal(plan.service.dockerfile, 'apps/api/Dockerfile');
    const ignored = plan.dockerignore.groups.flatMap((g) => g.entries);
    assert.ok(ignored.includes('**/node_modules') && ignored.includes('**/.env'), 'ignores apply in every member folder');
    // apps/web is not needed by apps/api: only its package.json enters the context (the install reads it).
    assert.deepEqual(plan.dockerignore.groups.at(-1)?.entries, ['apps/web/**', '!apps/web/package.json']);
  });

  it('keeps only the member production dependencies with npm and yarn, and copies the packages it needs', () => {
    const variants: Array<[Record<string, string>, RegExp]> = [
      [{ 'package-lock.json': '{}' }, /npm ci --omit=dev --workspace apps\/api$/],
      [{ 'yarn.lock': '__metadata:\n  version: 8\n' }, /yarn workspaces focus @acme\/api --production$/],
      [{ 'yarn.lock': '# yarn lockfile v1\n' }, /yarn install --frozen-lockfile --production --ignore-scripts --prefer-offline$/],
    ];
    for (const [lock, prod] of variants) {
      const files: Record<string, string> = { ...PNPM, ...lock, 'package.json': json({ workspaces: ['apps/*', 'packages/**'] }) };
      delete files['pnpm-workspace.yaml'];
      delete files['pnpm-lock.yaml'];
      const project = memoryProject(files);
      const found = findWorkspace('/r/apps/api', (dir) => subProject(project, dir.replace(/^\/r\/?/, '') || '.'));
      const d = planNode(detectNode(subProject(project, 'apps/api'), found), answers).dockerfile as Record<string, unknown>;
      assert.match((d.build as { run: string }).run, prod);
      assert.deepEqual(d.copies, [
        'COPY --from=build --chown=65532:65532 /app/node_modules ./node_modules',
        'COPY --from=build --chown=65532:65532 /app/packages/tools/config ./packages/tools/config',
        'COPY --from=build --chown=65532:65532 /app/packages/shared ./packages/shared',
        'COPY --from=build --chown=65532:65532 /app/apps/api ./apps/api',
      ]);
      assert.equal(d.runtimeWorkdir, '/app/apps/api');
    }
  });

  it('serves a static member from its build output, and runs a Next.js member from its traced standalone path', () => {
    const files: Record<string, string> = {
      ...PNPM,
      'apps/site/package.json': json({ name: 'site', scripts: { build: 'next build' }, dependencies: { next: '15.5.6' } }),
    };
    const project = memoryProject(files);
    const at = (dir: string) => subProject(project, dir.replace(/^\/repo\/?/, '') || '.');
    const web = planNode(detectNode(subProject(project, 'apps/web'), findWorkspace('/repo/apps/web', at)), answers);
    const webFile = web.dockerfile as Record<string, unknown>;
    assert.deepEqual(webFile.copies, ['COPY --from=build --chown=101:101 /app/apps/web/dist /usr/share/nginx/html']);
    assert.equal((webFile.build as { run: string }).run, 'RUN pnpm --filter @acme/web run build');
    const siteFacts = detectNode(subProject(project, 'apps/site'), findWorkspace('/repo/apps/site', at));
    assert.deepEqual(siteFacts.start.value, ['apps/site/server.js']);
    const site = planNode(siteFacts, answers);
    const siteFile = site.dockerfile as Record<string, unknown>;
    assert.deepEqual(siteFile.copies, [
      'COPY --from=build --chown=65532:65532 /app/apps/site/.next/standalone ./',
      'COPY --from=build --chown=65532:65532 /app/apps/site/.next/static ./apps/site/.next/static',
    ]);
    assert.equal(siteFile.cmd, '["/nodejs/bin/node", "apps/site/server.js"]');
    assert.equal((siteFile.build as { run: string }).run, 'RUN NEXT_PRIVATE_STANDALONE=true pnpm --filter site run build');
    assert.deepEqual(site.service.tmpfs, ['/tmp', '/app/apps/site/.next/cache']);
    // Without a build script, `next build` runs in the member's folder (built here: npm exec, then 200 OK).
    const bare = memoryProject({ ...files, 'apps/site/package.json': json({ name: 'site', dependencies: { next: '15.5.6' } }) });
    const bareAt = (dir: string) => subProject(bare, dir.replace(/^\/repo\/?/, '') || '.');
    const barePlan = planNode(detectNode(subProject(bare, 'apps/site'), findWorkspace('/repo/apps/site', bareAt)), answers);
    assert.equal(
      ((barePlan.dockerfile as Record<string, unknown>).build as { run: string }).run,
      'RUN NEXT_PRIVATE_STANDALONE=true pnpm --filter site exec next build',
    );
  });
});
