// From Go facts and answers to everything the templates need: no logic is left for EJS.

import { posix } from 'node:path';
import type { ServiceSpec } from '../../lib/compose.ts';
import { cacheMount, runWithMounts, secretMount } from '../../lib/dockerfile.ts';
import { COMMON_IGNORES, everywhere, type IgnoreGroup, keepCopied, manifestsOnly } from '../../lib/dockerignore.ts';
import { binaryProbe, dockerfileHealthcheck, execForm, grpcProbe } from '../../lib/healthcheck.ts';
import { ALPINE, type GoRuntime, goBuildImage, goRuntimeImage, NONROOT } from '../../lib/images.ts';
import { ociLabels } from '../../lib/labels.ts';
import type { GoFacts, ServeFacts } from './detect.ts';
import { GRPC_PROBE, grpcProbeCommand, PROBE_PATH, probeRun } from './probe.ts';
import type { BuildRecipe } from './recipe.ts';

export interface GoAnswers {
  runtime: GoRuntime;
  /** The main package, '.' or './cmd/api'. */
  main: string;
  /** The binary's file name in the image. */
  binary: string;
  cgo: boolean;
  port: number;
  healthPath: string;
  service: string;
  goprivate?: string;
  /** The repository's own build of this main (Makefile, Taskfile.yml, .goreleaser.yaml): env and flags. */
  recipe?: BuildRecipe;
  /** One of several servers of the module: its Dockerfile is in its own folder, built from the module's. */
  ownDockerfile?: boolean;
}

export interface GoPlan {
  /** Where the Dockerfile is written, relative to the module: `Dockerfile`, or `cmd/api/Dockerfile`. */
  dockerfilePath: string;
  dockerfile: Record<string, unknown>;
  dockerignore: { groups: IgnoreGroup[] };
  service: ServiceSpec;
  /** The runtime image reference, for the facts. */
  runtimeImage: string;
}

const NETRC = { id: 'netrc', target: '/root/.netrc' };
const MOD_CACHE = cacheMount('/go/pkg/mod');
const BUILD_CACHE = cacheMount('/root/.cache/go-build');
/** Go's own time zone database, for images without /usr/share/zoneinfo (read through $ZONEINFO). */
const ZONEINFO = '/usr/share/zoneinfo.zip';

export function planGo(facts: GoFacts, serve: ServeFacts, answers: GoAnswers): GoPlan {
  const { runtime, cgo } = answers;
  const version = facts.go.value;
  // A module of a go.work is built from the go.work folder: paths in the image are the workspace's.
  const ws = facts.workspace;
  const inWs = (path: string) => (ws ? posix.join(ws.dir, path) : path);
  const main = ws ? `./${inWs(answers.main)}` : answers.main;
  // The Dockerfile, relative to the module and to the build context (the module, or the go.work folder).
  const dockerfilePath = answers.ownDockerfile ? posix.join(answers.main, 'Dockerfile') : 'Dockerfile';
  const dockerfileInContext = inWs(dockerfilePath);
  // A workspace vendors with `go work vendor` at its root, not per module: modules are downloaded.
  const vendored = facts.vendor.value && !ws;
  // The modules whose go.mod and go.sum the download reads: every module a go.work uses, else this one.
  const moduleDirs = ws ? ws.uses : ['.'];
  // A cgo binary links glibc dynamically: distroless base (or cc for C++). On scratch and alpine (no glibc)
  // it is linked statically instead.
  const staticCgo = cgo && runtime !== 'distroless';
  const libc = cgo ? (facts.cxx ? 'cc' : 'base') : 'static';
  // Cross-compiling: the build stage runs on the build machine and Go compiles for the target. cgo needs a C
  // cross-compiler for that, which the golang image lacks: cgo builds run on the target platform.
  const cross = !cgo;

  const args = [{ name: 'GO_VERSION', value: version.tag }];
  if (runtime === 'alpine') args.push({ name: 'ALPINE_VERSION', value: ALPINE.version });
  // A gRPC server with grpc.health.v1 is probed with grpc_health_probe (a pinned module version).
  const grpc = Boolean(serve.grpcHealth);
  if (grpc) args.push({ name: GRPC_PROBE.arg, value: GRPC_PROBE.version });
  const image = goRuntimeImage(runtime, libc, '${ALPINE_VERSION}');
  const { uid, gid } = image.user;
  const secret = secretMount(NETRC.id, NETRC.target);

  const depsEnv = [`CGO_ENABLED=${cgo ? 1 : 0}`, 'GOTOOLCHAIN=local'];
  if (vendored) depsEnv.push('GOFLAGS=-mod=vendor');
  if (answers.goprivate) depsEnv.push(`GOPRIVATE=${answers.goprivate}`);

  // The repository's build: its GOEXPERIMENT (for the tests too), tags and literal -X values.
  const recipe = answers.recipe;
  const experiment = recipe?.env.find((e) => e.name === 'GOEXPERIMENT');
  if (experiment) depsEnv.push(`GOEXPERIMENT=${experiment.value}`);
  const repoTags = recipe?.tags?.value ?? [];
  const targetEnv = cross ? 'GOOS=$TARGETOS GOARCH=$TARGETARCH ' : '';
  const tagList = [...(staticCgo ? ['netgo', 'osusergo'] : []), ...repoTags];
  const tags = tagList.length ? ` -tags ${tagList.join(',')}` : '';
  const xflags = recipe?.ldflags?.value ?? [];
  const versionFlag = xflags.some((x) => x.endsWith('=${VERSION}')) ? [] : ['-X main.version=${VERSION}'];
  const ldflags = `-s -w ${[...versionFlag, ...xflags].join(' ')}${staticCgo ? ' -linkmode=external -extldflags=-static' : ''}`;
  const testTags = repoTags.length ? ` -tags ${repoTags.join(',')}` : '';
  const buildCmd = `${targetEnv}go build -trimpath${tags} -ldflags="${ldflags}" -o /out/${answers.binary} ${main}`;

  // scratch has nothing: CA certificates, time zones and a passwd entry for the user come from the build stage.
  const rootfs: string[] = [];
  if (runtime === 'scratch') {
    rootfs.push(
      'mkdir -p /out/rootfs/etc/ssl/certs /out/rootfs/usr/share',
      `printf 'nonroot:x:${uid}:${gid}:nonroot:/home/nonroot:/sbin/nologin\\n' > /out/rootfs/etc/passwd`,
      `printf 'nonroot:x:${gid}:\\n' > /out/rootfs/etc/group`,
      'cp /etc/ssl/certs/ca-certificates.crt /out/rootfs/etc/ssl/certs/',
    );
  }
  if (runtime !== 'distroless') {
    if (!rootfs.length) rootfs.push('mkdir -p /out/rootfs/usr/share');
    rootfs.push(`cp "$(go env GOROOT)/lib/time/zoneinfo.zip" /out/rootfs${ZONEINFO}`);
  }

  const chown = `--chown=${uid}:${gid}`;
  // Folders the program writes: created here for the runtime user; compose.yaml mounts a named volume on each,
  // which takes the folder's owner from the image on first use (the root filesystem stays read-only).
  const writable = serve.writes.filter((w) => !serve.assets.value.includes(w.dir)).map((w) => w.dir);
  const copies = [
    grpc
      ? `COPY --from=build --chown=0:0 /out/grpc_health_probe ${GRPC_PROBE.path}`
      : `COPY --from=build ${PROBE_PATH.replace(/^.*\//, '/out/')} ${PROBE_PATH}`,
    ...(rootfs.length ? ['COPY --from=build --chown=0:0 /out/rootfs/ /'] : []),
    `COPY --from=build ${chown} /out/${answers.binary} /app/${answers.binary}`,
    ...serve.assets.value.map((dir) => `COPY ${chown} ${inWs(dir)} ./${dir}`),
    ...writable.map((dir) => `COPY --from=build ${chown} /out/writable/${dir} ./${dir}`),
  ];
  const env = [...(serve.portEnv ? [`PORT=${answers.port}`] : []), ...(runtime !== 'distroless' ? [`ZONEINFO=${ZONEINFO}`] : [])];
  const health = grpc ? grpcProbe(GRPC_PROBE.path, answers.port) : binaryProbe(PROBE_PATH, answers.port, answers.healthPath);

  const dockerfile = {
    name: answers.service,
    main,
    workspace: ws ? { dir: ws.dir, toRoot: ws.toRoot } : undefined,
    ownDockerfile: answers.ownDockerfile ? dockerfileInContext : undefined,
    fileFlag: dockerfileInContext === 'Dockerfile' ? '' : `-f ${dockerfileInContext} `,
    // go.mod and go.sum (`go.su[m]`: copied when there is one); in a workspace, those of every module it uses.
    manifestCopies: [
      ...(ws ? ['COPY go.work go.work.su[m] ./'] : []),
      ...moduleDirs.map((d) => (d === '.' ? 'COPY go.mod go.su[m] ./' : `COPY ${d}/go.mod ${d}/go.su[m] ${d}/`)),
    ],
    cross,
    cgo,
    staticCgo,
    vendored,
    args,
    depsFrom: `FROM ${cross ? '--platform=$BUILDPLATFORM ' : ''}${goBuildImage('${GO_VERSION}')} AS deps`,
    depsEnv: `ENV ${depsEnv.join(' \\\n    ')}`,
    download: vendored ? undefined : runWithMounts([MOD_CACHE, secret], 'go mod download'),
    targetArgs: [...(cross ? ['ARG TARGETOS', 'ARG TARGETARCH'] : []), ...(grpc ? [`ARG ${GRPC_PROBE.arg}`] : [])],
    probeComment: grpc
      ? `The probe: grpc_health_probe ${GRPC_PROBE.version}, static, for the gRPC health service (the runtime image has no shell).`
      : 'The probe: a tiny static program that GETs the health URL (the runtime image has no shell, curl or wget).',
    probe: grpc ? runWithMounts([MOD_CACHE, BUILD_CACHE], grpcProbeCommand(targetEnv)) : probeRun(targetEnv),
    rootfs: rootfs.length ? `RUN ${rootfs.join(' \\\n    && ')}` : undefined,
    writable: writable.length ? `RUN mkdir -p ${writable.map((d) => `/out/writable/${d}`).join(' ')}` : undefined,
    build: runWithMounts([MOD_CACHE, BUILD_CACHE, secret], buildCmd),
    recipeComment: recipe
      ? `As the repository builds it (${recipe.source}): ${[
          ...(experiment ? [`GOEXPERIMENT=${experiment.value} (deps stage)`] : []),
          ...(repoTags.length ? [`-tags ${repoTags.join(',')}`] : []),
          ...(xflags.length ? ['its -X values'] : []),
        ].join(
          ', ',
        )}${recipe.dropped.length ? `; left out: ${recipe.dropped.map((d) => d.replace(/ \(.*$/, '')).join(', ')} (computed by a shell or the release tool)` : ''}.`
      : undefined,
    test: runWithMounts([MOD_CACHE, BUILD_CACHE, secret], `go vet${testTags} ./${inWs('...')} && go test${testTags} ./${inWs('...')}`),
    runtimeImage: image.ref,
    runtime,
    libc,
    env: env.length ? `ENV ${env.join(' \\\n    ')}` : undefined,
    labels: ociLabels({ ...facts.labels, title: answers.service }),
    copies,
    user: `${uid}:${gid}`,
    port: answers.port,
    healthcheck: dockerfileHealthcheck(health),
    entrypoint: execForm([`/app/${answers.binary}`]),
    cmd: serve.subcommand ? execForm([serve.subcommand.value]) : undefined,
    secretId: NETRC.id,
  };

  const manifests = [
    ...(ws ? ['go.work', 'go.work.sum'] : []),
    ...moduleDirs.flatMap((d) => [posix.join(d, 'go.mod'), posix.join(d, 'go.sum')]),
  ];
  const copied = [...manifests, ...serve.assets.value.map(inWs)];
  const service: ServiceSpec = {
    name: answers.service,
    context: ws ? ws.toRoot : '.',
    ...(dockerfileInContext !== 'Dockerfile' ? { dockerfile: dockerfileInContext } : {}),
    image: `${answers.service}:dev`,
    port: answers.port,
    healthcheck: health,
    user: NONROOT,
    buildSecrets: [{ name: NETRC.id, file: `./secrets/${NETRC.id}` }],
    runtimeSecrets: [{ name: 'app_secret', file: './secrets/app_secret.txt' }],
    environment: { ...(serve.portEnv ? { PORT: String(answers.port) } : {}), APP_SECRET_FILE: '/run/secrets/app_secret' },
    tmpfs: ['/tmp'],
    ...(serve.writes.length
      ? { volumes: serve.writes.map((w) => ({ name: `${answers.service}-${w.dir.replace(/[^\w.-]+/g, '-')}`, target: `/app/${w.dir}` })) }
      : {}),
    // A Go binary exits on SIGTERM as PID 1; compose's init also reaps any child processes it starts.
    init: true,
  };
  return {
    dockerfilePath,
    dockerfile,
    dockerignore: {
      groups: [
        ...keepCopied(goIgnores(facts, answers, topLevelGoDirs(facts)), copied),
        ...manifestsOnly(
          'go.work modules this one does not import: their go.mod and go.sum only (the download reads them)',
          ws ? ws.uses.filter((dir) => dir !== '.' && !ws.needs.includes(dir)) : [],
          ['go.mod', 'go.sum'],
        ),
      ],
    },
    service,
    runtimeImage: image.ref,
  };
}

/** Top-level folders that hold Go packages: never ignored, whatever their name. */
function topLevelGoDirs(facts: GoFacts): Set<string> {
  return new Set(facts.packageDirs.map((d) => d.split('/')[0]));
}

function goIgnores(facts: GoFacts, answers: GoAnswers, goDirs: Set<string>): IgnoreGroup[] {
  const notSource = (entries: string[]) => entries.filter((e) => !goDirs.has(e));
  const groups: IgnoreGroup[] = [
    {
      comment: 'Go: binaries, test and profiling output; the image builds its own',
      entries: notSource([
        'bin',
        'dist',
        answers.binary,
        '*.exe',
        '*.test',
        '*.out',
        'coverage.*',
        '*.coverprofile',
        '*.prof',
        '*.pprof',
        '__debug_bin*',
      ]),
    },
  ];
  // A module of a go.work is built with it; any other module alone, with its own go.mod and go.sum.
  if (!facts.workspace)
    groups.push({
      comment: 'Go workspace files: the image builds this module alone, with its go.mod and go.sum',
      entries: ['go.work', 'go.work.sum'],
    });
  if (!facts.vendor.value || facts.workspace)
    groups.push({ comment: 'vendor/ is not used (no vendor/modules.txt): modules are downloaded', entries: ['vendor'] });
  // The go.work folder is the build context: what is kept out must be kept out in every module's folder too.
  return facts.workspace ? everywhere([...COMMON_IGNORES, ...groups]) : [...COMMON_IGNORES, ...groups];
}
