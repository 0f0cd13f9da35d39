// Small Dockerfile text helpers shared by the generators' plans.

/** `RUN` continuation lines: each mount on its own line for readability. */
export const runWithMounts = (mounts: string[], command: string) => `RUN ${[...mounts, command].join(' \\\n    ')}`;

/** A BuildKit cache mount (package manager and compiler caches survive between builds, never in a layer). */
export const cacheMount = (target: string) => `--mount=type=cache,target=${target}`;

/** A BuildKit secret mount: present for one RUN step only; optional, so the build works without it. */
export const secretMount = (id: string, target: string) => `--mount=type=secret,id=${id},target=${target}`;

/** apt cache mounts: downloads and lists persist between builds (with docker-clean removed), never in a layer. */
export const APT_CACHE_MOUNTS = [
  '--mount=type=cache,target=/var/cache/apt,sharing=locked',
  '--mount=type=cache,target=/var/lib/apt/lists,sharing=locked',
];

/** A Debian `apt-get install` step with the apt cache mounts (packages pinned as `name=1.2.*`). */
export const aptInstall = (packages: string[]) =>
  runWithMounts(
    APT_CACHE_MOUNTS,
    `rm -f /etc/apt/apt.conf.d/docker-clean \\\n    && apt-get update \\\n    && apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  );

/** Programs that run as PID 1 to forward signals and reap zombies. */
const INIT_PROGRAMS = new Set(['tini', 'tini-static', 'dumb-init', 'docker-init', 'catatonit']);

/**
 * The init the runtime stage's ENTRYPOINT runs (`tini` in `ENTRYPOINT ["/usr/local/bin/tini", "--"]`),
 * else undefined. With one there, compose must not add its own: two inits, and tini warns on every start
 * that it is not PID 1.
 */
export function entrypointInit(dockerfile: string): string | undefined {
  const stages = dockerfile.split(/^(?=FROM\s)/im);
  const runtime = stages.find((stage) => /^FROM\s.*\sAS\s+runtime\s*$/im.test(stage.split('\n')[0])) ?? stages[stages.length - 1];
  const entrypoint = [...runtime.matchAll(/^ENTRYPOINT\s+(.+)$/gim)].pop()?.[1].trim();
  if (!entrypoint) return undefined;
  let program: string | undefined;
  try {
    program = entrypoint.startsWith('[') ? String((JSON.parse(entrypoint) as unknown[])[0]) : entrypoint.split(/\s+/)[0];
  } catch {
    return undefined;
  }
  const name = program?.split('/').pop();
  return name && INIT_PROGRAMS.has(name) ? name : undefined;
}
