// Go workspaces (go.work): parsing, finding the workspace of a module, and what the Go generator plans
// for a module a go.work uses (pure: no Yeoman, no disk).
import assert from 'node:assert/strict';
import { detectGo, detectServe, goImports } from '../generators/go/detect.ts';
import { planGo } from '../generators/go/plan.ts';
import { findGoWork, parseGoWork } from '../lib/go-work.ts';
import { memoryProject, subProject } from '../lib/project.ts';

const REPO = {
  'go.work': 'go 1.24\n\nuse (\n\t./pkg/health // shared handlers\n\t./services/api\n)\n\nuse ./tools\n',
  'pkg/health/go.mod': 'module example.com/platform/pkg/health\n\ngo 1.24\n',
  'pkg/health/health.go': 'package health\n',
  'services/api/go.mod': 'module example.com/platform/services/api\n\ngo 1.23\n\nrequire github.com/go-chi/chi/v5 v5.2.1\n',
  'services/api/go.sum': 'github.com/go-chi/chi/v5 v5.2.1 h1:x\n',
  'services/api/cmd/api/main.go':
    'package main\n\nimport (\n\t"net/http"\n\n\th "example.com/platform/pkg/health" // shared\n)\n\nfunc main() {\n\tr.Get("/healthz", h.Handler)\n\thttp.ListenAndServe(":8081", r)\n\t_ = template.ParseGlob("templates/*.html")\n}\n',
  'services/api/templates/index.html': '<p>hi</p>\n',
  'tools/go.mod': 'module example.com/platform/tools\n\ngo 1.24\n',
  'services/other/go.mod': 'module example.com/platform/services/other\n\ngo 1.24\n',
};

describe('Go workspaces (go.work)', () => {
  it('reads import paths from single imports, aliased imports and blocks, not from comments', () => {
    assert.deepEqual(
      goImports('package x\n// import "no/comment"\nimport "fmt"\nimport y "a/b"\nimport (\n\t_ "c/d"\n\t. "e"\n)\n').sort(),
      ['a/b', 'c/d', 'e', 'fmt'],
    );
  });

  it('reads the go directive and every use line, in blocks or not, comments dropped', () => {
    const work = parseGoWork(REPO['go.work']);
    assert.equal(work.go, '1.24');
    assert.deepEqual(work.uses, ['pkg/health', 'services/api', 'tools']);
  });

  it('names the file and the line of a bad go.work', () => {
    assert.throws(
      () => parseGoWork('go 1.24\nuse ../elsewhere\n'),
      /^InputError: go\.work: line 2: "use \.\.\/elsewhere" is outside the workspace folder/,
    );
    assert.throws(() => parseGoWork('go one\nuse ./a\n'), /go\.work: line 1: "go one" is not a Go version/);
    assert.throws(() => parseGoWork('go 1.24\n'), /go\.work: uses no module/);
  });

  it('finds the go.work that uses a module, and none for a module it does not use', () => {
    const all = memoryProject(REPO);
    const at = (dir: string) => subProject(all, dir.replace(/^\/repo\/?/, '') || '.');
    const found = findGoWork('/repo/services/api', at);
    assert.equal(found?.rootDir, '/repo');
    assert.equal(found?.member, 'services/api');
    assert.equal(findGoWork('/repo/services/other', at), undefined);
  });

  it('plans a build from the go.work folder: every used module’s go.mod, the main package by its workspace path', () => {
    const all = memoryProject(REPO);
    const context = findGoWork('/repo/services/api', (dir) => subProject(all, dir.replace(/^\/repo\/?/, '') || '.'));
    const project = subProject(all, 'services/api');
    const facts = detectGo(project, context);
    assert.equal(facts.go.source, '../../go.work go 1.24', 'the go.work go line wins over the module’s');
    assert.deepEqual(facts.workspace?.uses, ['pkg/health', 'services/api', 'tools']);
    const serve = detectServe(project, './cmd/api');
    const plan = planGo(facts, serve, {
      runtime: 'distroless',
      main: './cmd/api',
      binary: 'api',
      cgo: false,
      port: 8081,
      healthPath: '/healthz',
      service: 'api',
    });
    const d = plan.dockerfile as Record<string, unknown>;
    assert.deepEqual(d.manifestCopies, [
      'COPY go.work go.work.su[m] ./',
      'COPY pkg/health/go.mod pkg/health/go.su[m] pkg/health/',
      'COPY services/api/go.mod services/api/go.su[m] services/api/',
      'COPY tools/go.mod tools/go.su[m] tools/',
    ]);
    assert.match(String(d.build), / -o \/out\/api \.\/services\/api\/cmd\/api$/);
    assert.match(String(d.test), /go vet \.\/services\/api\/\.\.\. && go test \.\/services\/api\/\.\.\.$/);
    assert.ok(
      (d.copies as string[]).includes('COPY --chown=65532:65532 services/api/templates ./templates'),
      'assets from the module folder',
    );
    assert.equal(plan.service.context, '../..');
    assert.equal(plan.service.dockerfile, 'services/api/Dockerfile');
    const ignored = plan.dockerignore.groups.flatMap((g) => g.entries);
    assert.ok(!ignored.some((e) => e.includes('go.work')), 'go.work is part of the build');
    assert.ok(ignored.includes('**/vendor') && ignored.includes('**/.env'));
    // tools is used by go.work but not imported: only its go.mod and go.sum enter the context.
    assert.deepEqual(facts.workspace?.needs, ['services/api', 'pkg/health']);
    assert.deepEqual(plan.dockerignore.groups.at(-1)?.entries, ['tools/**', '!tools/go.mod', '!tools/go.sum']);
  });
});
