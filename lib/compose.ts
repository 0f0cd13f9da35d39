// The compose model: services this project owns, merged into compose.yaml with the yaml library's
// Document API so that comments, other services and user edits survive.
import { type Document, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { BackingService } from './backing.ts';
import { InputError } from './errors.ts';
import { composeHealthcheck, type Healthcheck } from './healthcheck.ts';
import type { User } from './images.ts';

export interface ComposeSecret {
  /** Secret name, also its file under secrets/. */
  name: string;
  file: string;
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
  /** Named volumes for the data the service writes (kept across restarts), mounted at `target`. */
  volumes?: Array<{ name: string; target: string }>;
  /** false when the image already runs an init as PID 1 (not needed twice, but harmless). */
  init: boolean;
  /** Backing services it waits for (healthy) before it starts. */
  dependsOn?: string[];
  /** The port published on the host (default: `port`); set by mergeCompose when another service has it. */
  hostPort?: number;
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
    ...(spec.runtimeSecrets.length ? { secrets: spec.runtimeSecrets.map((s) => s.name) } : {}),
    ...(spec.dependsOn?.length
      ? { depends_on: Object.fromEntries(spec.dependsOn.map((name) => [name, { condition: 'service_healthy' }])) }
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
): ComposeUpdate {
  let doc: Document;
  if (existing?.trim()) {
    doc = parseDocument(existing);
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new InputError(file, `is not valid YAML: ${e.message.split('\n')[0]}`);
    }
    if (!isMap(doc.contents)) throw new InputError(file, 'must be a YAML mapping with a "services" key');
    if (doc.has('version')) doc.delete('version'); // obsolete in the Compose specification
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
  for (const b of backing) if (!services.has(b.name)) services.set(b.name, doc.createNode(b.mapping));
  for (const original of specs) {
    const spec = { ...original };
    const used = hostPorts(services, spec.name);
    let host = spec.hostPort ?? spec.port;
    while (used.has(host)) host++;
    if (host !== spec.port) {
      spec.hostPort = host;
      moved.push(`${spec.name} ${spec.port} -> ${host}`);
    }
    const node = doc.createNode(serviceMapping(spec)) as YAMLMap;
    const previous = services.get(spec.name, true);
    if (previous && isMap(previous)) {
      node.commentBefore = previous.commentBefore;
      if (JSON.stringify(previous.toJSON()) !== JSON.stringify(node.toJSON())) replaced.push(spec.name);
    }
    services.set(spec.name, node);
  }
  const secrets = [...specs.flatMap((s) => [...s.buildSecrets, ...s.runtimeSecrets]), ...backing.flatMap((b) => b.secrets)];
  if (secrets.length) {
    if (!isMap(doc.get('secrets'))) doc.set('secrets', doc.createNode({}));
    const top = doc.get('secrets') as YAMLMap;
    for (const secret of secrets) if (!top.has(secret.name)) top.set(secret.name, doc.createNode({ file: secret.file }));
  }
  const volumes = [...specs.flatMap((s) => (s.volumes ?? []).map((v) => v.name)), ...backing.flatMap((b) => b.volumes)];
  if (volumes.length) {
    if (!isMap(doc.get('volumes'))) doc.set('volumes', doc.createNode({}));
    const top = doc.get('volumes') as YAMLMap;
    for (const volume of volumes) if (!top.has(volume)) top.set(volume, doc.createNode({}));
  }
  return { text: doc.toString({ lineWidth: 0 }), written: specs.map((s) => s.name), replaced, moved };
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
