// dockerstack (app): finds the services in a repository, lets the user confirm them, composes the
// service generators (one per service, each writing in its folder) and collects one compose.yaml.
import { basename, join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { type DiscoveredService, discoverServices } from '../../lib/discover.ts';
import { loadPreset, type Preset } from '../../lib/preset.ts';
import { diskProject } from '../../lib/project.ts';

type AppOptions = BaseOptions & { yes?: boolean; force?: boolean; check?: boolean; preset?: string };

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private services: DiscoveredService[] = [];
  private preset?: Preset;

  constructor(args: string[], options: AppOptions) {
    super(args, options);
    this.option('yes', { type: Boolean, alias: 'y', description: 'Take every service found and every detected answer [default: false]' });
    this.option('force', { type: Boolean, description: 'Overwrite differing files without asking [default: false]' });
    this.option('check', { type: Boolean, description: 'Write nothing; exit 1 with a diff if a generated file drifted [default: false]' });
    this.option('preset', {
      type: String,
      description: 'Team preset for every service: a JSON file or an npm package [default: the preset saved in .yo-rc.json, else none]',
    });
  }

  /** Do not read package.json in the constructor (see ServiceGenerator.determineAppname). */
  determineAppname(): string {
    return basename(this.destinationRoot());
  }

  initializing() {
    // Loaded (and validated) once, before anything is written; each service generator saves it.
    if (this.options.preset) this.preset = loadPreset(this.options.preset, this.destinationRoot(), diskProject('/'));
    this.services = discoverServices(diskProject(this.destinationRoot()));
    if (this.services.length === 0) {
      throw new Error(
        `${this.destinationRoot()}: no service found (looked for package.json, pyproject.toml, requirements.txt, Pipfile and go.mod)`,
      );
    }
    this.log(`dockerstack found ${this.services.length} service(s) in ${this.destinationRoot()}:`);
    for (const s of this.services) this.log(`  ${s.name} (${s.language}) <- ${s.source}`);
  }

  async prompting() {
    if (this.options.yes || this.options.check || this.services.length === 1) return;
    const { chosen } = await this.prompt<{ chosen: string[] }>([
      {
        type: 'checkbox',
        name: 'chosen',
        message: 'Services to containerize',
        choices: this.services.map((s) => ({ name: `${s.name} (${s.language}, ${s.dir})`, value: s.dir, checked: true })),
      },
    ]);
    this.services = this.services.filter((s) => chosen.includes(s.dir));
  }

  async default() {
    const root = this.destinationRoot();
    const single = this.services.length === 1 && this.services[0].dir === '.';
    for (const service of this.services) {
      const namespace = `dockerstack:${service.language}`;
      if (!(await this.env.get(namespace))) {
        this.log(`  skipped ${service.name}: no ${service.language} generator yet`);
        continue;
      }
      await this.composeWith(namespace, {
        generatorArgs: [],
        generatorOptions: {
          yes: this.options.yes,
          force: this.options.force,
          check: this.options.check,
          ...(this.preset ? { loadedPreset: this.preset } : {}),
          destinationRoot: join(root, service.dir),
          ...(single ? {} : { composeRoot: root }),
        },
      } as never);
    }
  }
}
