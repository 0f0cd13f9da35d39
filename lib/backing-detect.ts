// Backing services a service talks to, read from its dependencies and its code: pure over the files.
// A client library in the manifest (pg, psycopg, github.com/jackc/pgx...) or a connection URL in the
// source (`redis://`, `postgresql://`) is evidence; each kind found is a fact with its file and line.
import type { BackingKind } from './backing.ts';
import { type ProjectFiles, walk } from './project.ts';

/** Every kind found is one the generator adds (lib/backing.ts). */
export type DetectedKind = BackingKind;

export interface DetectedBacking {
  kind: DetectedKind;
  /** File (and line) and what it says, e.g. `package.json dependency "pg"`. */
  source: string;
}

/** Client libraries per kind: npm, PyPI and Go module names (a Go entry matches the module path's prefix). */
const CLIENTS: Record<DetectedKind, { npm: string[]; pypi: string[]; go: string[] }> = {
  postgres: {
    npm: ['pg', 'postgres', 'pg-promise', '@neondatabase/serverless'],
    pypi: ['psycopg2', 'psycopg2-binary', 'psycopg', 'psycopg-binary', 'asyncpg', 'pg8000'],
    go: ['github.com/lib/pq', 'github.com/jackc/pgx', 'gorm.io/driver/postgres'],
  },
  mysql: {
    npm: ['mysql', 'mysql2'],
    pypi: ['mysqlclient', 'pymysql', 'aiomysql', 'mysql-connector-python'],
    go: ['github.com/go-sql-driver/mysql', 'gorm.io/driver/mysql'],
  },
  redis: {
    npm: ['redis', 'ioredis', 'bullmq', 'bull', 'connect-redis'],
    pypi: ['redis', 'rq', 'aioredis', 'django-redis', 'arq', 'hiredis'],
    go: ['github.com/redis/go-redis', 'github.com/go-redis/redis', 'github.com/gomodule/redigo'],
  },
  mongo: {
    npm: ['mongoose', 'mongodb'],
    pypi: ['pymongo', 'motor', 'mongoengine', 'beanie'],
    go: ['go.mongodb.org/mongo-driver'],
  },
  rabbitmq: {
    npm: ['amqplib', 'amqp-connection-manager'],
    pypi: ['pika', 'aio-pika', 'aiormq'],
    go: ['github.com/rabbitmq/amqp091-go', 'github.com/streadway/amqp'],
  },
};

/**
 * Embedded databases: an app that ships a SQLite driver as well as a PostgreSQL or MySQL one runs on
 * SQLite by default and on the server database only when configured so (pocketbase, memos, gotify, Django's
 * default settings): the server database is then not added without --backing.
 */
const SQLITE = {
  npm: ['better-sqlite3', 'sqlite3', 'sqlite', '@libsql/client'],
  pypi: ['aiosqlite'],
  go: [
    'github.com/mattn/go-sqlite3',
    'modernc.org/sqlite',
    'gorm.io/driver/sqlite',
    'github.com/glebarez/sqlite',
    'github.com/ncruces/go-sqlite3',
  ],
};
const SQLITE_SETTING = /['"]django\.db\.backends\.sqlite3['"]|sqlite(?:\+\w+)?:\/\/\//;

/** Connection URLs in the code or its config (not in comments or docs). */
const URLS: Array<[RegExp, DetectedKind]> = [
  [/\bpostgres(?:ql)?(?:\+\w+)?:\/\/[\w${}.:@-]*/, 'postgres'],
  [/\bmysql(?:\+\w+)?:\/\/[\w${}.:@-]*/, 'mysql'],
  [/\brediss?:\/\/[\w${}.:@-]*/, 'redis'],
  [/\bmongodb(?:\+srv)?:\/\/[\w${}.:@-]*/, 'mongo'],
  [/\bamqps?:\/\/[\w${}.:@-]*/, 'rabbitmq'],
];

const SOURCE = /\.(?:[cm]?[jt]sx?|py|go|ya?ml|toml|ini|cfg|env\.example)$|(?:^|\/)\.env\.example$/;
const NOT_SOURCE =
  /(?:^|\/)(?:tests?|__tests__|testdata|fixtures|docs|examples?|e2e|scripts)\/|_test\.(?:go|py)$|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)(?:test_[^/]*|conftest)\.py$/;

const COMPOSE_FILE = /(?:^|\/)(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Names of the production dependencies the manifests in the service folder declare, with their file. */
function dependencies(project: ProjectFiles): Array<{ name: string; file: string; line: number }> {
  const out: Array<{ name: string; file: string; line: number }> = [];
  const pkg = project.read('package.json');
  if (pkg) {
    try {
      const deps = Object.keys((JSON.parse(pkg) as { dependencies?: Record<string, string> }).dependencies ?? {});
      for (const name of deps) out.push({ name, file: 'package.json', line: lineOf(pkg, pkg.indexOf(`"${name}"`)) });
    } catch {
      // a malformed package.json is reported by the Node generator, with its line
    }
  }
  for (const file of ['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'requirements/prod.txt']) {
    const text = project.read(file);
    if (!text) continue;
    text.split('\n').forEach((raw, i) => {
      const req = /^\s*([A-Za-z0-9][\w.-]*)(\[[^\]]*\])?/.exec(raw.replace(/#.*/, ''));
      if (!req) return;
      out.push({ name: req[1].toLowerCase().replaceAll('_', '-'), file, line: i + 1 });
      // An extra that pulls a client in: celery[redis], kombu[redis], django-rq's redis...
      for (const extra of req[2]?.slice(1, -1).split(',') ?? []) out.push({ name: extra.trim().toLowerCase(), file, line: i + 1 });
    });
  }
  for (const file of ['pyproject.toml', 'Pipfile']) {
    const text = project.read(file);
    if (!text) continue;
    // Dependency names in [project] dependencies, [tool.poetry.dependencies] and Pipfile [packages]; dev groups are skipped.
    let section = '';
    text.split('\n').forEach((raw, i) => {
      const head = /^\s*\[([^\]]+)\]/.exec(raw);
      if (head) {
        section = head[1].trim();
        return;
      }
      const inList = section === 'project' || section === 'tool.poetry.dependencies' || section === 'packages';
      if (!inList) return;
      for (const m of raw.matchAll(/^\s*"?([A-Za-z0-9][\w.-]*)"?\s*=|["']([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;,]|["'])/g)) {
        const name = (m[1] ?? m[2]).toLowerCase().replaceAll('_', '-');
        if (section === 'project' && m[1]) continue; // keys of [project] (name = ...), not dependencies
        out.push({ name, file, line: i + 1 });
      }
    });
  }
  const gomod = project.read('go.mod');
  if (gomod) {
    gomod.split('\n').forEach((raw, i) => {
      const m = /^\s*(?:require\s+)?([\w.-]+\.[\w.-]+\/[\w./-]+)\s+v[\w.+-]+(\s*\/\/\s*indirect)?/.exec(raw);
      if (m && !m[2]) out.push({ name: m[1], file: 'go.mod', line: i + 1 });
    });
  }
  return out;
}

export interface BackingEvidence {
  /** Backing services to add. */
  found: DetectedBacking[];
  /** Server databases whose driver is there but that are optional: SQLite is the default. */
  optional: Array<DetectedBacking & { sqlite: string }>;
  /** The kinds in `found` that only a driver in the manifest names (no connection URL in the code). */
  driverOnly: DetectedBacking[];
}

const isClient = (dep: { name: string; file: string }, clients: { npm: string[]; pypi: string[]; go: string[] }) =>
  dep.file === 'package.json'
    ? clients.npm.includes(dep.name)
    : dep.file === 'go.mod'
      ? clients.go.some((mod) => dep.name === mod || dep.name.startsWith(`${mod}/`))
      : clients.pypi.includes(dep.name);

/** The backing services the service in `project` (its own folder) uses: one entry per kind, the first evidence. */
export function detectBacking(project: ProjectFiles): DetectedBacking[] {
  return backingEvidence(project).found;
}

/** What detectBacking finds, and the server databases it leaves out because SQLite is the default. */
export function backingEvidence(project: ProjectFiles): BackingEvidence {
  const found = new Map<DetectedKind, string>();
  const fromDeps = new Set<DetectedKind>();
  let sqlite: string | undefined;
  for (const dep of dependencies(project)) {
    if (!sqlite && isClient(dep, SQLITE)) sqlite = `${dep.file}:${dep.line} dependency "${dep.name}"`;
    for (const [kind, clients] of Object.entries(CLIENTS) as Array<[DetectedKind, (typeof CLIENTS)[DetectedKind]]>) {
      if (found.has(kind) || !isClient(dep, clients)) continue;
      found.set(kind, `${dep.file}:${dep.line} dependency "${dep.name}"`);
      fromDeps.add(kind);
    }
  }
  // Compose files are not the code: the one compose reads is the repository's own setup (composeBacking in
  // lib/backing.ts), and a URL in another (docker-compose.document.yaml) is an alternative setup's.
  const isCode = (p: string) => SOURCE.test(p) && !NOT_SOURCE.test(p) && !COMPOSE_FILE.test(p);
  for (const file of walk(project, [''], isCode, 400)) {
    const text = project.read(file);
    if (!text || text.length > 300_000) continue;
    const setting = sqlite ? undefined : SQLITE_SETTING.exec(text);
    if (setting) sqlite = `${file}:${lineOf(text, setting.index)} ${setting[0]}`;
    for (const [re, kind] of URLS) {
      if (found.has(kind) && !fromDeps.has(kind)) continue;
      const m = re.exec(text);
      if (!m) continue;
      const lineEnd = text.indexOf('\n', m.index);
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, lineEnd === -1 ? undefined : lineEnd).trim();
      if (/^(?:#|\/\/|\*|<!--)/.test(line)) continue; // a URL in a comment is not a connection
      // A URL in the code is evidence of its own: the kind is no longer only a driver in the manifest.
      if (!found.has(kind)) found.set(kind, `${file}:${lineOf(text, m.index)} "${m[0].slice(0, 60)}"`);
      fromDeps.delete(kind);
    }
  }
  const list = [...found].map(([kind, source]) => ({ kind, source }));
  const serverDb = (d: DetectedBacking) => sqlite !== undefined && fromDeps.has(d.kind) && (d.kind === 'postgres' || d.kind === 'mysql');
  const kept = list.filter((d) => !serverDb(d));
  return {
    found: kept,
    optional: list.filter(serverDb).map((d) => ({ ...d, sqlite: sqlite as string })),
    driverOnly: kept.filter((d) => fromDeps.has(d.kind)),
  };
}

/** An environment variable the code reads, with where. */
export interface EnvRead {
  name: string;
  source: string;
}

/** `process.env.X`, `os.environ["X"]`, `os.getenv("X")`, `env("X")` (django-environ), `config("X")` (decouple), `os.Getenv("X")`. */
const ENV_READS =
  /\bprocess\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])|\bos\.environ(?:\.get\(|\[)\s*['"]([A-Z][A-Z0-9_]*)['"]|\b(?:os\.getenv|getenv|env(?:\.\w+)?|config|os\.Getenv|os\.LookupEnv)\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g;

/** The environment variables the code reads (not its tests), first reading of each. */
export function envReads(project: ProjectFiles): EnvRead[] {
  const seen = new Map<string, string>();
  for (const file of walk(project, [''], (p) => /\.(?:[cm]?[jt]sx?|py|go)$/.test(p) && !NOT_SOURCE.test(p), 400)) {
    const text = project.read(file);
    if (!text || text.length > 300_000) continue;
    for (const m of text.matchAll(ENV_READS)) {
      const name = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (name && !seen.has(name)) seen.set(name, `${file}:${lineOf(text, m.index ?? 0)}`);
    }
  }
  return [...seen].map(([name, source]) => ({ name, source }));
}
