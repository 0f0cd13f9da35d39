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
    assert.equal(web.environment.REDIS_URL, 'redis://redis:6379/0');
    const text = mergeCompose(undefined, 'compose.yaml', 'shop', [web], backing).text;
    const twice = mergeCompose(text, 'compose.yaml', 'shop', [withBacking(spec('api', 8080), backing)], backing).text;
    const compose = parse(twice);
    assert.deepEqual(Object.keys(compose.services), ['db', 'redis', 'web', 'api']);
    assert.deepEqual(compose.services.api.depends_on.db, { condition: 'service_healthy' });
    assert.deepEqual(compose.secrets.db_password, { file: './secrets/db_password.txt' });
    assert.deepEqual(Object.keys(compose.volumes), ['db-data', 'redis-data']);
    assert.deepEqual(compose.services.db.volumes, ['db-data:/var/lib/postgresql']);
    assert.deepEqual(compose.services.api.secrets, ['app_secret', 'db_password']);
  });

  it('rejects an unknown backing service with the allowed ones', () => {
    assert.throws(() => parseBacking('postgres,mongo'), /--backing: "mongo" is not allowed; use any of: postgres, redis/);
    assert.deepEqual(parseBacking('none'), []);
  });
});
