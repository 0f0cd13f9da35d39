// Runtime release catalog and version resolution. The catalog is data, reviewed when a release
// ships: resolution never depends on today's date, so the same project always gives the same file.
import semver from 'semver';
import { type Fact, fact } from './facts.ts';

export type Runtime = 'node' | 'python' | 'go';

export interface ReleaseLine {
  /** Image tag version: '26' for Node, '3.14' for Python, '1.27' for Go. */
  line: string;
  /** Only LTS lines are chosen for Node ranges; every listed Python/Go line is supported. */
  lts: boolean;
  /** End of life, ISO date (for the message). */
  eol: string;
  supported: boolean;
}

/** As of 2026-11. Newest first. */
export const RELEASES: Record<Runtime, ReleaseLine[]> = {
  node: [
    { line: '26', lts: true, eol: '2029-04-30', supported: true },
    { line: '25', lts: false, eol: '2026-06-01', supported: false },
    { line: '24', lts: true, eol: '2028-04-30', supported: true },
    { line: '23', lts: false, eol: '2025-06-01', supported: false },
    { line: '22', lts: true, eol: '2027-04-30', supported: true },
    { line: '21', lts: false, eol: '2024-06-01', supported: false },
    { line: '20', lts: true, eol: '2026-04-30', supported: false },
    { line: '18', lts: true, eol: '2025-04-30', supported: false },
    { line: '16', lts: true, eol: '2023-09-11', supported: false },
  ],
  python: [
    { line: '3.15', lts: true, eol: '2031-10', supported: true },
    { line: '3.14', lts: true, eol: '2030-10', supported: true },
    { line: '3.13', lts: true, eol: '2029-10', supported: true },
    { line: '3.12', lts: true, eol: '2028-10', supported: true },
    { line: '3.11', lts: true, eol: '2027-10', supported: true },
    { line: '3.10', lts: true, eol: '2026-10', supported: false },
    { line: '3.9', lts: true, eol: '2025-10', supported: false },
    { line: '3.8', lts: true, eol: '2024-10', supported: false },
  ],
  go: [
    { line: '1.27', lts: true, eol: 'when 1.29 ships', supported: true },
    { line: '1.26', lts: true, eol: 'when 1.28 ships', supported: true },
    { line: '1.25', lts: true, eol: '2026-08', supported: false },
    { line: '1.24', lts: true, eol: '2026-02', supported: false },
    { line: '1.23', lts: true, eol: '2025-08', supported: false },
    { line: '1.22', lts: true, eol: '2025-02', supported: false },
  ],
};

export interface ResolvedVersion {
  /** The version part of the image tag: '26', '22.11.0', '3.13', '1.27'. */
  tag: string;
  /** The release line ('26', '3.13', '1.27'): distroless images are named by it. */
  line: string;
  /** True when the project pinned an exact release, which is kept as is. */
  exact: boolean;
  /** Set when the only match is an end-of-life line. */
  warning?: string;
}

/** The newest supported line (the default when the project says nothing). */
export function currentLine(runtime: Runtime): string {
  const line = RELEASES[runtime].find((r) => r.supported && r.lts);
  if (!line) throw new Error(`no supported ${runtime} release in the catalog`);
  return line.line;
}

const lineOfVersion = (runtime: Runtime, v: semver.SemVer) => (runtime === 'node' ? String(v.major) : `${v.major}.${v.minor}`);

/** Lowest version of a line as semver, for range tests. */
const lineRange = (runtime: Runtime, line: string) => (runtime === 'node' ? `${line}.x` : `${line}.x`);

/**
 * Resolve a version spec from a project file.
 * - an exact release (`22.11.0`, `3.12.7`, `go1.26.3`) is kept;
 * - a line (`22`, `3.12`) is kept as the line;
 * - a range or minimum resolves to the newest supported (and for Node, LTS) line that satisfies it.
 */
export function resolveVersion(runtime: Runtime, rawSpec: string, source: string): Fact<ResolvedVersion> {
  const spec = normalizeSpec(runtime, rawSpec);
  const exact = semver.valid(spec);
  if (exact) {
    const v = new semver.SemVer(exact);
    const line = lineOfVersion(runtime, v);
    return fact({ tag: exact, line, exact: true, warning: eolWarning(runtime, line) }, source, `exact pin ${rawSpec.trim()} kept`);
  }
  const lines = RELEASES[runtime];
  // A bare line such as `22` or `3.12`: keep it.
  if (/^\d+(\.\d+)?$/.test(spec) && (runtime === 'node' ? /^\d+$/.test(spec) : /^\d+\.\d+$/.test(spec))) {
    return fact({ tag: spec, line: spec, exact: false, warning: eolWarning(runtime, spec) }, source, `${rawSpec.trim()} kept`);
  }
  const range = semver.validRange(spec);
  if (!range) throw new Error(`"${rawSpec}" is not a version or a version range`);
  const candidates = lines.filter((r) => semver.intersects(range, lineRange(runtime, r.line)));
  const chosen = candidates.find((r) => r.supported && r.lts);
  if (chosen) {
    const kind = runtime === 'node' ? 'newest LTS' : 'newest supported release';
    return fact({ tag: chosen.line, line: chosen.line, exact: false }, source, `${kind} satisfying ${rawSpec.trim()}`);
  }
  const fallback = candidates[0];
  if (!fallback) throw new Error(`no known ${runtime} release satisfies "${rawSpec}"`);
  return fact(
    { tag: fallback.line, line: fallback.line, exact: false, warning: eolWarning(runtime, fallback.line) },
    source,
    `only ${fallback.line} satisfies ${rawSpec.trim()}`,
  );
}

function eolWarning(runtime: Runtime, line: string): string | undefined {
  const entry = RELEASES[runtime].find((r) => r.line === line);
  if (entry && !entry.supported) return `${runtime} ${line} reached end of life (${entry.eol}): no security fixes; upgrade`;
  return undefined;
}

function normalizeSpec(runtime: Runtime, raw: string): string {
  let spec = raw.trim();
  if (runtime === 'go') spec = spec.replace(/^go/, '');
  spec = spec.replace(/^v(?=\d)/, '');
  if (runtime === 'python') {
    // PEP 440 specifiers to semver: `>=3.10,<4` -> `>=3.10 <4`, `~=3.11` -> `>=3.11 <4`, `==3.12.*` -> `3.12.x`.
    spec = spec
      .split(',')
      .map((part) => {
        const p = part.trim();
        const compat = /^~=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(p);
        if (compat)
          return compat[3]
            ? `>=${compat[1]}.${compat[2]}.${compat[3]} <${compat[1]}.${Number(compat[2]) + 1}`
            : `>=${compat[1]}.${compat[2]} <${Number(compat[1]) + 1}`;
        return p
          .replace(/^==\s*/, '')
          .replace(/\.\*$/, '.x')
          .replace(/^!=.*$/, '');
      })
      .filter(Boolean)
      .join(' ');
  }
  if (runtime === 'go' && /^\d+\.\d+$/.test(spec)) {
    // A go.mod `go` line is a minimum, not a pin.
    return `>=${spec}`;
  }
  return spec;
}

// Version files: `.nvmrc`, `.python-version`, `.tool-versions`.

/** The first non-empty line of a version file, without comments. */
export function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .find(Boolean);
  return line || undefined;
}

/** A tool's version from asdf/mise `.tool-versions`. */
export function toolVersion(text: string | undefined, tools: string[]): string | undefined {
  if (!text) return undefined;
  for (const raw of text.split(/\r?\n/)) {
    const [tool, version] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (tool && version && tools.includes(tool)) return version;
  }
  return undefined;
}

/** Whether a release line (e.g. '3.13') satisfies a project's version spec (a line, a pin or a range). */
export function lineSatisfies(runtime: Runtime, rawSpec: string, line: string): boolean {
  const spec = normalizeSpec(runtime, rawSpec);
  const exact = semver.valid(spec);
  if (exact) return lineOfVersion(runtime, new semver.SemVer(exact)) === line;
  if (/^\d+(\.\d+)?$/.test(spec)) return spec === line;
  const range = semver.validRange(spec);
  return range ? semver.intersects(range, lineRange(runtime, line)) : false;
}
