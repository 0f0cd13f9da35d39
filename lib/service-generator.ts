// The glue every service generator shares: options and prompts, answers saved in .yo-rc.json,
// printing facts with their sources, and writing without ever losing a user's file.

import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { type BackingKind, backingService, codeEnvironment, composeBacking, parseBacking, passwordIn, secretText } from './backing.ts';
import { backingEvidence, type DetectedBacking, envReads } from './backing-detect.ts';
import { type ComposeSecret, composeFileIn, mergeCompose, type ServiceSpec, withBacking } from './compose.ts';
import { entrypointInit } from './dockerfile.ts';
import { DriftError, InputError } from './errors.ts';
import { type Fact, type FactLine, fact, formatFacts } from './facts.ts';
import { NONROOT } from './images.ts';
import { COMMON_OPTIONS, checkArgs, checkChoice, formatHelp, HELP_OPTION, type OptionSpec, yeomanOption } from './options.ts';
import {
  applyPresetToDockerfile,
  isLocked,
  loadPreset,
  lockedError,
  type Preset,
  presetSettings,
  presetSummary,
  presetValue,
  validatePreset,
} from './preset.ts';
import { diskProject } from './project.ts';
import { README_FILE, readmeData } from './readme.ts';
import { render } from './render.ts';
import { restoreFiles, snapshotFiles } from './skip-service.ts';

export type ServiceOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  check?: boolean;
  /** Set by the app generator: the repository root, where the one compose.yaml lives. */
  composeRoot?: string;
  /** Set by the app generator: the team preset it loaded and validated from --preset. */
  loadedPreset?: Preset;
  /** Set by the app generator: called instead of failing the run when this service cannot be generated. */
  onSkip?: (error: Error) => void;
  [key: string]: unknown;
};

/** One output file: a template rendered with explicit data, or text computed in TypeScript. */
export interface OutputFile {
  /** Destination, relative to the destination root. */
  path: string;
  template?: string;
  data?: Record<string, unknown>;
  contents?: string;
  /** Create only when missing, never update (secrets files, for example). */
  createOnly?: boolean;
  /** An edit that only adds to the file on disk (compose.yaml): a non-interactive run may write it. */
  additive?: boolean;
  /** It holds passwords: a difference is reported without the contents, and it is rewritten without asking. */
  sensitive?: boolean;
}

/** The backing services of a service, the facts and warnings about them, and the settings its code reads. */
interface ResolvedBacking {
  kinds: BackingKind[];
  facts: FactLine[];
  warnings: string[];
  /** Connection settings under the names the code reads (REDIS_HOST...), beside the standard ones. */
  environment: Record<string, string>;
  /** Per backing kind, the names the code reads whose value holds the password (`{password}` in it). */
  secretEnvironment: Partial<Record<BackingKind, Record<string, string>>>;
  /** The repository's own backing services (its compose file) the app uses instead of new ones. */
  waitsFor: Record<string, 'service_started' | 'service_healthy'>;
}

export abstract class ServiceGenerator extends Generator<Record<string, unknown>, ServiceOptions> {
  /** Answers resolved from options, .yo-rc.json, prompts or detection, each with its source. */
  protected answers: Record<string, Fact<unknown>> = {};
  protected abstract readonly language: string;
  protected abstract optionSpecs(): OptionSpec[];

  constructor(args: string[], options: ServiceOptions) {
    super(args, options);
    for (const spec of [...COMMON_OPTIONS]) this.addOption(spec);
    // Yeoman queues only the subclass's own methods: queue the shared end-of-run task here.
    if (!options.help) {
      this.queueTask({ method: () => this.reportCheck(), taskName: 'reportCheck', queueName: 'end' });
      this.queueTask({ method: () => this.protectSecrets(), taskName: 'protectSecrets', queueName: 'end' });
      queueCommitNewConfig(this);
    }
  }

  /**
   * Composed by the app generator (`onSkip`): an error in any task (but --check's drift) undoes this
   * generator's pending files, skips its remaining tasks and is handed to the app, which reports it.
   */
  queueTask(task: Parameters<Generator['queueTask']>[0]): void {
    const onSkip = this.options?.onSkip;
    if (!onSkip) {
      super.queueTask(task);
      return;
    }
    const { method } = task;
    this.skipState ??= { failed: false };
    const state = this.skipState;
    super.queueTask({
      ...task,
      method: async (...args: unknown[]) => {
        if (state.failed) return;
        state.snapshot ??= snapshotFiles(this.env.sharedFs as never);
        try {
          await method.apply(this, args);
        } catch (error) {
          if (error instanceof DriftError) throw error;
          state.failed = true;
          restoreFiles(this.env.sharedFs as never, state.snapshot);
          onSkip(error as Error);
        }
      },
    });
  }
  private skipState?: { failed: boolean; snapshot?: ReturnType<typeof snapshotFiles> };

  /**
   * Yeoman's default reads package.json in the constructor, which would turn a malformed package.json
   * into a generic error before detection can name the problem. The app name is the folder's name.
   */
  determineAppname(): string {
    return basename(this.destinationRoot());
  }

  /** Declare the language's options (call from the subclass constructor). */
  protected declareOptions(): void {
    for (const spec of this.optionSpecs()) this.addOption(spec);
  }

  private addOption(spec: OptionSpec): void {
    if (this._options?.[spec.name]) return;
    this.option(spec.name, yeomanOption(spec) as never);
  }

  /** The options this generator takes (not Yeoman's own, which do nothing here). */
  private helpSpecs(): OptionSpec[] {
    return [...COMMON_OPTIONS, ...this.optionSpecs(), HELP_OPTION];
  }

  /** --help: the command as typed (the bin passes it), then every option with its default. */
  help(): string {
    return formatHelp(String(this.options.command ?? `yo ${this._namespace}`), this.helpSpecs());
  }

  get interactive(): boolean {
    return !this.options.yes && !this.options.check;
  }

  /** Validate option values and that the destination can be written. */
  protected checkInputs(): void {
    checkArgs(this._args, this.helpSpecs());
    // An option without a prompt (--start, --server, --cgo...) is read as an option: a saved answer stands
    // in for one not given, so the next run and --check get it too (its facts then name .yo-rc.json).
    for (const spec of this.optionSpecs()) {
      const saved = this.config.get(spec.name);
      if (spec.prompt || given(this.options[spec.name]) || saved === undefined) continue;
      this.options[spec.name] = saved;
      this.restored.add(spec.name);
    }
    for (const spec of this.optionSpecs()) checkChoice(spec, this.options[spec.name], this.optionSource(spec.name));
    parseBacking(this.options.backing); // an unknown name fails here, before anything is written
    this.preset = this.resolvePreset();
    if (!this.options.check) {
      try {
        accessSync(this.destinationRoot(), constants.W_OK);
      } catch {
        throw new InputError(this.destinationRoot(), 'the destination folder is not writable');
      }
    }
  }

  private backing?: ResolvedBacking;

  /**
   * Backing services: --backing (set by the app generator too; saved for the next run), else the saved
   * answer, else what the service's dependencies and code use (detectBacking), each a fact with its source.
   */
  private resolveBacking(): ResolvedBacking {
    if (this.backing) return this.backing;
    const found = this.resolveBackingKinds();
    // A kind the repository's compose file already runs is that service: the app waits for it, no second one
    // is added, and its connection settings stay as the repository sets them (its environment, its env_file).
    const { path, name } = this.composeFile();
    const theirs = composeBacking(this.fs.exists(path) ? this.fs.read(path) : undefined, name);
    const reused = theirs.filter((b) => found.kinds.includes(b.kind));
    const isReused = (kind: string) => reused.some((b) => b.kind === kind);
    // A compose file that runs backing services of its own says which the app uses: a kind that only a driver
    // in the manifest names, and that file does not run, is an alternative the code supports (TypeORM's pg
    // beside Mongoose), reported and not added.
    const alternatives = theirs.length ? found.driverOnly.filter((d) => !theirs.some((b) => b.kind === d.kind)) : [];
    const isAlternative = (kind: string) => alternatives.some((d) => d.kind === kind);
    const kinds = found.kinds.filter((kind) => !isReused(kind) && !isAlternative(kind));
    // The connection settings under the names the code reads (REDIS_HOST, CELERY_BROKER_URL, PGHOST...).
    const reads = kinds.length ? envReads(diskProject(this.destinationRoot())) : [];
    const code = kinds.map((kind) => codeEnvironment(kind, reads, kinds));
    this.backing = {
      kinds,
      facts: [
        ...found.facts.filter((f) => !isReused(String(f.value)) && !isAlternative(String(f.value))),
        ...reused.map((b) => ({
          label: 'backing',
          value: `${b.kind} (the repository's ${b.name})`,
          source: b.source,
          note: `kept as it is; the app waits for it to ${b.healthcheck ? 'be healthy' : 'start'}`,
        })),
        ...code.flatMap((c) => c.facts),
      ],
      warnings: [
        ...alternatives.map(
          (d) =>
            `${d.kind} is optional (${d.source}): ${name} runs ${theirs.map((b) => b.name).join(', ')} and no ${d.kind}, so none is added; --backing ${d.kind} adds it`,
        ),
        ...found.optional.map(
          (d) =>
            `${d.kind} is optional (${d.source}): SQLite is the default (${d.sqlite}), so ${name} gets no ${d.kind}; --backing ${d.kind} adds it`,
        ),
      ],
      environment: Object.assign({}, ...code.map((c) => c.environment)),
      secretEnvironment: Object.fromEntries(kinds.map((kind, i) => [kind, code[i].secretEnvironment])),
      waitsFor: Object.fromEntries(reused.map((b) => [b.name, b.healthcheck ? 'service_healthy' : 'service_started'])),
    };
    return this.backing;
  }

  /** The compose file this service goes in: the one `docker compose` reads at the compose root, else a new compose.yaml. */
  protected composeFile(): { path: string; name: string } {
    const root = this.options.composeRoot ?? this.destinationRoot();
    const name = composeFileIn((file) => this.fs.exists(join(root, file)));
    return { path: join(root, name), name };
  }

  private resolveBackingKinds(): {
    kinds: BackingKind[];
    facts: FactLine[];
    optional: Array<{ kind: string; source: string; sqlite: string }>;
    /** Kinds found only from a driver in the manifest (no connection URL in the code). */
    driverOnly: DetectedBacking[];
  } {
    const given = this.options.backing;
    const listed = (kinds: BackingKind[], source: string) => ({
      kinds,
      facts: kinds.map((kind) => ({ label: 'backing', value: kind, source })),
      optional: [],
      driverOnly: [],
    });
    if (given !== undefined && given !== null && given !== '') {
      const list = parseBacking(given);
      if (!this.options.check) this.config.set('backing', (list.join(',') || 'none') as never);
      return listed(list, '--backing');
    }
    if (this.config.get('backing') !== undefined) {
      return listed(parseBacking(this.config.get('backing')), '.yo-rc.json');
    }
    const { found, optional, driverOnly } = backingEvidence(diskProject(this.destinationRoot()));
    return {
      kinds: found.map((d) => d.kind),
      facts: found.map((d) => ({ label: 'backing', value: d.kind, source: d.source })),
      optional,
      driverOnly,
    };
  }

  /** The team preset: --preset (a file, a package, or the app generator's loaded one), else the saved one. */
  private resolvePreset(): Preset | undefined {
    const loaded = this.options.loadedPreset as Preset | undefined;
    if (loaded) {
      const { source, ...settings } = loaded;
      return validatePreset(source, settings);
    }
    const given = this.options.preset;
    if (typeof given === 'string' && given !== '') return loadPreset(given, this.destinationRoot(), diskProject('/'));
    const saved = this.config.get('preset');
    if (saved === undefined) return undefined;
    return validatePreset(`${this.config.get('presetFile') ?? 'preset'} (saved in .yo-rc.json)`, saved);
  }

  /**
   * The answer for an option: the command-line option, else the saved answer in .yo-rc.json, else the
   * team preset's default, else the detected value. Interactive runs then confirm it with a prompt; an
   * option the preset locks is not asked, and a value that contradicts it is an error.
   */
  protected async resolveAnswers(specs: OptionSpec[], detected: Record<string, Fact<unknown>>): Promise<void> {
    const saved = this.answerStore().getAll() as Record<string, unknown>;
    const questions: Array<Record<string, unknown>> = [];
    for (const spec of specs) {
      const cli = this.options[spec.name];
      const fromPreset = presetValue(this.preset, spec.name, this.language);
      const locked = this.preset && fromPreset !== undefined && isLocked(this.preset, spec.name) ? this.preset : undefined;
      if (given(cli)) {
        if (locked && String(cli) !== fromPreset) throw lockedError(locked, spec.name, String(fromPreset), `--${spec.name}`, cli);
        this.answers[spec.name] = fact(cli, this.optionSource(spec.name));
        continue;
      }
      if (locked) {
        if (saved[spec.name] !== undefined && String(saved[spec.name]) !== fromPreset)
          throw lockedError(locked, spec.name, String(fromPreset), '.yo-rc.json', saved[spec.name]);
        this.answers[spec.name] = fact(fromPreset, `preset ${locked.source}, locked`);
        continue;
      }
      if (saved[spec.name] !== undefined) {
        checkChoice(spec, saved[spec.name], '.yo-rc.json');
        this.answers[spec.name] = fact(saved[spec.name], '.yo-rc.json');
      } else if (fromPreset !== undefined && this.preset) {
        this.answers[spec.name] = fact(fromPreset, `preset ${this.preset.source}`);
      } else if (detected[spec.name]) {
        this.answers[spec.name] = detected[spec.name];
      }
      if (spec.prompt && this.interactive) {
        const current = this.answers[spec.name]?.value;
        questions.push(
          spec.choices
            ? { type: 'select', name: spec.name, message: spec.prompt, choices: spec.choices, default: current }
            : { type: 'input', name: spec.name, message: spec.prompt, default: current === undefined ? undefined : String(current) },
        );
      }
    }
    if (questions.length) {
      const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(answers)) {
        if (value === undefined || value === '') continue;
        const spec = specs.find((x) => x.name === name);
        if (spec) checkChoice(spec, value);
        if (String(value) !== String(this.answers[name]?.value)) this.answers[name] = fact(value, 'your answer');
      }
    }
  }

  /** Where an option's value came from: the command line, or .yo-rc.json for a saved answer standing in for it. */
  private optionSource(name: string): string {
    return this.restored.has(name) ? '.yo-rc.json' : `--${name}`;
  }

  /**
   * Where this service's answers are saved in .yo-rc.json: the generator's settings, or a part of them when
   * one folder holds several services (Go: several servers in one module).
   */
  protected answerStore(): Generator['config'] {
    return this.answersKey ? this.config.createStorage(this.answersKey) : this.config;
  }

  /** Set by a generator whose folder holds several services: the part of .yo-rc.json for this one's answers. */
  protected answersKey?: string;

  /**
   * Save the answers in .yo-rc.json, so the next run, --check and teammates get the same ones: every
   * prompted answer, and every option given on the command line (those without a prompt too).
   */
  protected saveAnswers(specs: OptionSpec[]): void {
    if (this.options.check) return;
    if (this.preset && (this.options.preset || this.options.loadedPreset || !this.config.get('preset'))) {
      // The preset's settings, so that the next run and --check without --preset give the same files.
      this.config.set('preset', presetSettings(this.preset) as never);
      this.config.set('presetFile', this.preset.source as never);
    }
    for (const spec of specs) {
      const answer = this.answers[spec.name];
      if (spec.prompt && answer !== undefined && answer.value !== undefined) this.answerStore().set(spec.name, answer.value as never);
      else if (!spec.prompt && !this.restored.has(spec.name) && given(this.options[spec.name]))
        this.config.set(spec.name, this.options[spec.name] as never);
    }
  }

  protected printFacts(title: string, lines: FactLine[], warnings: string[]): void {
    this.log(`${title}:`);
    const preset = this.preset ? [{ label: 'preset', value: presetSummary(this.preset), source: this.preset.source }] : [];
    // A fact the language generator sourced to an option (`--start`) whose value was the saved answer.
    const sourced = lines.map((line) => {
      const option = /^--([\w-]+)(?:\s|$)/.exec(line.source)?.[1];
      return option && this.restored.has(option) ? { ...line, source: '.yo-rc.json' } : line;
    });
    const backing = this.resolveBacking();
    for (const line of formatFacts([...sourced, ...backing.facts, ...preset])) this.log(`  ${line}`);
    for (const warning of [...warnings, ...backing.warnings]) this.log(`  warning: ${warning}`);
  }

  /** Write the files. Non-interactive runs never overwrite a differing file without --force. */
  protected writeOutputs(files: OutputFile[]): void {
    for (const file of files) {
      const dest = this.absolute(file.path);
      const rel = relative(this.destinationRoot(), dest) || file.path;
      const contents = renderOutput(file);
      const onDisk = readIfExists(dest);
      if (this.options.check) {
        if (!file.createOnly && onDisk !== contents)
          this.drift.push(
            file.sensitive
              ? `${rel}: differs (holds passwords: not shown)`
              : createTwoFilesPatch(rel, rel, onDisk ?? '', contents ?? '', 'on disk', 'generated'),
          );
        continue;
      }
      if (onDisk !== undefined && file.createOnly) continue;
      if (file.sensitive) {
        // Its contents are never printed: a differing file is kept unless --force (no diff, no conflict prompt).
        if (onDisk !== undefined && onDisk !== contents && !this.options.force) {
          this.log(
            `  kept ${rel}: it differs from what would be generated (it holds passwords: not shown); rerun with --force to rewrite it`,
          );
          this.skipped.push(rel);
          continue;
        }
        this.fs.write(dest, contents ?? '');
        if (onDisk !== undefined) (this.env.sharedFs.get(dest) as unknown as { conflicter?: string }).conflicter = 'force';
        continue;
      }
      if (onDisk !== undefined && onDisk !== contents && !this.interactive && !this.options.force) {
        const diff = createTwoFilesPatch(rel, rel, onDisk, contents ?? '', 'on disk', 'generated');
        if (!file.additive) {
          this.log(`  kept ${rel}: it differs from what would be generated; rerun with --force to overwrite it. The change:\n${diff}`);
          this.skipped.push(rel);
          continue;
        }
        this.log(`  editing ${rel}: adds to it, keeps everything else:\n${diff}`);
      }
      this.fs.write(dest, contents ?? '');
      // --force, or an additive edit in a run without a terminal: Yeoman's conflicter must not ask about a
      // file on disk. A new file is left to it: it asks nothing and reports `create` (not `force`).
      if (onDisk !== undefined && (this.options.force || (!this.interactive && file.additive))) {
        const memFile = this.env.sharedFs.get(dest) as unknown as { conflicter?: string };
        memFile.conflicter = 'force';
      }
    }
  }

  /**
   * The Dockerfile, .dockerignore and the service in compose.yaml (at the repository root when the app
   * generator composed this one), plus the secrets folder next to compose.yaml.
   */
  protected writeService(files: OutputFile[], spec: ServiceSpec, buildSecretHint: string): void {
    const root = this.options.composeRoot ?? this.destinationRoot();
    // The context the plan chose (the service's folder, or a workspace root above it), seen from compose.yaml.
    const contextDir = resolve(this.destinationRoot(), spec.context);
    const rel = relative(root, contextDir);
    // The secrets folder beside compose.yaml, seen from the build context (a member's own, in a workspace).
    const secretsInContext = relative(contextDir, join(root, 'secrets'));
    const service: ServiceSpec = { ...spec, context: rel === '' ? '.' : rel.startsWith('..') ? rel : `./${rel}` };
    // A preset's user replaces the generator's own non-root user (65532), in the Dockerfile and here.
    const presetUser = this.preset?.user;
    if (presetUser && spec.user.uid === NONROOT.uid) Object.assign(service, { user: presetUser, runAs: presetUser });
    const { path: composePath, name: composeName } = this.composeFile();
    // Read through mem-fs: services composed earlier in this run are already there.
    const existing = this.fs.exists(composePath) ? this.fs.read(composePath) : undefined;
    // The compose project is the service for a single service, else the repository folder.
    const projectName = this.options.composeRoot
      ? basename(root)
          .toLowerCase()
          .replace(/[^a-z0-9_-]+/g, '-')
      : service.name;
    // The ignore file of a Dockerfile built from another context sits next to it (BuildKit's rule).
    const dockerfilePath = files.find((f) => basename(f.path) === 'Dockerfile')?.path ?? 'Dockerfile';
    const rendered = files.map((given) => {
      const file = given.path === '.dockerignore' ? ignoreFileFor(given, spec, secretsInContext, dockerfilePath) : given;
      const contents = renderOutput(file);
      const dockerfile = basename(file.path) === 'Dockerfile' && contents !== undefined;
      return { ...file, contents: dockerfile ? applyPresetToDockerfile(contents, this.preset) : contents };
    });
    // One init as PID 1: the image's own (it runs without compose too), so compose adds none.
    const dockerfile = rendered.find((file) => basename(file.path) === 'Dockerfile')?.contents;
    const init = dockerfile === undefined ? undefined : entrypointInit(dockerfile);
    if (init) Object.assign(service, { init: false, imageInit: init });
    const resolved = this.resolveBacking();
    const backing = resolved.kinds.map(backingService);
    // Each backing service's password: the one in its secret file (this run's, from an earlier service, or
    // the disk's), else a new random one; written once, never printed.
    const secretOf = new Map<string, { secret: ComposeSecret; password: string }>();
    for (const secret of backing.flatMap((b) => b.secrets)) {
      const abs = join(root, secret.file);
      const found = this.fs.exists(abs) ? passwordIn(secret, this.fs.read(abs)) : undefined;
      secretOf.set(secret.name, { secret, password: found ?? this.randomSecret().trim() });
    }
    // The settings that hold a password (REDIS_URL, DATABASE_URL...) go to the service's git-ignored env file.
    const secretEnv: Array<[string, string]> = [];
    for (const b of backing) {
      const password = secretOf.get(b.secrets[0]?.name ?? '')?.password;
      const templates = { ...b.client.secretEnvironment, ...(resolved.secretEnvironment[b.kind] ?? {}) };
      if (password)
        for (const [name, template] of Object.entries(templates)) secretEnv.push([name, template.replace('{password}', password)]);
    }
    const envFile = secretEnv.length ? `secrets/${service.name}.env` : undefined;
    const used = withBacking(service, backing);
    const withCode: ServiceSpec = {
      ...used,
      environment: { ...used.environment, ...resolved.environment },
      ...(Object.keys(resolved.waitsFor).length ? { waitsFor: resolved.waitsFor } : {}),
      ...(envFile ? { envFile: `./${envFile}`, envFileKeys: secretEnv.map(([name]) => name) } : {}),
    };
    const compose = mergeCompose(existing ?? undefined, composeName, projectName, [withCode], backing, (path) =>
      this.fs.exists(resolve(root, path)),
    );
    if (composeName !== 'compose.yaml')
      this.log(`  compose file ${composeName} <- the file docker compose reads here (there is no compose.yaml)`);
    for (const move of compose.moved) this.log(`  host port ${move}: another service in ${composeName} publishes it`);
    for (const note of compose.notes) this.log(`  ${note}`);
    this.writeOutputs([
      ...rendered,
      { path: composePath, contents: compose.text, additive: compose.replaced.length === 0 },
      this.readmeOutput(root, composeName, compose.text, rendered),
      {
        path: join(root, 'secrets/.gitignore'),
        contents: `# Secrets for ${composeName}: never commit them.\n*\n!.gitignore\n`,
        createOnly: true,
      },
      ...spec.buildSecrets.map((s) => ({ path: join(root, s.file), contents: buildSecretHint, createOnly: true })),
      // Runtime secrets get a random value once; it is never printed.
      ...spec.runtimeSecrets.map((s) => ({ path: join(root, s.file), contents: this.randomSecret(), createOnly: true })),
      ...[...secretOf.values()].map(({ secret, password }) => ({
        path: join(root, secret.file),
        contents: secretText(secret, password),
        createOnly: true,
      })),
      ...(envFile
        ? [
            {
              path: join(root, envFile),
              contents: `# ${service.name}'s settings that hold a password (${composeName} env_file): never commit this file.\n${secretEnv.map(([k, v]) => `${k}=${v}`).join('\n')}\n`,
              sensitive: true,
            },
          ]
        : []),
    ]);
  }

  /**
   * README.Docker.md next to compose.yaml, from compose.yaml and the generated Dockerfiles: the ones this
   * generator is writing now, else what earlier generators of this run wrote (mem-fs), else the disk.
   */
  private readmeOutput(root: string, composeName: string, composeText: string, rendered: OutputFile[]): OutputFile {
    const now = new Map(rendered.map((file) => [this.absolute(file.path), file.contents]));
    const read = (path: string) => {
      const abs = join(root, path);
      if (now.has(abs)) return now.get(abs);
      return this.fs.exists(abs) ? this.fs.read(abs) : undefined;
    };
    return {
      path: join(root, README_FILE),
      template: 'shared/README.Docker.md.ejs',
      data: { ...readmeData(composeText, read), composeFile: composeName },
    };
  }

  private absolute(path: string): string {
    return isAbsolute(path) ? path : this.destinationPath(path);
  }

  protected skipped: string[] = [];
  /** Options without a prompt whose value is the answer saved in .yo-rc.json (not given this time). */
  private restored = new Set<string>();
  protected preset?: Preset;
  protected drift: string[] = [];

  /** --check: fail (exit 1) with the diff when a generated file differs from what is on disk. */
  reportCheck(): void {
    if (!this.options.check) return;
    if (this.drift.length) {
      throw new DriftError(
        `generated files differ from the saved answers (rerun without --check to update them):\n${this.drift.join('\n')}`,
      );
    }
    this.log('check: every generated file matches the saved answers');
  }

  /** A random value for a runtime secret file created on first run (never printed). */
  /**
   * secrets/ (written by the Yeoman file system with the default modes) is the owner's alone: 0700, so no
   * other user of the host reads a password. The files stay 0644: compose bind-mounts each one into its
   * containers, where the non-root user reads it (the folder's mode does not apply to a file's own mount).
   */
  private protectSecrets(): void {
    if (this.options.check) return;
    const dir = join(String(this.options.composeRoot ?? this.destinationRoot()), 'secrets');
    if (existsSync(dir) && (statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  }

  protected randomSecret(): string {
    return `${randomBytes(24).toString('base64url')}\n`;
  }
}

/**
 * The .dockerignore output for a service: built from a context elsewhere (a workspace root), it is named
 * `Dockerfile.dockerignore` (BuildKit reads the ignore file next to the Dockerfile), and the secrets folder
 * beside compose.yaml is named by its path in that context too (a member's own, when it has its compose.yaml).
 */
function ignoreFileFor(file: OutputFile, spec: ServiceSpec, secretsInContext: string, dockerfile: string): OutputFile {
  if (!spec.dockerfile) return file;
  const data = file.data as { groups: Array<{ comment: string; entries: string[] }> };
  // (compose.yaml above the context, e.g. a workspace in a subfolder of the repository: not in the context.)
  const secrets = [...new Set(['secrets', ...(secretsInContext.startsWith('..') ? [] : [secretsInContext])])];
  const groups = data.groups.map((g) => ({ ...g, entries: g.entries.flatMap((e) => (e === 'secrets' ? secrets : [e])) }));
  return { ...file, path: join(dirname(dockerfile), 'Dockerfile.dockerignore'), data: { ...data, groups } };
}

/** An output file's text: its contents, or its template rendered with its data. */
function renderOutput(file: OutputFile): string | undefined {
  if (file.contents !== undefined || !file.template) return file.contents;
  return render(file.template, file.data ?? {});
}

/**
 * Yeoman's commit forces its own .yo-rc.json through the conflicter (it never asks about it), so a new one
 * is reported as `force`. In the conflicts step (after every generator has written, just before Yeoman
 * commits the rest), commit the new ones first and report them as created.
 */
export function queueCommitNewConfig(generator: Generator): void {
  const fresh = (file: { path: string; state?: string }) =>
    file.state === 'modified' && basename(file.path) === '.yo-rc.json' && !existsSync(file.path);
  const method = async () => {
    const env = generator.env as unknown as { sharedFs: { all(): Array<{ path: string }> }; logCwd?: string; cwd: string };
    const paths = env.sharedFs
      .all()
      .filter(fresh)
      .map((file) => file.path);
    if (!paths.length) return;
    await generator.fs.commit({ filter: fresh } as never);
    for (const path of paths) generator.env.adapter.log.create(relative(env.logCwd ?? env.cwd, path));
  };
  generator.queueTask({ method, taskName: 'commitNewConfig', queueName: 'conflicts', once: true } as never);
}

/** An option given a value (Yeoman leaves the ones not given undefined). */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
