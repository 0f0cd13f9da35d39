// Pure parts of the benchmarks (bench/run.ts): statistics, overhead, the targets, the Markdown page and
// the SVG chart. No Docker here, so it is unit-tested (test/bench.test.ts).

/** One Dockerfile of one fixture, as measured. Times in seconds, sizes in bytes; medians over the runs. */
export interface Row {
  lang: string;
  fixture: string;
  /** `dockerstack runtime=distroless`, `naive`, `docker init`, `@flydotio/dockerfile 0.7.10`. */
  dockerfile: string;
  kind: 'dockerstack' | 'naive' | 'docker-init' | 'fly';
  /** The external image the final stage starts from ('scratch' for none). */
  runtimeBase: string;
  sizeBytes: number;
  baseBytes: number;
  /** The fixture's payload: its production dependencies and built output (same for every row of a fixture). */
  payloadBytes: number;
  coldS: number;
  /** Rebuild after a one-line source edit. */
  sourceS: number;
  /** Whether that rebuild re-ran the dependency install (false is what you want). */
  sourceReinstalled: boolean;
  /** Seconds the app's own build step (npm run build, go build, ...) took in the source rebuild. */
  buildStepS: number;
  /** Rebuild after a dependency manifest change. */
  depsS: number;
  depsReinstalled: boolean;
  runs: number;
  /** Each run's raw figures, for later comparison. */
  raw: { coldS: number[]; sourceS: number[]; depsS: number[]; buildStepS: number[] };
}

export interface Generation {
  lang: string;
  fixture: string;
  tool: string;
  medianS: number;
  runsS: number[];
}

export interface Results {
  date: string;
  machine: string;
  runs: number;
  engine: string;
  rows: Row[];
  generation: Generation[];
  notes: string[];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Image size minus the runtime base image minus the payload: what the Dockerfile adds that the app does not need. */
export const overhead = (row: Pick<Row, 'sizeBytes' | 'baseBytes' | 'payloadBytes'>) => row.sizeBytes - row.baseBytes - row.payloadBytes;

export const MiB = 1024 * 1024;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const mib = (bytes: number) => (bytes / MiB).toFixed(2);
const secs = (s: number) => s.toFixed(1);
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(3)}x` : '-');

/** The targets: the generated image as a fraction of the naive single-stage image, per language. */
export const NAIVE_RATIO_TARGET: Record<string, number> = { node: 0.15, python: 0.25, go: 0.05 };
export const OVERHEAD_TARGET = MiB;
/** A source-only rebuild may take the app's own build step plus this many seconds. */
export const REBUILD_SLACK_S = 3;

export interface Target {
  lang: string;
  fixture: string;
  target: string;
  measured: string;
  met: boolean;
  /** By how much it is missed and why, where not met. */
  note?: string;
}

/** Every target, for every fixture and every dockerstack row. */
export function targets(rows: Row[]): Target[] {
  const out: Target[] = [];
  for (const key of [...new Set(rows.map((r) => `${r.lang}/${r.fixture}`))]) {
    const group = rows.filter((r) => `${r.lang}/${r.fixture}` === key);
    const [lang, fixture] = key.split('/');
    const naive = group.find((r) => r.kind === 'naive');
    const init = group.find((r) => r.kind === 'docker-init');
    const fly = group.find((r) => r.kind === 'fly');
    for (const row of group.filter((r) => r.kind === 'dockerstack')) {
      const name = row.dockerfile;
      if (naive) {
        const r = ratio(row.sizeBytes, naive.sizeBytes);
        const goal = NAIVE_RATIO_TARGET[lang];
        out.push({
          lang,
          fixture,
          target: `${name}: at most ${goal}x the naive image`,
          measured: `${x(r)} (${mb(row.sizeBytes)} / ${mb(naive.sizeBytes)} MB)`,
          met: r <= goal,
          note:
            r <= goal
              ? undefined
              : `${x(r / goal)} the target; runtime base ${row.runtimeBase} alone is ${x(ratio(row.baseBytes, naive.sizeBytes))} the naive image`,
        });
      }
      for (const other of [init, fly]) {
        if (!other) continue;
        const r = ratio(row.sizeBytes, other.sizeBytes);
        out.push({
          lang,
          fixture,
          target: `${name}: smaller than ${other.dockerfile}`,
          measured: `${x(r)} (${mb(row.sizeBytes)} / ${mb(other.sizeBytes)} MB)`,
          met: r < 1,
          note:
            r < 1
              ? undefined
              : `${mb(row.sizeBytes - other.sizeBytes)} MB larger; bases ${row.runtimeBase} ${mb(row.baseBytes)} MB vs ${other.runtimeBase} ${mb(other.baseBytes)} MB`,
        });
      }
      const over = overhead(row);
      out.push({
        lang,
        fixture,
        target: `${name}: overhead under 1 MiB`,
        measured: `${mib(over)} MiB`,
        met: over < OVERHEAD_TARGET,
        note: over < OVERHEAD_TARGET ? undefined : `${mib(over - OVERHEAD_TARGET)} MiB over`,
      });
      const limit = row.buildStepS > 0 ? row.buildStepS + REBUILD_SLACK_S : 0.1 * row.coldS;
      const rule =
        row.buildStepS > 0 ? `build step ${secs(row.buildStepS)} s + ${REBUILD_SLACK_S} s` : `10% of the cold build (${secs(row.coldS)} s)`;
      const ok = row.sourceS <= limit && !row.sourceReinstalled;
      out.push({
        lang,
        fixture,
        target: `${name}: source-only rebuild within ${rule}, install cached`,
        measured: `${secs(row.sourceS)} s, install ${row.sourceReinstalled ? 're-ran' : 'cached'}`,
        met: ok,
        note: ok ? undefined : row.sourceReinstalled ? 'the dependency install re-ran' : `${secs(row.sourceS - limit)} s over`,
      });
    }
  }
  return out;
}

/** The Markdown page: a table per language, the generation times, the targets, the notes. */
export function markdown(results: Results, chartFile: string): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Measured ${results.date} on ${results.machine}, with ${results.engine}. Each figure is the median of ${results.runs} runs;`,
    'every comparison is a ratio taken within the same run. Regenerate with `npm run bench` (raw figures: [benchmarks.json](benchmarks.json)).',
    '',
    `![image size and source-only rebuild time per Dockerfile](${chartFile})`,
    '',
    '- **size**: the image as the engine stores it (`docker image inspect .Size`, uncompressed).',
    "- **overhead**: size minus the runtime base image minus the payload (the app's production dependencies and built output: the",
    '  working directory and, for Python, `/opt/venv` of the generated image). Ideal: 0.',
    '- **cold**: a build with the builder cache pruned (base images come from the local registry, package downloads from the network).',
    '- **source edit**: the rebuild after a one-line edit to a source file; **deps edit**: after a change to the dependency manifest',
    '  (a comment or field that invalidates its layer, so the install runs again where the Dockerfile keys it on the manifest).',
    '',
  ];
  for (const lang of [...new Set(results.rows.map((r) => r.lang))]) {
    lines.push(`## ${lang}`, '');
    lines.push(
      '| fixture | Dockerfile | runtime base | size MB | vs naive | overhead MiB | cold s | source edit s | install on source edit | deps edit s | install on deps edit |',
      '| --- | --- | --- | --: | --: | --: | --: | --: | --- | --: | --- |',
    );
    for (const row of results.rows.filter((r) => r.lang === lang)) {
      const naive = results.rows.find((r) => r.lang === row.lang && r.fixture === row.fixture && r.kind === 'naive');
      lines.push(
        `| ${row.fixture} | ${row.dockerfile} | ${row.runtimeBase} | ${mb(row.sizeBytes)} | ${naive ? x(ratio(row.sizeBytes, naive.sizeBytes)) : '-'} | ${mib(overhead(row))} | ${secs(row.coldS)} | ${secs(row.sourceS)} | ${row.sourceReinstalled ? 're-ran' : 'cached'} | ${secs(row.depsS)} | ${row.depsReinstalled ? 're-ran' : 'cached'} |`,
      );
    }
    lines.push('');
  }
  if (results.generation.length) {
    lines.push('## Generation time', '', '| fixture | tool | median s | ratio to dockerstack |', '| --- | --- | --: | --: |');
    for (const g of results.generation) {
      const ours = results.generation.find((o) => o.lang === g.lang && o.fixture === g.fixture && o.tool.startsWith('dockerstack'));
      lines.push(`| ${g.lang}/${g.fixture} | ${g.tool} | ${g.medianS.toFixed(2)} | ${ours ? x(ratio(g.medianS, ours.medianS)) : '-'} |`);
    }
    lines.push('');
  }
  const list = targets(results.rows);
  lines.push(
    '## Targets',
    '',
    `${list.filter((t) => t.met).length} of ${list.length} met.`,
    '',
    '| fixture | target | measured | met | by how much, and why |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of list)
    lines.push(`| ${t.lang}/${t.fixture} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} | ${t.note ?? ''} |`);
  lines.push('');
  if (results.notes.length) lines.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  return `${lines.join('\n')}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS: Record<Row['kind'], string> = { dockerstack: '#2a7ab9', naive: '#b0b0b0', 'docker-init': '#e39b3b', fly: '#8a5cc2' };

/** A horizontal bar chart in two panels (image size, source-only rebuild), one bar per Dockerfile. */
export function svgChart(rows: Row[]): string {
  const rowH = 18;
  const labelW = 330;
  const panelW = 300;
  const gap = 60;
  const top = 40;
  const groups = [...new Set(rows.map((r) => `${r.lang}/${r.fixture}`))];
  const height = top + rows.length * rowH + groups.length * 14 + 40;
  const width = labelW + 2 * panelW + gap + 80;
  const maxSize = Math.max(...rows.map((r) => r.sizeBytes), 1);
  const maxSrc = Math.max(...rows.map((r) => r.sourceS), 0.1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<title>Image size and rebuild time after a source edit, per Dockerfile</title>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${labelW}" y="20" font-size="13" font-weight="bold">image size (MB)</text>`,
    `<text x="${labelW + panelW + gap}" y="20" font-size="13" font-weight="bold">rebuild after a source edit (s)</text>`,
  ];
  let y = top;
  for (const group of groups) {
    out.push(`<text x="4" y="${y + 10}" font-weight="bold">${esc(group)}</text>`);
    y += 14;
    for (const row of rows.filter((r) => `${r.lang}/${r.fixture}` === group)) {
      const w1 = Math.max(1, (row.sizeBytes / maxSize) * panelW);
      const w2 = Math.max(1, (row.sourceS / maxSrc) * panelW);
      const color = COLORS[row.kind];
      out.push(
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(row.dockerfile)}</text>`,
        `<rect x="${labelW}" y="${y + 3}" width="${w1.toFixed(1)}" height="${rowH - 6}" fill="${color}"/>`,
        `<text x="${labelW + w1 + 4}" y="${y + 12}">${mb(row.sizeBytes)}</text>`,
        `<rect x="${labelW + panelW + gap}" y="${y + 3}" width="${w2.toFixed(1)}" height="${rowH - 6}" fill="${color}"/>`,
        `<text x="${labelW + panelW + gap + w2 + 4}" y="${y + 12}">${secs(row.sourceS)}${row.sourceReinstalled ? ' (reinstall)' : ''}</text>`,
      );
      y += rowH;
    }
  }
  let lx = 4;
  for (const [kind, color] of Object.entries(COLORS)) {
    out.push(
      `<rect x="${lx}" y="${height - 22}" width="10" height="10" fill="${color}"/>`,
      `<text x="${lx + 14}" y="${height - 13}">${kind}</text>`,
    );
    lx += 110;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
