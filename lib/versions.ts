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

// Python versions bounded by pinned packages. A package release that predates a Python release has no
// wheels for it, or fails on it (Django 3.2 imports `cgi`, removed in Python 3.13: `No module named 'cgi'`).
// Each row: the package's release line and the newest Python it supports, from the project's own notes.

export interface PackageBound {
  /** PEP 503 name. */
  package: string;
  /** Display name for the fact. */
  display: string;
  /** Release lines (major.minor) and the newest Python line each supports; lines not listed are unbounded. */
  lines: Record<string, string>;
}

/** As of 2026-11. Update a row when a package's release notes add a Python version to a line. */
export const PYTHON_BOUNDS: PackageBound[] = [
  // https://docs.djangoproject.com/en/dev/faq/install/#what-python-version-can-i-use-with-django
  // (3.2: 3.6-3.10, 3.10 added in 3.2.9; 4.0: 3.8-3.10; 4.1: 3.8-3.11; 4.2: 3.8-3.12, 3.12 in 4.2.8;
  // 5.0: 3.10-3.12; 5.1: 3.10-3.13; 5.2: 3.10-3.14, 3.14 in 5.2.8; 6.0: 3.12-3.14)
  {
    package: 'django',
    display: 'Django',
    lines: {
      '2.2': '3.9',
      '3.0': '3.9',
      '3.1': '3.9',
      '3.2': '3.10',
      '4.0': '3.10',
      '4.1': '3.11',
      '4.2': '3.12',
      '5.0': '3.12',
      '5.1': '3.13',
      '5.2': '3.14',
      '6.0': '3.14',
    },
  },
  // https://numpy.org/doc/stable/release.html: "This release supports Python 3.x-3.y" in each release's notes
  // (1.21: 3.7-3.10; 1.23-1.24: 3.8-3.11; 1.25: 3.9-3.11; 1.26 and 2.0: 3.9-3.12; 2.1-2.2: 3.10-3.13; 2.3: 3.11-3.14)
  {
    package: 'numpy',
    display: 'numpy',
    lines: {
      '1.21': '3.10',
      '1.22': '3.10',
      '1.23': '3.11',
      '1.24': '3.11',
      '1.25': '3.11',
      '1.26': '3.12',
      '2.0': '3.12',
      '2.1': '3.13',
      '2.2': '3.13',
      '2.3': '3.14',
    },
  },
  // https://pandas.pydata.org/docs/whatsnew/ ("Increased minimum version for Python" and wheels per release:
  // 1.5: up to 3.11; 2.0: 3.8-3.11; 2.1-2.2: up to 3.12, 3.13 wheels from 2.2.3; 2.3: up to 3.13, 3.14 from 2.3.3)
  {
    package: 'pandas',
    display: 'pandas',
    lines: { '1.3': '3.10', '1.4': '3.10', '1.5': '3.11', '2.0': '3.11', '2.1': '3.12', '2.2': '3.13', '2.3': '3.14' },
  },
  // https://www.psycopg.org/docs/news.html (2.9.5: Python 3.11 wheels; 2.9.9: 3.12; 2.9.10: 3.13; 2.9.11: 3.14)
  {
    package: 'psycopg2-binary',
    display: 'psycopg2-binary',
    lines: { '2.8': '3.9', '2.9.0': '3.10', '2.9.5': '3.11', '2.9.9': '3.12', '2.9.10': '3.13', '2.9.11': '3.14' },
  },
  // https://docs.celeryq.dev/en/stable/history/ ("What's new" per release: 4.4: 3.5-3.8; 5.0-5.1: 3.6-3.9;
  // 5.2: 3.7-3.11 (its CLI calls entry_points().get, gone in Python 3.12); 5.3-5.4: 3.8-3.12; 5.5: 3.8-3.13)
  {
    package: 'celery',
    display: 'Celery',
    lines: { '4.4': '3.8', '5.0': '3.9', '5.1': '3.9', '5.2': '3.11', '5.3': '3.12', '5.4': '3.12', '5.5': '3.13' },
  },
  // https://github.com/pydantic/pydantic-core/releases (binary wheels: 3.12 from 2.10, 3.13 from 2.20, 3.14 from 2.35)
  {
    package: 'pydantic-core',
    display: 'pydantic-core',
    lines: { '2.9': '3.11', '2.10': '3.12', '2.19': '3.12', '2.20': '3.13', '2.34': '3.13', '2.35': '3.14' },
  },
];

/**
 * The newest Python a pinned package version supports, when the table knows it: the row with the greatest
 * start at or below the version (`2.9.5` for psycopg2-binary 2.9.7, `3.2` for Django 3.2.25). A version of
 * a newer line than the table's last row is not bounded (the table predates it).
 */
export function pythonBoundOf(pkg: string, version: string): { max: string; row: string; display: string } | undefined {
  const row = PYTHON_BOUNDS.find((b) => b.package === pkg);
  const v = semver.coerce(version);
  if (!row || !v) return undefined;
  const rows = Object.entries(row.lines)
    .map(([key, max]) => ({ key, max, start: semver.coerce(key) as semver.SemVer }))
    .sort((a, b) => semver.compare(a.start, b.start));
  const last = rows[rows.length - 1];
  if (v.major > last.start.major || (v.major === last.start.major && v.minor > last.start.minor)) return undefined;
  const best = rows.filter((r) => semver.lte(r.start, v)).pop();
  return best ? { max: best.max, row: best.key, display: row.display } : undefined;
}
