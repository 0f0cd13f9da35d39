// dockerstack:node: thin glue over detection (detect.ts) and planning (plan.ts).

import { InputError } from '../../lib/errors.ts';
import { fact } from '../../lib/facts.ts';
import type { NodeRuntime } from '../../lib/images.ts';
import { findWorkspace } from '../../lib/js-workspace.ts';
import { parsePath, parsePort } from '../../lib/options.ts';
import { diskProject } from '../../lib/project.ts';
import { ServiceGenerator, type ServiceOptions } from '../../lib/service-generator.ts';
import { detectWritablePaths, planWritable, withWritable } from '../../lib/writable-paths.ts';
import { detectNode, type NodeFacts, serviceName, startProblem } from './detect.ts';
import { NODE_OPTIONS } from './options.ts';
import { type NodeAnswers, type NodePlan, planNode } from './plan.ts';

export default class NodeGenerator extends ServiceGenerator {
  protected readonly language = 'node';
  private facts!: NodeFacts;
  private plan!: NodePlan;

  constructor(args: string[], options: ServiceOptions) {
    super(args, options);
    this.declareOptions();
  }

  protected optionSpecs() {
    return NODE_OPTIONS;
  }

  async initializing() {
    this.checkInputs();
    // A member of an npm, yarn, pnpm or Bun workspace is built from the workspace root with its lockfile.
    const workspace = findWorkspace(this.destinationRoot(), diskProject);
    const project = diskProject(this.destinationRoot());
    this.facts = detectNode(project, workspace);
    // --start, else the one saved in .yo-rc.json: it must name a file in the tree too.
    const start = (this.options.start as string | undefined) ?? (this.config.get('start') as string | undefined);
    if (start) {
      const where = this.options.start ? '--start' : '.yo-rc.json';
      // `bun ...` is a Bun command only for a Bun project (Bun's images are built with Bun's lockfile).
      const engine = this.facts.packageManager.value.name === 'bun' ? 'node|bun' : 'node';
      const m = new RegExp(`^(${engine})\\s+(.+)$`).exec(start.trim());
      if (!m) throw new InputError(where, `"${start}" must be a ${engine.replace('|', ' or ')} command such as "node dist/main.js"`);
      const args = m[2].split(/\s+/);
      const problem = startProblem(project, args, this.facts);
      if (problem) throw new InputError(where, `"${start}" ${problem}`);
      this.facts.start = fact(args, where);
      this.facts.engine = fact(m[1] as 'node' | 'bun', where);
    }
  }

  async prompting() {
    const f = this.facts;
    await this.resolveAnswers(NODE_OPTIONS, {
      runtime: fact('distroless', 'default'),
      port: f.port,
      'health-path': f.healthPath,
      service: f.name,
    });
  }

  configuring() {
    const a = this.answers;
    const answers: NodeAnswers = {
      runtime: a.runtime.value as NodeRuntime,
      port: parsePort(a.port.value, a.port.source),
      healthPath: parsePath(a['health-path'].value, a['health-path'].source),
      service: serviceName(String(a.service.value)),
    };
    this.saveAnswers(NODE_OPTIONS);
    // --start has no prompt: saved here, so the next run and --check use it without the option.
    if (!this.options.check && this.options.start) this.config.set('start', String(this.options.start).trim());
    const plan = planNode(this.facts, answers);
    // What a server writes at run time: a named volume each (the root filesystem is read-only).
    const written = this.facts.kind.value === 'static' ? [] : detectWritablePaths(diskProject(this.destinationRoot()), 'node');
    const writable = planWritable(written, answers.service, String(plan.dockerfile.runtimeWorkdir ?? '/app'));
    this.plan = withWritable(plan, writable);
    const f = this.facts;
    const pm = f.packageManager.value;
    this.printFacts(
      `dockerstack:node found in ${this.destinationRoot()}`,
      [
        { label: 'service', value: answers.service, source: a.service.source },
        f.engine.value === 'bun'
          ? { label: 'runs on', value: 'bun', source: f.engine.source, note: f.engine.note }
          : { label: 'node', value: f.node.value.tag, source: f.node.source, note: f.node.note },
        {
          label: '',
          value: pm.version ? `${pm.name} ${pm.version}` : pm.name,
          source: f.packageManager.source,
          note: f.packageManager.note,
        },
        ...(f.workspace
          ? [
              {
                label: 'workspace member',
                value: f.workspace.dir,
                source: `${f.workspace.toRoot}/${f.workspace.source}`,
                note: workspaceNote(f.workspace.closure.slice(0, -1).map((m) => m.name)),
              },
            ]
          : []),
        { label: 'app', value: f.kind.value, source: f.kind.source },
        ...(f.build ? [{ label: 'build', value: `"${f.build.value}"`, source: f.build.source }] : []),
        ...(f.outDir ? [{ label: 'output', value: f.outDir.value, source: f.outDir.source }] : []),
        ...(f.start.value.length
          ? [{ label: 'start', value: `${f.engine.value} ${f.start.value.join(' ')}`, source: f.start.source, note: f.start.note }]
          : []),
        ...(f.test ? [{ label: 'test', value: `"${f.test.value}"`, source: f.test.source }] : []),
        ...f.workers.map((w) => ({
          label: w.name === 'worker' ? 'worker' : `worker ${w.name}`,
          value: `${f.engine.value} ${w.args.join(' ')}`,
          source: w.source,
          note: 'no check of its own: healthy while it runs, restarted when it exits',
        })),
        { label: 'port', value: String(answers.port), source: a.port.source },
        ...(f.listen ? [{ label: 'listen', value: listenValue(f.listen.value), source: f.listen.source, note: f.listen.note }] : []),
        { label: 'healthcheck', value: answers.healthPath, source: a['health-path'].source },
        { label: 'native modules', value: f.native.value.length ? f.native.value.join(', ') : 'none', source: f.native.source },
        f.kind.value === 'static'
          ? { label: 'runtime', value: 'nginx-unprivileged', source: 'static site (the --runtime choice applies to Node servers)' }
          : { label: 'runtime', value: answers.runtime, source: a.runtime.source },
        ...writable.facts,
      ],
      [...f.warnings, ...writable.warnings],
    );
  }

  writing() {
    this.writeService(
      [
        { path: 'Dockerfile', template: 'node/Dockerfile.ejs', data: this.plan.dockerfile },
        { path: '.dockerignore', template: 'shared/dockerignore.ejs', data: this.plan.dockerignore },
      ],
      this.plan.service,
      '# Private registry credentials for the build, e.g. //registry.npmjs.org/:_authToken=...\n',
    );
  }
}

/** `0.0.0.0 via FASTIFY_ADDRESS=0.0.0.0, FASTIFY_PORT=<port>`: the variables the image sets so the app listens on every interface. */
function listenValue(listen: NonNullable<NodeFacts['listen']>['value']): string {
  return `0.0.0.0 via ${[...listen.hostEnv.map((v) => `${v}=0.0.0.0`), ...listen.portEnv.map((v) => `${v}=<port>`)].join(', ')}`;
}

function workspaceNote(needs: string[]): string {
  return needs.length
    ? `built from the workspace root with its lockfile; needs ${needs.join(', ')}`
    : 'built from the workspace root with its lockfile';
}
