// dockerstack (app): finds the services in a repository, lets the user confirm them, composes the
// service generators (one per service, each writing in its folder) and collects one compose.yaml.
// In an empty folder (or with --new) it first writes starter services; --backing adds PostgreSQL/Redis.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { BACKING_KINDS, type BackingKind, parseBacking } from '../../lib/backing.ts';
import { detectBacking } from '../../lib/backing-detect.ts';
import { type DiscoveredService, discoverServices } from '../../lib/discover.ts';
import { InputError } from '../../lib/errors.ts';
import { checkArgs, formatHelp, HELP_OPTION, yeomanOption } from '../../lib/options.ts';
import { loadPreset, type Preset } from '../../lib/preset.ts';
import { diskProject, subProject } from '../../lib/project.ts';
import { render } from '../../lib/render.ts';
import { queueCommitNewConfig } from '../../lib/service-generator.ts';
import { type NewService, parseNewServices, STARTER_LANGUAGES, starterFiles } from '../../lib/starters.ts';
import { APP_OPTIONS, DEFAULT_NEW, SERVICE_ONLY_OPTIONS } from './options.ts';

type AppOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  check?: boolean;
  preset?: string;
  new?: string;
  backing?: string;
  /** Set by the bin for --help: the command as typed. */
  command?: string;
};

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
  /** The backing services every app service gets; undefined: each service's own, detected. */
  private backing: BackingKind[] | undefined;
  /** Services whose generator failed (their files are not written), with the reason. */
  private left: Array<{ service: DiscoveredService; reason: string }> = [];

  constructor(args: string[], options: AppOptions) {
    super(args, options);
    for (const spec of APP_OPTIONS) this.option(spec.name, yeomanOption(spec) as never);
    if (!options.help) queueCommitNewConfig(this);
  }

  /** Do not read package.json in the constructor (see ServiceGenerator.determineAppname). */
  determineAppname(): string {
    return basename(this.destinationRoot());
  }

  /** --help: the command as typed (the bin passes it), then every option with its default. */
  help(): string {
    return formatHelp(String(this.options.command ?? `yo ${this._namespace}`), [...APP_OPTIONS, HELP_OPTION]);
  }

  initializing() {
    checkArgs(this._args, [...APP_OPTIONS, HELP_OPTION], {
      names: SERVICE_ONLY_OPTIONS,
      hint: 'it is an option of the service generators (node, python, go); run one in the service folder, e.g. `dockerstack node --help`',
    });
    // Loaded (and validated) once, before anything is written; each service generator saves it.
    if (this.options.preset) this.preset = loadPreset(this.options.preset, this.destinationRoot(), diskProject('/'));
    // Without --backing or a saved answer, each service generator finds the backing services its own
    // dependencies and code use (lib/backing-detect.ts).
    if (this.options.backing) this.backing = parseBacking(this.options.backing);
    else if (this.config.get('backing') !== undefined) this.backing = parseBacking(this.config.get('backing'));
    else this.backing = undefined;
    if (this.options.new && !this.options.check)
      this.newServices = checkNew(this.destinationRoot(), parseNewServices(this.options.new, '--new'));
    this.services = discoverServices(diskProject(this.destinationRoot()));
    if (this.services.length === 0 && this.newServices.length === 0) {
      const entries = readdirSync(this.destinationRoot()).filter((e) => !NOT_PROJECT.test(e));
      if (entries.length > 0 || this.options.check) {
        throw new InputError(
          this.destinationRoot(),
          'no service found (looked for package.json, pyproject.toml, requirements.txt, Pipfile, setup.py and go.mod); ' +
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

  /** The supported backing kinds the discovered services use (the interactive question's default). */
  private detectedBacking(): BackingKind[] {
    const root = diskProject(this.destinationRoot());
    const kinds = this.services.flatMap((s) => detectBacking(subProject(root, s.dir)).map((d) => d.kind));
    return BACKING_KINDS.filter((kind) => kinds.includes(kind));
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
          choices: BACKING_KINDS.map((kind) => ({
            name: kind,
            value: kind,
            checked: (this.backing ?? this.detectedBacking()).includes(kind),
          })),
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
    if (this.backing) this.config.set('backing', (this.backing.join(',') || 'none') as never);
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
    if (this.backing?.length)
      this.log(`  backing services: ${this.backing.join(', ')} <- ${this.options.backing ? '--backing' : 'answer'}`);
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
          ...(this.backing ? { backing: this.backing.join(',') || 'none' } : {}),
          ...(this.preset ? { loadedPreset: this.preset } : {}),
          destinationRoot: join(root, service.dir),
          // One of several Go servers in one module: each is a service of its own.
          ...(service.main ? { main: service.main } : {}),
          ...(single ? {} : { composeRoot: root }),
          // A service that cannot be understood is reported and left out; the others are still written.
          onSkip: (error: Error) => {
            this.left.push({ service, reason: error.message });
            this.log(`  left out ${service.name} (${service.language}, ${service.dir}): ${error.message}`);
          },
        },
      } as never);
    }
  }

  /** After the other services are written: say which were left out; a run without a terminal exits non-zero. */
  end() {
    if (!this.left.length) return;
    const total = this.services.length;
    const list = this.left.map((l) => `${l.service.name} (${l.service.dir}: ${l.reason})`).join('; ');
    const summary = `${this.left.length} of ${total} service(s) left out, nothing written for them: ${list}`;
    if (this.options.yes || this.options.check) {
      throw new InputError(this.destinationRoot(), `${summary}. Fix the problem (or remove the service), then rerun`);
    }
    this.log(`dockerstack: ${summary}`);
  }
}
