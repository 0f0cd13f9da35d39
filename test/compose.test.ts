// The compose model: merging into an existing compose.yaml, host port clashes, backing services.
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { backingService, composeBacking, parseBacking } from '../lib/backing.ts';
import { composeFileIn, mergeCompose, type ServiceSpec, withBacking } from '../lib/compose.ts';
import { nodeProbe } from '../lib/healthcheck.ts';

const spec = (name: string, port: number): ServiceSpec => ({
  name,
  context: `./${name}`,
  image: `${name}:dev`,
  port,
  healthcheck: nodeProbe('node', port, '/healthz'),
  user: { uid: 65532, gid: 65532 },
  buildSecrets: [],
  runtimeSecrets: [{ name: 'app_secret', file: './secrets/app_secret.txt' }],
  environment: { PORT: String(port) },
  tmpfs: ['/tmp'],
  init: true,
});

const HAND_WRITTEN = `# our stack
name: shop
services:
  # the proxy is ours
  proxy:
    image: nginxinc/nginx-unprivileged:1.29
    ports:
      - "3000:8080" # http
`;

describe('compose model', () => {
  it('keeps comments and other services, and moves a clashing host port', () => {
    const update = mergeCompose(HAND_WRITTEN, 'compose.yaml', 'shop', [spec('web', 3000)]);
    assert.match(update.text, /^# our stack$/m);
    assert.match(update.text, /^ {2}# the proxy is ours$/m);
    assert.match(update.text, /"3000:8080" # http/);
    assert.deepEqual(update.moved, ['web 3000 -> 3001']);
    assert.deepEqual(update.replaced, [], 'only added');
    const compose = parse(update.text);
    assert.deepEqual(compose.services.web.ports, ['3001:3000']);
    // A second run keeps the moved port and changes nothing.
    const again = mergeCompose(update.text, 'compose.yaml', 'shop', [spec('web', 3000)]);
    assert.equal(again.text, update.text);
    assert.deepEqual(again.replaced, []);
  });

  it('says which existing services an update changes', () => {
    const first = mergeCompose(undefined, 'compose.yaml', 'shop', [spec('web', 3000)]);
    const changed = mergeCompose(first.text, 'compose.yaml', 'shop', [spec('web', 4000)]);
    assert.deepEqual(changed.replaced, ['web']);
  });

  it('adds backing services once, with volumes and the password secret, and wires the app to them', () => {
    const backing = parseBacking('postgres,redis').map(backingService);
    const web = withBacking(spec('web', 3000), backing);
    assert.deepEqual(web.dependsOn, ['db', 'redis']);
    // REDIS_URL holds Redis's password: it is no compose.yaml setting (the service's env file has it).
    assert.equal(web.environment.REDIS_URL, undefined);
    assert.deepEqual(backing[1].client.secretEnvironment, { REDIS_URL: 'redis://:{password}@redis:6379/0' });
    const text = mergeCompose(undefined, 'compose.yaml', 'shop', [web], backing).text;
    const twice = mergeCompose(text, 'compose.yaml', 'shop', [withBacking(spec('api', 8080), backing)], backing).text;
    const compose = parse(twice);
    assert.deepEqual(Object.keys(compose.services), ['db', 'redis', 'web', 'api']);
    assert.deepEqual(compose.services.api.depends_on.db, { condition: 'service_healthy' });
    assert.deepEqual(compose.secrets.db_password, { file: './secrets/db_password.txt' });
    // Redis asks for a password: its redis.conf (requirepass) is a secret, read as its config file.
    assert.deepEqual(compose.secrets.redis_conf, { file: './secrets/redis.conf' });
    assert.deepEqual(compose.services.redis.command, ['redis-server', '/run/secrets/redis_conf']);
    assert.deepEqual(compose.services.redis.secrets, ['redis_conf']);
    assert.equal(compose.services.redis.healthcheck.test[0], 'CMD-SHELL');
    assert.deepEqual(Object.keys(compose.volumes), ['db-data', 'redis-data']);
    assert.deepEqual(compose.services.db.volumes, ['db-data:/var/lib/postgresql']);
    assert.deepEqual(compose.services.api.secrets, ['app_secret', 'db_password']);
  });

  it("an existing service that builds the same Dockerfile is the service: updated in place, the user's keys kept", () => {
    const theirs = `services:
  # the app, as the team wrote it
  app:
    build:
      context: .
      target: builder
      args:
        GIT_SHA: dev
    environment:
      LOG_LEVEL: debug
    volumes:
      - ./data:/data
    labels:
      team: orders
    depends_on:
      - cache
  cache:
    image: redis:8.2-trixie
`;
    const web = { ...spec('web', 3000), context: '.' };
    const update = mergeCompose(theirs, 'compose.yaml', 'shop', [web]);
    const compose = parse(update.text);
    assert.deepEqual(Object.keys(compose.services), ['app', 'cache'], 'not duplicated');
    const app = compose.services.app;
    assert.deepEqual(app.build, { context: '.', target: 'runtime', args: { GIT_SHA: 'dev' } });
    assert.deepEqual(app.environment, { LOG_LEVEL: 'debug', PORT: '3000' });
    assert.deepEqual(app.volumes, ['./data:/data']);
    assert.deepEqual(app.labels, { team: 'orders' });
    assert.deepEqual(app.depends_on, ['cache']);
    assert.equal(app.read_only, true);
    assert.match(update.text, /^ {2}# the app, as the team wrote it\n {2}app:$/m);
    assert.deepEqual(update.replaced, ['app']);
    assert.deepEqual(update.notes, [
      'compose service app <- compose.yaml services.app (it builds Dockerfile): updated in place',
      'target runtime <- generated Dockerfile (was builder in compose.yaml services.app)',
    ]);
    // The next run finds it again and changes nothing.
    const again = mergeCompose(update.text, 'compose.yaml', 'shop', [web]);
    assert.equal(again.text, update.text);
    assert.deepEqual(again.replaced, []);
  });

  it('`build: ./api` is the service built from ./api; a service building another folder or Dockerfile is not', () => {
    const theirs = 'services:\n  backend:\n    build: api/\n  docs:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.docs\n';
    const api = { ...spec('api', 8080), context: './api' };
    const compose = parse(mergeCompose(theirs, 'compose.yaml', 'shop', [api]).text);
    assert.deepEqual(Object.keys(compose.services), ['backend', 'docs']);
    assert.deepEqual(compose.services.backend.build, { context: './api', target: 'runtime' });
    assert.deepEqual(compose.services.docs.build, { context: './api', dockerfile: 'Dockerfile.docs' });
    const other = parse(mergeCompose(theirs, 'compose.yaml', 'shop', [{ ...spec('web', 3000), context: './web' }]).text);
    assert.deepEqual(Object.keys(other.services), ['backend', 'docs', 'web']);
  });

  it('rejects an unknown backing service with the allowed ones', () => {
    assert.throws(
      () => parseBacking('postgres,cassandra'),
      /--backing: "cassandra" is not allowed; use any of: postgres, redis, mysql, mongo, rabbitmq/,
    );
    assert.deepEqual(parseBacking('none'), []);
  });
});

describe("a repository's own compose file", () => {
  // A development setup as repositories write it: their own Dockerfile, a dev command, the source mounted over
  // the image, an .env that is not committed, a network, and the database it needs.
  const DEV = `version: "3.2"
services:
  node:
    build:
      context: .
      dockerfile: ./docker/node/Dockerfile
    volumes:
      - .:/app
      - /app/node_modules
      - ./data:/data
    command: /usr/local/wait-for-it.sh mongo:27017 -- npm start
    env_file:
      - .env
    ports:
      - 3000:3000
    networks:
      - webnet
    depends_on:
      - mongo
  mongo:
    image: mongo:5
    networks:
      - webnet
networks:
  webnet:
`;

  it('is the file docker compose reads: compose.yaml, compose.yml, docker-compose.yaml, then docker-compose.yml', () => {
    assert.equal(
      composeFileIn(() => false),
      'compose.yaml',
    );
    assert.equal(
      composeFileIn((f) => f === 'docker-compose.yml'),
      'docker-compose.yml',
    );
    assert.equal(
      composeFileIn((f) => f === 'docker-compose.yml' || f === 'compose.yml'),
      'compose.yml',
    );
  });

  it('adopts the one service that builds this folder from its own Dockerfile, dropping what undoes the image', () => {
    const web = { ...spec('web', 3000), context: '.' };
    const update = mergeCompose(DEV, 'docker-compose.yml', 'shop', [web], [], (path) => path !== '.env');
    const compose = parse(update.text);
    assert.deepEqual(Object.keys(compose.services), ['node', 'mongo'], 'updated in place, not duplicated');
    const node = compose.services.node;
    assert.deepEqual(node.build, { context: '.', target: 'runtime' });
    assert.equal(node.command, undefined);
    assert.deepEqual(node.volumes, ['./data:/data'], 'the data mount stays; the source mounts go');
    assert.deepEqual(node.env_file, [{ path: '.env', required: false }]);
    assert.deepEqual(node.networks, ['webnet']);
    assert.deepEqual(node.depends_on, ['mongo'], 'kept as the repository wrote it');
    assert.equal(compose.version, undefined);
    assert.deepEqual(update.notes, [
      'compose service node <- docker-compose.yml services.node (it builds .): updated in place',
      'dockerfile Dockerfile <- generated (was docker/node/Dockerfile in docker-compose.yml services.node)',
      "dropped docker-compose.yml services.node.command (/usr/local/wait-for-it.sh mongo:27017 -- npm start): the image's CMD runs the server",
      'dropped docker-compose.yml services.node.volumes .:/app: the source tree over the built image',
      "dropped docker-compose.yml services.node.volumes /app/node_modules: it hides the image's /app/node_modules",
      'optional env_file .env <- docker-compose.yml services.node (not in the repository: required: false)',
    ]);
    // The next run changes nothing: the service builds `runtime` now, and the user's later edits are theirs.
    const again = mergeCompose(update.text, 'docker-compose.yml', 'shop', [web], [], (path) => path !== '.env');
    assert.equal(again.text, update.text);
    assert.deepEqual(again.replaced, []);
  });

  it('keeps the anchors other services alias (`web: &app`, `<<: *app`, `environment: &env`)', () => {
    const text =
      'services:\n  web: &app\n    build:\n      context: .\n      dockerfile: ${DOCKERFILE:-Dockerfile}\n    environment: &env\n      A: "1"\n    command: run\n  worker:\n    <<: *app\n    environment: *env\n    command: work\n';
    const update = mergeCompose(text, 'docker-compose.yml', 'shop', [{ ...spec('web', 5000), context: '.' }]);
    assert.match(update.text, /^ {2}web: &app$/m);
    assert.match(update.text, /^ {4}environment: &env$/m);
    const compose = parse(update.text, { merge: true });
    assert.equal(compose.services.worker.command, 'work');
    assert.equal(compose.services.worker.environment.PORT, '5000');
    assert.equal(compose.services.web.command, undefined);
  });

  it('adopts no service when several build this folder from other Dockerfiles', () => {
    const two =
      'services:\n  api:\n    build:\n      context: .\n      dockerfile: api.Dockerfile\n  docs:\n    build:\n      context: .\n      dockerfile: docs.Dockerfile\n';
    const compose = parse(mergeCompose(two, 'compose.yaml', 'shop', [{ ...spec('web', 3000), context: '.' }]).text);
    assert.deepEqual(Object.keys(compose.services), ['api', 'docs', 'web']);
  });

  it('finds the backing services it runs from images, but the ones this generator wrote', () => {
    assert.deepEqual(composeBacking(DEV, 'docker-compose.yml'), [
      { kind: 'mongo', name: 'mongo', image: 'mongo:5', healthcheck: false, source: 'docker-compose.yml services.mongo (mongo:5)' },
    ]);
    const ours = mergeCompose(undefined, 'compose.yaml', 'shop', [], parseBacking('postgres,redis').map(backingService)).text;
    assert.deepEqual(composeBacking(ours, 'compose.yaml'), []);
    const theirs =
      'services:\n  database:\n    image: mysql/mysql-server:5.7\n    healthcheck:\n      test: [CMD, mysqladmin, ping]\n  cache:\n    image: bitnami/redis:7.2\n';
    assert.deepEqual(
      composeBacking(theirs, 'compose.yml').map((b) => [b.kind, b.name, b.healthcheck]),
      [
        ['mysql', 'database', true],
        ['redis', 'cache', false],
      ],
    );
  });

  it("waits for the repository's own backing service as it can: healthy when it has a check, else started", () => {
    const web = { ...spec('web', 3000), context: '.', waitsFor: { mongo: 'service_started' as const } };
    const compose = parse(mergeCompose('services:\n  mongo:\n    image: mongo:5\n', 'compose.yaml', 'shop', [web]).text);
    assert.deepEqual(compose.services.web.depends_on, { mongo: { condition: 'service_started' } });
  });
});

describe('settings that moved to the env file', () => {
  it("drops an older run's REDIS_URL from environment (it would override the env file's, which has the password)", () => {
    const backing = parseBacking('redis').map(backingService);
    const older = `services:\n  web:\n    build: .\n    environment:\n      REDIS_URL: redis://redis:6379/0\n      TEAM_FLAG: "1"\n`;
    const web = { ...withBacking(spec('web', 3000), backing), envFile: './secrets/web.env', envFileKeys: ['REDIS_URL'] };
    const merged = parse(mergeCompose(older, 'compose.yaml', 'shop', [web], backing).text);
    assert.equal(merged.services.web.environment.REDIS_URL, undefined);
    assert.equal(merged.services.web.environment.TEAM_FLAG, '1');
    assert.deepEqual(merged.services.web.env_file, ['./secrets/web.env']);
  });
});
