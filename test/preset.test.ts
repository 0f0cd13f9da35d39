// Team presets: loading and validation over memory files, the Dockerfile transform on every golden
// Dockerfile, and locks and saved presets through the CLI.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../lib/errors.ts';
import { applyPresetToDockerfile, loadPreset, type Preset, prefixImage, validatePreset } from '../lib/preset.ts';
import { memoryProject } from '../lib/project.ts';
import { FIXTURES, fixtures, listFiles, runCli } from './helpers/fixtures.ts';
import { checkDockerfile, finalUser } from './helpers/rules.ts';

const TEAM = {
  registry: 'mirror.example.com/library/',
  runtime: { node: 'slim', go: 'scratch' },
  user: { uid: 10001, gid: 10001 },
  labels: { 'org.opencontainers.image.vendor': 'Acme', 'com.acme.team': 'payments' },
  healthPath: '/healthz',
  locked: ['runtime'],
};

/** The InputError a function throws: its file and message. */
function inputError(fn: () => unknown): { file: string; message: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    return { file: error.file, message: error.message };
  }
  assert.fail('no error thrown');
}

describe('preset loading', () => {
  const files = memoryProject({
    '/repo/team.json': JSON.stringify(TEAM),
    '/repo/broken.json': '{\n  "registry": "x/",\n}\n',
    '/repo/node_modules/@acme/dockerstack-preset/package.json': JSON.stringify({ name: '@acme/dockerstack-preset', main: 'preset.json' }),
    '/repo/node_modules/@acme/dockerstack-preset/preset.json': JSON.stringify({ registry: 'registry.acme.io:5000/hub/' }),
    '/node_modules/plain-preset/package.json': JSON.stringify({ name: 'plain-preset', main: 'index.js' }),
    '/node_modules/plain-preset/dockerstack-preset.json': JSON.stringify({ healthPath: '/ready' }),
    '/repo/node_modules/empty-preset/package.json': JSON.stringify({ name: 'empty-preset' }),
  });

  it('reads a JSON file relative to the folder, named by the path given', () => {
    const preset = loadPreset('team.json', '/repo', files);
    assert.equal(preset.source, 'team.json');
    assert.deepEqual(preset.user, { uid: 10001, gid: 10001 });
    assert.deepEqual(preset.runtime, { node: 'slim', go: 'scratch' });
    assert.deepEqual(preset.locked, ['runtime']);
    assert.equal(loadPreset('../team.json', '/repo/api', files).registry, 'mirror.example.com/library/');
  });

  it('reads an npm package from node_modules (from the folder up): its JSON main, else dockerstack-preset.json', () => {
    const scoped = loadPreset('@acme/dockerstack-preset', '/repo/services/api', files);
    assert.equal(scoped.source, '@acme/dockerstack-preset/preset.json');
    assert.equal(scoped.registry, 'registry.acme.io:5000/hub/');
    const plain = loadPreset('plain-preset', '/repo', files);
    assert.equal(plain.source, 'plain-preset/dockerstack-preset.json');
    assert.equal(plain.healthPath, '/ready');
  });

  it('names the file and the problem when the preset is missing or malformed', () => {
    assert.deepEqual(inputError(() => loadPreset('nope.json', '/repo', files)).file, 'nope.json');
    const broken = inputError(() => loadPreset('broken.json', '/repo', files));
    assert.equal(broken.file, 'broken.json');
    assert.match(broken.message, /is not valid JSON \(line 3\)/);
    const missing = inputError(() => loadPreset('@acme/other', '/repo', files));
    assert.equal(missing.file, '--preset @acme/other');
    assert.match(missing.message, /no npm package "@acme\/other" in node_modules/);
    assert.match(
      inputError(() => loadPreset('empty-preset', '/repo', files)).message,
      /^empty-preset\/dockerstack-preset\.json: not found/,
    );
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown key', { registy: 'x/' }, /unknown key "registy"; a preset may set: registry, runtime/],
    [
      'a registry without the trailing /',
      { registry: 'mirror.example.com' },
      /"registry": "mirror\.example\.com" is not a registry prefix/,
    ],
    ['a registry with a scheme', { registry: 'https://mirror.example.com/' }, /"registry"/],
    ['an unknown language', { runtime: { rust: 'slim' } }, /"runtime\.rust": unknown language/],
    [
      'a runtime the language does not have',
      { runtime: { go: 'slim' } },
      /"runtime\.go": "slim" is not a go runtime; use one of: distroless, scratch, alpine/,
    ],
    ['uid 0', { user: { uid: 0, gid: 0 } }, /"user\.uid": 0 is not a non-root numeric id/],
    ['a string gid', { user: { uid: 1000, gid: '1000' } }, /"user\.gid": "1000"/],
    ['a label key with capitals', { labels: { 'Com.Acme': 'x' } }, /"labels": "Com\.Acme" is not a label key/],
    ['a label value with a newline', { labels: { 'com.acme.team': 'a\nb' } }, /"labels\.com\.acme\.team"/],
    ['a relative health path', { healthPath: 'healthz' }, /"healthPath": "healthz" is not a URL path/],
    [
      'a lock on an option that has none',
      { locked: ['port'] },
      /"locked": "port" cannot be locked; lockable options: runtime, health-path/,
    ],
    ['a lock without a value', { locked: ['health-path'] }, /"locked": "health-path" is locked but the preset sets no "healthPath"/],
    ['a list', [TEAM], /a preset must be a JSON object/],
  ];
  for (const [what, raw, problem] of bad) {
    it(`rejects ${what}, naming the preset file`, () => {
      const error = inputError(() => validatePreset('team.json', raw));
      assert.equal(error.file, 'team.json');
      assert.match(error.message, problem);
    });
  }
});

describe('a preset applied to a Dockerfile', () => {
  const preset: Preset = { ...validatePreset('team.json', TEAM) };

  it('prefixes base images, never stages or scratch', () => {
    assert.equal(prefixImage('node:26-trixie-slim', preset.registry), 'mirror.example.com/library/node:26-trixie-slim');
    assert.equal(prefixImage('scratch', preset.registry), 'scratch');
    assert.equal(prefixImage('deps', preset.registry, new Set(['deps'])), 'deps');
    assert.equal(prefixImage('mirror.example.com/library/node:26', preset.registry), 'mirror.example.com/library/node:26');
  });

  // Every golden Dockerfile: the transform keeps them valid and leaves no base image or 65532 behind.
  // (One of several Go servers has its Dockerfile in its folder: cmd/admin/Dockerfile.)
  for (const fixture of fixtures()) {
    it(`${fixture.lang}/${fixture.name}: mirror, user and labels`, () => {
      const file = listFiles(fixture.expected).find((f) => basename(f) === 'Dockerfile') ?? 'Dockerfile';
      const original = readFileSync(join(fixture.expected, file), 'utf8');
      const text = applyPresetToDockerfile(original, preset);
      const stages = [...text.matchAll(/^FROM .* AS (\S+)$/gm)].map((m) => m[1]);
      for (const [, image] of text.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gm))
        assert.ok(stages.includes(image) || image === 'scratch' || image.startsWith(preset.registry as string), `${image} not mirrored`);
      assert.doesNotMatch(text, /65532/);
      if (finalUser(original) === '65532:65532') assert.equal(finalUser(text), '10001:10001');
      assert.match(text, /^ {6}org\.opencontainers\.image\.vendor="Acme" \\\n {6}com\.acme\.team="payments"$/m);
      assert.equal(text.match(/^LABEL /gm)?.length, original.match(/^LABEL /gm)?.length, 'merged into the existing LABEL');
      assert.deepEqual(checkDockerfile(text), []);
    });
  }

  it("replaces a project label with the preset's, and the passwd and group ids of a scratch image", () => {
    const text = [
      'FROM golang:1.25-trixie AS build',
      "RUN printf 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\\n' > /out/rootfs/etc/passwd \\",
      "    && printf 'nonroot:x:65532:\\n' > /out/rootfs/etc/group",
      'FROM scratch AS runtime',
      'COPY --from=ghcr.io/acme/probe:1.0 /probe /probe',
      'LABEL org.opencontainers.image.title="x" \\',
      '      org.opencontainers.image.vendor="Someone"',
      'USER 65532:65532',
    ].join('\n');
    const out = applyPresetToDockerfile(text, preset);
    assert.match(out, /nonroot:x:10001:10001:nonroot/);
    assert.match(out, /nonroot:x:10001:\\n/);
    assert.match(out, /^COPY --from=mirror\.example\.com\/library\/ghcr\.io\/acme\/probe:1\.0 /m);
    assert.match(
      out,
      /^LABEL org\.opencontainers\.image\.title="x" \\\n {6}org\.opencontainers\.image\.vendor="Acme" \\\n {6}com\.acme\.team="payments"$/m,
    );
    assert.doesNotMatch(out, /Someone/);
  });
});

describe('--preset through the CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockerstack-preset-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    writeFileSync(join(dir, 'team.json'), JSON.stringify(TEAM));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an option that contradicts a locked value, naming the preset and the option, writing nothing', async () => {
    const { code, stderr } = await runCli(['node', '--yes', '--preset', 'team.json', '--runtime', 'alpine'], dir);
    assert.equal(code, 1);
    assert.match(stderr, /team\.json: locks runtime to "slim"; --runtime "alpine" contradicts it/);
    for (const file of ['Dockerfile', 'compose.yaml', '.yo-rc.json', 'README.Docker.md'])
      assert.equal(existsSync(join(dir, file)), false, file);
  });

  it('rejects a bad preset before anything is written (app generator too)', async () => {
    writeFileSync(join(dir, 'team.json'), JSON.stringify({ ...TEAM, user: { uid: 0, gid: 0 } }));
    for (const args of [['node', '--yes'], ['--yes']]) {
      const { code, stderr } = await runCli([...args, '--preset', 'team.json'], dir);
      assert.equal(code, 1);
      assert.match(stderr, /team\.json: "user\.uid": 0 is not a non-root numeric id/);
      assert.equal(existsSync(join(dir, 'Dockerfile')), false);
    }
  });

  it('is saved in .yo-rc.json: the next run keeps its settings and locks without --preset', async () => {
    assert.equal((await runCli(['node', '--yes', '--preset', 'team.json'], dir)).code, 0);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM mirror\.example\.com\/library\/node:\$\{NODE_VERSION\}-trixie-slim AS runtime$/m);
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-dockerstack'];
    assert.equal(saved.presetFile, 'team.json');
    assert.deepEqual(saved.preset.user, TEAM.user);
    rmSync(join(dir, 'team.json'));
    const check = await runCli(['node', '--check'], dir);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /runtime slim <- preset team\.json \(saved in \.yo-rc\.json\), locked/);
    const locked = await runCli(['node', '--yes', '--runtime', 'distroless'], dir);
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /team\.json \(saved in \.yo-rc\.json\): locks runtime to "slim"; --runtime "distroless"/);
  });
});
