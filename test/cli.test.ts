// The published entry points: the `dockerstack` bin and yo's generator lookup.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { FIXTURES, ROOT, runCli } from './helpers/fixtures.ts';

describe('dockerstack CLI', () => {
  it('--help lists every option with its default', async () => {
    const { code, stdout } = await runCli(['node', '--help'], tmpdir());
    assert.equal(code, 0);
    for (const option of ['--runtime', '--port', '--health-path', '--service', '--start', '--yes', '--force', '--check']) {
      assert.match(stdout, new RegExp(`^ +(-\\w, )?${option}\\b[^]*?\\[default: `, 'm'), `${option} with its default in --help`);
    }
    assert.match(stdout, /distroless, slim, alpine/);
  });

  for (const generator of ['app', 'node', 'python', 'go']) {
    it(`${generator} --help: the command as typed, only the options that work, aligned, one style of default`, async () => {
      const args = generator === 'app' ? ['--help'] : [generator, '--help'];
      const { code, stdout } = await runCli(args, tmpdir());
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: dockerstack ${generator === 'app' ? '' : `${generator} `}\\[options\\]$`, 'm'));
      for (const builtin of ['--skip-install', '--skip-cache', '--force-install', '--ask-answered', 'Default:', 'yo '])
        assert.ok(!stdout.includes(builtin), `${builtin} in --help:\n${stdout}`);
      const lines = stdout.slice(stdout.indexOf('Options:\n') + 9, stdout.indexOf('\n\n', stdout.indexOf('Options:'))).split('\n');
      // Every description (and its continuation lines) starts in one column.
      const columns = lines.map((line) => /^( {2}(?:-\w, | {4})--[\w-]+(?: <\w+>)? +| +)\S/.exec(line)?.[1].length);
      assert.ok(
        columns.every((c) => c !== undefined && c === columns[0]),
        `misaligned --help:\n${lines.join('\n')}`,
      );
      const options = lines.filter((line) => /^ {2}(-\w, | {4})--/.test(line)).length;
      assert.equal(stdout.match(/\[default: /g)?.length, options - 1, 'a default for every option but --help');
    });

    it(`${generator}: an unknown option is an error naming it and the closest one, writing nothing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dockerstack-typo-'));
      cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
      const args = generator === 'app' ? ['--yes', '--forse'] : [generator, '--yes', '--runtme', 'slim'];
      const { code, stderr } = await runCli(args, dir);
      assert.equal(code, 1);
      assert.match(
        stderr,
        generator === 'app' ? /unknown option --forse; did you mean --force\?/ : /unknown option --runtme; did you mean --runtime\?/,
      );
      assert.deepEqual(readdirSync(dir).sort(), ['package-lock.json', 'package.json', 'src', 'test'], 'nothing written');
      rmSync(dir, { recursive: true });
    });
  }

  it('app: a service option says which generators take it; a stray argument is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-typo-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    const service = await runCli(['--yes', '--runtime', 'slim'], dir);
    assert.equal(service.code, 1);
    assert.match(service.stderr, /unknown option --runtime: it is an option of the service generators/);
    const stray = await runCli(['node', '--yes', 'slim'], dir);
    assert.equal(stray.code, 1);
    assert.match(stray.stderr, /unexpected argument "slim"/);
    const fine = await runCli(['node', '--yes', '--no-force', '--runtime=slim', '-y', '--port', '3000'], dir);
    assert.equal(fine.code, 0, fine.output);
    assert.equal(existsSync(join(dir, 'Dockerfile')), true);
    rmSync(dir, { recursive: true });
  });

  it('exits non-zero with the file and the problem on a malformed package.json, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-bad-'));
    writeFileSync(join(dir, 'package.json'), '{"name": "x", "scripts": {"start": "node a.js",}}');
    const { code, stderr } = await runCli(['node', '--yes'], dir);
    assert.equal(code, 1);
    assert.match(stderr, /dockerstack: error: package\.json: is not valid JSON/);
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
    assert.equal(existsSync(join(dir, '.yo-rc.json')), false);
    rmSync(dir, { recursive: true });
  });

  it(".python-version above the service folder is read as uv and pyenv read it; the service's own comes first", async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockerstack-pyversion-'));
    try {
      mkdirSync(join(root, 'backend'));
      writeFileSync(join(root, '.python-version'), '3.13\n');
      writeFileSync(join(root, 'backend', 'requirements.txt'), 'flask==3.1.2\ngunicorn==23.0.0\n');
      writeFileSync(join(root, 'backend', 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
      const run = await runCli(['python', '--yes'], join(root, 'backend'));
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /python 3\.13 <- \.\.\/\.python-version \(3\.13 kept\)/);
      writeFileSync(join(root, 'backend', '.python-version'), '3.12\n');
      const own = await runCli(['python', '--yes', '--force'], join(root, 'backend'));
      assert.match(own.output, /python 3\.12 <- \.python-version \(3\.12 kept\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names an unknown generator', async () => {
    const { code, stderr } = await runCli(['rust', '--yes'], tmpdir());
    assert.equal(code, 2);
    assert.match(stderr, /unknown generator "rust"; use one of: app, node/);
  });

  it('says so when the destination is not writable', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-ro-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
    } catch {
      this.skip();
    }
    try {
      cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      const { code, stderr } = await runCli(['node', '--yes'], dir);
      assert.equal(code, 1);
      assert.match(stderr, /the destination folder is not writable/);
    } finally {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the node generator from the bin and prints facts with sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-cli-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    const { code, output } = await runCli(['node', '--yes'], dir);
    assert.equal(code, 0);
    assert.match(output, /node 26 <- package\.json engines\.node \(newest LTS satisfying >=20\)/);
    assert.match(output, /port 3000 <- src\/server\.js:7/);
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /target: runtime/);
    rmSync(dir, { recursive: true });
  });
});

describe('what a run reports per file', () => {
  it('a new empty folder: every file is reported as created, none as forced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-fresh-'));
    const { code, output } = await runCli(['--yes'], dir);
    assert.equal(code, 0, output);
    // The root .yo-rc.json holds the app's answers; with --yes and no --backing there is none to save
    // (each service finds its own backing services), so only the service's own is created.
    for (const file of ['compose.yaml', 'web/.yo-rc.json', 'web/Dockerfile'])
      assert.match(output, new RegExp(`^ *create ${file.replace('.', '\\.')}$`, 'm'), `create ${file}`);
    assert.doesNotMatch(output, /^ *force /m);
    // A second run with a change: the existing .yo-rc.json is Yeoman's to overwrite (force), not a new file.
    const again = await runCli(['--yes', '--backing', 'redis'], dir);
    assert.equal(again.code, 0, again.output);
    assert.doesNotMatch(again.output, /^ *create web\/\.yo-rc\.json$/m);
    assert.match(again.output, /^ *create \.yo-rc\.json$/m, 'the first answer to save creates the root .yo-rc.json');
    rmSync(dir, { recursive: true });
  });
});

describe('--check (drift from the saved answers)', () => {
  it('exits 0 when the files match and 1 with a diff when one drifted, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-check-'));
    cpSync(join(FIXTURES, 'node', 'npm-express', 'input'), dir, { recursive: true });
    assert.equal((await runCli(['node', '--yes', '--runtime', 'slim'], dir)).code, 0);
    const clean = await runCli(['node', '--check'], dir);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /every generated file matches the saved answers/);
    const edited = readFileSync(join(dir, 'Dockerfile'), 'utf8').replace('USER 1000:1000', 'USER root');
    writeFileSync(join(dir, 'Dockerfile'), edited);
    const dirty = await runCli(['node', '--check'], dir);
    assert.equal(dirty.code, 1);
    assert.match(dirty.stderr, /generated files differ/);
    assert.match(dirty.stderr, /^-USER root$/m);
    assert.match(dirty.stderr, /^\+USER 1000:1000$/m);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), edited, '--check writes nothing');
    rmSync(dir, { recursive: true });
  });

  it('python: --start and --server are saved, so --check needs neither; a --start that does not resolve writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-start-'));
    cpSync(join(FIXTURES, 'python', 'procfile-factory-flask', 'input'), dir, { recursive: true });
    const bad = await runCli(['python', '--yes', '--start', 'gunicorn missing:app'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--start: gunicorn missing:app: module missing \(missing\.py\) is not in the tree/);
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
    assert.equal(existsSync(join(dir, '.yo-rc.json')), false);
    const run = await runCli(['python', '--yes', '--start', 'gunicorn journal:app --workers 3', '--server', 'gunicorn'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /"--workers", "3", "journal:app"\]/);
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-dockerstack'];
    assert.equal(saved.start, 'gunicorn journal:app --workers 3');
    assert.equal(saved.server, 'gunicorn');
    const check = await runCli(['python', '--check'], dir);
    assert.equal(check.code, 0, check.output);
    rmSync(dir, { recursive: true });
  });
});

describe('options without a prompt are saved answers too', () => {
  const cases = [
    { lang: 'node', fixture: 'npm-express', args: ['--start', 'node --enable-source-maps src/server.js'], shows: /--enable-source-maps/ },
    { lang: 'go', fixture: 'stdlib-root', args: ['--cgo', 'on', '--goprivate', 'example.com/acme/*'], shows: /CGO_ENABLED=1/ },
    { lang: 'python', fixture: 'uv-fastapi', args: ['--server', 'gunicorn'], shows: /gunicorn/ },
  ];
  for (const { lang, fixture, args, shows } of cases) {
    it(`${lang} ${args.join(' ')}: saved, so --check without it exits 0 and the next run keeps it`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `dockerstack-saved-${lang}-`));
      cpSync(join(FIXTURES, lang, fixture, 'input'), dir, { recursive: true });
      const first = await runCli([lang, '--yes', ...args], dir);
      assert.equal(first.code, 0, first.output);
      const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      assert.match(dockerfile, shows, 'the option changes the Dockerfile (else this test proves nothing)');
      const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-dockerstack'];
      for (let i = 0; i < args.length; i += 2) assert.equal(saved[args[i].slice(2)], args[i + 1], `${args[i]} in .yo-rc.json`);
      const check = await runCli([lang, '--check'], dir);
      assert.equal(check.code, 0, check.output);
      const again = await runCli([lang, '--yes'], dir);
      assert.equal(again.code, 0, again.output);
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), dockerfile, 'a run without the option keeps it');
      assert.match(again.output, /<- \.yo-rc\.json/);
      assert.doesNotMatch(again.output, new RegExp(`<- ${args[0]}\\b`), 'the source is .yo-rc.json, not the option');
      rmSync(dir, { recursive: true });
    });
  }
});

describe('yo lookup', () => {
  it('finds each namespace exactly once in a linked checkout (sources and dist side by side)', async () => {
    const npmPaths = mkdtempSync(join(tmpdir(), 'dockerstack-lookup-'));
    mkdirSync(join(npmPaths, 'node_modules'));
    execFileSync('ln', ['-s', ROOT, join(npmPaths, 'node_modules', 'generator-dockerstack')]);
    const env = createEnv();
    const found = await env.lookup({ npmPaths: [join(npmPaths, 'node_modules')], packagePatterns: ['generator-dockerstack'] });
    const namespaces = found.map((g) => g.namespace);
    assert.deepEqual([...new Set(namespaces)].sort(), namespaces.toSorted(), `duplicates in ${namespaces.join(', ')}`);
    assert.ok(namespaces.includes('dockerstack:node'));
    assert.ok(namespaces.includes('dockerstack:app'));
    for (const g of found) assert.match((g as { filePath?: string }).filePath ?? '', /dist\/generators\/\w+\/index\.js$/);
    rmSync(npmPaths, { recursive: true });
  });
});
