// The Go generator through yeoman-test: the main-package prompt, --yes, saved answers and bad input.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import helpers, { result } from 'yeoman-test';
import { FIXTURES } from './helpers/fixtures.ts';
import { captureLog } from './helpers/log.ts';

const GENERATOR = join(import.meta.dirname, '..', 'generators', 'go', 'generator.ts');
const copy = (name: string) => (dir: string) => cpSync(join(FIXTURES, 'go', name, 'input'), dir, { recursive: true });

describe('dockerstack:go', () => {
  it('asks which server to build when there are several, writes its Dockerfile in its folder, and saves its answers apart', async () => {
    await helpers
      .run(GENERATOR)
      .withAnswers({ main: './cmd/api', runtime: 'scratch', port: '7000', 'health-path': '/', service: 'api' })
      .onTargetDirectory(copy('two-servers'));
    result.assertFileContent('cmd/api/Dockerfile', /-o \/out\/api \.\/cmd\/api$/m);
    result.assertFileContent('cmd/api/Dockerfile', /^FROM scratch AS runtime$/m);
    result.assertFileContent('cmd/api/Dockerfile', /\/etc\/passwd/);
    result.assertFile('cmd/api/Dockerfile.dockerignore');
    result.assertNoFile('Dockerfile');
    result.assertFileContent('compose.yaml', /dockerfile: cmd\/api\/Dockerfile/);
    result.assertJsonFileContent('.yo-rc.json', {
      'generator-dockerstack': { main: './cmd/api', services: { api: { runtime: 'scratch', port: 7000 } } },
    });
  });

  it('--yes takes the main package that serves, not the CLI, and says why', async () => {
    const lines: string[] = [];
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true } as never)
      .onTargetDirectory(copy('cmd-layout'))
      .onGenerator(captureLog(lines));
    result.assertFileContent('Dockerfile', /-o \/out\/api \.\/cmd\/api$/m);
    assert.ok(
      lines.some((l) =>
        /main \.\/cmd\/api <- serves: cmd\/api\/main\.go:19 srv\.ListenAndServe; \.\/cmd\/worker is a CLI \(no listener\)/.test(l),
      ),
      lines.join('\n'),
    );
    result.assertFile(['.dockerignore', 'compose.yaml', 'secrets/.gitignore', 'secrets/netrc', 'secrets/app_secret.txt']);
  });

  it('--main picks a package, with a warning when it is a CLI; --cgo off overrides detection', async () => {
    const lines: string[] = [];
    await helpers
      .run(GENERATOR)
      .withOptions({ yes: true, main: 'cmd/worker', cgo: 'off' } as never)
      .onTargetDirectory(copy('cmd-layout'))
      .onGenerator(captureLog(lines));
    result.assertFileContent('Dockerfile', /\.\/cmd\/worker$/m);
    result.assertFileContent('Dockerfile', /CGO_ENABLED=0/);
    assert.ok(
      lines.some((l) => /warning: \.\/cmd\/worker does not listen on a port .*the servers are \.\/cmd\/api/.test(l)),
      lines.join('\n'),
    );
  });

  it('rejects a --main that is not a main package, and a malformed go.mod, writing nothing', async () => {
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true, main: './internal/store' } as never)
        .onTargetDirectory(copy('cmd-layout')),
      /--main: "\.\/internal\/store" is not a main package/,
    );
    let target = '';
    await assert.rejects(
      helpers
        .run(GENERATOR)
        .withOptions({ yes: true } as never)
        .onTargetDirectory((dir) => {
          target = dir;
          writeFileSync(join(dir, 'go.mod'), 'go 1.22\n');
          writeFileSync(join(dir, 'main.go'), 'package main\nfunc main() {}\n');
        }),
      /go\.mod: has no "module" line/,
    );
    assert.ok(!existsSync(join(target, 'Dockerfile')));
    assert.deepEqual(readdirSync(target).sort(), ['go.mod', 'main.go']);
  });
});
