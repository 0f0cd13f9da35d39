// The pure parts of the benchmarks: medians, overhead, the targets, the page and the chart.
import assert from 'node:assert/strict';
import { MiB, markdown, median, overhead, type Row, svgChart, targets } from '../bench/lib.ts';

const MB = 1e6;

function row(over: Partial<Row>): Row {
  return {
    lang: 'node',
    fixture: 'app',
    dockerfile: 'dockerstack runtime=distroless',
    kind: 'dockerstack',
    runtimeBase: 'gcr.io/distroless/nodejs26-debian13:nonroot',
    sizeBytes: 150 * MB,
    baseBytes: 140 * MB,
    payloadBytes: 9.5 * MB,
    coldS: 40,
    sourceS: 3,
    sourceReinstalled: false,
    buildStepS: 0,
    depsS: 20,
    depsReinstalled: true,
    runs: 3,
    raw: { coldS: [40], sourceS: [3], depsS: [20], buildStepS: [0] },
    ...over,
  };
}

describe('benchmarks', () => {
  it('takes the median of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('overhead is the image minus the runtime base minus the payload', () => {
    assert.equal(overhead({ sizeBytes: 150 * MB, baseBytes: 140 * MB, payloadBytes: 9.5 * MB }), 0.5 * MB);
  });

  it('checks every target against the naive, docker init and fly images of the same fixture', () => {
    const rows = [
      row({}),
      row({
        dockerfile: 'naive single-stage',
        kind: 'naive',
        sizeBytes: 1200 * MB,
        baseBytes: 1100 * MB,
        sourceS: 30,
        sourceReinstalled: true,
      }),
      row({ dockerfile: 'docker init (reference)', kind: 'docker-init', sizeBytes: 250 * MB, baseBytes: 230 * MB }),
      row({ dockerfile: '@flydotio/dockerfile 0.7.10', kind: 'fly', sizeBytes: 140 * MB, baseBytes: 120 * MB }),
    ];
    const list = targets(rows);
    const find = (text: string) => list.find((t) => t.target.includes(text));
    assert.equal(list.length, 5, 'naive ratio, docker init, fly, overhead, rebuild: for the one dockerstack row');
    assert.equal(find('naive image')?.met, true); // 150/1200 = 0.125 <= 0.15
    assert.equal(find('docker init')?.met, true);
    const fly = find('@flydotio');
    assert.equal(fly?.met, false);
    assert.match(fly?.note ?? '', /10\.0 MB larger/);
    assert.equal(find('overhead')?.met, 0.5 * MB < MiB);
    assert.equal(find('source-only rebuild')?.met, true); // 3 s <= 10% of 40 s
  });

  it('a rebuild that re-runs the install or exceeds the build step plus 3 s misses its target', () => {
    const slow = targets([row({ buildStepS: 5, sourceS: 9 })]).find((t) => t.target.includes('rebuild'));
    assert.equal(slow?.met, false);
    assert.match(slow?.note ?? '', /1\.0 s over/);
    const reinstall = targets([row({ sourceReinstalled: true })]).find((t) => t.target.includes('rebuild'));
    assert.equal(reinstall?.met, false);
    assert.match(reinstall?.note ?? '', /install re-ran/);
  });

  it('writes a page with a table per language, the targets and the chart, and an SVG with a bar per row', () => {
    const rows = [row({}), row({ lang: 'go', fixture: 'api', dockerfile: 'naive single-stage', kind: 'naive' })];
    const page = markdown(
      { date: '2026-12-01', machine: '2 cores', runs: 3, engine: 'BuildKit v0', rows, generation: [], notes: ['n1'] },
      'c.svg',
    );
    assert.match(page, /^## node$/m);
    assert.match(page, /^## go$/m);
    assert.match(page, /!\[[^\]]*\]\(c\.svg\)/);
    assert.match(page, /^## Targets$/m);
    assert.match(page, /^- n1$/m);
    const svg = svgChart(rows);
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<rect x="330"/g) ?? []).length, 2, 'one size bar per row');
  });
});
