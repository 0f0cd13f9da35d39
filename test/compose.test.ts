// The compose model: merging into an existing compose.yaml, host port clashes, backing services.
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { backingService, parseBacking } from '../lib/backing.ts';
import { mergeCompose, type ServiceSpec, withBacking } from '../lib/compose.ts';
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
      'build target runtime <- generated Dockerfile (was builder in compose.yaml services.app)',
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
    assert.throws(() => parseBacking('postgres,mongo'), /--backing: "mongo" is not allowed; use any of: postgres, redis/);
    assert.deepEqual(parseBacking('none'), []);
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
