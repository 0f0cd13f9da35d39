// Backing services (opt-in): PostgreSQL and Redis, from their official images at pinned tags, each with a
// healthcheck and a named volume; the database password is a Compose secret in a git-ignored file.
// The app services depend on them (`condition: service_healthy`) and read the connection settings from
// the environment and /run/secrets.
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
  /** What each app service that uses it gets. */
  client: { environment: Record<string, string>; secrets: ComposeSecret[] };
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
      },
    };
  }
  return {
    kind,
    name: 'redis',
    image: BACKING_IMAGES.redis,
    mapping: {
      image: BACKING_IMAGES.redis,
      volumes: ['redis-data:/data'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', start_period: '10s', retries: 5 },
      ...HARDENING,
    },
    volumes: ['redis-data'],
    secrets: [],
    client: { environment: { REDIS_URL: 'redis://redis:6379/0' }, secrets: [] },
  };
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
 * The connection settings under the names the code reads (REDIS_HOST, CELERY_BROKER_URL, PGHOST...), with
 * values that point at the compose service; a name the compose service cannot fill without the password
 * (a PostgreSQL URL) is a warning that says how to set it.
 */
export function codeEnvironment(
  kind: BackingKind,
  reads: Array<{ name: string; source: string }>,
): {
  environment: Record<string, string>;
  facts: FactLine[];
  warnings: string[];
} {
  const environment: Record<string, string> = {};
  const facts: FactLine[] = [];
  const warnings: string[] = [];
  for (const { name, source } of reads) {
    const suffix = /_(URL|URI|DSN|HOST|HOSTNAME|PORT|ADDR|ADDRESS|DB|USER|USERNAME|NAME|DATABASE|PASSWORD_FILE)$/.exec(name)?.[1];
    let value: string | undefined;
    if (kind === 'redis' && (/REDIS/.test(name) || /^(CELERY_BROKER_URL|CELERY_RESULT_BACKEND|BROKER_URL|RQ_URL)$/.test(name))) {
      const bySuffix: Record<string, string> = { URL: 'redis://redis:6379/0', URI: 'redis://redis:6379/0', DSN: 'redis://redis:6379/0' };
      Object.assign(bySuffix, { HOST: 'redis', HOSTNAME: 'redis', PORT: '6379', ADDR: 'redis:6379', ADDRESS: 'redis:6379', DB: '0' });
      value = /^(CELERY_RESULT_BACKEND|BROKER_URL)$/.test(name) ? 'redis://redis:6379/0' : suffix ? bySuffix[suffix] : undefined;
    }
    if (kind === 'postgres' && /^(DATABASE|DB|POSTGRES|POSTGRESQL|PG|SQL|SQLALCHEMY_DATABASE)_?/.test(name)) {
      const bySuffix: Record<string, string> = {
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
      const pg = /^PG(HOST|PORT|USER|DATABASE)$/.exec(name)?.[1];
      value = pg ? { HOST: 'db', PORT: '5432', USER: 'app', DATABASE: 'app' }[pg] : suffix ? bySuffix[suffix] : undefined;
      if (suffix && ['URL', 'URI', 'DSN'].includes(suffix))
        warnings.push(
          `${name} (${source}) is a PostgreSQL URL with the password in it: compose.yaml cannot build it from secrets/db_password.txt; set it yourself (postgresql://app:<password>@db:5432/app), e.g. in an env_file kept out of git`,
        );
    }
    if (value === undefined) continue;
    environment[name] = value;
    facts.push({ label: 'environment', value: `${name}=${value}`, source, note: `read by the code: the ${kind} service` });
  }
  return { environment, facts, warnings };
}
