// What a repository already says (lib/evidence.ts): pure, tested with in-memory projects.
import assert from 'node:assert/strict';
import { portOfAddress, readEvidence, shellWords, splitChain } from '../lib/evidence.ts';
import { memoryProject } from '../lib/project.ts';

const bootScript = [
  '#!/bin/bash',
  '# boots the container',
  'while true; do',
  '    flask db upgrade',
  '    if [[ "$?" == "0" ]]; then',
  '        break',
  '    fi',
  '    sleep 5',
  'done',
  'exec gunicorn -b :5000 --access-logfile - shop:app',
  '',
].join('\n');

describe('repository evidence', () => {
  it('reads the start command the platform files state, each with its file, line and key', () => {
    const ev = readEvidence(
      memoryProject({
        'app.yaml': 'runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n',
        'nixpacks.toml': '[phases.setup]\nnixPkgs = ["python3"]\n\n[start]\ncmd = "uvicorn api:app --host 0.0.0.0"\n',
        'railpack.json': '{\n  "deploy": {\n    "startCommand": "node server.js"\n  }\n}\n',
        'render.yaml':
          'services:\n  - type: worker\n    startCommand: celery -A app worker\n  - type: web\n    name: web\n    startCommand: gunicorn web:app\n',
        'project.toml': '[[build.env]]\nname = "GOOGLE_ENTRYPOINT"\nvalue = "gunicorn -b :8080 wsgi:app"\n',
      }),
    );
    assert.deepEqual(
      ev.starts.map((s) => [s.origin, s.argv.join(' ')]),
      [
        ['app.yaml:2 entrypoint', 'gunicorn -b :$PORT main:app'],
        ['nixpacks.toml:5 cmd', 'uvicorn api:app --host 0.0.0.0'],
        ['railpack.json:3 startCommand', 'node server.js'],
        ['render.yaml:6 startCommand', 'gunicorn web:app'],
        ['project.toml:3 value', 'gunicorn -b :8080 wsgi:app'],
      ],
    );
    // An app.yaml that is not App Engine's (no runtime) says nothing.
    assert.deepEqual(readEvidence(memoryProject({ 'app.yaml': 'entrypoint: x\n' })).starts, []);
    assert.throws(() => readEvidence(memoryProject({ 'nixpacks.toml': '[start\n' })), /^InputError: nixpacks\.toml: is not valid TOML/);
  });

  it('splits shell words and command chains outside quotes', () => {
    assert.deepEqual(shellWords(`gunicorn -b ":5000" 'pkg:create_app()' --log-level=info`), [
      'gunicorn',
      '-b',
      ':5000',
      'pkg:create_app()',
      '--log-level=info',
    ]);
    assert.deepEqual(splitChain(`a db upgrade; b "x;y" && c || d`), ['a db upgrade', 'b "x;y"', 'c', 'd']);
  });

  it('reads Procfile web, release and worker lines; the server of a chain is the last command', () => {
    const ev = readEvidence(
      memoryProject({
        Procfile:
          'release: flask db upgrade\nweb: flask db upgrade; flask translate compile; gunicorn shop:app\nworker: rq worker shop-tasks\n',
      }),
    );
    assert.equal(ev.starts.length, 1);
    assert.deepEqual(ev.starts[0].argv, ['gunicorn', 'shop:app']);
    assert.equal(ev.starts[0].source, 'Procfile:2');
    assert.equal(ev.starts[0].origin, 'Procfile:2 web');
    assert.deepEqual(
      ev.starts[0].steps.map((s) => s.value),
      ['flask db upgrade', 'flask translate compile'],
    );
    const labels = ev.facts.map((f) => `${f.label} ${f.value} <- ${f.source}`);
    assert.ok(labels.includes('release flask db upgrade <- Procfile:1'), labels.join('\n'));
    assert.deepEqual(ev.workers, [
      { name: 'worker', argv: ['rq', 'worker', 'shop-tasks'], environment: {}, source: 'Procfile:3', origin: 'Procfile:3 worker' },
    ]);
    assert.ok(labels.includes('start-up step flask translate compile <- Procfile:2'), labels.join('\n'));
  });

  it('takes the exec command of a chain, not the last one', () => {
    const ev = readEvidence(memoryProject({ Procfile: 'web: exec uvicorn api:app --port 8000 && echo never\n' }));
    assert.deepEqual(ev.starts[0].argv, ['uvicorn', 'api:app', '--port', '8000']);
  });

  it('follows a boot script to its exec line, with the commands before it as steps', () => {
    const ev = readEvidence(memoryProject({ Procfile: 'web: ./boot.sh\n', 'boot.sh': bootScript }));
    assert.deepEqual(ev.starts[0].argv, ['gunicorn', '-b', ':5000', '--access-logfile', '-', 'shop:app']);
    assert.equal(ev.starts[0].source, 'boot.sh:10');
    assert.equal(ev.starts[0].origin, 'Procfile:1 web');
    assert.deepEqual(ev.starts[0].steps, [{ value: 'flask db upgrade', source: 'boot.sh:4' }]);
  });

  it('reads an existing Dockerfile: EXPOSE, ENV PORT, and an ENTRYPOINT script (last stage only)', () => {
    const dockerfile = [
      'FROM python:3.11 AS builder',
      'EXPOSE 9999',
      'CMD ["python", "build.py"]',
      'FROM python:slim',
      'WORKDIR /srv',
      'COPY . .',
      'ENV FLASK_APP=shop.py PORT=5000',
      'EXPOSE 5000',
      'ENTRYPOINT ["/srv/boot.sh"]',
    ].join('\n');
    const ev = readEvidence(memoryProject({ Dockerfile: dockerfile, 'boot.sh': bootScript }));
    assert.deepEqual(ev.ports, [
      { value: 5000, source: 'Dockerfile:7 ENV PORT' },
      { value: 5000, source: 'Dockerfile:8 EXPOSE' },
    ]);
    assert.equal(ev.starts[0].origin, 'Dockerfile:9 ENTRYPOINT');
    assert.equal(ev.starts[0].source, 'boot.sh:10');
    assert.equal(ev.starts[0].argv[0], 'gunicorn');
  });

  it('runs the CMD when the ENTRYPOINT script ends in exec "$@", and unwraps tini and shell forms', () => {
    const ev = readEvidence(
      memoryProject({
        Dockerfile:
          'FROM python:3.12-slim\nENTRYPOINT ["tini", "--", "./entrypoint.sh"]\nCMD ["uvicorn", "api.main:app", "--port", "8080"]\n',
        'entrypoint.sh': '#!/bin/sh\nset -e\npython manage.py migrate\nexec "$@"\n',
      }),
    );
    assert.deepEqual(ev.starts[0].argv, ['uvicorn', 'api.main:app', '--port', '8080']);
    assert.equal(ev.starts[0].source, 'Dockerfile:3');
    assert.deepEqual(ev.starts[0].steps, [{ value: 'python manage.py migrate', source: 'entrypoint.sh:3' }]);
    const shell = readEvidence(memoryProject({ Dockerfile: 'FROM x\nCMD gunicorn --bind 0.0.0.0:$PORT \\\n    app:app\n' }));
    assert.deepEqual(shell.starts[0].argv, ['gunicorn', '--bind', '0.0.0.0:$PORT', 'app:app']);
    assert.equal(shell.starts[0].source, 'Dockerfile:2');
  });

  it('reads fly.toml internal_port, [processes] and the release command, and app.json scripts', () => {
    const fly = [
      'app = "shop"',
      '[deploy]',
      '  release_command = "python manage.py migrate"',
      '[processes]',
      '  app = "gunicorn shop.wsgi"',
      '  worker = "celery -A shop worker"',
      '[http_service]',
      '  internal_port = 8080',
    ].join('\n');
    const ev = readEvidence(
      memoryProject({ 'fly.toml': fly, 'app.json': '{\n  "scripts": {\n    "postdeploy": "python manage.py seed"\n  }\n}\n' }),
    );
    assert.deepEqual(ev.ports, [{ value: 8080, source: 'fly.toml:8 internal_port' }]);
    assert.deepEqual(ev.starts[0].argv, ['gunicorn', 'shop.wsgi']);
    assert.equal(ev.starts[0].origin, 'fly.toml:5 [processes] app');
    const labels = ev.facts.map((f) => `${f.label} ${f.value} <- ${f.source}`);
    assert.ok(labels.includes('release python manage.py migrate <- fly.toml:3'), labels.join('\n'));
    assert.ok(labels.includes('worker celery -A shop worker <- fly.toml:6'), labels.join('\n'));
    assert.ok(labels.includes('postdeploy python manage.py seed <- app.json:3 scripts'), labels.join('\n'));
  });

  it('orders the sources: Dockerfile, then Procfile, then fly.toml', () => {
    const ev = readEvidence(
      memoryProject({
        Dockerfile: 'FROM x\nCMD ["gunicorn", "a:app"]\n',
        Procfile: 'web: gunicorn b:app\n',
        'fly.toml': '[processes]\napp = "gunicorn c:app"\n',
      }),
    );
    assert.deepEqual(
      ev.starts.map((s) => s.argv[1]),
      ['a:app', 'b:app', 'c:app'],
    );
  });

  it('names the file when fly.toml or app.json is malformed', () => {
    assert.throws(() => readEvidence(memoryProject({ 'fly.toml': '[http_service\n' })), /^InputError: fly\.toml: is not valid TOML/);
    assert.throws(() => readEvidence(memoryProject({ 'app.json': '{"scripts": ' })), /app\.json: is not valid JSON/);
  });

  it('reads ports from bind addresses', () => {
    assert.equal(portOfAddress(':5000'), 5000);
    assert.equal(portOfAddress('0.0.0.0:8080'), 8080);
    assert.equal(portOfAddress('0.0.0.0:${PORT:-7000}'), 7000);
    assert.equal(portOfAddress('0.0.0.0:$PORT'), undefined);
    assert.equal(portOfAddress('9000'), 9000);
  });
});
