// Go detection is pure: these tests use in-memory projects, no Yeoman and no disk.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detectGo,
  detectServe,
  findListener,
  goServiceName,
  mainRoles,
  normalizeMain,
  parseGoMod,
  rolesSource,
} from '../generators/go/detect.ts';
import { planGo } from '../generators/go/plan.ts';
import { PROBE_SOURCE } from '../generators/go/probe.ts';
import { detectBuildRecipe } from '../generators/go/recipe.ts';
import { discoverServices } from '../lib/discover.ts';
import { InputError } from '../lib/errors.ts';
import { memoryProject } from '../lib/project.ts';

const MAIN = 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n';
const mod = (extra = '') => `module github.com/acme/svc\n\ngo 1.22\n${extra}`;
/** The plan of a main '.' with the answers the tests share (service svc on distroless, no cgo). */
const planOf = (p: ReturnType<typeof memoryProject>, answers: Partial<Parameters<typeof planGo>[2]> = {}) =>
  planGo(detectGo(p), detectServe(p, '.'), {
    runtime: 'distroless',
    main: '.',
    binary: 'svc',
    cgo: false,
    port: 8080,
    healthPath: '/',
    service: 'svc',
    ...answers,
  });

describe('go detection', () => {
  it('resolves the go directive as a minimum, to the newest supported release', () => {
    const f = detectGo(memoryProject({ 'go.mod': mod(), 'main.go': MAIN }));
    assert.equal(f.go.value.tag, '1.27');
    assert.equal(f.go.source, 'go.mod go 1.22');
    assert.equal(f.go.note, 'newest supported release satisfying >=1.22');
  });
  it('keeps an exact toolchain pin', () => {
    const f = detectGo(memoryProject({ 'go.mod': mod('\ntoolchain go1.26.3\n'), 'main.go': MAIN }));
    assert.equal(f.go.value.tag, '1.26.3');
    assert.equal(f.go.value.exact, true);
  });
  it('finds the main packages, sorted, skipping vendor, testdata and tests', () => {
    const f = detectGo(
      memoryProject({
        'go.mod': mod(),
        'cmd/worker/main.go': MAIN,
        'cmd/api/main.go': `// Command api.\n${MAIN}`,
        'internal/x/x.go': 'package x\n',
        'vendor/github.com/a/b/main.go': MAIN,
        'testdata/tool/main.go': MAIN,
        'tools/gen.go': '//go:build ignore\n\npackage main\n',
      }),
    );
    assert.deepEqual(f.mains.value, ['./cmd/api', './cmd/worker']);
  });
  it('names the file of a single main package', () => {
    const f = detectGo(memoryProject({ 'go.mod': mod(), 'cmd/api/server.go': MAIN }));
    assert.deepEqual(f.mains.value, ['./cmd/api']);
    assert.equal(f.mains.source, 'cmd/api/server.go');
  });
  it('detects cgo from import "C" with file:line, and from a known cgo module', () => {
    const c = detectGo(
      memoryProject({ 'go.mod': mod(), 'main.go': MAIN, 'native.go': 'package main\n\n// #include <stdio.h>\nimport "C"\n' }),
    );
    assert.deepEqual(c.cgo.value, ['native.go:4']);
    assert.equal(c.cgo.source, 'import "C" in native.go:4');
    const sqlite = detectGo(memoryProject({ 'go.mod': mod('\nrequire github.com/mattn/go-sqlite3 v1.14.24\n'), 'main.go': MAIN }));
    assert.deepEqual(sqlite.cgo.value, ['github.com/mattn/go-sqlite3']);
    const none = detectGo(memoryProject({ 'go.mod': mod('\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.2.0\n)\n'), 'main.go': MAIN }));
    assert.deepEqual(none.cgo.value, []);
    assert.match(none.cgo.source, /no import "C"/);
  });
  it('tells a vendored module and a missing go.sum', () => {
    const vendored = detectGo(memoryProject({ 'go.mod': mod(), 'go.sum': '', 'vendor/modules.txt': '# x\n', 'main.go': MAIN }));
    assert.equal(vendored.vendor.value, true);
    assert.equal(vendored.goSum.value, true);
    const bare = detectGo(memoryProject({ 'go.mod': mod(), 'main.go': MAIN }));
    assert.equal(bare.vendor.value, false);
    assert.equal(bare.goSum.value, false);
    assert.deepEqual(bare.warnings, []);
    const missing = detectGo(memoryProject({ 'go.mod': mod('\nrequire github.com/google/uuid v1.6.0\n'), 'main.go': MAIN }));
    assert.match(missing.warnings.join('\n'), /no go\.sum/);
  });
  it('reads GOPRIVATE from .envrc with the line', () => {
    const f = detectGo(memoryProject({ 'go.mod': mod(), 'main.go': MAIN, '.envrc': 'use flake\nexport GOPRIVATE=github.com/acme/*\n' }));
    assert.equal(f.goprivate?.value, 'github.com/acme/*');
    assert.equal(f.goprivate?.source, '.envrc:2');
  });
  it('rejects a go.mod without a module line or with a bad go directive', () => {
    assert.throws(
      () => parseGoMod('go 1.22\n'),
      (e: unknown) => e instanceof InputError && /no "module" line/.test(e.message),
    );
    assert.throws(
      () => parseGoMod('module x\n\ngo one.two\n'),
      (e: unknown) => e instanceof InputError && /line 3: "go one\.two"/.test(e.message),
    );
    assert.throws(() => detectGo(memoryProject({ 'main.go': MAIN })), /go\.mod: not found/);
    assert.throws(() => detectGo(memoryProject({ 'go.mod': mod(), 'lib.go': 'package lib\n' })), /no main package/);
  });
  it('names services and normalizes --main', () => {
    assert.equal(goServiceName('github.com/acme/shop/v2', '.'), 'shop');
    assert.equal(goServiceName('github.com/acme/shop', './cmd/api'), 'shop-api');
    assert.equal(goServiceName('github.com/acme/shop', './cmd/shop'), 'shop');
    assert.equal(normalizeMain('cmd/api/'), './cmd/api');
    assert.equal(normalizeMain('./'), '.');
  });
});

describe('go port, healthcheck and assets', () => {
  it('finds the $PORT default with file:line, and the health route', () => {
    const src =
      'package main\n\nimport ("net/http"; "os")\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "9090"\n\t}\n\thttp.HandleFunc("GET /healthz", nil)\n\thttp.ListenAndServe(":"+port, nil)\n}\n';
    const s = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': src }), '.');
    assert.equal(s.port.value, 9090);
    assert.equal(s.port.source, 'main.go:8');
    assert.equal(s.portEnv, true);
    assert.equal(s.healthPath.value, '/healthz');
    assert.equal(s.healthPath.source, 'main.go:10');
  });
  it("takes a port flag's default, itself or its environment lookup's (flag.Int, flag.StringVar with getEnv)", () => {
    const main = (line: string) =>
      `package main\n\nimport ("flag"; "net/http")\n\nvar port string\n\nfunc main() {\n\t${line}\n\tflag.Parse()\n\thttp.ListenAndServe(":"+port, nil)\n}\n`;
    const env = detectServe(
      memoryProject({ 'go.mod': mod(), 'main.go': main('flag.StringVar(&port, "port", getEnv("WHOAMI_PORT_NUMBER", "80"), "the port")') }),
      '.',
    );
    assert.deepEqual([env.port.value, env.port.source], [80, 'main.go:8']);
    const int = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': main('p := flag.Int("port", 3000, "the port")\n\t_ = p') }), '.');
    assert.equal(int.port.value, 3000);
    // Another flag's number is no port.
    const other = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': main('w := flag.Int("workers", 4000, "")\n\t_ = w') }), '.');
    assert.equal(other.port.value, 8080);
    // Nor a struct tag's `"size:2048"`, nor a Redis client's address.
    const tags = detectServe(
      memoryProject({
        'go.mod': mod(),
        'main.go': main('_ = struct{ B string `gorm:"size:2048"` }{}\n\t_ = redis.Options{Addr: "localhost:6379"}'),
      }),
      '.',
    );
    assert.equal(tags.port.value, 8080);
  });
  it("takes the repository's Dockerfile EXPOSE when the source names no port, never over the source", () => {
    const bare = 'package main\n\nimport ("net/http"; "os")\n\nfunc main() {\n\thttp.ListenAndServe(":"+os.Getenv("APP_PORT"), nil)\n}\n';
    const dockerfile = 'FROM golang:1.24 AS build\nEXPOSE 9999\nFROM scratch\nEXPOSE 8000\nENTRYPOINT ["/app"]\n';
    const declared = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': bare, Dockerfile: dockerfile }), '.');
    assert.deepEqual(
      [declared.port.value, declared.port.source, declared.port.note],
      [8000, 'Dockerfile:4 EXPOSE', 'no port in the source'],
    );
    const own = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': MAIN, Dockerfile: dockerfile }), '.');
    assert.equal(own.port.value, 8080);
    assert.match(own.port.source, /^main\.go:\d+$/);
  });
  it('runs the serving subcommand of a cobra or urfave/cli program (the bare binary prints its help)', () => {
    const cobra = memoryProject({
      'go.mod': mod(),
      'main.go': 'package main\n\nimport "github.com/acme/svc/cmd"\n\nfunc main() { cmd.Execute() }\n',
      'cmd/root.go':
        'package cmd\n\nimport "github.com/spf13/cobra"\n\nvar root = &cobra.Command{Use: "app"}\nvar migrate = &cobra.Command{\n\tUse: "migrate",\n}\n',
      'cmd/serve.go':
        'package cmd\n\nimport (\n\t"net/http"\n\t"github.com/spf13/cobra"\n)\n\n// serveCmd starts the server\nvar serveCmd = &cobra.Command{\n\tUse:   "serve",\n\tShort: "start http server",\n\tRun: func(c *cobra.Command, a []string) { http.ListenAndServe(":3000", nil) },\n}\n',
    });
    const s = detectServe(cobra, '.');
    assert.deepEqual([s.subcommand?.value, s.subcommand?.source], ['serve', 'cmd/serve.go:10 cobra Use']);
    const urfave = memoryProject({
      'go.mod': mod(),
      'main.go':
        'package main\n\nimport (\n\t"net/http"\n\t"github.com/urfave/cli/v2"\n)\n\nfunc main() {\n\tapp := &cli.App{Flags: []cli.Flag{&cli.StringFlag{Name: "server"}}, Commands: []*cli.Command{{Name: "version"}, {Name: "web", Action: func(*cli.Context) error { return http.ListenAndServe(":8080", nil) }}}}\n\t_ = app\n}\n',
    });
    assert.equal(detectServe(urfave, '.').subcommand?.value, 'web');
    // A deprecated alias is passed over for the command it names.
    const aliased = memoryProject({
      'go.mod': mod(),
      'main.go':
        'package main\n\nimport (\n\t"net/http"\n\t"github.com/spf13/cobra"\n)\n\nvar serve = &cobra.Command{\n\tUse: "serve",\n\tDeprecated: "use server instead",\n}\n\nvar server = &cobra.Command{\n\tUse: "server",\n\tRun: func(*cobra.Command, []string) { http.ListenAndServe(":8080", nil) },\n}\n',
    });
    assert.equal(detectServe(aliased, '.').subcommand?.value, 'server');
    // A plain server has none.
    assert.equal(detectServe(memoryProject({ 'go.mod': mod(), 'main.go': MAIN }), '.').subcommand, undefined);
  });
  it('reads the chosen main package first', () => {
    const project = memoryProject({
      'go.mod': mod(),
      'cmd/admin/main.go': MAIN.replace('8080', '9000'),
      'cmd/api/main.go': MAIN.replace('8080', '8081'),
    });
    assert.equal(detectServe(project, './cmd/api').port.value, 8081);
    assert.equal(detectServe(project, './cmd/admin').port.value, 9000);
  });
  it('understands framework starts (echo, gin) and defaults to 8080 and /', () => {
    const echo = detectServe(
      memoryProject({ 'go.mod': mod(), 'main.go': 'package main\nfunc main() { e.Logger.Fatal(e.Start(":1323")) }\n' }),
      '.',
    );
    assert.equal(echo.port.value, 1323);
    const none = detectServe(memoryProject({ 'go.mod': mod(), 'main.go': 'package main\nfunc main() {}\n' }), '.');
    assert.equal(none.port.value, 8080);
    assert.equal(none.healthPath.value, '/');
  });
  it('copies run-time folders that are not //go:embed-ed', () => {
    const s = detectServe(
      memoryProject({
        'go.mod': mod(),
        'main.go': `package main\n\nimport "embed"\n\n//go:embed static/*\nvar files embed.FS\n\n${MAIN.replace('package main\n', '')}`,
        'load.go':
          'package main\n\nfunc load() {\n\t_ = template.ParseGlob("templates/*.html")\n\t_, _ = os.ReadDir("migrations")\n\t_ = http.Dir("static")\n}\n',
        'static/app.css': '',
        'templates/index.html': '',
        'migrations/001.sql': '',
      }),
      '.',
    );
    assert.deepEqual(s.assets.value, ['templates', 'migrations']);
    assert.match(s.assets.note ?? '', /static embedded/);
  });
});

describe('go plan', () => {
  const project = (files: Record<string, string>) => memoryProject({ 'go.mod': mod(), 'main.go': MAIN, ...files });
  const plan = (files: Record<string, string>, answers: Partial<Parameters<typeof planGo>[2]> = {}) => {
    const p = project(files);
    return planOf(p, { cgo: detectGo(p).cgo.value.length > 0, healthPath: '/healthz', ...answers });
  };
  it('cross-compiles a static binary, with no secret in ARG or ENV', () => {
    const d = plan({}, { goprivate: 'github.com/acme/*' }).dockerfile;
    assert.equal(d.depsFrom, 'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-trixie AS deps');
    assert.match(String(d.build), /GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build -trimpath -ldflags="-s -w -X main\.version=\$\{VERSION\}"/);
    assert.match(String(d.depsEnv), /CGO_ENABLED=0/);
    assert.match(String(d.depsEnv), /GOPRIVATE=github\.com\/acme\/\*/);
    assert.match(String(d.download), /--mount=type=secret,id=netrc,target=\/root\/\.netrc/);
    assert.equal(d.runtimeImage, 'gcr.io/distroless/static-debian13:nonroot');
  });
  it('builds cgo natively on distroless base, and statically for scratch', () => {
    const cgo = plan({ 'c.go': 'package main\nimport "C"\n' });
    assert.equal(cgo.dockerfile.depsFrom, 'FROM golang:${GO_VERSION}-trixie AS deps');
    assert.equal(cgo.dockerfile.runtimeImage, 'gcr.io/distroless/base-debian13:nonroot');
    const scratch = plan({ 'c.go': 'package main\nimport "C"\n' }, { runtime: 'scratch' });
    assert.match(String(scratch.dockerfile.build), /-linkmode=external -extldflags=-static/);
    assert.match(String(scratch.dockerfile.rootfs), /\/etc\/passwd/);
  });
  it('uses vendor/ and drops "vendor" from the .dockerignore only then', () => {
    const vendored = plan({ 'vendor/modules.txt': '' });
    assert.equal(vendored.dockerfile.download, undefined);
    assert.match(String(vendored.dockerfile.depsEnv), /GOFLAGS=-mod=vendor/);
    const entries = (p: ReturnType<typeof plan>) => p.dockerignore.groups.flatMap((g) => g.entries);
    assert.ok(!entries(vendored).includes('vendor'));
    assert.ok(entries(plan({})).includes('vendor'));
  });
  it('never ignores a folder holding Go packages (bin/, dist/)', () => {
    const p = plan({ 'bin/tool.go': 'package bin\n' });
    const entries = p.dockerignore.groups.flatMap((g) => g.entries);
    assert.ok(!entries.includes('bin'));
    assert.ok(entries.includes('dist'));
  });
});

describe('the healthcheck probe', () => {
  let hasGo = true;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    hasGo = false;
  }
  (hasGo ? it : it.skip)('compiles to a small static binary that tells 2xx/3xx from errors', async function () {
    this.timeout(120000);
    const dir = mkdtempSync(join(tmpdir(), 'dockerstack-probe-'));
    try {
      writeFileSync(join(dir, 'main.go'), `${PROBE_SOURCE.join('\n')}\n`);
      execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'healthcheck', 'main.go'], {
        cwd: dir,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '', GOTOOLCHAIN: 'local' },
      });
      const size = statSync(join(dir, 'healthcheck')).size;
      assert.ok(size < 3_000_000, `probe is ${size} bytes`);
      const server = createServer((req, res) => {
        res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 503;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const probe = (path: string) =>
        new Promise<number>((resolve) => {
          execFile(join(dir, 'healthcheck'), [`http://127.0.0.1:${port}${path}`], (error) =>
            resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
          );
        });
      try {
        assert.equal(await probe('/healthz'), 0);
        assert.equal(await probe('/moved'), 0);
        assert.equal(await probe('/down'), 1);
      } finally {
        server.close();
      }
      assert.equal(await probe('/healthz'), 1, 'a closed port fails');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('go main packages: servers and CLIs', () => {
  const CLI = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("migrated")\n}\n';
  const SERVE_PKG =
    'package web\n\nimport "net/http"\n\n// Run serves; http.ListenAndServe in a comment does not count.\nfunc Run() error {\n\treturn http.ListenAndServe(":7070", nil)\n}\n';
  it('a main that listens, itself or in a module package it imports, is a server; the others are CLIs', () => {
    const project = memoryProject({
      'go.mod': mod(),
      'cmd/migrate/main.go': CLI,
      'cmd/server/main.go': 'package main\n\nimport "github.com/acme/svc/internal/web"\n\nfunc main() { _ = web.Run() }\n',
      'internal/web/web.go': SERVE_PKG,
    });
    const f = detectGo(project);
    assert.deepEqual(f.servers, ['./cmd/server']);
    const roles = mainRoles(project, 'github.com/acme/svc', f.mains.value);
    assert.deepEqual(roles[0], { main: './cmd/migrate' });
    assert.deepEqual(roles[1].serves, { file: 'internal/web/web.go', line: 7, call: 'http.ListenAndServe' });
    assert.equal(rolesSource(roles[1], roles), 'serves: internal/web/web.go:7 http.ListenAndServe; ./cmd/migrate is a CLI (no listener)');
    // The port comes from the server's own packages, not from another main's.
    assert.equal(detectServe(project, './cmd/server').port.value, 7070);
  });
  it('a package no main imports does not make a CLI a server', () => {
    const project = memoryProject({ 'go.mod': mod(), 'cmd/tool/main.go': CLI, 'internal/web/web.go': SERVE_PKG });
    assert.deepEqual(detectGo(project).servers, []);
  });
  it('knows net/http, net.Listen (gRPC), and a framework method only where the framework is imported', () => {
    assert.equal(
      findListener('a.go', 'package main\nfunc main() {\n\tlis, _ := net.Listen("tcp", ":50051")\n\ts.Serve(lis)\n}\n')?.call,
      'net.Listen',
    );
    const gin = 'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc main() {\n\tr := gin.Default()\n\tr.Run(":8080")\n}\n';
    assert.deepEqual(findListener('a.go', gin), { file: 'a.go', line: 7, call: 'r.Run' });
    assert.equal(findListener('a.go', gin.replace('"github.com/gin-gonic/gin"', '"github.com/spf13/cobra"')), undefined);
    const fiber = 'package main\n\nimport "github.com/gofiber/fiber/v2"\n\nfunc main() { app := fiber.New(); app.Listen(":3000") }\n';
    assert.equal(findListener('a.go', fiber)?.call, 'app.Listen');
    assert.equal(findListener('a.go', 'package main\n// http.ListenAndServe(":80", nil)\nfunc main() {}\n'), undefined);
  });
  it('the app generator gets one service per server main of a module', () => {
    const services = discoverServices(
      memoryProject({
        'go.mod': mod(),
        'cmd/api/main.go': MAIN,
        'cmd/admin/main.go': MAIN.replace('8080', '9090'),
        'cmd/seed/main.go': CLI,
      }),
    );
    assert.deepEqual(
      services.map((s) => [s.name, s.main]),
      [
        ['svc-admin', './cmd/admin'],
        ['svc-api', './cmd/api'],
      ],
    );
  });
});

describe('go build recipe (Makefile, Taskfile.yml, .goreleaser.yaml)', () => {
  const MAKEFILE = [
    'VERSION ?= $(shell git describe --tags)',
    'COMMIT := $(shell git rev-parse --short HEAD)',
    'LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.edition=oss',
    'export GOEXPERIMENT := jsonv2',
    '',
    'build:',
    '\tCGO_ENABLED=0 go build -tags "prod sqlite" -ldflags "$(LDFLAGS)" -o bin/api ./cmd/api',
    'tool:',
    '\tgo build -o bin/tool ./cmd/tool',
    '',
  ].join('\n');
  it('reads a Makefile: exported GOEXPERIMENT, the env prefix, tags and -X values, each with file:line', () => {
    const r = detectBuildRecipe(memoryProject({ Makefile: MAKEFILE }), './cmd/api');
    assert.equal(r?.source, 'Makefile:7');
    assert.deepEqual(
      r?.env.map((e) => [e.name, e.value, e.source]),
      [
        ['GOEXPERIMENT', 'jsonv2', 'Makefile:4'],
        ['CGO_ENABLED', '0', 'Makefile:7'],
      ],
    );
    assert.deepEqual(r?.tags?.value, ['prod', 'sqlite']);
    // The version becomes the VERSION build argument; a value a shell computes is left out, and said so.
    assert.deepEqual(r?.ldflags?.value, ['-X main.version=${VERSION}', '-X main.edition=oss']);
    assert.deepEqual(r?.dropped, ['-X main.commit (a shell command: $(COMMIT))']);
    // Another main's line is its own: no tags, no experiment from the line.
    assert.equal(detectBuildRecipe(memoryProject({ Makefile: MAKEFILE }), './cmd/tool')?.tags, undefined);
    assert.equal(detectBuildRecipe(memoryProject({ Makefile: MAKEFILE }), '.'), undefined);
  });
  it('reads a Taskfile.yml task and a .goreleaser.yaml build', () => {
    const taskfile = [
      "version: '3'",
      'vars:',
      '  EDITION: oss',
      'env:',
      '  GOEXPERIMENT: jsonv2',
      'tasks:',
      '  build:',
      '    cmds:',
      '      - go build -tags=prod -ldflags="-s -w -X main.edition={{.EDITION}} -X main.version={{.VERSION}}" .',
      '',
    ].join('\n');
    const t = detectBuildRecipe(memoryProject({ 'Taskfile.yml': taskfile }), '.');
    assert.equal(t?.source, 'Taskfile.yml:9');
    assert.deepEqual(
      t?.env.map((e) => `${e.name}=${e.value} ${e.source}`),
      ['GOEXPERIMENT=jsonv2 Taskfile.yml:5'],
    );
    assert.deepEqual(t?.tags?.value, ['prod']);
    assert.deepEqual(t?.ldflags?.value, ['-X main.edition=oss', '-X main.version=${VERSION}']);
    const goreleaser = [
      'builds:',
      '  - id: server',
      '    main: ./cmd/server',
      '    env: [CGO_ENABLED=0, GOEXPERIMENT=jsonv2]',
      '    flags: [-trimpath, -tags=netcgo]',
      '    ldflags:',
      '      - -s -w -X main.version={{.Version}} -X main.commit={{.Commit}}',
      '',
    ].join('\n');
    const g = detectBuildRecipe(memoryProject({ '.goreleaser.yaml': goreleaser }), './cmd/server');
    assert.equal(g?.source, '.goreleaser.yaml:2');
    assert.deepEqual(
      g?.env.map((e) => `${e.name}=${e.value}`),
      ['GOEXPERIMENT=jsonv2', 'CGO_ENABLED=0'],
    );
    assert.deepEqual(g?.tags?.value, ['netcgo']);
    assert.deepEqual(g?.ldflags?.value, ['-X main.version=${VERSION}']);
    assert.deepEqual(g?.dropped, ['-X main.commit (set by the release tool: {{.Commit}})']);
  });
  it('the plan builds and tests with them: GOEXPERIMENT in the deps stage, tags in build and test', () => {
    const p = memoryProject({
      'go.mod': mod(),
      'main.go': MAIN,
      Makefile: '\nbuild:\n\tGOEXPERIMENT=jsonv2 go build -tags prod -o app .\n',
    });
    const recipe = detectBuildRecipe(p, '.');
    const plan = planOf(p, { recipe });
    assert.match(String(plan.dockerfile.depsEnv), /GOEXPERIMENT=jsonv2/);
    assert.match(String(plan.dockerfile.build), /go build -trimpath -tags prod -ldflags="-s -w -X main\.version=\$\{VERSION\}"/);
    assert.match(String(plan.dockerfile.test), /go vet -tags prod \.\/\.\.\. && go test -tags prod \.\/\.\.\./);
  });
});

describe('go gRPC servers', () => {
  const GRPC = [
    'package main',
    '',
    'import (',
    '\t"net"',
    '',
    '\t"google.golang.org/grpc"',
    '\t"google.golang.org/grpc/health"',
    '\thealthpb "google.golang.org/grpc/health/grpc_health_v1"',
    ')',
    '',
    'func main() {',
    '\tlis, _ := net.Listen("tcp", ":50051")',
    '\ts := grpc.NewServer()',
    '\thealthpb.RegisterHealthServer(s, health.NewServer())',
    '\t_ = s.Serve(lis)',
    '}',
    '',
  ].join('\n');
  it('a server that registers grpc.health.v1 is probed with grpc_health_probe, exec form, on its net.Listen port', () => {
    const p = memoryProject({ 'go.mod': mod(), 'main.go': GRPC });
    const serve = detectServe(p, '.');
    assert.equal(serve.port.value, 50051);
    assert.equal(serve.port.source, 'main.go:12');
    assert.equal(serve.grpcHealth?.source, 'main.go:14 healthpb.RegisterHealthServer');
    const plan = planOf(p, { port: 50051 });
    assert.deepEqual(plan.service.healthcheck.test, ['CMD', '/grpc_health_probe', '-addr=127.0.0.1:50051']);
    assert.match(String(plan.dockerfile.healthcheck), /CMD \["\/grpc_health_probe", "-addr=127\.0\.0\.1:50051"\]$/);
    // Built from the module proxy's source in the build stage (go mod download, then go build in its folder).
    assert.match(
      String(plan.dockerfile.probe),
      /go mod download "github\.com\/grpc-ecosystem\/grpc-health-probe@\$\{GRPC_HEALTH_PROBE_VERSION\}"/,
    );
    assert.match(
      String(plan.dockerfile.probe),
      /CGO_ENABLED=0 go -C "\$\(go env GOMODCACHE\)\/github\.com\/grpc-ecosystem\/grpc-health-probe@/,
    );
    assert.ok((plan.dockerfile.copies as string[]).includes('COPY --from=build --chown=0:0 /out/grpc_health_probe /grpc_health_probe'));
  });
  it('an HTTP server keeps the HTTP probe; a health server in a comment does not count', () => {
    const p = memoryProject({ 'go.mod': mod(), 'main.go': `${MAIN}// healthpb.RegisterHealthServer(s, h)\n` });
    assert.equal(detectServe(p, '.').grpcHealth, undefined);
  });
});

describe('go files read and written at run time', () => {
  const SRC = [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"html/template"',
    '\t"net/http"',
    '\t"os"',
    ')',
    '',
    'func main() {',
    '\tt := template.Must(template.ParseGlob("views/*.html"))',
    '\thttp.Handle("/s/", http.FileServer(http.Dir("./public")))',
    '\tcfg, _ := os.ReadFile("settings/app.toml")',
    '\tdb, _ := sql.Open("sqlite3", "file:var/app.db?_fk=1")',
    '\t_ = os.MkdirAll("uploads/avatars", 0o750)',
    '\tmem, _ := sql.Open("sqlite3", ":memory:")',
    '\tlog, _ := os.OpenFile("app.log", os.O_CREATE|os.O_WRONLY, 0o640)',
    '\t_, _, _, _, _ = t, cfg, db, mem, log',
    '\thttp.ListenAndServe(":8080", nil)',
    '}',
    '',
  ].join('\n');
  const files = {
    'go.mod': mod(),
    'main.go': SRC,
    'views/index.html': '<p>hi</p>',
    'public/site.css': 'body{}',
    'settings/app.toml': 'x = 1',
    'templates/unused.html': 'never read by the code',
  };
  it('copies the folders the code reads by path (not a fixed list), with file:line', () => {
    const s = detectServe(memoryProject(files), '.');
    assert.deepEqual(s.assets.value, ['views', 'public', 'settings']);
    assert.equal(s.assets.source, 'main.go:11 template.ParseGlob, main.go:12 http.Dir, main.go:13 os.ReadFile');
  });
  it('gives the folders it writes a named volume, and warns about a file written in the working folder', () => {
    const s = detectServe(memoryProject(files), '.');
    assert.deepEqual(
      s.writes.map((w) => `${w.dir} ${w.source}`),
      ['var main.go:14 sql.Open', 'uploads main.go:15 os.MkdirAll'],
    );
    assert.match(s.writeWarnings.join('\n'), /main\.go:17 os\.OpenFile writes app\.log in the working folder/);
    const plan = planOf(memoryProject(files));
    assert.deepEqual(plan.service.volumes, [
      { name: 'svc-var', target: '/app/var' },
      { name: 'svc-uploads', target: '/app/uploads' },
    ]);
    assert.equal(plan.dockerfile.writable, 'RUN mkdir -p /out/writable/var /out/writable/uploads');
    assert.ok((plan.dockerfile.copies as string[]).includes('COPY --from=build --chown=65532:65532 /out/writable/var ./var'));
  });
});
