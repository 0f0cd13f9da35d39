// The compose model: services this project owns, merged into compose.yaml with the yaml library's
// Document API so that comments, other services and user edits survive.
import { posix } from 'node:path';
import { type Document, isMap, isNode, isScalar, isSeq, type Pair, parseDocument, type YAMLMap } from 'yaml';
import type { BackingService } from './backing.ts';
import { InputError } from './errors.ts';
import { commandProbe, composeHealthcheck, type Healthcheck } from './healthcheck.ts';
import type { User } from './images.ts';

export interface ComposeSecret {
  /** Secret name, also its file under secrets/. */
  name: string;
  file: string;
  /** What the file holds around its random password: the password alone (default), a redis.conf or a RabbitMQ conf.d file. */
  format?: 'password' | 'redis-conf' | 'rabbitmq-conf';
}

export interface ServiceSpec {
  name: string;
  /** Build context relative to compose.yaml. */
  context: string;
  dockerfile?: string;
  image: string;
  port: number;
  healthcheck: Healthcheck;
  user: User;
  /** Set when a team preset fixes the runtime user: compose.yaml then says it too (`user:`). */
  runAs?: User;
  /** Build secrets (BuildKit --mount=type=secret ids). */
  buildSecrets: ComposeSecret[];
  /** Runtime secrets, mounted at /run/secrets/NAME. */
  runtimeSecrets: ComposeSecret[];
  environment: Record<string, string>;
  /** Writable paths on a read-only root filesystem. */
  tmpfs: string[];
  /** Named volumes for what the app writes (lib/writable-paths.ts): `name` at `target`. */
  volumes?: Array<{ name: string; target: string }>;
  /** false when the image already runs an init as PID 1 (its ENTRYPOINT): two inits, and tini warns it is not PID 1. */
  init: boolean;
  /** The init the image's ENTRYPOINT runs (`tini`), said in a comment beside `init: false`. */
  imageInit?: string;
  /** Backing services it waits for (healthy) before it starts. */
  dependsOn?: string[];
  /** The repository's own backing services it uses (in its compose file), each with the condition it can wait for. */
  waitsFor?: Record<string, 'service_started' | 'service_healthy'>;
  /** The port published on the host (default: `port`); set by mergeCompose when another service has it. */
  hostPort?: number;
  /** Processes run from the same image beside the server (a Procfile `worker:` line, a Celery app). */
  workers?: WorkerSpec[];
  /**
   * A command the image runs that exits 0 (`node -e ""`): the check of a worker without one of its own. A
   * disabled check would make `docker compose up --wait` fail ("has no healthcheck configured": compose#13522).
   */
  aliveCommand?: string[];
  /** A git-ignored env file with the settings that hold a password (REDIS_URL, DATABASE_URL), e.g. `./secrets/api.env`. */
  envFile?: string;
  /** The names that env file sets: an `environment` entry of the same name (an older run's) would override it. */
  envFileKeys?: string[];
}

/** A worker: a compose service from its web service's image, with its own command and no port. */
export interface WorkerSpec {
  /** Its process type (`worker`, `beat`): the compose service is `<service>-<name>`. */
  name: string;
  /** Exec form; replaces the image's CMD (its ENTRYPOINT, the init, stays). */
  command: string[];
  environment: Record<string, string>;
  /** Its liveness check; undefined: none (the image's HTTP check is turned off, and a fact says why). */
  healthcheck?: Healthcheck;
  /** A release step: in the `release` profile (`up` leaves it out), run with `docker compose run --rm`, never restarted. */
  oneOff?: boolean;
}

/** The compose service name of a worker of `service`. */
export const workerServiceName = (service: string, worker: string) => `${service}-${worker}`;

/**
 * A worker's compose service: the web service's build (the same image: BuildKit's cache builds it once), its
 * environment, secrets, backing services and hardening, no port, its own command and check.
 */
export function workerMapping(spec: ServiceSpec, worker: WorkerSpec): Record<string, unknown> {
  const { ports: _ports, healthcheck: _health, ...web } = serviceMapping(spec);
  const environment = { ...spec.environment, ...worker.environment };
  const mapping: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(web)) {
    if (key === 'init') {
      mapping.command = worker.command;
      const check = worker.healthcheck ?? (spec.aliveCommand && !worker.oneOff ? commandProbe(spec.aliveCommand) : undefined);
      mapping.healthcheck = check ? composeHealthcheck(check) : { disable: true };
    }
    mapping[key] = key === 'environment' ? environment : value;
  }
  if (!('environment' in mapping) && Object.keys(environment).length) mapping.environment = environment;
  if (worker.oneOff) Object.assign(mapping, { profiles: ['release'], restart: 'no' });
  return mapping;
}

/** A service that uses backing services: their connection settings, secrets and a healthy-start dependency. */
export function withBacking(spec: ServiceSpec, backing: BackingService[]): ServiceSpec {
  if (!backing.length) return spec;
  const secrets = [...spec.runtimeSecrets];
  for (const b of backing) for (const secret of b.client.secrets) if (!secrets.some((s) => s.name === secret.name)) secrets.push(secret);
  return {
    ...spec,
    environment: { ...spec.environment, ...Object.assign({}, ...backing.map((b) => b.client.environment)) },
    runtimeSecrets: secrets,
    dependsOn: backing.map((b) => b.name),
  };
}

/** The compose service mapping for one service, in the key order users expect. */
export function serviceMapping(spec: ServiceSpec): Record<string, unknown> {
  const service: Record<string, unknown> = {
    build: {
      context: spec.context,
      ...(spec.dockerfile ? { dockerfile: spec.dockerfile } : {}),
      target: 'runtime',
      ...(spec.buildSecrets.length ? { secrets: spec.buildSecrets.map((s) => s.name) } : {}),
    },
    image: spec.image,
    pull_policy: 'build',
    ...(spec.runAs ? { user: `${spec.runAs.uid}:${spec.runAs.gid}` } : {}),
    ports: [`${spec.hostPort ?? spec.port}:${spec.port}`],
    ...(Object.keys(spec.environment).length ? { environment: spec.environment } : {}),
    ...(spec.envFile ? { env_file: [spec.envFile] } : {}),
    ...(spec.runtimeSecrets.length ? { secrets: spec.runtimeSecrets.map((s) => s.name) } : {}),
    ...(spec.dependsOn?.length || Object.keys(spec.waitsFor ?? {}).length
      ? {
          depends_on: {
            ...Object.fromEntries(Object.entries(spec.waitsFor ?? {}).map(([name, condition]) => [name, { condition }])),
            ...Object.fromEntries((spec.dependsOn ?? []).map((name) => [name, { condition: 'service_healthy' }])),
          },
        }
      : {}),
    healthcheck: composeHealthcheck(spec.healthcheck),
    init: spec.init,
    read_only: true,
    tmpfs: spec.tmpfs,
    ...(spec.volumes?.length ? { volumes: spec.volumes.map((v) => `${v.name}:${v.target}`) } : {}),
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    restart: 'unless-stopped',
  };
  return service;
}

export interface ComposeUpdate {
  text: string;
  /** Services added or replaced. */
  written: string[];
  /** Services that were there before and are changed by this update (the rest is only added). */
  replaced: string[];
  /** Host ports moved because another service publishes the same one: `web 3000 -> 3001`. */
  moved: string[];
  /** Facts about existing services updated in place (their name, a build target that changed), with their source. */
  notes: string[];
}

/** The file names `docker compose` reads in a folder, in its order of preference (it uses the first it finds). */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** The compose file of a folder: the one `docker compose` would read there, else a new compose.yaml. */
export function composeFileIn(exists: (name: string) => boolean): string {
  return COMPOSE_FILES.find((name) => exists(name)) ?? 'compose.yaml';
}

/**
 * Where every generated runtime stage keeps the app (WORKDIR /app, or a workspace member's folder below it):
 * a bind mount or anonymous volume there hides the image's own files.
 */
const IMAGE_APP_DIR = '/app';

/** The Dockerfile a compose service builds, as `context/dockerfile` (normalized), and its target; none without `build`. */
function buildOf(service: unknown): { context: string; dockerfile: string; custom: boolean; target?: string } | undefined {
  if (!isMap(service)) return undefined;
  const build = service.get('build');
  let context: unknown = build;
  let dockerfile: unknown;
  let target: unknown;
  if (isMap(build)) {
    context = build.get('context') ?? '.';
    dockerfile = build.get('dockerfile');
    target = build.get('target');
  } else if (typeof build !== 'string') return undefined;
  return {
    context: posix.normalize(String(context)).replace(/\/$/, '') || '.',
    dockerfile: posix.normalize(posix.join(String(context), String(dockerfile ?? 'Dockerfile'))),
    custom: dockerfile !== undefined && posix.normalize(String(dockerfile)) !== 'Dockerfile',
    target: target === undefined ? undefined : String(target),
  };
}

/**
 * A service the repository wrote for development, adopted as the generated one: the keys that would undo the
 * image go, each said in a note. `command`/`entrypoint` replace the server the image's CMD runs (a dev server,
 * a wait script the image lacks); the source tree mounted over the image (`.:/app`, `./app:/usr/src/app`), a
 * bind over the app folder, or an anonymous volume in it (`/app/node_modules`) hides the built code; an `env_file` that is not there stops `docker compose up`, so it
 * becomes optional. Everything else (data mounts, networks, links, labels, their environment) stays.
 */
function adoptService(
  doc: Document,
  service: YAMLMap,
  name: string,
  context: string,
  file: string,
  exists: (path: string) => boolean,
): string[] {
  const notes: string[] = [];
  const where = `${file} services.${name}`;
  for (const key of ['command', 'entrypoint']) {
    const value = service.get(key, true);
    if (value === undefined) continue;
    const json = plain(doc, value);
    const text = Array.isArray(json) ? json.join(' ') : String(json);
    service.delete(key);
    notes.push(`dropped ${where}.${key} (${text}): the image's CMD runs the server`);
  }
  const volumes = service.get('volumes', true);
  if (isSeq(volumes)) {
    volumes.items = volumes.items.filter((item) => {
      const json = plain(doc, item);
      const entry = isPlainMap(json)
        ? { source: json.source === undefined ? undefined : String(json.source), target: String(json.target ?? '') }
        : mountOf(String(json));
      const target = posix.normalize(entry.target).replace(/\/$/, '');
      const inApp = target === IMAGE_APP_DIR || target.startsWith(`${IMAGE_APP_DIR}/`);
      // The source tree (the build context) mounted anywhere, or an anonymous volume in the app folder
      // (`/app/node_modules`); a data folder (`./data:/app/data`) and a named volume stay.
      const source = entry.source === undefined ? undefined : posix.normalize(entry.source).replace(/\/$/, '') || '.';
      const sourceTree = source !== undefined && source === context;
      if (!(sourceTree || (entry.source === undefined && inApp) || (source !== undefined && target === IMAGE_APP_DIR))) return true;
      notes.push(
        `dropped ${where}.volumes ${entry.source === undefined ? entry.target : `${entry.source}:${entry.target}`}: ${sourceTree ? 'the source tree over the built image' : `it hides the image's ${target}`}`,
      );
      return false;
    });
    if (!volumes.items.length) service.delete('volumes');
  }
  const envFiles = service.get('env_file', true);
  const entries = isSeq(envFiles) ? envFiles.items : envFiles === undefined ? [] : [envFiles];
  const optional = entries.flatMap((item) => {
    const json = plain(doc, item);
    return typeof json === 'string' && !exists(json) ? [json] : [];
  });
  if (optional.length) {
    const list = entries.map((item) => {
      const json = plain(doc, item);
      return typeof json === 'string' && optional.includes(json) ? { path: json, required: false } : json;
    });
    service.set('env_file', doc.createNode(list));
    for (const path of optional) notes.push(`optional env_file ${path} <- ${where} (not in the repository: required: false)`);
  }
  return notes;
}

/** A short-syntax mount `source:target[:mode]` (an anonymous volume has only a target). */
function mountOf(text: string): { source?: string; target: string } {
  const parts = text.split(':');
  if (parts.length === 1) return { target: parts[0] };
  if (parts.length >= 3 && /^(ro|rw|z|Z|cached|delegated|consistent|nocopy)(,.*)?$/.test(parts[parts.length - 1]))
    return { source: parts.slice(0, -2).join(':'), target: parts[parts.length - 2] };
  return { source: parts.slice(0, -1).join(':'), target: parts[parts.length - 1] };
}

const keyOf = (pair: Pair) => String(isScalar(pair.key) ? pair.key.value : pair.key);

/** A node's plain value, its aliases (`*env`, `<<: *app`) resolved against the document. */
function plain(doc: Document, node: unknown): unknown {
  return isNode(node) ? node.toJS(doc) : node;
}

/**
 * The generated service merged into an existing one, in place: the user's keys and their order stay (volumes,
 * labels, command...), the generated keys get the generated values, and the maps and lists both write
 * (environment, depends_on, labels, the build, secrets) keep the user's entries beside the generated ones.
 */
function mergeService(doc: Document, previous: YAMLMap, generated: Record<string, unknown>, dropEnv: string[] = []): YAMLMap {
  const merged = doc.createNode({}) as YAMLMap;
  merged.commentBefore = previous.commentBefore;
  // Other services that merge this one (`<<: *app`) keep finding it.
  if (previous.anchor) merged.anchor = previous.anchor;
  const done = new Set<string>();
  for (const pair of previous.items) {
    const key = keyOf(pair);
    if (!(key in generated)) {
      merged.items.push(pair);
      continue;
    }
    done.add(key);
    let user = plain(doc, pair.value);
    // A setting the env file now holds (REDIS_URL with Redis's password) leaves `environment`, which would win.
    if (key === 'environment' && dropEnv.length) user = withoutKeys(user, dropEnv);
    const value = doc.createNode(mergeValue(key, user, generated[key]));
    // A value other services alias (`environment: &env`) keeps its anchor.
    const anchor = (pair.value as { anchor?: string } | null)?.anchor;
    if (anchor && isNode(value)) value.anchor = anchor;
    merged.items.push(doc.createPair(pair.key, value) as Pair);
  }
  for (const [key, value] of Object.entries(generated)) if (!done.has(key)) merged.set(key, doc.createNode(value));
  return merged;
}

type Plain = Record<string, unknown>;
const isPlainMap = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An environment (map or `KEY=value` list) without the given names. */
function withoutKeys(environment: unknown, names: string[]): unknown {
  if (Array.isArray(environment)) return environment.filter((item) => !names.includes(String(item).split('=')[0]));
  if (isPlainMap(environment)) return Object.fromEntries(Object.entries(environment).filter(([k]) => !names.includes(k)));
  return environment;
}

function mergeValue(key: string, user: unknown, generated: unknown): unknown {
  if (key === 'build' && isPlainMap(user) && isPlainMap(generated)) {
    const secrets = mergeList(user.secrets, generated.secrets);
    return { ...user, ...generated, ...(secrets ? { secrets } : {}) };
  }
  if (key === 'secrets') return mergeList(user, generated);
  // The user's mounts (data folders) stay beside the generated named volumes; one at the same target is replaced.
  if (key === 'volumes' && Array.isArray(user) && Array.isArray(generated)) {
    const targetOf = (item: unknown) => (isPlainMap(item) ? String(item.target) : mountOf(String(item)).target);
    const targets = new Set(generated.map(targetOf));
    return [...user.filter((item) => !targets.has(targetOf(item))), ...generated];
  }
  if (['environment', 'depends_on', 'labels'].includes(key)) {
    if (isPlainMap(user) && isPlainMap(generated)) return { ...user, ...generated };
    // The list forms: `- KEY=value` (environment, labels), `- db` (depends_on).
    if (Array.isArray(user) && isPlainMap(generated)) {
      if (key === 'depends_on')
        return { ...Object.fromEntries(user.map((name) => [String(name), { condition: 'service_started' }])), ...generated };
      const set = new Set(Object.keys(generated));
      return [...user.filter((item) => !set.has(String(item).split('=')[0])), ...Object.entries(generated).map(([k, v]) => `${k}=${v}`)];
    }
  }
  return generated;
}

/** Two lists of names (or `{source: name}` entries): the user's, then the generated ones not among them. */
function mergeList(user: unknown, generated: unknown): unknown[] | undefined {
  const name = (item: unknown) => (isPlainMap(item) ? String(item.source) : String(item));
  const mine = Array.isArray(user) ? user : [];
  const theirs = Array.isArray(generated) ? generated : [];
  const merged = [...mine, ...theirs.filter((item) => !mine.some((m) => name(m) === name(item)))];
  return merged.length ? merged : undefined;
}

/** Host ports published by the services of a compose document, but `except`. */
function hostPorts(services: YAMLMap, except: string): Set<number> {
  const used = new Set<number>();
  for (const item of services.items) {
    const name = String((item.key as { value?: unknown })?.value ?? item.key);
    if (name === except || !isMap(item.value)) continue;
    const ports = item.value.get('ports');
    if (!isSeq(ports)) continue;
    for (const port of ports.items) {
      const text = String((port as { value?: unknown })?.value ?? '');
      // "3000:3000", "127.0.0.1:3000:3000", "3000" (host port = container port)
      const parts = text.split(':');
      const host = Number(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
      if (Number.isInteger(host)) used.add(host);
    }
  }
  return used;
}

/**
 * Merge services (and their secrets), and the backing services they use, into an existing compose.yaml
 * text, or create one. Other services, comments and a backing service the user has edited stay.
 */
export function mergeCompose(
  existing: string | undefined,
  file: string,
  projectName: string,
  specs: ServiceSpec[],
  backing: BackingService[] = [],
  /** Whether a file (relative to the compose file's folder) exists: an adopted service's missing env_file becomes optional. */
  exists: (path: string) => boolean = () => true,
): ComposeUpdate {
  let doc: Document;
  if (existing?.trim()) {
    doc = parseDocument(existing);
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new InputError(file, `is not valid YAML: ${e.message.split('\n')[0]}`);
    }
    if (!isMap(doc.contents)) throw new InputError(file, 'must be a YAML mapping with a "services" key');
    // `version` is obsolete in the Compose specification; a comment above it stays (the file's header, first).
    const map = doc.contents as YAMLMap;
    const at = map.items.findIndex((pair) => keyOf(pair) === 'version');
    if (at >= 0) {
      const comment = (map.items[at].key as { commentBefore?: string }).commentBefore;
      map.items.splice(at, 1);
      const next = map.items[at]?.key as { commentBefore?: string; spaceBefore?: boolean } | undefined;
      if (comment && next && at > 0)
        [next.commentBefore, next.spaceBefore] = [[comment, next.commentBefore].filter(Boolean).join('\n'), false];
      else if (comment) doc.commentBefore = [doc.commentBefore, comment].filter(Boolean).join('\n');
    }
  } else {
    doc = parseDocument('');
    doc.contents = doc.createNode({ name: projectName }) as YAMLMap;
    doc.commentBefore =
      ' Generated by generator-dockerstack. Services it did not write are left alone on the next run.\n' +
      ' Start: docker compose up --build --wait    Stop: docker compose down';
  }
  if (!doc.has('name')) (doc.contents as YAMLMap).items.unshift(doc.createPair('name', projectName));
  if (!isMap(doc.get('services'))) doc.set('services', doc.createNode({}));
  const services = doc.get('services') as YAMLMap;
  const replaced: string[] = [];
  const moved: string[] = [];
  const notes: string[] = [];
  for (const b of backing) if (!services.has(b.name)) services.set(b.name, doc.createNode(b.mapping));
  for (const original of specs) {
    // The service is the one of that name that builds this Dockerfile, else any service that builds it
    // (a repository's own compose.yaml: `build: .`), updated in place under its name, else a new one.
    // A repository's service that builds the same folder from a Dockerfile of its own (`dockerfile:
    // docker/node/Dockerfile`) is this service too, when it is the only one that builds that folder.
    const wanted = posix.normalize(posix.join(original.context, original.dockerfile ?? 'Dockerfile'));
    const own = buildOf(services.get(original.name, true))?.dockerfile === wanted;
    const context = posix.normalize(original.context).replace(/\/$/, '') || '.';
    const sameFolder = original.dockerfile
      ? []
      : services.items.filter((item) => buildOf(item.value)?.context === context && buildOf(item.value)?.custom);
    const match = own
      ? undefined
      : (services.items.find((item) => buildOf(item.value)?.dockerfile === wanted) ??
        (sameFolder.length === 1 ? sameFolder[0] : undefined));
    const spec = { ...original, name: match ? keyOf(match) : original.name };
    const used = hostPorts(services, spec.name);
    let host = spec.hostPort ?? spec.port;
    while (used.has(host)) host++;
    if (host !== spec.port) {
      spec.hostPort = host;
      moved.push(`${spec.name} ${spec.port} -> ${host}`);
    }
    const previous = services.get(spec.name, true);
    let node = doc.createNode(serviceMapping(spec)) as YAMLMap;
    if (previous && isMap(previous)) {
      const before = buildOf(previous);
      if (match)
        notes.push(
          `compose service ${spec.name} <- ${file} services.${spec.name} (it builds ${before?.custom ? before.context : wanted}): updated in place`,
        );
      if (before?.target !== undefined && before.target !== 'runtime')
        notes.push(`target runtime <- generated Dockerfile (was ${before.target} in ${file} services.${spec.name})`);
      // The repository's own service (not one an earlier run wrote: those build `runtime`) loses what undoes the image.
      let adopted: YAMLMap = previous;
      if (before?.target !== 'runtime') {
        adopted = previous.clone() as YAMLMap;
        if (before?.dockerfile !== wanted) {
          const build = adopted.get('build', true);
          if (isMap(build)) build.delete('dockerfile');
          notes.push(`dockerfile ${wanted} <- generated (was ${before?.dockerfile} in ${file} services.${spec.name})`);
        }
        notes.push(...adoptService(doc, adopted, spec.name, context, file, exists));
      }
      node = mergeService(doc, adopted, serviceMapping(spec), spec.envFileKeys);
      if (JSON.stringify(plain(doc, previous)) !== JSON.stringify(plain(doc, node))) replaced.push(spec.name);
    }
    if (spec.imageInit) {
      const init = node.get('init', true) as { comment?: string };
      init.comment = ` the image's ENTRYPOINT runs ${spec.imageInit}: one init as PID 1`;
    }
    services.set(spec.name, node);
    for (const worker of spec.workers ?? []) {
      const name = workerServiceName(spec.name, worker.name);
      const mapping = workerMapping(spec, worker);
      const before = services.get(name, true);
      const workerNode =
        before && isMap(before) ? mergeService(doc, before, mapping, spec.envFileKeys) : (doc.createNode(mapping) as YAMLMap);
      if (before && isMap(before) && JSON.stringify(plain(doc, before)) !== JSON.stringify(plain(doc, workerNode))) replaced.push(name);
      if (!worker.healthcheck)
        (workerNode.get('healthcheck', true) as { commentBefore?: string }).commentBefore = worker.oneOff
          ? ` a release step, run once before each deploy: docker compose run --rm ${name}`
          : spec.aliveCommand
            ? ' no check of its own: healthy while it runs (a disabled check fails docker compose up --wait); compose restarts it when it exits'
            : ' no check of its own: compose restarts it when it exits';
      // `no` unquoted is a boolean to YAML 1.1 readers: Compose's own examples quote it.
      const restart = workerNode.get('restart', true);
      if (isScalar(restart) && restart.value === 'no') restart.type = 'QUOTE_DOUBLE';
      services.set(name, workerNode);
    }
  }
  const secrets = [...specs.flatMap((s) => [...s.buildSecrets, ...s.runtimeSecrets]), ...backing.flatMap((b) => b.secrets)];
  if (secrets.length) {
    if (!isMap(doc.get('secrets'))) doc.set('secrets', doc.createNode({}));
    const top = doc.get('secrets') as YAMLMap;
    for (const secret of secrets) if (!top.has(secret.name)) top.set(secret.name, doc.createNode({ file: secret.file }));
  }
  const volumes = [...backing.flatMap((b) => b.volumes), ...specs.flatMap((s) => (s.volumes ?? []).map((v) => v.name))];
  if (volumes.length) {
    if (!isMap(doc.get('volumes'))) doc.set('volumes', doc.createNode({}));
    const top = doc.get('volumes') as YAMLMap;
    for (const volume of volumes) if (!top.has(volume)) top.set(volume, doc.createNode({}));
  }
  const written = specs.flatMap((s) => [s.name, ...(s.workers ?? []).map((w) => workerServiceName(s.name, w.name))]);
  return { text: doc.toString({ lineWidth: 0 }), written, replaced, moved, notes };
}

/** Compose service names: lowercase letters, digits, '-' and '_'. `@acme/web-app` -> `web-app`. */
export function serviceName(pkgName: string): string {
  const base = pkgName.replace(/^@[^/]+\//, '');
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return cleaned || 'app';
}
