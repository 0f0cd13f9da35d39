// Detection is pure: these tests use in-memory projects, no Yeoman and no disk.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectNode, followRunScript, serviceName } from '../generators/node/detect.ts';
import { planNode } from '../generators/node/plan.ts';
import { memoryProject } from '../lib/project.ts';

const pkg = (p: Record<string, unknown>) => JSON.stringify({ name: 'app', scripts: { start: 'node index.js' }, ...p });

describe('node detection', () => {
  it('follows a start script that only runs another script, and says the chain', () => {
    const scripts = { start: 'npm run start-server', 'start-server': 'node server/server.js', loop: 'npm run loop' };
    assert.deepEqual(followRunScript(scripts, scripts.start, 'package.json scripts.start', 'start'), {
      command: 'node server/server.js',
      source: 'package.json scripts.start -> scripts.start-server',
    });
    assert.equal(followRunScript(scripts, 'yarn start-server', 'Procfile:1 web').command, 'node server/server.js');
    assert.equal(followRunScript(scripts, 'npm run loop', 'x', 'start').command, 'npm run loop', 'no endless loop');
    assert.equal(followRunScript(scripts, 'npm run missing', 'x').command, 'npm run missing');
    const f = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'k', scripts }),
        'server/server.js': "require('http').createServer().listen(3001)",
      }),
    );
    assert.deepEqual([f.start.value, f.start.source], [['server/server.js'], 'package.json scripts.start -> scripts.start-server']);
  });

  it('runs workers from the same image: Procfile processes, else a worker script of a job-queue project, each resolved in the tree', () => {
    const workers = (files: Record<string, string>) => {
      const f = detectNode(memoryProject(files));
      return { workers: f.workers.map((w) => `${w.name}: node ${w.args.join(' ')} <- ${w.source}`), warnings: f.warnings };
    };
    const base = { 'server.js': '', 'jobs/run.js': '' };
    // A Procfile worker line, followed through npm run.
    assert.deepEqual(
      workers({
        ...base,
        'package.json': pkg({ scripts: { start: 'node server.js', jobs: 'node jobs/run.js' } }),
        Procfile: 'web: npm start\nworker: npm run jobs\n',
      }).workers,
      ['worker: node jobs/run.js <- Procfile:2 worker -> scripts.jobs'],
    );
    // scripts.worker:prod over scripts.worker (the development one watches) when a job queue is a dependency.
    const queue = {
      ...base,
      'package.json': pkg({
        scripts: { start: 'node server.js', worker: 'node --watch jobs/run.js', 'worker:prod': 'node jobs/run.js' },
        dependencies: { bullmq: '5.61.0' },
      }),
    };
    assert.deepEqual(workers(queue).workers, ['worker: node jobs/run.js <- package.json scripts.worker:prod (dependency "bullmq")']);
    // Without a job queue a script named worker is not a process of its own; a missing file is a warning.
    const plain = { ...queue, 'package.json': queue['package.json'].replace('"bullmq":"5.61.0"', '"express":"4.21.2"') };
    assert.deepEqual(workers(plain).workers, []);
    const missing = workers(Object.fromEntries(Object.entries(queue).filter(([path]) => path !== 'jobs/run.js')));
    assert.deepEqual(missing.workers, []);
    assert.match(
      missing.warnings.join('\n'),
      /worker: package\.json scripts\.worker:prod \(dependency "bullmq"\) runs "node jobs\/run\.js", not a node command whose file is in the tree/,
    );
  });

  it("takes the start command from the repository's Procfile or Dockerfile when package.json has none", () => {
    const f = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'k', scripts: { serve: 'node src/app.js' } }),
        Procfile: 'web: npm run serve\n',
        'src/app.js': '',
      }),
    );
    assert.deepEqual([f.start.value, f.start.source], [['src/app.js'], 'Procfile:1 web -> scripts.serve']);
    const docker = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'k' }),
        Dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["node", "lib/server.js"]\n',
        'lib/server.js': '',
      }),
    );
    assert.deepEqual([docker.start.value, docker.start.source], [['lib/server.js'], 'Dockerfile:4 CMD']);
  });

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
  it('installs the npm that "packageManager" pins in the build stages', () => {
    const pinned = detectNode(
      memoryProject({ 'package.json': pkg({ packageManager: 'npm@10.9.9' }), 'package-lock.json': '{}', 'index.js': '' }),
    );
    assert.deepEqual(pinned.packageManager.value, { name: 'npm', version: '10.9.9', lockfile: 'package-lock.json', berry: false });
    const plan = planNode(pinned, { runtime: 'distroless', port: 3000, healthPath: '/', service: 'app' });
    assert.match(
      String((plan.dockerfile.depsSetup as string[]).at(-1)),
      /--mount=type=cache,target=\/root\/\.npm \\\n {4}npm install -g npm@10\.9\.9$/,
    );
    // Without a pin, the image's own npm.
    const bundled = detectNode(memoryProject({ 'package.json': pkg({}), 'package-lock.json': '{}', 'index.js': '' }));
    assert.ok(
      !(planNode(bundled, { runtime: 'distroless', port: 3000, healthPath: '/', service: 'app' }).dockerfile.depsSetup as string[]).some(
        (s) => /npm install -g/.test(s),
      ),
    );
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
  it('knows where Nuxt, SvelteKit, React Router and Astro write their server, and how it listens on every interface', () => {
    const answers = { runtime: 'distroless' as const, port: 3000, healthPath: '/', service: 'app' };
    const nuxt = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'n', scripts: { build: 'nuxt build' }, dependencies: { nuxt: '4' } }),
        'server/routes/healthz.get.ts': '',
      }),
    );
    assert.deepEqual(
      [nuxt.kind.value, nuxt.outDir?.value, nuxt.start.value, nuxt.port.value],
      ['server', '.output', ['.output/server/index.mjs'], 3000],
    );
    assert.deepEqual(nuxt.listen?.value, { hostEnv: ['NITRO_HOST', 'HOST'], portEnv: ['NITRO_PORT'] });
    assert.equal(nuxt.healthPath.value, '/healthz');
    const nuxtPlan = planNode(nuxt, answers);
    // Nitro's output carries its own node_modules: only it is copied, and nothing is pruned.
    assert.deepEqual(nuxtPlan.dockerfile.copies, ['COPY --from=build --chown=65532:65532 /app/.output ./.output']);
    assert.match(String(nuxtPlan.dockerfile.env), /NITRO_PORT=3000 \\\n {4}NITRO_HOST=0\.0\.0\.0 \\\n {4}HOST=0\.0\.0\.0$/);
    assert.doesNotMatch(String((nuxtPlan.dockerfile.build as { run: string }).run), /prune/);
    const generated = detectNode(
      memoryProject({ 'package.json': JSON.stringify({ name: 'n', scripts: { build: 'nuxt generate' }, dependencies: { nuxt: '4' } }) }),
    );
    assert.deepEqual([generated.kind.value, generated.outDir?.value, generated.listen], ['static', '.output/public', undefined]);

    const kit = (adapter: string, config = `import adapter from '${adapter}';\nexport default { kit: { adapter: adapter() } };\n`) =>
      detectNode(
        memoryProject({
          'package.json': JSON.stringify({
            name: 'k',
            scripts: { build: 'vite build' },
            devDependencies: { '@sveltejs/kit': '2', [adapter]: '1', vite: '7' },
          }),
          'svelte.config.js': config,
        }),
      );
    const node = kit('@sveltejs/adapter-node');
    assert.deepEqual([node.kind.value, node.outDir?.value, node.start.value], ['server', 'build', ['build']]);
    assert.deepEqual(node.listen?.value.hostEnv, ['HOST']);
    const out = kit(
      '@sveltejs/adapter-node',
      "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter({ out: 'server-out' }) } };\n",
    );
    assert.deepEqual([out.outDir?.value, out.start.value], ['server-out', ['server-out']]);
    // A custom server around the adapter's handler, which scripts.start runs (written by the build, or in the tree).
    const custom = detectNode(
      memoryProject({
        'package.json': JSON.stringify({
          name: 'k',
          scripts: { build: 'vite build && node scripts/build-server.js', start: 'node build/main.js' },
          devDependencies: { '@sveltejs/kit': '2', '@sveltejs/adapter-node': '5', vite: '7' },
        }),
        'svelte.config.js': "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter() } };\n",
      }),
    );
    assert.deepEqual([custom.start.value, custom.start.source], [['build/main.js'], 'package.json scripts.start']);
    const site = kit('@sveltejs/adapter-static');
    assert.deepEqual([site.kind.value, site.outDir?.value, site.listen], ['static', 'build', undefined]);
    assert.throws(
      () => kit('@sveltejs/adapter-auto'),
      /^InputError: svelte\.config\.js: SvelteKit with "@sveltejs\/adapter-auto" writes neither a Node server nor a static site/,
    );

    const rr = (deps: Record<string, Record<string, string>>) =>
      detectNode(
        memoryProject({
          'package.json': JSON.stringify({
            name: 'r',
            scripts: { build: 'react-router build', start: 'react-router-serve ./build/server/index.js' },
            ...deps,
          }),
          'app/routes.ts': "export default [index('routes/home.tsx'), route('healthz', 'routes/healthz.ts')];\n",
        }),
      );
    const router = rr({ dependencies: { '@react-router/serve': '7', 'react-router': '7' }, devDependencies: { '@react-router/dev': '7' } });
    assert.deepEqual(router.start.value, ['node_modules/@react-router/serve/bin.js', './build/server/index.js']);
    assert.deepEqual([router.outDir?.value, router.port.value, router.healthPath.value], ['build', 3000, '/healthz']);
    assert.deepEqual(planNode(router, answers).dockerfile.copies, [
      'COPY --from=build --chown=65532:65532 /app/package.json ./',
      'COPY --from=build --chown=65532:65532 /app/node_modules ./node_modules',
      'COPY --from=build --chown=65532:65532 /app/build ./build',
    ]);
    assert.throws(
      () => rr({ devDependencies: { '@react-router/dev': '7', '@react-router/serve': '7' } }),
      /package\.json: "@react-router\/serve" must be in "dependencies"/,
    );

    const astro = (config: string) =>
      detectNode(
        memoryProject({
          'package.json': JSON.stringify({
            name: 'a',
            scripts: { build: 'astro build' },
            dependencies: { astro: '5', '@astrojs/node': '9' },
          }),
          'astro.config.mjs': config,
        }),
      );
    const standalone = astro(
      "import node from '@astrojs/node';\nexport default defineConfig({ output: 'server', adapter: node({ mode: 'standalone' }) });\n",
    );
    assert.deepEqual([standalone.kind.value, standalone.start.value, standalone.port.value], ['server', ['dist/server/entry.mjs'], 4321]);
    const staticAstro = astro("export default defineConfig({ outDir: './public-site' });\n");
    assert.deepEqual([staticAstro.kind.value, staticAstro.outDir?.value], ['static', 'public-site']);
    assert.throws(
      () => astro("import node from '@astrojs/node';\nexport default { adapter: node({ mode: 'middleware' }) };\n"),
      /astro\.config\.mjs: @astrojs\/node in mode "middleware"/,
    );
  });
  it('serves an Angular app from the folder its builder writes the browser files to', () => {
    const ng = (build: Record<string, unknown>) =>
      detectNode(
        memoryProject({
          'package.json': JSON.stringify({ name: 'ng', scripts: { build: 'ng build' }, dependencies: { '@angular/core': '20' } }),
          'angular.json': JSON.stringify({
            projects: { lib: { projectType: 'library' }, board: { projectType: 'application', architect: { build } } },
          }),
        }),
      ).outDir?.value;
    assert.equal(ng({ builder: '@angular/build:application', options: { outputPath: 'dist/board' } }), 'dist/board/browser');
    assert.equal(ng({ builder: '@angular/build:application', options: {} }), 'dist/board/browser');
    assert.equal(ng({ builder: '@angular/build:application', options: { outputPath: { base: 'out', browser: '' } } }), 'out');
    assert.equal(ng({ builder: '@angular-devkit/build-angular:browser', options: { outputPath: 'dist/board' } }), 'dist/board');
    // The CLI's build cache stays out of the build context.
    const app = detectNode(
      memoryProject({
        'package.json': JSON.stringify({ name: 'ng', scripts: { build: 'ng build' }, dependencies: { '@angular/core': '20' } }),
        'angular.json': JSON.stringify({ projects: { board: { projectType: 'application' } } }),
      }),
    );
    const ignored = planNode(app, { runtime: 'distroless', port: 8080, healthPath: '/', service: 'ng' }).dockerignore.groups.flatMap(
      (g) => g.entries,
    );
    assert.ok(ignored.includes('.angular'), ignored.join(' '));
  });
  it("takes the repository's Dockerfile EXPOSE when the source names no port, before a framework default", () => {
    const files = {
      'package.json': pkg({ scripts: { start: 'node server.js' }, dependencies: { express: '5' } }),
      'server.js': "const app = require('express')();\napp.listen(process.env.APP_PORT);\n",
      Dockerfile: 'FROM node:22\nENV PORT=4000\nEXPOSE 4000\nCMD ["node", "server.js"]\n',
    };
    const port = detectNode(memoryProject(files)).port;
    assert.deepEqual([port.value, port.source], [4000, 'Dockerfile:2 ENV PORT']);
    const own = detectNode(memoryProject({ ...files, 'server.js': "require('express')().listen(process.env.PORT || 5000);\n" })).port;
    assert.equal(own.value, 5000);
  });
  it('serves a static site with an index.html fallback for client-side routes, on the answered port', () => {
    const site = detectNode(
      memoryProject({ 'package.json': JSON.stringify({ name: 's', scripts: { build: 'vite build' }, devDependencies: { vite: '7' } }) }),
    );
    const plan = planNode(site, { runtime: 'distroless', port: 9090, healthPath: '/', service: 's' }).dockerfile;
    // The deps stage's RUN writes the server block with the shell (no heredoc: hadolint parses every line);
    // run it here with sh into a scratch folder, and read what nginx would get.
    const run = String(plan.nginxConf);
    assert.match(run, /^RUN mkdir -p \/out\/nginx \\\n/);
    const dir = mkdtempSync(join(tmpdir(), 'nginx-conf-'));
    try {
      execFileSync('sh', ['-c', run.replace(/^RUN /, '').replaceAll('/out/nginx', dir)]);
      const conf = readFileSync(join(dir, 'default.conf'), 'utf8');
      assert.match(conf, /^server \{\n {4}listen 9090;\n/);
      assert.match(conf, /\n {8}try_files \$uri \$uri\/ \/index\.html;\n/);
      assert.match(conf, /\n\}\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(plan.nginxCopy, 'COPY --from=deps --chown=101:101 /out/nginx/default.conf /etc/nginx/conf.d/default.conf');
  });
  it('makes a server that listens on loopback listen on every interface through its own setting, or says why it cannot', () => {
    const server = (code: string, extra: Record<string, string> = {}) =>
      detectNode(memoryProject({ 'package.json': pkg({ dependencies: { fastify: '5' } }), 'index.js': code, ...extra }));
    const env = server("const app = require('fastify')();\napp.listen({ port: 3000, host: process.env.BIND_HOST ?? '127.0.0.1' });\n");
    assert.deepEqual(env.listen?.value, { hostEnv: ['BIND_HOST'], portEnv: [] });
    assert.equal(env.listen?.source, 'index.js:2');
    assert.match(
      String(planNode(env, { runtime: 'distroless', port: 3000, healthPath: '/', service: 'a' }).dockerfile.env),
      /BIND_HOST=0\.0\.0\.0$/,
    );
    // Through a variable.
    const viaVar = server("const host = process.env.HOST || 'localhost';\nconst port = 3000;\nserver.listen(port, host);\n");
    assert.deepEqual(viaVar.listen?.value.hostEnv, ['HOST']);
    // Hard-coded: a warning with the file and line; nothing to set.
    const fixed = server("const http = require('node:http');\n\nhttp.createServer(h).listen(8080, 'localhost');\n");
    assert.equal(fixed.listen, undefined);
    assert.ok(
      fixed.warnings.some((w) =>
        w.startsWith('index.js:3: the server listens on localhost only (hard-coded), so it is unreachable from outside the container'),
      ),
    );
    // A database host with a loopback default is not the server's address.
    const db = server(
      "const dbHost = process.env.DB_HOST || 'localhost';\nconnect(dbHost);\napp.listen({ port: 3000, host: '0.0.0.0' });\n",
    );
    assert.equal(db.listen, undefined);
    assert.ok(!db.warnings.some((w) => /hard-coded/.test(w)));
  });
  it('runs fastify start (fastify-cli) with its own file, FASTIFY_PORT and FASTIFY_ADDRESS=0.0.0.0', () => {
    const cli = (start: string, where = 'dependencies') =>
      detectNode(
        memoryProject({
          'package.json': JSON.stringify({ name: 'f', main: 'app.js', scripts: { start }, [where]: { fastify: '5', 'fastify-cli': '8' } }),
          'app.js': "module.exports = async (app) => { app.get('/healthz', async () => ({ ok: true })); };\n",
        }),
      );
    const f = cli('fastify start -l info app.js');
    assert.deepEqual(f.start.value, ['node_modules/fastify-cli/cli.js', 'start', '-l', 'info', 'app.js']);
    assert.deepEqual([f.port.value, f.port.source], [3000, 'fastify-cli default']);
    assert.deepEqual(f.listen?.value, { hostEnv: ['FASTIFY_ADDRESS'], portEnv: ['FASTIFY_PORT'] });
    const env = String(planNode(f, { runtime: 'distroless', port: 3000, healthPath: '/healthz', service: 'f' }).dockerfile.env);
    assert.match(env, /FASTIFY_PORT=3000 \\\n {4}FASTIFY_ADDRESS=0\.0\.0\.0$/);
    // Address, port and dev flags are dropped (a flag beats the variables); the port flag is the detected port.
    const flags = cli('fastify start -w -P --address 127.0.0.1 -p 8081 app.js');
    assert.deepEqual(flags.start.value, ['node_modules/fastify-cli/cli.js', 'start', 'app.js']);
    assert.deepEqual([flags.port.value, flags.port.note], [8081, 'its --port flag']);
    // The plugin file must be in the tree, and fastify-cli among the production dependencies.
    assert.throws(
      () => cli('fastify start -l info server.js'),
      /no start command names a file in the tree; tried package\.json scripts\.start names server\.js/,
    );
    assert.throws(() => cli('fastify start app.js', 'devDependencies'), /package\.json: "fastify-cli" must be in "dependencies"/);
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
