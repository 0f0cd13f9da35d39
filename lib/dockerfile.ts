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
