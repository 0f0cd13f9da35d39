// From Node facts and answers to everything the templates need: no logic is left for EJS.
import type { ServiceSpec } from '../../lib/compose.ts';
import { aptInstall, cacheMount, runWithMounts } from '../../lib/dockerfile.ts';
import { COMMON_IGNORES, everywhere, type IgnoreGroup, keepCopied, manifestsOnly } from '../../lib/dockerignore.ts';
import type { FactLine } from '../../lib/facts.ts';
import { curlProbe, dockerfileHealthcheck, execForm, type Healthcheck, nodeProbe } from '../../lib/healthcheck.ts';
import {
  bunBuildImage,
  bunRuntimeImage,
  NGINX_UNPRIVILEGED,
  type NodeRuntime,
  nodeBuildImage,
  nodeRuntimeImage,
  type RuntimeImage,
  TINI,
} from '../../lib/images.ts';
import { ociLabels } from '../../lib/labels.ts';
import { bunWorkspaceCommands } from './bun.ts';
import type { NodeFacts, PackageManager } from './detect.ts';

export interface NodeAnswers {
  runtime: NodeRuntime;
  port: number;
  healthPath: string;
  /** Image name in compose.yaml (without tag). */
  service: string;
}

interface PmCommands {
  /** Installs the pinned package manager (npm is the one in the image). */
  setup?: string;
  install: string;
  prodInstall: string;
  prune: string;
  run: (script: string) => string;
  cache: string;
  secret: { id: string; target: string };
  env?: string;
}

/** Commands for one member of a workspace, run from the workspace root. */
interface WorkspaceCommands {
  /** Runs a script of one member (`member` is its package name, `dir` its folder). */
  run: (script: string, member: { name: string; dir: string }) => string;
  /** Runs a binary of its dependencies in the member's folder, e.g. `next build`. */
  exec: (command: string) => string;
  /** After the build: the member's production dependencies, where the runtime copies them from. */
  prod: string;
}

export function workspaceCommands(
  pm: PackageManager,
  cmds: PmCommands,
  name: string,
  dir: string,
  copied: string[] = [dir],
): WorkspaceCommands {
  switch (pm.name) {
    case 'bun':
      return bunWorkspaceCommands(cmds.prodInstall, name, dir, copied);
    case 'pnpm':
      return {
        run: (s, m) => `pnpm --filter ${m.name} run ${s}`,
        exec: (c) => `pnpm --filter ${name} exec ${c}`,
        // pnpm 10 deploys from a workspace without injected packages only with --legacy.
        prod: `pnpm --filter ${name} deploy --prod${Number(pm.version?.split('.')[0]) >= 10 ? ' --legacy' : ''} /prod/app`,
      };
    case 'yarn':
      return {
        run: (s, m) => `yarn workspace ${m.name} run ${s}`,
        exec: (c) => (pm.berry ? `yarn workspace ${name} exec ${c}` : `yarn workspace ${name} run ${c}`),
        // Yarn 1 has no per-workspace install: every member's production dependencies are kept.
        prod: pm.berry ? `yarn workspaces focus ${name} --production` : cmds.prune,
      };
    default:
      return {
        run: (s, m) => `npm run ${s} --workspace ${m.dir}`,
        exec: (c) => `npm exec --workspace ${dir} -- ${c}`,
        // `--workspace` installs only this member's production dependencies (and links its workspace packages).
        prod: `${cmds.prodInstall} --workspace ${dir}`,
      };
  }
}

export function packageManagerCommands(pm: PackageManager): PmCommands {
  const npmrc = { id: 'npmrc', target: '/root/.npmrc' };
  const lock = Boolean(pm.lockfile);
  switch (pm.name) {
    case 'npm':
      return {
        // "packageManager": "npm@X" pins npm: installed over the image's own npm, as pnpm and yarn are.
        setup: pm.version ? `npm install -g npm@${pm.version}` : undefined,
        install: lock ? 'npm ci' : 'npm install',
        prodInstall: lock ? 'npm ci --omit=dev' : 'npm install --omit=dev',
        prune: 'npm prune --omit=dev',
        run: (s) => (s === 'test' ? 'npm test' : `npm run ${s}`),
        cache: '/root/.npm',
        secret: npmrc,
      };
    case 'pnpm': {
      const frozen = lock ? '--frozen-lockfile' : '--no-frozen-lockfile';
      return {
        setup: `npm install -g pnpm@${pm.version}`,
        install: `pnpm install ${frozen}`,
        prodInstall: `pnpm install ${frozen} --prod`,
        prune: 'pnpm prune --prod',
        run: (s) => (s === 'test' ? 'pnpm test' : `pnpm run ${s}`),
        cache: '/root/.local/share/pnpm/store',
        secret: npmrc,
      };
    }
    case 'yarn':
      if (pm.berry) {
        return {
          setup: `npm install -g --force @yarnpkg/cli-dist@${pm.version}`,
          install: lock ? 'yarn install --immutable' : 'yarn install',
          // `workspaces focus` ignores --immutable: the install before it fails on a stale yarn.lock.
          prodInstall: lock
            ? 'yarn install --immutable --mode=skip-build && yarn workspaces focus --all --production'
            : 'yarn workspaces focus --all --production',
          prune: 'yarn workspaces focus --all --production',
          run: (s) => `yarn run ${s}`,
          // The global folder (its cache/ inside) where hadolint (DL3060) and other tools expect a yarn cache mount.
          cache: '/root/.cache/yarn',
          secret: { id: 'yarnrc', target: '/root/.yarnrc.yml' },
          env: 'YARN_NODE_LINKER=node-modules YARN_ENABLE_GLOBAL_CACHE=true YARN_GLOBAL_FOLDER=/root/.cache/yarn',
        };
      }
      return {
        setup: `npm install -g --force yarn@${pm.version}`,
        install: lock ? 'yarn install --frozen-lockfile' : 'yarn install',
        prodInstall: lock ? 'yarn install --frozen-lockfile --production' : 'yarn install --production',
        prune: `yarn install ${lock ? '--frozen-lockfile ' : ''}--production --ignore-scripts --prefer-offline`,
        run: (s) => `yarn run ${s}`,
        cache: '/usr/local/share/.cache/yarn',
        secret: npmrc,
      };
    case 'bun':
      return {
        setup: `npm install -g bun@${pm.version}`,
        install: lock ? 'bun install --frozen-lockfile' : 'bun install',
        prodInstall: lock ? 'bun install --frozen-lockfile --production' : 'bun install --production',
        prune: `rm -rf node_modules && bun install ${lock ? '--frozen-lockfile ' : ''}--production`,
        run: (s) => `bun run ${s}`,
        cache: '/root/.bun/install/cache',
        secret: npmrc,
      };
  }
}

export interface NodePlan {
  dockerfile: Record<string, unknown>;
  dockerignore: { groups: IgnoreGroup[] };
  service: ServiceSpec;
  facts: FactLine[];
}

export function planNode(facts: NodeFacts, answers: NodeAnswers): NodePlan {
  const pm = facts.packageManager.value;
  const cmds = packageManagerCommands(pm);
  const kind = facts.kind.value;
  const version = facts.node.value;
  const alpine = answers.runtime === 'alpine';
  const native = facts.native.value.length > 0;

  // Base image versions live in ARGs with concrete defaults.
  // Bun runs the app (its start script runs bun): Bun's images for every stage, at the project's Bun version.
  const bun = facts.engine.value === 'bun';
  const args: Array<{ name: string; value: string }> = [
    bun ? { name: 'BUN_VERSION', value: pm.version ?? '' } : { name: 'NODE_VERSION', value: version.tag },
  ];
  const needsLineArg = answers.runtime === 'distroless' && kind !== 'static' && version.tag !== version.line && !bun;
  if (needsLineArg) args.push({ name: 'NODE_MAJOR', value: version.line });
  const buildImage = bun
    ? bunBuildImage('${BUN_VERSION}', alpine)
    : alpine
      ? 'node:${NODE_VERSION}-alpine'
      : nodeBuildImage('${NODE_VERSION}', native);
  const runtimeImage: RuntimeImage =
    kind === 'static'
      ? NGINX_UNPRIVILEGED
      : bun
        ? bunRuntimeImage('${BUN_VERSION}', answers.runtime)
        : nodeRuntimeImage('${NODE_VERSION}', needsLineArg ? '${NODE_MAJOR}' : '${NODE_VERSION}', answers.runtime);
  if (kind === 'static') args.push({ name: 'NGINX_VERSION', value: NGINX_UNPRIVILEGED.ref.split(':')[1] });
  const runtimeRef = kind === 'static' ? 'nginxinc/nginx-unprivileged:${NGINX_VERSION}' : runtimeImage.ref;
  const { uid, gid } = runtimeImage.user;
  const chown = `--chown=${uid}:${gid}`;

  const manifests = ['package.json', ...(pm.lockfile ? [pm.lockfile] : []), ...facts.manifestExtras.filter((f) => !isSecretRc(f, facts))];
  const secret = `--mount=type=secret,id=${cmds.secret.id},target=${cmds.secret.target}`;
  // The variables prefix every command of an `a && b` chain (a prefix applies to one command only).
  const withEnv = (c: string) =>
    cmds.env
      ? c
          .split(' && ')
          .map((part) => `${cmds.env} ${part}`)
          .join(' \\\n    && ')
      : c;

  // deps: install from the manifests only.
  const ws = facts.workspace;
  const hasBuild = Boolean(facts.build) || kind === 'next' || Boolean(ws);
  const depsInstall = hasBuild ? cmds.install : cmds.prodInstall;
  const depsSetup: string[] = [];
  if (!alpine && kind !== 'static') {
    depsSetup.push(aptInstall([TINI.apt]));
  }
  if (alpine && native) depsSetup.push('RUN apk add --no-cache python3=~3.12 make=~4.4 g++=~14.2');
  if (cmds.setup && !bun) depsSetup.push(runWithMounts([cacheMount('/root/.npm')], cmds.setup));

  const buildCommand = facts.build ? cmds.run('build') : `${pm.name === 'npm' ? 'npx' : pm.name === 'bun' ? 'bunx' : pm.name} next build`;
  const nextStandalone = kind === 'next' ? 'NEXT_PRIVATE_STANDALONE=true ' : '';
  const buildSteps = [`${withEnv(nextStandalone + buildCommand)}`];
  const outputOnly = facts.framework?.outputOnly === true;
  if (kind === 'server' && !outputOnly) buildSteps.push(withEnv(cmds.prune));

  // What the runtime copies, from which stage.
  const copies: Array<{ from?: string; src: string; dest: string }> = [];
  const out = facts.outDir?.value ?? 'dist';
  // A workspace member is built at its place in the workspace: /app/<member>.
  const at = ws ? `/app/${ws.dir}` : '/app';
  if (kind === 'static') {
    copies.push({ from: 'build', src: `${at}/${out}`, dest: '/usr/share/nginx/html' });
  } else if (kind === 'next') {
    // In a workspace, Next.js traces from the workspace root: the standalone tree keeps the member's path.
    const place = ws ? `./${ws.dir}` : '.';
    copies.push({ from: 'build', src: `${at}/.next/standalone`, dest: './' });
    copies.push({ from: 'build', src: `${at}/.next/static`, dest: `${place}/.next/static` });
    if (facts.hasPublic) copies.push({ from: 'build', src: `${at}/public`, dest: `${place}/public` });
  } else if (ws && pm.name === 'pnpm') {
    // `pnpm deploy` wrote the member with its production node_modules (workspace packages included) to /prod/app.
    copies.push({ from: 'build', src: '/prod/app', dest: './' });
  } else if (ws) {
    // The production node_modules at the root (with links to the workspace packages) and the packages it needs.
    copies.push({ from: 'build', src: '/app/node_modules', dest: './node_modules' });
    for (const member of ws.closure) copies.push({ from: 'build', src: `/app/${member.dir}`, dest: `./${member.dir}` });
  } else if (outputOnly) {
    // The build output carries its own node_modules (Nitro's .output/server/node_modules).
    copies.push({ from: 'build', src: `/app/${out}`, dest: `./${out}` });
  } else if (hasBuild) {
    copies.push({ from: 'build', src: '/app/package.json', dest: './' });
    copies.push({ from: 'build', src: '/app/node_modules', dest: './node_modules' });
    copies.push({ from: 'build', src: `/app/${out}`, dest: `./${out}` });
  } else {
    // With no dependencies at all the install creates no node_modules folder to copy.
    if (facts.hasDependencies) copies.push({ from: 'deps', src: '/app/node_modules', dest: './node_modules' });
    copies.push({ src: '.', dest: '.' });
  }
  const mounts = [cacheMount(cmds.cache), secret];
  const member = ws ? workspaceSteps(facts, pm, cmds, withEnv, mounts) : undefined;

  const nodeBin = runtimeImage.runtimeBin ?? 'node';
  const health: Healthcheck =
    kind === 'static' ? curlProbe(answers.port, answers.healthPath) : nodeProbe(nodeBin, answers.port, answers.healthPath);
  const tini = kind === 'static' ? undefined : alpine ? '/sbin/tini' : TINI.target;
  const command = kind === 'static' ? undefined : [nodeBin, ...facts.start.value];
  const env: string[] = [];
  if (kind !== 'static') env.push('NODE_ENV=production', `PORT=${answers.port}`);
  if (kind === 'next') env.push('HOSTNAME=0.0.0.0', 'NEXT_TELEMETRY_DISABLED=1');
  // The server's own settings for its port and for listening on every interface (its default may be loopback).
  if (kind === 'server' && facts.listen) {
    const { portEnv, hostEnv } = facts.listen.value;
    env.push(...portEnv.map((v) => `${v}=${answers.port}`), ...hostEnv.map((v) => `${v}=0.0.0.0`));
  }

  const dockerfile = {
    name: facts.name.value,
    kind,
    // The build drops devDependencies: a server that runs from node_modules (not a self-contained output).
    prunes: kind === 'server' && !outputOnly,
    engine: facts.engine.value,
    args,
    buildImage,
    runtimeImage: runtimeRef,
    runtimeIsDistroless: !runtimeImage.shell,
    depsSetup,
    manifests: manifests.join(' '),
    // Every member's package.json: the workspace install checks the lockfile against all of them.
    memberManifests: ws ? ws.members.map((dir) => `COPY ${dir}/package.json ${dir}/`) : [],
    installRun: runWithMounts(mounts, withEnv(depsInstall)),
    secretId: cmds.secret.id,
    secretTarget: cmds.secret.target,
    build: member
      ? { run: member.build, comment: member.comment }
      : hasBuild
        ? { run: bun ? runWithMounts([cacheMount(cmds.cache)], buildSteps.join(' \\\n    && ')) : `RUN ${buildSteps.join(' \\\n    && ')}` }
        : undefined,
    test: member?.test
      ? { from: 'deps', reinstall: undefined, run: member.test }
      : facts.test && !ws
        ? {
            from: 'deps',
            reinstall: hasBuild ? undefined : runWithMounts([cacheMount(cmds.cache), secret], withEnv(cmds.install)),
            run: `RUN ${withEnv(cmds.run('test'))}`,
          }
        : undefined,
    workspace: ws ? { dir: ws.dir, toRoot: ws.toRoot, source: ws.source } : undefined,
    runtimeWorkdir: ws && kind === 'server' && pm.name !== 'pnpm' ? `/app/${ws.dir}` : undefined,
    tiniFromDeps: tini === TINI.target ? `COPY --from=deps ${TINI.staticPath} ${TINI.target}` : undefined,
    tiniApk: alpine && kind !== 'static' ? 'RUN apk add --no-cache tini=~0.19' : undefined,
    nginxConf: kind === 'static' ? nginxConf(answers.port) : undefined,
    nginxCopy: kind === 'static' ? `COPY --from=deps ${chown} ${NGINX_STAGED} /etc/nginx/conf.d/default.conf` : undefined,
    env: env.length ? `ENV ${env.join(' \\\n    ')}` : undefined,
    labels: ociLabels(facts.labels),
    copies: copies.map((c) => `COPY ${c.from ? `--from=${c.from} ` : ''}${chown} ${c.src} ${c.dest}`),
    user: `${uid}:${gid}`,
    port: answers.port,
    healthcheck: dockerfileHealthcheck(health),
    entrypoint: tini ? execForm([tini, '--']) : undefined,
    cmd: command ? execForm(command) : undefined,
  };

  const ignores = nodeIgnores(facts, hasBuild);
  // The workspace root is the build context: what is kept out must be kept out in every member's folder too.
  const groups = [
    ...keepCopied(ws ? everywhere(ignores) : ignores, [...manifests, ...(ws?.members.map((d) => `${d}/package.json`) ?? [])]),
    ...(ws
      ? manifestsOnly(
          'Workspace members this one does not need: their package.json only (the install reads it)',
          ws.members.filter((dir) => !ws.closure.some((m) => m.dir === dir)),
          ['package.json'],
        )
      : []),
  ];
  const service: ServiceSpec = {
    name: answers.service,
    context: ws ? ws.toRoot : '.',
    ...(ws ? { dockerfile: `${ws.dir}/Dockerfile` } : {}),
    image: `${answers.service}:latest`.replace(/:latest$/, ':dev'),
    port: answers.port,
    healthcheck: health,
    user: runtimeImage.user,
    buildSecrets: [{ name: cmds.secret.id, file: `./secrets/${cmds.secret.id}` }],
    runtimeSecrets: [{ name: 'app_secret', file: './secrets/app_secret.txt' }],
    environment:
      kind === 'static' ? {} : { NODE_ENV: 'production', PORT: String(answers.port), APP_SECRET_FILE: '/run/secrets/app_secret' },
    // Next.js writes its image and fetch caches at run time; everything else only needs /tmp.
    tmpfs: kind === 'next' ? ['/tmp', `/app/${ws ? `${ws.dir}/` : ''}.next/cache`] : ['/tmp'],
    // nginx handles its stop signal itself, but an init as PID 1 also reaps the workers if nginx dies.
    init: true,
    // Workers run from the same image with their own command (no port; no check of their own: restarted when they exit).
    ...(facts.workers.length && command
      ? {
          workers: facts.workers.map((w) => ({ name: w.name, command: [nodeBin, ...w.args], environment: {} })),
          aliveCommand: [nodeBin, '-e', ''],
        }
      : {}),
  };
  return { dockerfile, dockerignore: { groups }, service, facts: [] };
}

/**
 * A workspace member's build and test, run from the workspace root: the workspace packages it needs
 * are built first (dependencies before dependents), then only its production dependencies are kept.
 */
function workspaceSteps(
  facts: NodeFacts,
  pm: PackageManager,
  cmds: PmCommands,
  withEnv: (command: string) => string,
  mounts: string[],
): { build: string; test?: string; comment: string } {
  const ws = facts.workspace as NonNullable<NodeFacts['workspace']>;
  const kind = facts.kind.value;
  const wc = workspaceCommands(
    pm,
    cmds,
    ws.name,
    ws.dir,
    ws.closure.map((m) => m.dir),
  );
  // The members with a build script, dependencies first (this member last, when it has one).
  const building = ws.closure.filter((m) => m.scripts.build);
  const builds = (members: typeof ws.closure) =>
    members.map((m) => `${m.dir === ws.dir && kind === 'next' ? 'NEXT_PRIVATE_STANDALONE=true ' : ''}${wc.run('build', m)}`);
  const steps = builds(building);
  // A Next.js member without a build script is built with `next build` (as `npx next build` outside a workspace).
  if (kind === 'next' && !facts.build) steps.push(`NEXT_PRIVATE_STANDALONE=true ${wc.exec('next build')}`);
  // A server needs its production node_modules; static files and Next.js standalone output carry their own.
  if (kind === 'server') steps.push(wc.prod);
  const chain = (commands: string[]) => commands.map(withEnv).join(' \\\n    && ');
  const build = kind === 'server' ? runWithMounts(mounts, chain(steps)) : `RUN ${chain(steps)}`;
  const self = ws.closure[ws.closure.length - 1];
  const test = facts.test ? `RUN ${chain([...builds(building.filter((m) => m !== self)), wc.run('test', self)])}` : undefined;
  // The comment above the step says what it does, e.g. "builds @acme/shared, then @acme/api; then keeps ...".
  const built = [...building, ...(kind === 'next' && !facts.build ? [self] : [])].map((m) => m.name);
  const comment = [
    ...(built.length ? [`builds ${built.join(', then ')}`] : []),
    ...(kind === 'server'
      ? [pm.name === 'yarn' && !pm.berry ? "keeps only production modules (Yarn 1: every member's)" : 'keeps only its production modules']
      : []),
  ].join('; then ');
  return { build, test, comment };
}

/** Where the deps stage writes nginx's server block for a static site; the runtime stage copies it. */
export const NGINX_STAGED = '/out/nginx/default.conf';

/**
 * nginx's server block for a static site: it listens on the answered port, and a path that is no file
 * gets index.html, so a client-side route (/orders/42) answers 200 on a reload instead of 404.
 * Written by printf in the deps stage (a shell is there; hadolint parses no heredocs); `\$uri` is nginx's.
 */
export function nginxConf(port: number): string {
  const lines = [
    'server {',
    `    listen ${port};`,
    '    server_name _;',
    '    root /usr/share/nginx/html;',
    '    location / {',
    '        try_files \\$uri \\$uri/ /index.html;',
    '    }',
    '}',
  ];
  return [
    `RUN mkdir -p ${NGINX_STAGED.replace(/\/[^/]+$/, '')}`,
    `printf '%s\\n' \\\n        ${lines.map((l) => `"${l}"`).join(' \\\n        ')} \\\n        > ${NGINX_STAGED}`,
  ].join(' \\\n    && ');
}

function isSecretRc(file: string, facts: NodeFacts): boolean {
  return facts.secretRcFiles.includes(file);
}

function nodeIgnores(facts: NodeFacts, hasBuild: boolean): IgnoreGroup[] {
  const out = facts.outDir?.value;
  const node: IgnoreGroup[] = [
    {
      comment: 'Node: dependencies are installed in the image, never copied from the host',
      entries: [
        'node_modules',
        '.pnpm-store',
        '.yarn/cache',
        '.yarn/install-state.gz',
        '.npm',
        'npm-debug.log*',
        'yarn-debug.log*',
        'yarn-error.log*',
        'pnpm-debug.log*',
      ],
    },
    {
      comment: 'Build output and test artifacts: the image builds its own',
      entries: [
        ...new Set([
          ...(hasBuild && out ? [out] : []),
          ...(facts.framework?.generated ?? []),
          '.next',
          '.turbo',
          'coverage',
          '.nyc_output',
          '*.tsbuildinfo',
        ]),
      ],
    },
  ];
  if (facts.secretRcFiles.length)
    node.push({ comment: 'Registry credentials: use the build secret instead', entries: facts.secretRcFiles });
  return [...COMMON_IGNORES, ...node];
}
