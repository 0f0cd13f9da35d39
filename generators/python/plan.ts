// From Python facts and answers to everything the templates need: no logic is left for EJS.
import type { ServiceSpec } from '../../lib/compose.ts';
import { aptInstall, cacheMount, runWithMounts, secretMount } from '../../lib/dockerfile.ts';
import { COMMON_IGNORES, type IgnoreGroup, keepCopied } from '../../lib/dockerignore.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import { commandProbe, dockerfileHealthcheck, execForm, pythonProbe } from '../../lib/healthcheck.ts';
import { ALPINE, PYTHON, type PythonRuntime, pythonBuildImage, pythonRuntimeImage, TINI } from '../../lib/images.ts';
import { ociLabels } from '../../lib/labels.ts';
import { lineSatisfies, type ResolvedVersion } from '../../lib/versions.ts';
import { type Manager, NATIVE_PACKAGES, type PythonFacts, TOOLCHAIN } from './detect.ts';
import { GUNICORN_GRACEFUL_TIMEOUT, STOP_GRACE_SECONDS } from './start.ts';

export interface PythonAnswers {
  runtime: PythonRuntime;
  port: number;
  healthPath: string;
  service: string;
}

export interface PythonPlan {
  dockerfile: Record<string, unknown>;
  dockerignore: { groups: IgnoreGroup[] };
  service: ServiceSpec;
  /** The Python the image runs (distroless: Debian's). */
  python: Fact<ResolvedVersion>;
  warnings: string[];
  /** The build secret's id and a hint for its placeholder file. */
  secret: { id: string; hint: string };
  /** The image's start command (the port filled in). */
  start: string[];
  /** How the server's shutdown fits in `docker stop`'s grace period (gunicorn). */
  stop?: Fact<string>;
}

/**
 * Gunicorn waits `--graceful-timeout` (default 30 s) for its workers after SIGTERM, while `docker stop`
 * and Compose send SIGKILL after 10 s: the timeout is set below that, so requests in flight finish and
 * the workers exit cleanly instead of being killed. A shorter timeout of the project's own is kept.
 */
export function fitGracefulStop(start: string[], warnings: string[]): { start: string[]; stop?: Fact<string> } {
  if (start[0] !== 'gunicorn') return { start };
  const at = start.findIndex((w) => w === '--graceful-timeout' || w.startsWith('--graceful-timeout='));
  const given = at < 0 ? undefined : Number(start[at].includes('=') ? start[at].split('=')[1] : start[at + 1]);
  const limit = `docker stop and Compose send SIGKILL after ${STOP_GRACE_SECONDS} s; gunicorn's default is 30 s`;
  if (given !== undefined && given <= GUNICORN_GRACEFUL_TIMEOUT)
    return { start, stop: fact(`gunicorn --graceful-timeout ${given}`, 'the start command', `fits: ${limit}`) };
  const rest = at < 0 ? start : start.filter((_, i) => i !== at && !(i === at + 1 && !start[at].includes('=')));
  if (given !== undefined)
    warnings.push(
      `gunicorn --graceful-timeout ${given} does not fit in docker stop's ${STOP_GRACE_SECONDS} s: the image uses ${GUNICORN_GRACEFUL_TIMEOUT}`,
    );
  const bind = rest.indexOf('--bind');
  const insertAt = bind >= 0 ? bind + 2 : 1;
  return {
    start: [...rest.slice(0, insertAt), '--graceful-timeout', String(GUNICORN_GRACEFUL_TIMEOUT), ...rest.slice(insertAt)],
    stop: fact(`gunicorn --graceful-timeout ${GUNICORN_GRACEFUL_TIMEOUT}`, 'docker stop grace period', limit),
  };
}

const VENV = PYTHON.venv;
const TOOLS = '/opt/tools';
/** The unearth release PDM's pinned version works with (see the pdm case below). */
const PDM_UNEARTH = '0.18.3';

interface ManagerCommands {
  env: string[];
  /** The tool's package on PyPI, installed in its own venv under /opt/tools. */
  tool?: string;
  cache: string;
  secret: { id: string; target: string; hint: string };
  /** Dependencies only, from the manifests (undefined: nothing to install before the source). */
  deps?: string;
  /** After the source is copied: install the project itself. */
  project?: string;
  /** Test dependencies (in the test stage). */
  dev?: string;
}

const PIP_SECRET = {
  id: 'pipconf',
  target: '/etc/pip.conf',
  hint: '# pip configuration for a private index, e.g.\n# [global]\n# extra-index-url = https://user:token@pypi.example.com/simple\n',
};

export function managerCommands(m: Manager): ManagerCommands {
  const pipCache = '/root/.cache/pip';
  switch (m.name) {
    case 'uv': {
      const uv = `${TOOLS}/bin/uv`;
      const pkg = m.member ? ` --package ${m.member.name}` : '';
      return {
        env: [`UV_PROJECT_ENVIRONMENT=${VENV}`, 'UV_COMPILE_BYTECODE=1', 'UV_LINK_MODE=copy', 'UV_PYTHON_DOWNLOADS=never'],
        tool: `uv==${m.version}`,
        cache: '/root/.cache/uv',
        secret: {
          id: 'uvtoml',
          target: '/etc/uv/uv.toml',
          hint: '# uv configuration for a private index, e.g.\n# [[index]]\n# url = "https://user:token@pypi.example.com/simple"\n',
        },
        deps: `${uv} sync --frozen --no-dev ${m.member ? '--no-install-workspace' : '--no-install-project'}${pkg}`,
        project: m.installProject ? `${uv} sync --frozen --no-dev --no-editable${pkg}` : undefined,
        dev: `${uv} sync --frozen --no-editable${pkg}`,
      };
    }
    case 'poetry': {
      const poetry = `${TOOLS}/bin/poetry`;
      return {
        env: ['POETRY_VIRTUALENVS_CREATE=false', 'POETRY_NO_INTERACTION=1'],
        tool: `poetry==${m.version}`,
        cache: '/root/.cache/pypoetry',
        secret: {
          id: 'poetryauth',
          target: '/root/.config/pypoetry/auth.toml',
          hint: '# Poetry credentials for a private source, e.g.\n# [http-basic.private]\n# username = "user"\n# password = "token"\n',
        },
        deps: `${poetry} sync --only main --no-root --compile`,
        project: m.installProject ? `${poetry} sync --only main --compile` : undefined,
        dev: `${poetry} install --no-root`,
      };
    }
    case 'pipenv': {
      const pipenv = `${TOOLS}/bin/pipenv`;
      const lock = m.lockfile ? '' : `${pipenv} lock && `;
      return {
        env: [],
        tool: `pipenv==${m.version}`,
        cache: pipCache,
        secret: PIP_SECRET,
        deps: `${lock}${pipenv} requirements --hash > /tmp/requirements.txt \\\n    && pip install -r /tmp/requirements.txt`,
        dev: `${lock}${pipenv} requirements --dev --hash > /tmp/requirements-dev.txt \\\n    && pip install -r /tmp/requirements-dev.txt`,
      };
    }
    case 'pdm': {
      // `pdm sync` installs the lock into the active venv (VIRTUAL_ENV=/opt/venv) with the lock's hashes;
      // it reads every lock version, while `pdm export` refuses a lock without the inherit_metadata
      // strategy (PDM < 2.12 wrote none): "Can't export a lock file without environment markers".
      const pdm = `${TOOLS}/bin/pdm`;
      return {
        env: ['PDM_CHECK_UPDATE=false', 'PDM_IGNORE_SAVED_PYTHON=1'],
        // unearth 0.19 moved to httpx2, which PDM 2.26 cannot use (TypeError in its PyPI client): pinned with it.
        tool: `pdm==${m.version} unearth==${PDM_UNEARTH}`,
        cache: '/root/.cache/pdm',
        secret: PIP_SECRET,
        deps: `${pdm} sync --prod --no-self --no-editable`,
        dev: `${pdm} sync --no-self --no-editable`,
      };
    }
    case 'pip':
      return {
        env: [],
        cache: pipCache,
        secret: PIP_SECRET,
        deps: `pip install -r ${m.requirements}`,
        dev: m.devRequirements ? `pip install -r ${m.devRequirements}` : undefined,
      };
    case 'pep621':
      return { env: [], cache: pipCache, secret: PIP_SECRET, project: 'pip install .' };
  }
}

export function planPython(facts: PythonFacts, answers: PythonAnswers): PythonPlan {
  const warnings = [...facts.warnings];
  const runtime = answers.runtime;
  const alpine = runtime === 'alpine';
  const distroless = runtime === 'distroless';
  const m = facts.manager.value;
  const cmds = managerCommands(m);

  // The Python the image runs: the project's, except on distroless (Debian's own).
  let python = facts.python;
  if (distroless) {
    const line = PYTHON.distrolessLine;
    const ok = !facts.pythonSpec || lineSatisfies('python', facts.pythonSpec, line);
    python = fact(
      { tag: line, line, exact: false },
      'distroless python3-debian13 (Debian trixie python3)',
      ok ? undefined : `not ${facts.python.value.tag}`,
    );
    if (!ok)
      warnings.push(
        `the project asks for Python ${facts.pythonSpec} (${facts.python.source}) but distroless python3-debian13 only has Debian's Python ${line}: ` +
          `the image runs ${line}; use --runtime slim for Python ${facts.python.value.tag}`,
      );
  }
  if (alpine)
    warnings.push(
      'alpine uses musl: packages without musllinux wheels compile from source (slower builds); prefer slim unless you need alpine',
    );

  const args: Array<{ name: string; value: string }> = [];
  if (!distroless) args.push({ name: 'PYTHON_VERSION', value: python.value.tag });
  if (distroless) args.push({ name: 'DEBIAN_VERSION', value: PYTHON.debianVersion });
  if (alpine) args.push({ name: 'ALPINE_VERSION', value: ALPINE.version });
  const buildImage = pythonBuildImage('${PYTHON_VERSION}', runtime);
  const runtimeImage = pythonRuntimeImage('${PYTHON_VERSION}', runtime);
  const { uid, gid } = runtimeImage.user;
  const chown = `--chown=${uid}:${gid}`;

  // Native builds: compilers and -dev headers in the deps stage, runtime libraries in the runtime stage.
  const native = facts.native.value.map((p) => NATIVE_PACKAGES[p]);
  const buildApt = native.length ? [...TOOLCHAIN.apt, ...native.flatMap((n) => n.build.apt)] : [];
  const buildApk = native.length ? [...TOOLCHAIN.apk, ...native.flatMap((n) => n.build.apk)] : [];
  const runtimeApt = native.flatMap((n) => n.runtime.apt);
  const runtimeApk = native.flatMap((n) => n.runtime.apk);

  const env = [
    'PYTHONDONTWRITEBYTECODE=1',
    'PYTHONUNBUFFERED=1',
    'PIP_DISABLE_PIP_VERSION_CHECK=1',
    `VIRTUAL_ENV=${VENV}`,
    `PATH="${VENV}/bin:$PATH"`,
  ];
  const depsSteps: string[] = [];
  if (!alpine) {
    const pkgs = [...(distroless ? [...PYTHON.debianApt, ...(native.length ? ['python3-dev=3.13.*'] : [])] : []), TINI.apt, ...buildApt];
    depsSteps.push(aptInstall(pkgs));
  } else if (buildApk.length) {
    depsSteps.push(`RUN apk add --no-cache ${buildApk.join(' ')}`);
  }
  const pipCache = cacheMount('/root/.cache/pip');
  if (cmds.tool) depsSteps.push(runWithMounts([pipCache], `python3 -m venv ${TOOLS} \\\n    && ${TOOLS}/bin/pip install ${cmds.tool}`));
  // After a plain `RUN apk add`, one RUN does both (hadolint DL3059: no consecutive plain RUNs).
  const last = depsSteps.length - 1;
  if (!cmds.tool && last >= 0 && depsSteps[last].startsWith('RUN apk add')) depsSteps[last] += ` \\\n    && python3 -m venv ${VENV}`;
  else depsSteps.push(`RUN python3 -m venv ${VENV}`);
  const secret = secretMount(cmds.secret.id, cmds.secret.target);
  const install = (command: string) => runWithMounts([cacheMount(cmds.cache), secret], command);
  const manifestCopies = manifestCopyLines(m);
  const depsInstall = cmds.deps ? install(cmds.deps) : undefined;
  const addServer = facts.addServer
    ? runWithMounts(
        [cacheMount(m.name === 'uv' ? cmds.cache : '/root/.cache/pip')],
        m.name === 'uv'
          ? `${TOOLS}/bin/uv pip install --python ${VENV}/bin/python ${facts.addServer}`
          : cmds.tool
            ? `${TOOLS}/bin/pip --python ${VENV}/bin/python install ${facts.addServer}`
            : `pip install ${facts.addServer}`,
      )
    : undefined;
  const libsStep =
    distroless && runtimeApt.length
      ? [
          'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
          '# distroless has no package manager: copy the shared libraries the compiled extensions link (not glibc or libssl).',
          `RUN mkdir -p /runtime-libs \\\n    && find ${VENV} -name '*.so' -exec ldd {} + 2>/dev/null | awk '$3 ~ /^\\// {print $3}' | sort -u \\\n` +
            '    | while read -r lib; do \\\n' +
            '        real="$(readlink -f "$lib")"; pkg="$(dpkg -S "$real" 2>/dev/null | cut -d: -f1)"; \\\n' +
            '        case "$pkg" in libc6|libgcc-s1|libstdc++6|libssl3t64|zlib1g|"") ;; \\\n' +
            '        *) mkdir -p "/runtime-libs$(dirname "$real")" && cp -L "$lib" "/runtime-libs$(dirname "$real")/$(basename "$lib")" ;; esac; \\\n' +
            '    done',
        ]
      : [];

  // build: the source, the project itself, static files.
  const buildSteps: string[] = [];
  if (cmds.project) buildSteps.push(install(cmds.project));
  if (facts.collectstatic) buildSteps.push(`RUN ${facts.collectstatic.value}`);
  const hasBuild = buildSteps.length > 0;
  // Distroless libraries are collected after everything that compiles.
  const depsTail = hasBuild ? [] : libsStep;
  const buildTail = hasBuild ? libsStep : [];
  const lastDepsStage = hasBuild ? 'build' : 'deps';

  // test: dev dependencies on top of the production ones; never reaches the runtime.
  let test: Record<string, unknown> | undefined;
  if (facts.test) {
    const steps: string[] = [];
    if (cmds.dev) steps.push(install(cmds.dev));
    if (facts.addTestPackages.length)
      steps.push(runWithMounts([cacheMount('/root/.cache/pip')], `pip install ${facts.addTestPackages.join(' ')}`));
    steps.push(`RUN ${facts.test.value.join(' ')}`);
    test = { from: lastDepsStage, copySource: !hasBuild, steps };
  }

  // runtime
  const runtimeSteps: string[] = [];
  if (runtime === 'slim') {
    if (runtimeApt.length) runtimeSteps.push(aptInstall(runtimeApt));
    runtimeSteps.push(
      `RUN groupadd --system --gid ${gid} app \\\n    && useradd --system --uid ${uid} --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app`,
    );
  } else if (alpine) {
    runtimeSteps.push(
      `RUN apk add --no-cache tini=~0.19${runtimeApk.length ? ` ${runtimeApk.join(' ')}` : ''} \\\n    && addgroup -S -g ${gid} app \\\n    && adduser -S -D -H -u ${uid} -G app -h /nonexistent -s /sbin/nologin app`,
    );
  }
  const copies: string[] = [];
  if (distroless && runtimeApt.length) copies.push(`COPY --from=${lastDepsStage} --chown=0:0 /runtime-libs/ /`);
  copies.push(`COPY --from=${lastDepsStage} ${chown} ${VENV} ${VENV}`);
  copies.push(hasBuild ? `COPY --from=build ${chown} /app /app` : `COPY ${chown} . .`);

  const pythonBin = `${VENV}/bin/python`;
  const health = pythonProbe(pythonBin, answers.port, answers.healthPath);
  const tini = alpine ? '/sbin/tini' : TINI.target;
  const stopping = fitGracefulStop(facts.start.value, warnings);
  const start = stopping.start.map((a) => a.replaceAll('${PORT}', String(answers.port)));
  const command = start[0] === 'python' ? [pythonBin, ...start.slice(1)] : [`${VENV}/bin/${start[0]}`, ...start.slice(1)];

  const dockerfile = {
    name: facts.name.value,
    args,
    secretId: cmds.secret.id,
    secretTarget: cmds.secret.target,
    buildImage,
    depsEnv: `ENV ${[...env, ...cmds.env, ...(m.name === 'uv' ? [`UV_PYTHON=${runtimeImage.runtimeBin}`] : [])].join(' \\\n    ')}`,
    depsSteps,
    manifestCopies,
    depsInstall,
    addServer,
    depsTail,
    build: hasBuild ? { steps: buildSteps, tail: buildTail } : undefined,
    test,
    runtimeImage: runtimeImage.ref,
    runtimeIsDistroless: distroless,
    runtimeEnv: `ENV ${[...env, `PORT=${answers.port}`].join(' \\\n    ')}`,
    labels: ociLabels(facts.labels),
    runtimeSteps,
    tiniFromDeps: alpine ? undefined : `COPY --from=deps ${TINI.staticPath} ${TINI.target}`,
    copies,
    user: `${uid}:${gid}`,
    port: answers.port,
    healthcheck: dockerfileHealthcheck(health),
    entrypoint: execForm([tini, '--']),
    cmd: execForm(command),
  };

  const copied = [...m.manifests];
  const groups = keepCopied(pythonIgnores(), copied);
  const service: ServiceSpec = {
    name: answers.service,
    context: '.',
    image: `${answers.service}:dev`,
    port: answers.port,
    healthcheck: health,
    user: runtimeImage.user,
    buildSecrets: [{ name: cmds.secret.id, file: `./secrets/${cmds.secret.id}` }],
    runtimeSecrets: [{ name: 'app_secret', file: './secrets/app_secret.txt' }],
    environment: { PORT: String(answers.port), APP_SECRET_FILE: '/run/secrets/app_secret' },
    tmpfs: ['/tmp'],
    init: true,
    ...(facts.workers.length
      ? {
          aliveCommand: [pythonBin, '-c', ''],
          workers: facts.workers.map((w) => ({
            name: w.name,
            command: w.command,
            environment: w.environment,
            healthcheck: w.health ? commandProbe(w.health) : undefined,
            ...(w.oneOff ? { oneOff: true } : {}),
          })),
        }
      : {}),
  };
  return {
    dockerfile,
    dockerignore: { groups },
    service,
    python,
    warnings,
    secret: { id: cmds.secret.id, hint: cmds.secret.hint },
    stop: stopping.stop,
    start,
  };
}

/** COPY lines for the manifests: root files together, workspace members' pyproject.toml into their folders. */
function manifestCopyLines(m: Manager): string[] {
  const root = m.manifests.filter((f) => !f.includes('/'));
  const lines = root.length ? [`COPY ${root.join(' ')} ./`] : [];
  for (const f of m.manifests.filter((x) => x.includes('/'))) lines.push(`COPY ${f} ${f.slice(0, f.lastIndexOf('/') + 1)}`);
  return lines;
}

function pythonIgnores(): IgnoreGroup[] {
  return [
    ...COMMON_IGNORES,
    {
      comment: 'Python: the image builds its own virtual environment and bytecode',
      entries: ['.venv', 'venv', '__pycache__', '*.py[cod]', '*$py.class', '.Python', 'pip-wheel-metadata', '__pypackages__'],
    },
    {
      comment: 'Build output, caches and test artifacts',
      entries: [
        'build',
        'dist',
        '*.egg-info',
        '.eggs',
        'wheels',
        '.pytest_cache',
        '.mypy_cache',
        '.ruff_cache',
        '.tox',
        '.nox',
        '.coverage',
        '.coverage.*',
        'htmlcov',
        '.hypothesis',
        '.ipynb_checkpoints',
        'staticfiles',
        'db.sqlite3',
      ],
    },
  ];
}
