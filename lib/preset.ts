// Team presets (`--preset team.json` or `--preset @acme/dockerstack-preset`): defaults and constraints a
// team shares. Loading and validation are pure over the files (ProjectFiles rooted at /), so they are
// tested with memory files; applying a preset to a rendered Dockerfile is a pure text transform that
// keeps the language plans preset-agnostic.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Language } from './discover.ts';
import { InputError, parseJsonFile } from './errors.ts';
import { GO_RUNTIMES, NODE_RUNTIMES, NONROOT, PYTHON_RUNTIMES, type User } from './images.ts';
import { labelLines } from './labels.ts';
import { parsePath } from './options.ts';
import type { ProjectFiles } from './project.ts';

export interface PresetSettings {
  /** Put in front of every base image reference, e.g. `mirror.example.com/library/`. */
  registry?: string;
  /** The default runtime variant per language. */
  runtime?: Partial<Record<Language, string>>;
  /** The runtime user instead of the generator's 65532:65532. */
  user?: User;
  /** Labels every image must carry (added to the runtime stage's LABEL). */
  labels?: Record<string, string>;
  /** The default healthcheck path. */
  healthPath?: string;
  /** Options users may not change: `runtime`, `health-path`. */
  locked?: string[];
}

export interface Preset extends PresetSettings {
  /** Where the settings came from, for messages: the file as given, or `<package>/<file>`. */
  source: string;
}

/** The option each lockable preset setting gives the default of. */
const LOCKABLE: Record<string, keyof PresetSettings> = { runtime: 'runtime', 'health-path': 'healthPath' };
const KEYS = new Set(['$schema', 'registry', 'runtime', 'user', 'labels', 'healthPath', 'locked']);
const RUNTIMES: Record<Language, readonly string[]> = { node: NODE_RUNTIMES, python: PYTHON_RUNTIMES, go: GO_RUNTIMES };
/** A registry host (with an optional port) and path, ending with `/`: `mirror.example.com/library/`. */
const REGISTRY = /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?\/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*$/;
/** Label keys: lowercase reverse-DNS words, as the OCI annotation rules recommend. */
const LABEL_KEY = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;
const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;
/** The file a preset package holds when its `main` is not a JSON file. */
export const PRESET_PACKAGE_FILE = 'dockerstack-preset.json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate a preset's settings; every problem names the preset file and the key. */
export function validatePreset(source: string, raw: unknown): Preset {
  const fail = (problem: string): never => {
    throw new InputError(source, problem);
  };
  if (!isObject(raw)) return fail('a preset must be a JSON object');
  for (const key of Object.keys(raw))
    if (!KEYS.has(key)) fail(`unknown key "${key}"; a preset may set: ${[...KEYS].filter((k) => k !== '$schema').join(', ')}`);
  const preset: Preset = { source };

  if (raw.registry !== undefined) {
    if (typeof raw.registry !== 'string' || !REGISTRY.test(raw.registry))
      fail(
        `"registry": ${JSON.stringify(raw.registry)} is not a registry prefix such as "mirror.example.com/library/" (host, path, ending with /)`,
      );
    preset.registry = raw.registry as string;
  }
  if (raw.runtime !== undefined) {
    if (!isObject(raw.runtime)) fail('"runtime" must map languages to runtime variants, e.g. {"node": "slim"}');
    const runtime: Partial<Record<Language, string>> = {};
    for (const [lang, variant] of Object.entries(raw.runtime as Record<string, unknown>)) {
      const choices = RUNTIMES[lang as Language];
      if (!choices) fail(`"runtime.${lang}": unknown language; use ${Object.keys(RUNTIMES).join(', ')}`);
      if (typeof variant !== 'string' || !choices.includes(variant))
        fail(`"runtime.${lang}": ${JSON.stringify(variant)} is not a ${lang} runtime; use one of: ${choices.join(', ')}`);
      runtime[lang as Language] = variant as string;
    }
    preset.runtime = runtime;
  }
  if (raw.user !== undefined) {
    if (!isObject(raw.user)) fail('"user" must be {"uid": <number>, "gid": <number>}');
    const user = raw.user as Record<string, unknown>;
    for (const key of Object.keys(user)) if (key !== 'uid' && key !== 'gid') fail(`"user": unknown key "${key}"; use uid and gid`);
    for (const key of ['uid', 'gid'] as const) {
      const id = user[key];
      if (!Number.isInteger(id) || (id as number) < 1 || (id as number) > 2147483647)
        fail(`"user.${key}": ${JSON.stringify(id)} is not a non-root numeric id (1-2147483647)`);
    }
    preset.user = { uid: user.uid as number, gid: user.gid as number };
  }
  if (raw.labels !== undefined) {
    if (!isObject(raw.labels)) fail('"labels" must map label keys to values, e.g. {"org.opencontainers.image.vendor": "Acme"}');
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.labels as Record<string, unknown>)) {
      if (!LABEL_KEY.test(key)) fail(`"labels": "${key}" is not a label key (lowercase words separated by . or -)`);
      if (typeof value !== 'string' || value === '' || /[\n\r$]/.test(value))
        fail(`"labels.${key}": ${JSON.stringify(value)} must be a non-empty one-line string without $`);
      labels[key] = value as string;
    }
    preset.labels = labels;
  }
  if (raw.healthPath !== undefined) {
    try {
      preset.healthPath = parsePath(raw.healthPath, 'healthPath');
    } catch {
      fail(`"healthPath": ${JSON.stringify(raw.healthPath)} is not a URL path starting with /`);
    }
  }
  if (raw.locked !== undefined) {
    if (!Array.isArray(raw.locked) || raw.locked.some((o) => typeof o !== 'string'))
      fail('"locked" must be a list of option names, e.g. ["runtime"]');
    for (const option of raw.locked as string[]) {
      const key = LOCKABLE[option];
      if (!key) fail(`"locked": "${option}" cannot be locked; lockable options: ${Object.keys(LOCKABLE).join(', ')}`);
      if (preset[key] === undefined) fail(`"locked": "${option}" is locked but the preset sets no "${key}" to lock it to`);
    }
    preset.locked = [...(raw.locked as string[])];
  }
  return preset;
}

/** One line for the facts: what the preset sets. */
export function presetSummary(preset: Preset): string {
  const parts = [
    preset.registry && `registry ${preset.registry}`,
    preset.user && `user ${preset.user.uid}:${preset.user.gid}`,
    preset.labels && `labels ${Object.keys(preset.labels).join(', ')}`,
    preset.locked?.length && `locked ${preset.locked.join(', ')}`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'defaults only';
}

/** A preset's settings without its source (what .yo-rc.json keeps). */
export function presetSettings(preset: Preset): PresetSettings {
  const { source: _source, ...settings } = preset;
  return settings;
}

/**
 * Load `--preset <ref>`: a JSON file (relative to `cwd`), or an npm package found in `node_modules` from
 * `cwd` up, whose `main` names the JSON file (else dockerstack-preset.json). `files` reads absolute paths.
 */
export function loadPreset(ref: string, cwd: string, files: ProjectFiles): Preset {
  const isPackage = !ref.endsWith('.json') && NPM_NAME.test(ref) && !ref.startsWith('.');
  if (!isPackage) {
    const path = isAbsolute(ref) ? ref : resolve(cwd, ref);
    const text = files.read(path);
    if (text === undefined) throw new InputError(ref, 'preset file not found (--preset takes a .json file or an npm package name)');
    return validatePreset(ref, parseJsonFile(ref, text));
  }
  let dir = resolve(cwd);
  for (;;) {
    const pkgDir = join(dir, 'node_modules', ref);
    const manifestText = files.read(join(pkgDir, 'package.json'));
    if (manifestText !== undefined) {
      const manifestLabel = `${ref}/package.json`;
      const manifest = parseJsonFile<{ main?: unknown }>(manifestLabel, manifestText);
      const file =
        typeof manifest.main === 'string' && manifest.main.endsWith('.json') ? manifest.main.replace(/^\.\//, '') : PRESET_PACKAGE_FILE;
      const label = `${ref}/${file}`;
      const text = files.read(join(pkgDir, file));
      if (text === undefined)
        throw new InputError(label, `not found: the preset package names no JSON "main" and has no ${PRESET_PACKAGE_FILE}`);
      return validatePreset(label, parseJsonFile(label, text));
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InputError(
    `--preset ${ref}`,
    `no npm package "${ref}" in node_modules (looked from ${cwd} up); install it, or pass a preset .json file`,
  );
}

/** The preset's value for an option of a language's generator, if it sets one. */
export function presetValue(preset: Preset | undefined, option: string, language: string): string | undefined {
  if (!preset) return undefined;
  if (option === 'runtime') return preset.runtime?.[language as Language];
  if (option === 'health-path') return preset.healthPath;
  return undefined;
}

export const isLocked = (preset: Preset | undefined, option: string) => Boolean(preset?.locked?.includes(option));

/** A value from `where` (an option or .yo-rc.json) that a locked preset setting forbids. */
export function lockedError(preset: Preset, option: string, locked: string, where: string, value: unknown): InputError {
  const fix = where.startsWith('--') ? `drop ${where}` : `remove "${option}" from ${where}`;
  return new InputError(preset.source, `locks ${option} to "${locked}"; ${where} "${value}" contradicts it (${fix}, or change the preset)`);
}

/** An image reference with the preset's registry prefix (stages, scratch and prefixed references stay). */
export function prefixImage(ref: string, registry: string | undefined, stages: ReadonlySet<string> = new Set()): string {
  if (!registry || ref === 'scratch' || stages.has(ref) || ref.startsWith(registry)) return ref;
  return `${registry}${ref}`;
}

const FROM = /^(FROM\s+(?:--\S+\s+)*)(\S+)(.*)$/;
const COPY_FROM = /(--from=)(\S+)/;

/**
 * The preset applied to a rendered Dockerfile: the registry prefix on every base image (FROM and
 * COPY --from=<image>), the preset user instead of 65532:65532 (USER, COPY --chown, a scratch image's
 * /etc/passwd and /etc/group), and the preset labels in the runtime stage's LABEL (a preset label
 * replaces the project's label with the same key).
 */
export function applyPresetToDockerfile(text: string, preset: Preset | undefined): string {
  if (!preset) return text;
  const stages = new Set<string>();
  let lines = text.split('\n').map((line) => {
    const from = FROM.exec(line);
    if (from) {
      const image = prefixImage(from[2], preset.registry, stages);
      const stage = /\s+AS\s+(\S+)/i.exec(from[3])?.[1];
      if (stage) stages.add(stage);
      return `${from[1]}${image}${from[3]}`;
    }
    if (/^COPY\s/.test(line))
      return line.replace(COPY_FROM, (_, flag, ref) => `${flag}${isImageRef(ref) ? prefixImage(ref, preset.registry, stages) : ref}`);
    return line;
  });
  if (preset.user) {
    const { uid, gid } = preset.user;
    const pair = `${NONROOT.uid}:${NONROOT.gid}`;
    lines = lines.map((line) => line.replaceAll(pair, `${uid}:${gid}`).replaceAll(`nonroot:x:${NONROOT.gid}:\\n`, `nonroot:x:${gid}:\\n`));
  }
  if (preset.labels && Object.keys(preset.labels).length) lines = withLabels(lines, preset.labels);
  return lines.join('\n');
}

const isImageRef = (ref: string) => ref.includes(':') || ref.includes('/');

/** Merge labels into the last LABEL instruction (the runtime stage's), one `key="value"` per line. */
function withLabels(lines: string[], labels: Record<string, string>): string[] {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--)
    if (/^LABEL\s/.test(lines[i])) {
      start = i;
      break;
    }
  let end = start;
  while (end >= 0 && lines[end].endsWith('\\')) end++;
  const existing: Array<[string, string]> =
    start === -1
      ? []
      : lines
          .slice(start, end + 1)
          .map((l) => /([\w.-]+)=("(?:[^"\\]|\\.)*")/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1], JSON.parse(m[2]) as string]);
  const merged = new Map(existing);
  for (const [key, value] of Object.entries(labels)) merged.set(key, value);
  const instruction = labelLines([...merged]).split('\n');
  if (start !== -1) return [...lines.slice(0, start), ...instruction, ...lines.slice(end + 1)];
  // No LABEL yet: put one before the runtime stage's USER.
  const user = lines.findLastIndex((l) => /^USER\s/.test(l));
  const at = user === -1 ? lines.length : user;
  return [...lines.slice(0, at), ...instruction, ...lines.slice(at)];
}
