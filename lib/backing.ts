// Backing services (opt-in): PostgreSQL and Redis, from their official images at pinned tags, each with a
// healthcheck and a named volume; the database password is a Compose secret in a git-ignored file.
// The app services depend on them (`condition: service_healthy`) and read the connection settings from
// the environment and /run/secrets.
import { parse as parseYaml } from 'yaml';
import type { DetectedKind } from './backing-detect.ts';
import type { ComposeSecret } from './compose.ts';
import { InputError } from './errors.ts';
import type { FactLine } from './facts.ts';

export const BACKING_KINDS = ['postgres', 'redis'] as const;
export type BackingKind = (typeof BACKING_KINDS)[number];

export interface BackingService {
  kind: BackingKind;
  /** The compose service name. */
  name: string;
  image: string;
  /** The compose service mapping. */
  mapping: Record<string, unknown>;
  /** Named volumes it declares at the top level. */
  volumes: string[];
  /** Compose secrets it needs (created with a random value, never printed). */
  secrets: ComposeSecret[];
  /**
   * What each app service that uses it gets: plain settings in compose.yaml, secrets mounted, and the settings
   * that hold the password (`{password}` in the value) in the service's git-ignored env file.
   */
  client: { environment: Record<string, string>; secrets: ComposeSecret[]; secretEnvironment: Record<string, string> };
}

/** Official images, pinned to a release line (the tags name the Debian suite, like the other images). */
export const BACKING_IMAGES: Record<BackingKind, string> = {
  postgres: 'postgres:18-trixie',
  redis: 'redis:8.2-trixie',
};

const HARDENING = { security_opt: ['no-new-privileges:true'], restart: 'unless-stopped' };

export function backingService(kind: BackingKind): BackingService {
  if (kind === 'postgres') {
    const password: ComposeSecret = { name: 'db_password', file: './secrets/db_password.txt' };
    return {
      kind,
      name: 'db',
      image: BACKING_IMAGES.postgres,
      mapping: {
        image: BACKING_IMAGES.postgres,
        environment: { POSTGRES_USER: 'app', POSTGRES_DB: 'app', POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
        secrets: [password.name],
        // PostgreSQL 18 images keep PGDATA under /var/lib/postgresql/18/docker: mount the parent.
        volumes: ['db-data:/var/lib/postgresql'],
        healthcheck: {
          test: ['CMD', 'pg_isready', '--username', 'app', '--dbname', 'app', '--host', '127.0.0.1'],
          interval: '5s',
          timeout: '3s',
          start_period: '30s',
          retries: 5,
        },
        ...HARDENING,
      },
      volumes: ['db-data'],
      secrets: [password],
      client: {
        environment: {
          DATABASE_HOST: 'db',
          DATABASE_PORT: '5432',
          DATABASE_USER: 'app',
          DATABASE_NAME: 'app',
          DATABASE_PASSWORD_FILE: '/run/secrets/db_password',
        },
        secrets: [password],
        secretEnvironment: {},
      },
    };
  }
  // Redis asks for a password (requirepass in a redis.conf that is a Compose secret, read by redis-server
  // as its config file); the clients get it in REDIS_URL from the service's git-ignored env file.
  const conf: ComposeSecret = { name: 'redis_conf', file: './secrets/redis.conf', format: 'redis-conf' };
  return {
    kind,
    name: 'redis',
    image: BACKING_IMAGES.redis,
    mapping: {
      image: BACKING_IMAGES.redis,
      command: ['redis-server', '/run/secrets/redis_conf'],
      secrets: [conf.name],
      volumes: ['redis-data:/data'],
      healthcheck: {
        // redis-cli takes the password from REDISCLI_AUTH (never on its command line), read from the config.
        test: ['CMD-SHELL', `REDISCLI_AUTH="$$(sed -n 's/^requirepass //p' /run/secrets/redis_conf)" redis-cli ping | grep -q PONG`],
        interval: '5s',
        timeout: '3s',
        start_period: '10s',
        retries: 5,
      },
      ...HARDENING,
    },
    volumes: ['redis-data'],
    secrets: [conf],
    client: { environment: {}, secrets: [], secretEnvironment: { REDIS_URL: 'redis://:{password}@redis:6379/0' } },
  };
}

/** The text of a secret file around its password. */
export function secretText(secret: ComposeSecret, password: string): string {
  if (secret.format === 'redis-conf')
    return `# redis-server's settings for compose.yaml's redis service (a Compose secret): never commit this file.\nrequirepass ${password}\n`;
  return `${password}\n`;
}

/** The password in a secret file's text (undefined when it has none). */
export function passwordIn(secret: ComposeSecret, text: string): string | undefined {
  const value = secret.format === 'redis-conf' ? /^requirepass\s+(\S+)\s*$/m.exec(text)?.[1] : text.trim();
  return value || undefined;
}

/** Parses `--backing postgres,redis` (or a list); an unknown name is an error that lists the allowed ones. */
export function parseBacking(value: unknown): BackingKind[] {
  if (value === undefined || value === null || value === '' || value === false) return [];
  const list = (Array.isArray(value) ? value : String(value).split(',')).map((v) => String(v).trim()).filter((v) => v && v !== 'none');
  for (const item of list)
    if (!(BACKING_KINDS as readonly string[]).includes(item))
      throw new InputError('--backing', `"${item}" is not allowed; use any of: ${BACKING_KINDS.join(', ')} (comma-separated), or none`);
  return [...new Set(list)] as BackingKind[];
}

/**
 * The connection settings under the names the code reads (REDIS_HOST, CELERY_BROKER_URL, PGHOST,
 * DATABASE_URL...), with values that point at the compose service. A setting that holds the password (a URL,
 * a *_PASSWORD) goes to the service's git-ignored env file (`{password}` in its value), the others to
 * compose.yaml.
 */
export function codeEnvironment(
  kind: BackingKind,
  reads: Array<{ name: string; source: string }>,
): { environment: Record<string, string>; secretEnvironment: Record<string, string>; facts: FactLine[] } {
  const environment: Record<string, string> = {};
  const secretEnvironment: Record<string, string> = {};
  const facts: FactLine[] = [];
  for (const { name, source } of reads) {
    const suffix = /_(URL|URI|DSN|HOST|HOSTNAME|PORT|ADDR|ADDRESS|DB|USER|USERNAME|NAME|DATABASE|PASSWORD|PASSWORD_FILE)$/.exec(name)?.[1];
    let value: string | undefined;
    let secret: string | undefined;
    if (kind === 'redis' && (/REDIS/.test(name) || /^(CELERY_BROKER_URL|CELERY_RESULT_BACKEND|BROKER_URL|RQ_URL)$/.test(name))) {
      const url = 'redis://:{password}@redis:6379/0';
      const plain: Record<string, string> = {
        HOST: 'redis',
        HOSTNAME: 'redis',
        PORT: '6379',
        ADDR: 'redis:6379',
        ADDRESS: 'redis:6379',
        DB: '0',
      };
      if (/^(CELERY_RESULT_BACKEND|BROKER_URL)$/.test(name) || ['URL', 'URI', 'DSN'].includes(suffix ?? '')) secret = url;
      else if (suffix === 'PASSWORD') secret = '{password}';
      else value = suffix ? plain[suffix] : undefined;
    }
    if (kind === 'postgres' && /^(DATABASE|DB|POSTGRES|POSTGRESQL|PG|SQL|SQLALCHEMY_DATABASE)_?/.test(name)) {
      const plain: Record<string, string> = {
        HOST: 'db',
        HOSTNAME: 'db',
        PORT: '5432',
        USER: 'app',
        USERNAME: 'app',
        NAME: 'app',
        DB: 'app',
        DATABASE: 'app',
        PASSWORD_FILE: '/run/secrets/db_password',
      };
      const pg = /^PG(HOST|PORT|USER|DATABASE|PASSWORD)$/.exec(name)?.[1];
      if (pg === 'PASSWORD' || (!pg && suffix === 'PASSWORD')) secret = '{password}';
      else if (pg) value = { HOST: 'db', PORT: '5432', USER: 'app', DATABASE: 'app' }[pg];
      else if (['URL', 'URI', 'DSN'].includes(suffix ?? '')) secret = 'postgresql://app:{password}@db:5432/app';
      else value = suffix ? plain[suffix] : undefined;
    }
    if (secret !== undefined) {
      secretEnvironment[name] = secret;
      facts.push({
        label: 'environment',
        value: `${name} (with the password)`,
        source,
        note: `read by the code: the ${kind} service, in the env file`,
      });
    } else if (value !== undefined) {
      environment[name] = value;
      facts.push({ label: 'environment', value: `${name}=${value}`, source, note: `read by the code: the ${kind} service` });
    }
  }
  return { environment, secretEnvironment, facts };
}

/** A backing service the repository's own compose file runs from an image: the app uses it, none is added. */
export interface ExistingBacking {
  kind: DetectedKind;
  /** Its compose service name (`db`, `mongo`). */
  name: string;
  image: string;
  /** Whether it has a healthcheck: the app then waits for it to be healthy, else for it to start. */
  healthcheck: boolean;
  /** `docker-compose.yml services.db (postgres:15)` */
  source: string;
}

/** Image names per kind, official or not (`mysql/mysql-server`, `bitnami/redis`, `postgis/postgis`). */
const IMAGE_KINDS: Array<[RegExp, DetectedKind]> = [
  [/(^|\/)(postgres(ql)?|postgis|timescaledb[\w-]*)(:|@|$)/, 'postgres'],
  [/(^|\/)(mysql(-server)?|mariadb)(:|@|$)/, 'mysql'],
  [/(^|\/)(redis(-stack)?(-server)?|valkey)(:|@|$)/, 'redis'],
  [/(^|\/)mongo(db)?(:|@|$)/, 'mongo'],
  [/(^|\/)rabbitmq(:|@|$)/, 'rabbitmq'],
];

/**
 * The backing services a compose file already runs (services with an image and no build), but the ones an
 * earlier run of this generator wrote (its name, and its password secret): those are this run's to update.
 */
export function composeBacking(text: string | undefined, file: string): ExistingBacking[] {
  if (!text?.trim()) return [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return []; // mergeCompose reports the file's YAML error
  }
  const services = (doc as { services?: Record<string, unknown> } | null)?.services;
  if (!services || typeof services !== 'object') return [];
  const out: ExistingBacking[] = [];
  for (const [name, value] of Object.entries(services)) {
    const service = (value ?? {}) as { image?: unknown; build?: unknown; secrets?: unknown; healthcheck?: { disable?: boolean } };
    if (service.build !== undefined || typeof service.image !== 'string') continue;
    const image = service.image;
    const kind = IMAGE_KINDS.find(([re]) => re.test(image.toLowerCase()))?.[1];
    if (!kind) continue;
    if ((BACKING_KINDS as readonly string[]).includes(kind)) {
      const ours = backingService(kind as BackingKind);
      const secrets = Array.isArray(service.secrets) ? service.secrets.map((s) => (typeof s === 'object' ? s?.source : s)) : [];
      if (name === ours.name && ours.secrets.every((s) => secrets.includes(s.name))) continue;
    }
    if (out.some((b) => b.kind === kind)) continue;
    out.push({
      kind,
      name,
      image,
      healthcheck: !!service.healthcheck && !service.healthcheck.disable,
      source: `${file} services.${name} (${image})`,
    });
  }
  return out;
}
