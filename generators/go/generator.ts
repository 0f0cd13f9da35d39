// dockerstack:go: thin glue over detection (detect.ts) and planning (plan.ts).

import { execFileSync } from 'node:child_process';
import { serviceName } from '../../lib/compose.ts';
import { InputError } from '../../lib/errors.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import { findGoWork } from '../../lib/go-work.ts';
import type { GoRuntime } from '../../lib/images.ts';
import { parsePath, parsePort } from '../../lib/options.ts';
import { diskProject } from '../../lib/project.ts';
import { ServiceGenerator, type ServiceOptions } from '../../lib/service-generator.ts';
import { binaryName, detectGo, detectServe, type GoFacts, goServiceName, normalizeMain, rolesSource, type ServeFacts } from './detect.ts';
import { type CgoChoice, GO_OPTIONS } from './options.ts';
import { type GoPlan, planGo } from './plan.ts';
import { type BuildRecipe, detectBuildRecipe } from './recipe.ts';

export default class GoGenerator extends ServiceGenerator {
  protected readonly language = 'go';
  private facts!: GoFacts;
  private plan!: GoPlan;
  private main!: Fact<string>;
  private serve!: ServeFacts;
  private ownDockerfile = false;
  private recipe?: BuildRecipe;

  constructor(args: string[], options: ServiceOptions) {
    super(args, options);
    this.declareOptions();
  }

  protected optionSpecs() {
    return GO_OPTIONS;
  }

  async initializing() {
    this.checkInputs();
    // A module a go.work uses is built from the go.work folder, with every module it uses.
    this.facts = detectGo(diskProject(this.destinationRoot()), findGoWork(this.destinationRoot(), diskProject));
  }

  async prompting() {
    this.main = await this.chooseMain();
    // With several servers, each has its own Dockerfile (in its folder) and its own answers in .yo-rc.json.
    this.ownDockerfile = this.facts.servers.length > 1 && this.facts.servers.includes(this.main.value);
    if (this.ownDockerfile) this.answersKey = `services.${binaryName(this.facts.module.value, this.main.value)}`;
    this.serve = detectServe(diskProject(this.destinationRoot()), this.main.value, this.facts.module.value);
    const serve = this.serve;
    const f = this.facts;
    this.recipe = f.workspace ? undefined : detectBuildRecipe(diskProject(this.destinationRoot()), this.main.value);
    await this.resolveAnswers(GO_OPTIONS, {
      runtime: fact('distroless', 'default'),
      port: serve.port,
      'health-path': serve.healthPath,
      service: fact(
        goServiceName(f.module.value, this.main.value),
        this.main.value === '.' ? 'go.mod module' : `go.mod module and ${this.main.value}`,
      ),
      cgo: fact('auto', 'default'),
      ...(f.goprivate ? { goprivate: f.goprivate } : {}),
    });
    const fromGoEnv = this.answers.goprivate ? undefined : goEnvGoprivate(this.destinationRoot());
    if (fromGoEnv) this.answers.goprivate = fromGoEnv;
  }

  /**
   * --main, the saved answer, the only main package, the only server among them, a select prompt, or (with
   * --yes) the first server (the first main package when none listens on a port).
   */
  private async chooseMain(): Promise<Fact<string>> {
    const { mains, roles, servers } = this.facts;
    const given = (this.options.main as string | undefined) ?? (this.config.get('main') as string | undefined);
    if (given) {
      const main = normalizeMain(given);
      if (!mains.value.includes(main))
        throw new InputError(
          this.options.main ? '--main' : '.yo-rc.json',
          `"${given}" is not a main package; found: ${mains.value.join(', ')}`,
        );
      return fact(main, this.options.main ? '--main' : '.yo-rc.json');
    }
    if (mains.value.length === 1) return fact(mains.value[0], mains.source);
    const role = (main: string) => roles.find((r) => r.main === main) ?? { main };
    if (servers.length === 1) return fact(servers[0], rolesSource(role(servers[0]), roles));
    // Several servers (each is a service: the app generator runs this generator once per server), or none.
    const choices = servers.length ? servers : mains.value;
    if (!this.interactive) {
      const first = choices[0];
      const why = servers.length
        ? `first of ${servers.length} servers; the app generator makes one service of each; pass --main to choose`
        : `no main package listens on a port: first of ${mains.value.length}; pass --main to choose`;
      return fact(first, rolesSource(role(first), roles), why);
    }
    const { main } = await this.prompt<{ main: string }>([
      { type: 'select', name: 'main', message: 'Main package to build', choices, default: choices[0] } as never,
    ]);
    return fact(main, 'your answer');
  }

  configuring() {
    const a = this.answers;
    const f = this.facts;
    const main = this.main.value;
    const cgoChoice = String(a.cgo.value) as CgoChoice;
    // auto: the repository's own build says CGO_ENABLED, else the module's needs decide.
    const repoCgo = this.recipe?.env.find((e) => e.name === 'CGO_ENABLED');
    const cgo = cgoChoice === 'auto' ? (repoCgo ? repoCgo.value === '1' : f.cgo.value.length > 0) : cgoChoice === 'on';
    const serve = this.serve;
    const goprivate = a.goprivate?.value ? String(a.goprivate.value) : undefined;
    if (goprivate !== undefined && !/^[\w.*/,-]+$/.test(goprivate))
      throw new InputError(a.goprivate.source, `"${goprivate}" is not a GOPRIVATE pattern list such as "github.com/acme/*,*.corp.example"`);
    const runtime = a.runtime.value as GoRuntime;
    const service = serviceName(String(a.service.value));
    this.plan = planGo(f, serve, {
      runtime,
      main,
      binary: binaryName(f.module.value, main),
      cgo,
      port: parsePort(a.port.value, a.port.source),
      healthPath: parsePath(a['health-path'].value, a['health-path'].source),
      service,
      goprivate,
      ownDockerfile: this.ownDockerfile,
      recipe: this.recipe,
    });
    this.saveAnswers(GO_OPTIONS);
    if (!this.options.check && this.main.source !== f.mains.source) this.config.set('main', main);
    const warnings = [...f.warnings, ...serve.writeWarnings];
    if (f.servers.length && !f.servers.includes(main))
      warnings.push(`${main} does not listen on a port (a CLI?): its healthcheck cannot pass; the servers are ${f.servers.join(', ')}`);
    if (cgoChoice === 'auto' && repoCgo && !cgo && f.cgo.value.length)
      warnings.push(
        `${repoCgo.source} builds with CGO_ENABLED=0, but the module needs cgo (${f.cgo.value.join(', ')}): pass --cgo on to build with it`,
      );
    if (cgoChoice === 'off' && f.cgo.value.length)
      warnings.push(`--cgo off, but the module needs cgo (${f.cgo.value.join(', ')}): the binary may fail at run time`);
    if (cgo && runtime !== 'distroless')
      warnings.push(`cgo on ${runtime}: the binary is linked statically against glibc (netgo, osusergo); check the linker's warnings`);
    if (f.workspace && f.vendor.value)
      warnings.push('vendor/ is not used in a go.work workspace (`go work vendor` vendors at its root): modules are downloaded');
    const dependencies =
      f.vendor.value && !f.workspace
        ? { label: 'modules', value: 'vendor/', source: f.vendor.source, note: f.vendor.note }
        : { label: 'modules', value: f.goSum.value ? 'go.sum' : 'none', source: f.goSum.source };
    this.printFacts(
      `dockerstack:go found in ${this.destinationRoot()}`,
      [
        { label: 'service', value: service, source: a.service.source },
        { label: 'module', value: f.module.value, source: f.module.source },
        { label: 'go', value: f.go.value.tag, source: f.go.source, note: f.go.note },
        dependencies,
        ...(f.workspace
          ? [
              {
                label: 'workspace module',
                value: f.workspace.dir,
                source: f.workspace.source,
                note: `built from the go.work folder with the ${f.workspace.uses.length} modules it uses`,
              },
            ]
          : []),
        { label: 'main', value: main, source: this.main.source, note: this.main.note },
        ...(serve.subcommand
          ? [{ label: 'subcommand', value: serve.subcommand.value, source: serve.subcommand.source, note: 'the serving command: CMD' }]
          : []),
        {
          label: 'cgo',
          value: cgo ? 'on' : 'off',
          source: cgoChoice !== 'auto' ? `--cgo ${cgoChoice}` : repoCgo ? `${repoCgo.source} CGO_ENABLED=${repoCgo.value}` : f.cgo.source,
        },
        ...recipeFacts(this.recipe),
        { label: 'port', value: String(a.port.value), source: a.port.source },
        serve.grpcHealth
          ? {
              label: 'probe',
              value: 'grpc',
              source: serve.grpcHealth.source,
              note: `grpc_health_probe -addr=127.0.0.1:${a.port.value}, grpc.health.v1`,
            }
          : { label: 'healthcheck', value: String(a['health-path'].value), source: a['health-path'].source },
        {
          label: 'assets',
          value: serve.assets.value.length ? serve.assets.value.join(', ') : 'none',
          source: serve.assets.source,
          note: serve.assets.note,
        },
        ...serve.writes.map((w) => ({
          label: 'writes',
          value: `${w.dir}/`,
          source: w.source,
          note: `named volume ${service}-${w.dir} at /app/${w.dir}, owned by the runtime user`,
        })),
        ...(goprivate ? [{ label: 'goprivate', value: goprivate, source: a.goprivate.source }] : []),
        { label: 'runtime', value: `${runtime} (${this.plan.runtimeImage})`, source: a.runtime.source },
      ],
      warnings,
    );
  }

  writing() {
    this.writeService(
      [
        { path: this.plan.dockerfilePath, template: 'go/Dockerfile.ejs', data: this.plan.dockerfile },
        { path: '.dockerignore', template: 'shared/dockerignore.ejs', data: this.plan.dockerignore },
      ],
      this.plan.service,
      '# Credentials for private Go modules (netrc format), e.g.\n# machine github.com login x-access-token password <token>\n',
    );
  }
}

/** The repository's build, as facts: GOEXPERIMENT, tags, and the -X values kept and left out. */
function recipeFacts(recipe: BuildRecipe | undefined) {
  if (!recipe) return [];
  const experiment = recipe.env.find((e) => e.name === 'GOEXPERIMENT');
  const dropped = recipe.dropped.length ? `left out: ${recipe.dropped.join('; ')}` : undefined;
  return [
    ...(experiment ? [{ label: 'goexperiment', value: experiment.value, source: experiment.source }] : []),
    ...(recipe.tags ? [{ label: 'tags', value: recipe.tags.value.join(','), source: recipe.tags.source }] : []),
    ...(recipe.ldflags || dropped
      ? [{ label: 'ldflags', value: ['-s -w', ...(recipe.ldflags?.value ?? [])].join(' '), source: recipe.source, note: dropped }]
      : []),
  ];
}

/** `go env GOPRIVATE` in the project (the developer's Go settings), when Go is installed. */
function goEnvGoprivate(dir: string): Fact<string> | undefined {
  try {
    const value = execFileSync('go', ['env', 'GOPRIVATE'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 5000,
      env: { ...process.env, GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return value ? fact(value, 'go env GOPRIVATE') : undefined;
  } catch {
    return undefined;
  }
}
