// Backing services read from a service's dependencies and code (lib/backing-detect.ts), without Yeoman.
import assert from 'node:assert/strict';
import { backingService, codeEnvironment, passwordIn, secretText } from '../lib/backing.ts';
import { backingEvidence, detectBacking, envReads } from '../lib/backing-detect.ts';
import { memoryProject } from '../lib/project.ts';

const kinds = (files: Record<string, string>) => detectBacking(memoryProject(files)).map((d) => `${d.kind} <- ${d.source}`);

describe('backing services from dependencies and code', () => {
  it('reads npm dependencies, not devDependencies', () => {
    const pkg = JSON.stringify({ dependencies: { express: '^5', pg: '^8', ioredis: '^5' }, devDependencies: { mongodb: '^6' } }, null, 2);
    assert.deepEqual(kinds({ 'package.json': pkg }), [
      'postgres <- package.json:4 dependency "pg"',
      'redis <- package.json:5 dependency "ioredis"',
    ]);
  });

  it('reads requirements.txt, extras such as celery[redis], and pyproject dependencies', () => {
    assert.deepEqual(kinds({ 'requirements.txt': 'flask==3.0\npsycopg2-binary==2.9.9  # the database\ncelery[redis]==5.4\n' }), [
      'postgres <- requirements.txt:2 dependency "psycopg2-binary"',
      'redis <- requirements.txt:3 dependency "redis"',
    ]);
    const pyproject =
      '[project]\nname = "api"\ndependencies = [\n  "fastapi>=0.110",\n  "asyncpg>=0.29",\n]\n\n[dependency-groups]\ndev = ["redis"]\n';
    assert.deepEqual(kinds({ 'pyproject.toml': pyproject }), ['postgres <- pyproject.toml:5 dependency "asyncpg"']);
    const poetry = '[tool.poetry.dependencies]\npython = "^3.11"\npymongo = "^4.6"\n\n[tool.poetry.group.dev.dependencies]\npika = "*"\n';
    assert.deepEqual(kinds({ 'pyproject.toml': poetry }), ['mongo <- pyproject.toml:3 dependency "pymongo"']);
  });

  it('reads go.mod requirements by module path, not indirect ones', () => {
    const gomod =
      'module example.com/api\n\ngo 1.24\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/redis/go-redis/v9 v9.7.0 // indirect\n)\n';
    assert.deepEqual(kinds({ 'go.mod': gomod }), ['postgres <- go.mod:6 dependency "github.com/jackc/pgx/v5"']);
  });

  it('finds connection URLs in the code, but not in comments, tests or docs', () => {
    assert.deepEqual(
      kinds({
        'requirements.txt': 'flask\n',
        'app/config.py': "# cache: redis://localhost:6379\nBROKER = os.environ.get('BROKER_URL', 'amqp://guest@localhost//')\n",
        'tests/test_db.py': "DB = 'postgresql://localhost/test'\n",
        'config/migrate_test.go': 'const conn = "mongodb://localhost/test"\n',
        'src/db.test.ts': "const url = 'mysql://localhost/test';\n",
        'docs/setup.md.py': "URL = 'mongodb://localhost'\n",
      }),
      ['rabbitmq <- app/config.py:2 "amqp://guest@localhost"'],
    );
  });

  it('leaves out a server database whose driver is only an option beside a SQLite default', () => {
    const gomod =
      'module example.com/notes\n\ngo 1.24\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tmodernc.org/sqlite v1.34.0\n\tgithub.com/redis/go-redis/v9 v9.7.0\n)\n';
    const evidence = backingEvidence(memoryProject({ 'go.mod': gomod }));
    assert.deepEqual(
      evidence.found.map((d) => d.kind),
      ['redis'],
    );
    assert.deepEqual(evidence.optional, [
      { kind: 'postgres', source: 'go.mod:6 dependency "github.com/jackc/pgx/v5"', sqlite: 'go.mod:7 dependency "modernc.org/sqlite"' },
    ]);
    // Django's default settings name SQLite; psycopg2 is for DATABASE_URL deployments.
    const django = {
      'requirements.txt': 'Django==5.1\npsycopg2-binary==2.9.9\n',
      'mysite/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}\n",
    };
    assert.deepEqual(kinds(django), []);
    // A postgres URL in the code is evidence of its own, SQLite driver or not.
    assert.deepEqual(kinds({ ...django, 'mysite/db.py': "URL = os.environ.get('DATABASE_URL', 'postgresql://app@db/app')\n" }), [
      'postgres <- requirements.txt:2 dependency "psycopg2-binary"',
    ]);
  });

  it('finds nothing in a service that uses no backing service', () => {
    assert.deepEqual(kinds({ 'package.json': '{"dependencies":{"express":"^5"}}', 'server.js': 'app.listen(3000)\n' }), []);
  });
});

describe('the connection settings under the names the code reads', () => {
  it('reads the environment names from Node, Python and Go code, not from tests', () => {
    const project = memoryProject({
      'app.py': 'import os\nbroker = os.environ.get("CELERY_BROKER_URL")\nhost = os.getenv("REDIS_HOST", "localhost")\n',
      'server.js': "const url = process.env.DATABASE_URL;\nconst port = process.env['PGPORT'];\n",
      'main.go': 'package main\n\nimport "os"\n\nvar addr = os.Getenv("REDIS_ADDR")\n',
      'tests/test_app.py': 'import os\nos.environ["TEST_ONLY"]\n',
    });
    assert.deepEqual(
      envReads(project).map((r) => `${r.name} <- ${r.source}`),
      [
        'CELERY_BROKER_URL <- app.py:2',
        'REDIS_HOST <- app.py:3',
        'REDIS_ADDR <- main.go:5',
        'DATABASE_URL <- server.js:1',
        'PGPORT <- server.js:2',
      ],
    );
  });

  it('gives each name the value that points at the compose service; a value with the password goes to the env file', () => {
    const reads = [
      'REDIS_HOST',
      'REDIS_PORT',
      'CELERY_BROKER_URL',
      'CELERY_RESULT_BACKEND',
      'REDIS_ADDR',
      'DATABASE_URL',
      'DB_HOST',
      'PGUSER',
      'PGPASSWORD',
      'SECRET_KEY',
    ].map((name) => ({ name, source: 'app.py:1' }));
    const redis = codeEnvironment('redis', reads);
    assert.deepEqual(redis.environment, { REDIS_HOST: 'redis', REDIS_PORT: '6379', REDIS_ADDR: 'redis:6379' });
    assert.deepEqual(redis.secretEnvironment, {
      CELERY_BROKER_URL: 'redis://:{password}@redis:6379/0',
      CELERY_RESULT_BACKEND: 'redis://:{password}@redis:6379/0',
    });
    assert.equal(redis.facts[0].label, 'environment');
    const pg = codeEnvironment('postgres', reads);
    assert.deepEqual(pg.environment, { DB_HOST: 'db', PGUSER: 'app' });
    assert.deepEqual(pg.secretEnvironment, { DATABASE_URL: 'postgresql://app:{password}@db:5432/app', PGPASSWORD: '{password}' });
  });

  it('points MySQL, MongoDB and RabbitMQ names at their services; with RabbitMQ beside Redis the broker is RabbitMQ', () => {
    const reads = [
      'MYSQL_HOST',
      'MYSQL_PASSWORD',
      'MONGODB_URI',
      'MONGO_DB',
      'RABBITMQ_URL',
      'AMQP_HOST',
      'CELERY_BROKER_URL',
      'CELERY_RESULT_BACKEND',
    ].map((name) => ({ name, source: 'app.py:1' }));
    const mysql = codeEnvironment('mysql', reads);
    assert.deepEqual([mysql.environment, mysql.secretEnvironment], [{ MYSQL_HOST: 'mysql' }, { MYSQL_PASSWORD: '{password}' }]);
    const mongo = codeEnvironment('mongo', reads);
    assert.deepEqual(
      [mongo.environment, mongo.secretEnvironment],
      [{ MONGO_DB: 'app' }, { MONGODB_URI: 'mongodb://app:{password}@mongo:27017/app?authSource=admin' }],
    );
    const kinds = ['redis', 'rabbitmq'] as const;
    const rabbit = codeEnvironment('rabbitmq', reads, kinds);
    assert.deepEqual(rabbit.environment, { AMQP_HOST: 'rabbitmq' });
    assert.deepEqual(rabbit.secretEnvironment, {
      RABBITMQ_URL: 'amqp://app:{password}@rabbitmq:5672/',
      CELERY_BROKER_URL: 'amqp://app:{password}@rabbitmq:5672/',
    });
    assert.deepEqual(codeEnvironment('redis', reads, kinds).secretEnvironment, {
      CELERY_RESULT_BACKEND: 'redis://:{password}@redis:6379/0',
    });
  });

  it("gives RabbitMQ the app's user in a conf.d file (a Compose secret), never the guest account or an environment password", () => {
    const rabbit = backingService('rabbitmq');
    const [conf] = rabbit.secrets;
    assert.deepEqual(rabbit.mapping.secrets, [{ source: 'rabbitmq_conf', target: '/etc/rabbitmq/conf.d/90-dockerstack.conf' }]);
    assert.equal(rabbit.mapping.environment, undefined);
    const text = secretText(conf, 'pw-1_x');
    assert.match(text, /^default_user = app$/m);
    assert.match(text, /^default_pass = pw-1_x$/m);
    assert.equal(passwordIn(conf, text), 'pw-1_x');
    assert.equal(passwordIn(conf, 'default_user = app\n'), undefined);
  });
});
