// Rule checks on generated Dockerfiles, from a dockerfile-ast parse (not regexes on the text),
// and on compose.yaml (Compose specification schema) and .dockerignore (Docker's own matching).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { Ajv } from 'ajv';
import { type Copy, DockerfileParser, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { ROOT } from './fixtures.ts';

interface IgnoreMatcher {
  add(patterns: string[]): IgnoreMatcher;
  ignores(path: string): boolean;
}
// A CommonJS module: its default export is module.exports itself at run time.
const dockerignore = ((dockerignoreModule as unknown as { default?: unknown }).default ?? dockerignoreModule) as (options?: {
  ignorecase?: boolean;
}) => IgnoreMatcher;

export interface Finding {
  rule: string;
  line: number;
  message: string;
}

const STAGE_ORDER = ['deps', 'build', 'test', 'runtime'];
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)/i;
/** Manifests that must be copied before the source so the dependency install stays cached. */
const MANIFESTS =
  /^(package\.json|package-lock\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lockb?|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(\.lock)?|pdm\.lock|requirements.*\.txt|go\.mod|go\.sum)$/;

const lineOf = (i: Instruction) => i.getRange().start.line + 1;
const isExecForm = (i: Instruction) =>
  (i as JSONInstruction).getOpeningBracket?.() !== null && (i as JSONInstruction).getOpeningBracket?.() !== undefined;

/** Resolve `${ARG}` in a FROM image with the global ARG defaults. */
function resolveImage(from: From, args: Map<string, string>): string {
  return (from.getImage() ?? '').replace(/\$\{?(\w+)\}?/g, (_, name) => args.get(name) ?? `\${${name}}`);
}

export function checkDockerfile(text: string, options: { distroless?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, line: number, message: string) => findings.push({ rule, line, message });
  const df = DockerfileParser.parse(text);
  const instructions = df.getInstructions();

  const globalArgs = new Map<string, string>();
  for (const i of instructions) {
    if (i.getKeyword() === 'FROM') break;
    if (i.getKeyword() === 'ARG') {
      const [name, value] = (i.getArgumentsContent() ?? '').split('=');
      if (value !== undefined) globalArgs.set(name.trim(), value.trim());
      else add('arg-default', lineOf(i), `global ARG ${name} has no concrete default`);
    }
  }

  const first = text.split('\n')[0];
  if (first !== '# syntax=docker/dockerfile:1') add('syntax', 1, 'first line must be # syntax=docker/dockerfile:1');

  // Stages: named, lowercase, in order, COPY --from only earlier stages.
  const froms = df.getFROMs();
  const stages: string[] = [];
  for (const from of froms) {
    const stage = from.getBuildStage();
    const line = lineOf(from);
    if (!stage) add('stage-named', line, 'every stage needs a name (FROM ... AS name)');
    else if (stage !== stage.toLowerCase()) add('stage-lowercase', line, `stage "${stage}" must be lowercase`);
    const image = resolveImage(from, globalArgs);
    // `scratch` is Docker's reserved empty image: it has no tag to pin.
    if (!stages.includes(from.getImageName() ?? '') && image !== 'scratch') {
      if (image.includes('${')) add('pinned-base', line, `base image ${image} uses an ARG without a default`);
      else if (!/:[\w.-]+/.test(image.replace(/^[^/]*:\d+\//, '')) || /:latest(@|$)/.test(image))
        add('pinned-base', line, `base image ${image} is not pinned to a tag`);
    }
    if (stage) stages.push(stage);
  }
  const known = stages.filter((s) => STAGE_ORDER.includes(s));
  const sorted = [...known].sort((a, b) => STAGE_ORDER.indexOf(a) - STAGE_ORDER.indexOf(b));
  if (known.join() !== sorted.join()) add('stage-order', 1, `stages ${known.join(', ')} are not in the order ${STAGE_ORDER.join(' -> ')}`);
  if (stages.at(-1) !== 'runtime') add('stage-runtime', 1, 'the last stage must be "runtime"');

  for (const copy of df.getCOPYs() as Copy[]) {
    const fromFlag = copy.getFromFlag()?.getValue();
    if (!fromFlag) continue;
    const own = copy.getRange().start.line;
    const current = froms.filter((f) => f.getRange().start.line < own).length - 1;
    const idx = stages.indexOf(fromFlag);
    if (idx === -1 || idx >= current) add('copy-from-earlier', lineOf(copy), `COPY --from=${fromFlag} must name an earlier stage`);
  }

  for (const i of instructions) {
    const kw = i.getKeyword();
    if (kw === 'ADD') add('no-add', lineOf(i), 'use COPY, not ADD');
    if (kw === 'WORKDIR' && !(i.getArgumentsContent() ?? '').startsWith('/'))
      add('workdir-absolute', lineOf(i), 'WORKDIR must be absolute');
    if (kw === 'ARG' || kw === 'ENV') {
      for (const part of (i.getArgumentsContent() ?? '').split(/\s+/)) {
        const name = part.split('=')[0];
        if (name && SECRET_NAME.test(name) && !/_FILE$/.test(name))
          add('no-secret-arg-env', lineOf(i), `${kw} ${name} looks like a secret: use RUN --mount=type=secret`);
      }
    }
  }

  // The final stage.
  const lastFrom = froms.at(-1);
  const finalInstr = lastFrom ? instructions.filter((i) => i.getRange().start.line >= lastFrom.getRange().start.line) : [];
  const users = finalInstr.filter((i) => i.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent() ?? '';
  if (!/^\d+(:\d+)?$/.test(user))
    add('numeric-user', users.at(-1) ? lineOf(users.at(-1)!) : 1, `final USER must be numeric uid[:gid], got "${user}"`);
  else if (user.split(':')[0] === '0') add('non-root', lineOf(users.at(-1)!), 'final USER must not be root');
  const cmds = finalInstr.filter((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  for (const c of cmds) if (!isExecForm(c)) add('exec-form', lineOf(c), `${c.getKeyword()} must use the exec (JSON) form`);
  const healthchecks = instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  const finalHealth = finalInstr.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  if (healthchecks.length !== 1 || finalHealth.length !== 1)
    add('one-healthcheck', 1, `exactly one HEALTHCHECK, in the final stage (found ${healthchecks.length})`);
  for (const h of finalHealth) {
    const args = (h.getArgumentsContent() ?? '').replace(/--\S+\s+/g, '');
    const cmd = /^CMD\s+(.*)$/s.exec(args)?.[1]?.trim() ?? '';
    if (!cmd.startsWith('[')) add('healthcheck-exec', lineOf(h), 'HEALTHCHECK CMD must be exec form');
    else if (options.distroless) {
      const program = JSON.parse(cmd)[0] as string;
      if (/(^|\/)(sh|bash|curl|wget)$/.test(program)) add('healthcheck-no-shell', lineOf(h), `distroless has no ${program}`);
    }
  }
  for (const copy of finalInstr.filter((i) => i.getKeyword() === 'COPY') as Copy[]) {
    const flags = copy.getFlags().map((f) => f.getName());
    const src = copy.getArguments()[0]?.getValue() ?? '';
    // Static binaries (tini, probes) may stay root-owned; app files are chowned to the runtime user.
    if (!flags.includes('chown') && !/\/(tini|tini-static|healthcheck|probe)$/.test(src))
      add('copy-chown', lineOf(copy), 'COPY into the runtime stage needs --chown');
  }

  // Manifests before source: in each stage, a COPY of a manifest comes before the first `COPY . .`.
  for (const from of froms) {
    const start = from.getRange().start.line;
    const next = froms.find((f) => f.getRange().start.line > start)?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    const copies = (df.getCOPYs() as Copy[]).filter(
      (c) => c.getRange().start.line > start && c.getRange().start.line < next && !c.getFromFlag(),
    );
    const sourceIdx = copies.findIndex((c) => c.getArguments()[0]?.getValue() === '.');
    copies.forEach((c, idx) => {
      const srcs = c
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue().replace(/^\.\//, ''));
      if (sourceIdx !== -1 && idx > sourceIdx && srcs.some((s) => MANIFESTS.test(s))) {
        add('manifests-first', lineOf(c), 'dependency manifests must be copied before the source');
      }
    });
  }

  for (const d of validate(text)) add(`dockerfile-utils:${d.code ?? 'diagnostic'}`, d.range.start.line + 1, String(d.message));
  return findings;
}

/** The runtime user declared by the final stage. */
export function finalUser(text: string): string | undefined {
  const df = DockerfileParser.parse(text);
  const lastFrom = df.getFROMs().at(-1);
  return (
    df
      .getInstructions()
      .filter((i) => i.getKeyword() === 'USER' && lastFrom && i.getRange().start.line > lastFrom.getRange().start.line)
      .at(-1)
      ?.getArgumentsContent() ?? undefined
  );
}

let composeValidator: ReturnType<Ajv['compile']> | undefined;

export function checkCompose(text: string): Finding[] {
  const findings: Finding[] = [];
  const data = parseYaml(text) as Record<string, unknown>;
  if (data && 'version' in data) findings.push({ rule: 'compose-no-version', line: 1, message: 'the version key is obsolete' });
  if (!data?.name) findings.push({ rule: 'compose-name', line: 1, message: 'compose.yaml needs a top-level name' });
  if (!composeValidator) {
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(join(ROOT, 'test', 'schema', 'compose-spec.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    composeValidator = ajv.compile(schema);
  }
  if (!composeValidator(data)) {
    for (const e of composeValidator.errors ?? [])
      findings.push({ rule: 'compose-schema', line: 1, message: `${e.instancePath} ${e.message}` });
  }
  return findings;
}

/** Paths the Dockerfile copies from the build context (not from stages). */
export function contextCopySources(text: string): string[] {
  const df = DockerfileParser.parse(text);
  return (df.getCOPYs() as Copy[])
    .filter((c) => !c.getFromFlag())
    .flatMap((c) =>
      c
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue().replace(/^\.\//, '')),
    )
    .filter((s) => !s.startsWith('--'));
}

/**
 * Every context file the Dockerfile copies survives the .dockerignore; secrets and history do not.
 * `files` lists the project's files (relative paths).
 */
export function checkDockerignore(ignoreText: string, dockerfileText: string, files: string[]): Finding[] {
  const findings: Finding[] = [];
  const ig = dockerignore({ ignorecase: false }).add(ignoreText.split('\n'));
  for (const src of contextCopySources(dockerfileText)) {
    if (src === '.') continue;
    const matching = files.filter((f) => f === src || f.startsWith(`${src}/`));
    for (const f of matching)
      if (ig.ignores(f))
        findings.push({ rule: 'dockerignore-copied', line: 1, message: `${f} is copied by the Dockerfile but excluded by .dockerignore` });
  }
  // Typical secrets, and the secret files the generator wrote beside compose.yaml (wherever that is in the context).
  const written = files.filter((f) => /(^|\/)secrets\//.test(f));
  for (const secret of ['.git/config', '.env', '.env.local', 'id_rsa', 'server.pem', 'secrets/app_secret.txt', ...written]) {
    if (!ig.ignores(secret)) findings.push({ rule: 'dockerignore-secrets', line: 1, message: `${secret} is not excluded` });
  }
  return findings;
}
