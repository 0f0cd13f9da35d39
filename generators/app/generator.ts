// dockerstack (app): finds the services in a repository, lets the user confirm them, composes the
// service generators (one per service, each writing in its folder) and collects one compose.yaml.
// In an empty folder (or with --new) it first writes starter services; --backing adds PostgreSQL/Redis.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { BACKING_KINDS, type BackingKind, parseBacking } from '../../lib/backing.ts';
import { type DiscoveredService, discoverServices } from '../../lib/discover.ts';
import { InputError } from '../../lib/errors.ts';
import { loadPreset, type Preset } from '../../lib/preset.ts';
import { diskProject } from '../../lib/project.ts';
import { render } from '../../lib/render.ts';
import { type NewService, parseNewServices, STARTER_LANGUAGES, starterFiles } from '../../lib/starters.ts';

type AppOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  check?: boolean;
  preset?: string;
  new?: string;
  backing?: string;
};

/** What `--yes` creates in an empty folder when --new is not given. */
const DEFAULT_NEW = 'web:node';

/** Files that do not make a folder a project (a new repository may have them already). */
const NOT_PROJECT = /^(\.git|\.gitignore|\.gitattributes|\.yo-rc\.json|README(\..*)?|LICENSE(\..*)?|\.editorconfig)$/i;

/** New services go into new (or empty) folders only: nothing of the user's is overwritten. */
function checkNew(root: string, list: NewService[]): NewService[] {
  for (const s of list) {
    const dir = join(root, s.name);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {}
    if (entries.length) throw new InputError(dir, `exists and is not empty; --new only creates new services (${s.name}:${s.language})`);
  }
  return list;
}

/** A service's key in the checkbox: its folder, and its main package when a Go module has several servers. */
const serviceKey = (s: DiscoveredService) => (s.main ? `${s.dir} ${s.main}` : s.dir);

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private services: DiscoveredService[] = [];
  private preset?: Preset;
  private newServices: NewService[] = [];
  /** An empty folder: ask which services to create. */
  private emptyFolder = false;
  private backing: BackingKind[] = [];

  constructor(args: string[], options: AppOptions) {
    super(args, options);
    this.option('yes', { type: Boolean, alias: 'y', description: 'Take every service found and every detected answer [default: false]' });
    this.option('force', { type: Boolean, description: 'Overwrite differing files without asking [default: false]' });
    this.option('check', { type: Boolean, description: 'Write nothing; exit 1 with a diff if a generated file drifted [default: false]' });
    this.option('preset', {
      type: String,
      description: 'Team preset for every service: a JSON file or an npm package [default: the preset saved in .yo-rc.json, else none]',
    });
    this.option('new', {
      type: String,
      description: `Create starter services first, name:language pairs (${STARTER_LANGUAGES.join('|')}), e.g. web:node,api:go,worker:python [default: asked in an empty folder; ${DEFAULT_NEW} with --yes]`,
    });
    this.option('backing', {
      type: String,
      description: `Backing services for every app service, comma-separated (${BACKING_KINDS.join('|')}) or none [default: the saved answer, else none]`,
    });
  }

  /** Do not read package.json in the constructor (see ServiceGenerator.determineAppname). */
  determineAppname(): string {
    return basename(this.destinationRoot());
  }

  initializing() {
    // Loaded (and validated) once, before anything is written; each service generator saves it.
    if (this.options.preset) this.preset = loadPreset(this.options.preset, this.destinationRoot(), diskProject('/'));
    if (this.options.backing) this.backing = parseBacking(this.options.backing);
    else this.backing = parseBacking(this.config.get('backing'));
    if (this.options.new && !this.options.check)
      this.newServices = checkNew(this.destinationRoot(), parseNewServices(this.options.new, '--new'));
    this.services = discoverServices(diskProject(this.destinationRoot()));
    if (this.services.length === 0 && this.newServices.length === 0) {
      const entries = readdirSync(this.destinationRoot()).filter((e) => !NOT_PROJECT.test(e));
      if (entries.length > 0 || this.options.check) {
        throw new InputError(
          this.destinationRoot(),
          'no service found (looked for package.json, pyproject.toml, requirements.txt, Pipfile and go.mod); ' +
            'to create new ones here, pass --new name:language,... (for example --new web:node,api:go)',
        );
      }
      this.emptyFolder = true;
      if (this.options.yes) this.newServices = checkNew(this.destinationRoot(), parseNewServices(DEFAULT_NEW, 'default'));
    }
    if (this.services.length) {
      this.log(`dockerstack found ${this.services.length} service(s) in ${this.destinationRoot()}:`);
      for (const s of this.services) this.log(`  ${s.name} (${s.language}) <- ${s.source}`);
    } else this.log(`dockerstack: ${this.destinationRoot()} holds no project yet: new starter services will be created`);
  }

  async prompting() {
    if (this.options.yes || this.options.check) return;
    if (this.emptyFolder && !this.newServices.length) {
      const { create } = await this.prompt<{ create: string }>([
        {
          type: 'input',
          name: 'create',
          message: `Services to create, as name:language (${STARTER_LANGUAGES.join(', ')}), comma-separated`,
          default: 'web:node,api:go,worker:python',
          validate: (value: string) => {
            try {
              parseNewServices(value, 'answer');
              return true;
            } catch (error) {
              return (error as Error).message;
            }
          },
        },
      ]);
      this.newServices = checkNew(this.destinationRoot(), parseNewServices(create, 'answer'));
    }
    if (!this.options.backing) {
      const { backing } = await this.prompt<{ backing: BackingKind[] }>([
        {
          type: 'checkbox',
          name: 'backing',
          message: 'Backing services the app services use',
          choices: BACKING_KINDS.map((kind) => ({ name: kind, value: kind, checked: this.backing.includes(kind) })),
        },
      ]);
      this.backing = backing;
    }
    if (this.services.length <= 1) return;
    const { chosen } = await this.prompt<{ chosen: string[] }>([
      {
        type: 'checkbox',
        name: 'chosen',
        message: 'Services to containerize',
        choices: this.services.map((s) => ({ name: `${s.name} (${s.language}, ${s.dir})`, value: serviceKey(s), checked: true })),
      },
    ]);
    this.services = this.services.filter((s) => chosen.includes(serviceKey(s)));
  }

  /**
   * Starter services are written to disk before the service generators run, because those read the
   * project from disk. Only new or empty folders are written (checked above), so nothing is overwritten.
   */
  configuring() {
    if (this.options.check) return;
    this.config.set('backing', (this.backing.join(',') || 'none') as never);
    for (const service of this.newServices) {
      const files = starterFiles(service);
      for (const file of files) {
        const dest = join(this.destinationRoot(), service.name, file.path);
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, render(file.template, file.data));
      }
      this.log(`  created ${service.name}/ (${service.language} starter): ${files.map((f) => f.path).join(', ')}`);
    }
    if (this.newServices.length) {
      const names = new Set(this.newServices.map((s) => s.name));
      const found = discoverServices(diskProject(this.destinationRoot()));
      // Interactive runs may have unticked existing services: keep that choice, add the new ones.
      const kept = new Set(this.services.map((s) => s.dir));
      this.services = found.filter((s) => kept.has(s.dir) || names.has(s.dir));
    }
    if (this.backing.length) this.log(`  backing services: ${this.backing.join(', ')} <- ${this.options.backing ? '--backing' : 'answer'}`);
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
          yes: this.options.yes || this.newServices.some((s) => s.name === service.dir),
          force: this.options.force,
          check: this.options.check,
          backing: this.backing.join(',') || 'none',
          ...(this.preset ? { loadedPreset: this.preset } : {}),
          destinationRoot: join(root, service.dir),
          // One of several Go servers in one module: each is a service of its own.
          ...(service.main ? { main: service.main } : {}),
          ...(single ? {} : { composeRoot: root }),
        },
      } as never);
    }
  }
}
