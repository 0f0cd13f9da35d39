// dockerstack:python: thin glue over detection (detect.ts) and planning (plan.ts).

import { basename } from 'node:path';
import { serviceName } from '../../lib/compose.ts';
import { type Fact, fact } from '../../lib/facts.ts';
import type { PythonRuntime } from '../../lib/images.ts';
import { checkChoice, parsePath, parsePort } from '../../lib/options.ts';
import { diskProject, findAbove, pathBack } from '../../lib/project.ts';
import { ServiceGenerator, type ServiceOptions } from '../../lib/service-generator.ts';
import { detectWritablePaths, planWritable, withWritable } from '../../lib/writable-paths.ts';
import { detectPython, type PythonFacts, type Server, withServer } from './detect.ts';
import { PYTHON_OPTIONS } from './options.ts';
import { type PythonAnswers, type PythonPlan, planPython } from './plan.ts';

export default class PythonGenerator extends ServiceGenerator {
  protected readonly language = 'python';
  private facts!: PythonFacts;
  private plan!: PythonPlan;

  constructor(args: string[], options: ServiceOptions) {
    super(args, options);
    this.declareOptions();
  }

  protected optionSpecs() {
    return PYTHON_OPTIONS;
  }

  /** --start and --server, else their saved answers: saved again so the next run (and --check) agree. */
  private given(name: 'start' | 'server'): Fact<string> | undefined {
    const cli = this.options[name];
    if (typeof cli === 'string' && cli !== '') return fact(cli, `--${name}`);
    const saved = this.config.get(name);
    return typeof saved === 'string' && saved !== '' ? fact(saved, '.yo-rc.json') : undefined;
  }

  /** The nearest `.python-version` above the service folder, up to the repository's root (uv and pyenv read parents). */
  private pythonVersionAbove(): { value: string; source: string } | undefined {
    const root = this.options.composeRoot as string | undefined;
    // The repository's root itself (the app generator's, or a git checkout's) has nothing above it to read.
    if (this.destinationRoot() === root || diskProject(this.destinationRoot()).exists('.git')) return undefined;
    return findAbove(this.destinationRoot(), diskProject, (project, folder, member) => {
      const value = project.read('.python-version')?.split('\n')[0]?.trim();
      if (value) return { value, source: `${pathBack(member)}/.python-version` };
      return root && folder === root ? null : undefined;
    });
  }

  async initializing() {
    this.checkInputs();
    const server = this.given('server');
    if (server) checkChoice(PYTHON_OPTIONS.find((o) => o.name === 'server')!, server.value);
    this.facts = detectPython(diskProject(this.destinationRoot()), {
      package: this.options.package as string | undefined,
      start: this.given('start'),
      pythonVersionAbove: this.pythonVersionAbove(),
    });
    if (server) this.facts = withServer(this.facts, server.value as Server, server.source);
  }

  async prompting() {
    const f = this.facts;
    await this.resolveAnswers(PYTHON_OPTIONS, {
      runtime: fact('slim', 'default', "the project's own Python version; distroless has only Debian's 3.13"),
      port: f.port,
      'health-path': f.healthPath,
      // In a repository of services (app generator), a project without a name is named by its folder.
      service:
        f.name.source.startsWith('default') && this.options.composeRoot && this.destinationRoot() !== this.options.composeRoot
          ? fact(basename(this.destinationRoot()), 'folder name (no project name in pyproject.toml)')
          : f.name,
    });
  }

  configuring() {
    const a = this.answers;
    const answers: PythonAnswers = {
      runtime: a.runtime.value as PythonRuntime,
      port: parsePort(a.port.value, a.port.source),
      healthPath: parsePath(a['health-path'].value, a['health-path'].source),
      service: serviceName(String(a.service.value)),
    };
    this.saveAnswers(PYTHON_OPTIONS);
    // What the app writes at run time: a named volume each (the root filesystem is read-only).
    const writable = planWritable(detectWritablePaths(diskProject(this.destinationRoot()), 'python'), answers.service, '/app');
    this.plan = withWritable(planPython(this.facts, answers), writable);
    const f = this.facts;
    const m = f.manager.value;
    const py = this.plan.python;
    this.printFacts(
      `dockerstack:python found in ${this.destinationRoot()}`,
      [
        { label: 'service', value: answers.service, source: a.service.source },
        { label: 'python', value: py.value.tag, source: py.source, note: py.note },
        { label: '', value: m.version ? `${m.name} ${m.version}` : m.name, source: f.manager.source, note: f.manager.note },
        { label: 'app', value: f.framework.value, source: f.framework.source, note: f.framework.note },
        ...(f.server ? [{ label: 'server', value: f.server.value, source: f.server.source }] : []),
        {
          label: 'start',
          value: this.plan.start.join(' '),
          source: f.start.source,
          note: f.start.note,
        },
        ...(this.plan.stop
          ? [{ label: 'stop', value: this.plan.stop.value, source: this.plan.stop.source, note: this.plan.stop.note }]
          : []),
        ...(f.collectstatic ? [{ label: 'static files', value: 'collectstatic', source: f.collectstatic.source }] : []),
        ...(f.test ? [{ label: 'test', value: `"${f.test.value.join(' ')}"`, source: f.test.source, note: f.test.note }] : []),
        { label: 'port', value: String(answers.port), source: a.port.source },
        { label: 'healthcheck', value: answers.healthPath, source: a['health-path'].source },
        {
          label: 'native packages',
          value: f.native.value.length ? f.native.value.join(', ') : 'none',
          source: f.native.source,
          note: f.native.note,
        },
        { label: 'runtime', value: answers.runtime, source: a.runtime.source, note: a.runtime.note },
        ...writable.facts,
        ...f.evidence,
      ],
      [...this.plan.warnings, ...writable.warnings],
    );
  }

  writing() {
    this.writeService(
      [
        { path: 'Dockerfile', template: 'python/Dockerfile.ejs', data: this.plan.dockerfile },
        { path: '.dockerignore', template: 'shared/dockerignore.ejs', data: this.plan.dockerignore },
      ],
      this.plan.service,
      this.plan.secret.hint,
    );
  }
}
