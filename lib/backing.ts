// Backing services (opt-in): PostgreSQL and Redis, from their official images at pinned tags, each with a
// healthcheck and a named volume; the database password is a Compose secret in a git-ignored file.
// The app services depend on them (`condition: service_healthy`) and read the connection settings from
// the environment and /run/secrets.
import type { ComposeSecret } from './compose.ts';
import { InputError } from './errors.ts';

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
