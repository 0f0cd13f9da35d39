// Backing services: PostgreSQL, Redis, MySQL (MariaDB), MongoDB and RabbitMQ, from their official images at pinned tags,
// each with a healthcheck and a named volume; each password is a Compose secret in a git-ignored file.
// The app services depend on them (`condition: service_healthy`) and read the connection settings from
// the environment and /run/secrets.
import { parse as parseYaml } from 'yaml';
import type { ComposeSecret } from './compose.ts';
import { InputError } from './errors.ts';
import type { FactLine } from './facts.ts';

export const BACKING_KINDS = ['postgres', 'redis', 'mysql', 'mongo', 'rabbitmq'] as const;
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
  // MySQL's protocol from MariaDB, the server Debian ships: its official image reads every password from a file.
  mysql: 'mariadb:11.8',
  mongo: 'mongo:8.0',
  rabbitmq: 'rabbitmq:4.1',
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
  if (kind === 'mysql') {
    const password: ComposeSecret = { name: 'mysql_password', file: './secrets/mysql_password.txt' };
    return {
      kind,
      name: 'mysql',
      image: BACKING_IMAGES.mysql,
      mapping: {
        image: BACKING_IMAGES.mysql,
        // The app's own user and database; root gets a random password nobody needs (the image makes it).
        environment: {
          MARIADB_USER: 'app',
          MARIADB_DATABASE: 'app',
          MARIADB_PASSWORD_FILE: '/run/secrets/mysql_password',
          MARIADB_RANDOM_ROOT_PASSWORD: '1',
        },
        secrets: [password.name],
        volumes: ['mysql-data:/var/lib/mysql'],
        healthcheck: {
          // The image's own check (its healthcheck user, made at initialisation): connects and sees InnoDB ready.
          test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
          interval: '5s',
          timeout: '3s',
          start_period: '30s',
          retries: 5,
        },
        ...HARDENING,
      },
      volumes: ['mysql-data'],
      secrets: [password],
      client: {
        environment: {
          MYSQL_HOST: 'mysql',
          MYSQL_PORT: '3306',
          MYSQL_USER: 'app',
          MYSQL_DATABASE: 'app',
          MYSQL_PASSWORD_FILE: '/run/secrets/mysql_password',
        },
        secrets: [password],
        secretEnvironment: {},
      },
    };
  }
  if (kind === 'mongo') {
    const password: ComposeSecret = { name: 'mongo_password', file: './secrets/mongo_password.txt' };
    return {
      kind,
      name: 'mongo',
      image: BACKING_IMAGES.mongo,
      mapping: {
        image: BACKING_IMAGES.mongo,
        environment: {
          MONGO_INITDB_ROOT_USERNAME: 'app',
          MONGO_INITDB_ROOT_PASSWORD_FILE: '/run/secrets/mongo_password',
          MONGO_INITDB_DATABASE: 'app',
        },
        secrets: [password.name],
        volumes: ['mongo-data:/data/db'],
        healthcheck: {
          // A ping needs no login; mongosh ships in the image.
          test: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
          interval: '5s',
          timeout: '5s',
          start_period: '30s',
          retries: 5,
        },
        ...HARDENING,
      },
      volumes: ['mongo-data'],
      secrets: [password],
      client: {
        environment: {},
        secrets: [],
        secretEnvironment: { MONGODB_URI: 'mongodb://app:{password}@mongo:27017/app?authSource=admin' },
      },
    };
  }
  if (kind === 'rabbitmq') {
    // The app's user and password in a config file RabbitMQ reads from its conf.d (a Compose secret mounted
    // there): no guest account, no password in the environment.
    const conf: ComposeSecret = { name: 'rabbitmq_conf', file: './secrets/rabbitmq.conf', format: 'rabbitmq-conf' };
    return {
      kind,
      name: 'rabbitmq',
      image: BACKING_IMAGES.rabbitmq,
      mapping: {
        image: BACKING_IMAGES.rabbitmq,
        secrets: [{ source: conf.name, target: '/etc/rabbitmq/conf.d/90-dockerstack.conf' }],
        volumes: ['rabbitmq-data:/var/lib/rabbitmq'],
        healthcheck: {
          test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'],
          interval: '10s',
          timeout: '10s',
          start_period: '60s',
          retries: 5,
        },
        ...HARDENING,
      },
      volumes: ['rabbitmq-data'],
      secrets: [conf],
      client: { environment: {}, secrets: [], secretEnvironment: { RABBITMQ_URL: 'amqp://app:{password}@rabbitmq:5672/' } },
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
  if (secret.format === 'rabbitmq-conf')
    return `# RabbitMQ's settings for compose.yaml's rabbitmq service (a Compose secret in its conf.d): never commit this file.\ndefault_user = app\ndefault_pass = ${password}\n`;
  return `${password}\n`;
}

/** The password in a secret file's text (undefined when it has none). */
export function passwordIn(secret: ComposeSecret, text: string): string | undefined {
  const value =
    secret.format === 'redis-conf'
      ? /^requirepass\s+(\S+)\s*$/m.exec(text)?.[1]
      : secret.format === 'rabbitmq-conf'
        ? /^default_pass\s*=\s*(\S+)\s*$/m.exec(text)?.[1]
        : text.trim();
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
  /** Every kind the service uses: with RabbitMQ beside Redis, the broker is RabbitMQ and Redis keeps the results. */
  kinds: readonly BackingKind[] = [kind],
): { environment: Record<string, string>; secretEnvironment: Record<string, string>; facts: FactLine[] } {
  const environment: Record<string, string> = {};
  const secretEnvironment: Record<string, string> = {};
  const facts: FactLine[] = [];
  for (const { name, source } of reads) {
    const suffix = /_(URL|URI|DSN|HOST|HOSTNAME|PORT|ADDR|ADDRESS|DB|USER|USERNAME|NAME|DATABASE|PASSWORD|PASSWORD_FILE)$/.exec(name)?.[1];
    let value: string | undefined;
    let secret: string | undefined;
    const broker = /^(CELERY_BROKER_URL|BROKER_URL)$/.test(name);
    const rabbitBroker = broker && kinds.includes('rabbitmq');
    if (
      kind === 'redis' &&
      !rabbitBroker &&
      (/REDIS/.test(name) || /^(CELERY_BROKER_URL|CELERY_RESULT_BACKEND|BROKER_URL|RQ_URL)$/.test(name))
    ) {
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
    if (kind === 'mysql' && /^(MYSQL|MARIADB|DATABASE|DB)_/.test(name)) {
      const plain: Record<string, string> = {
        HOST: 'mysql',
        HOSTNAME: 'mysql',
        PORT: '3306',
        ADDR: 'mysql:3306',
        USER: 'app',
        USERNAME: 'app',
        NAME: 'app',
        DB: 'app',
        DATABASE: 'app',
        PASSWORD_FILE: '/run/secrets/mysql_password',
      };
      if (suffix === 'PASSWORD') secret = '{password}';
      else if (['URL', 'URI', 'DSN'].includes(suffix ?? '')) secret = 'mysql://app:{password}@mysql:3306/app';
      else value = suffix ? plain[suffix] : undefined;
    }
    if (kind === 'mongo' && /MONGO/.test(name)) {
      const plain: Record<string, string> = {
        HOST: 'mongo',
        HOSTNAME: 'mongo',
        PORT: '27017',
        ADDR: 'mongo:27017',
        DB: 'app',
        NAME: 'app',
        DATABASE: 'app',
      };
      if (suffix === 'PASSWORD') secret = '{password}';
      else if (['URL', 'URI', 'DSN'].includes(suffix ?? '') || /^MONGO(DB)?$/.test(name))
        secret = 'mongodb://app:{password}@mongo:27017/app?authSource=admin';
      else if (suffix === 'USER' || suffix === 'USERNAME') value = 'app';
      else value = suffix ? plain[suffix] : undefined;
    }
    if (kind === 'rabbitmq' && (/RABBIT|AMQP/.test(name) || rabbitBroker)) {
      const plain: Record<string, string> = {
        HOST: 'rabbitmq',
        HOSTNAME: 'rabbitmq',
        PORT: '5672',
        ADDR: 'rabbitmq:5672',
        USER: 'app',
        USERNAME: 'app',
      };
      if (suffix === 'PASSWORD') secret = '{password}';
      else if (broker || ['URL', 'URI', 'DSN'].includes(suffix ?? '') || /^(RABBITMQ|AMQP)$/.test(name))
        secret = 'amqp://app:{password}@rabbitmq:5672/';
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
  kind: BackingKind;
  /** Its compose service name (`db`, `mongo`). */
  name: string;
  image: string;
  /** Whether it has a healthcheck: the app then waits for it to be healthy, else for it to start. */
  healthcheck: boolean;
  /** `docker-compose.yml services.db (postgres:15)` */
  source: string;
}

/** Image names per kind, official or not (`mysql/mysql-server`, `bitnami/redis`, `postgis/postgis`). */
const IMAGE_KINDS: Array<[RegExp, BackingKind]> = [
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
    const ours = backingService(kind);
    const secrets = Array.isArray(service.secrets) ? service.secrets.map((s) => (typeof s === 'object' ? s?.source : s)) : [];
    if (name === ours.name && ours.secrets.every((s) => secrets.includes(s.name))) continue;
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
