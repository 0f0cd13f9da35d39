// Checks on built images and running containers, shared by the end-to-end suite and the corpus run:
// build secrets holding a known random value, health, the processes' users, and secret leaks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, sh, tail } from './docker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A build secret per id, each valid for its tool and holding the known random value. */
export function writeSecrets(dir: string, secret: string): Record<string, string> {
  const contents: Record<string, string> = {
    npmrc: `//registry.invalid/:_authToken=${secret}\n`,
    yarnrc: `npmScopes:\n  dockerstack-e2e:\n    npmAuthToken: "${secret}"\n    npmRegistryServer: "https://registry.invalid"\n`,
    pipconf: `# ${secret}\n[global]\n`,
    netrc: `machine registry.invalid login e2e password ${secret}\n`,
    // uv.toml with the value in a comment, and Poetry auth.toml credentials for a repository the project does not use: valid files that leave the build unchanged.
    uvtoml: `# e2e: token ${secret}\n`,
    poetryauth: `[http-basic.e2e-private]\nusername = "e2e"\npassword = "${secret}"\n`,
  };
  const files: Record<string, string> = {};
  for (const [id, text] of Object.entries(contents)) {
    files[id] = join(dir, `${id}.secret`);
    writeFileSync(files[id], text);
  }
  return files;
}

export async function waitHealthy(name: string, timeoutMs: number): Promise<{ status: string; ms: number }> {
  const t0 = Date.now();
  let status = '';
  while (Date.now() - t0 < timeoutMs) {
    status = (
      await docker(['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}', name])
    ).out.trim();
    if (status.startsWith('healthy') || status.includes('exited') || status.startsWith('none')) break;
    await sleep(1000);
  }
  return { status, ms: Date.now() - t0 };
}

export function containerPort(dockerfile: string): number {
  return Number(/^EXPOSE (\d+)/m.exec(dockerfile)?.[1] ?? 3000);
}

/** uids of every process in the container, read from the host's /proc. */
export async function processUids(name: string): Promise<string[]> {
  const top = await docker(['top', name, '-eo', 'uid,pid']); // docker top needs the pid column
  return top.out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

export function httpGet(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );
}

export async function secretInImage(tag: string, secret: string): Promise<string | undefined> {
  const history = await docker(['history', '--no-trunc', tag]);
  if (history.out.includes(secret)) return 'docker history';
  const dir = mkdtempSync(join(tmpdir(), 'dockerstack-save-'));
  try {
    const save = await docker(['save', '-o', join(dir, 'image.tar'), tag]);
    if (save.code !== 0) return `docker save failed: ${tail(save.out, 3)}`;
    await sh('tar', ['-xf', join(dir, 'image.tar'), '-C', dir]);
    // Layers are uncompressed tars: a grep over every file finds the value in any layer or config.
    const grep = await sh('grep', ['-r', '-a', '-l', '-F', secret, dir, '--exclude=image.tar']);
    return grep.code === 0 ? `docker save: ${grep.out.trim().replaceAll(dir, '')}` : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many services `docker compose up` starts: those in a profile (a release one-off) wait for `run`. */
export const servicesUpStarts = (services: Record<string, { profiles?: string[] } | undefined> | undefined) =>
  Object.values(services ?? {}).filter((s) => !s?.profiles?.length).length;

/**
 * A `docker compose ps --format '{{.Service}} {{.Health}} {{.State}}'` row that is up: healthy, or (for a
 * service whose check compose.yaml turns off, a worker without a ping) running.
 */
export function composeRowUp(row: string, services: Record<string, { healthcheck?: { disable?: boolean } } | undefined>): boolean {
  const [service, health, state] = row.split(' ');
  return health === 'healthy' || (services[service]?.healthcheck?.disable === true && !health && state === 'running');
}
