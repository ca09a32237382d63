import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportJson } from '../app/report.js';

/** One chart of the report: a name (also the mail's cid), a title, and its SVG. */
export interface Chart {
  name: string;
  title: string;
  svg: string;
}

const WIDTH = 520;
const HEIGHT = 220;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/**
 * The report's charts, drawn by vega-lite and vega as SVG in Node (no browser, no
 * canvas): the same pictures go inline into the HTML report and, turned into PNG by
 * resvg, into the weekly mail. Specs only say what to show; the libraries draw.
 */
export async function reportCharts(report: ReportJson): Promise<Chart[]> {
  const specs: [string, string, TopLevelSpec][] = [
    ['volumes', 'New tickets by category', volumesSpec(report)],
    ['first-response', 'First answer, in business hours, against the promise', firstResponseSpec(report)],
    ['resolution', 'Tickets solved at each level', resolutionSpec(report)],
    ['satisfaction', 'Satisfaction ratings', satisfactionSpec(report)],
    ['backlog', 'Open tickets by age', backlogSpec(report)],
  ];
  const charts: Chart[] = [];
  for (const [name, title, spec] of specs) charts.push({ name, title, svg: await toSvg(spec) });
  return charts;
}

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
} as const;

function volumesSpec(report: ReportJson): TopLevelSpec {
  const values = report.volumes.buckets.flatMap((b) => Object.entries(b.by_category).map(([category, tickets]) => ({ period: b.label, category, tickets })));
  return {
    ...base,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null, sort: report.volumes.buckets.map((b) => b.label), scale: { domain: report.volumes.buckets.map((b) => b.label) } },
      y: { field: 'tickets', type: 'quantitative', aggregate: 'sum', title: 'tickets', stack: 'zero' },
      color: { field: 'category', type: 'nominal', title: 'category', scale: { scheme: 'tableau10' } },
    },
  } as TopLevelSpec;
}

function firstResponseSpec(report: ReportJson): TopLevelSpec {
  const bounds = [0, 1, 2, 4, 8, 16, 24, 48, 72];
  const values = report.first_response.business_hour_bands.map((b, i) => ({ from: bounds[i], to: bounds[i + 1], tickets: b.tickets, band: b.band }));
  const promise = report.first_response.promise_business_hours;
  return {
    ...base,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: '#4c78a8', stroke: 'white' },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'business hours to the first answer (last bar: 48 h and more)', scale: { domain: [0, 72] } },
          x2: { field: 'to' },
          y: { field: 'tickets', type: 'quantitative', title: 'tickets' },
        },
      },
      {
        data: { values: [{ promise, label: `promise: ${promise} h` }] },
        mark: { type: 'rule', color: '#e45756', strokeWidth: 2, strokeDash: [6, 3] },
        encoding: { x: { field: 'promise', type: 'quantitative' } },
      },
      {
        data: { values: [{ promise, label: `promise: ${Math.round(promise * 10) / 10} h` }] },
        mark: { type: 'text', color: '#e45756', align: 'left', dx: 4, dy: -4, baseline: 'top' },
        encoding: { x: { field: 'promise', type: 'quantitative' }, y: { value: 4 }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

function resolutionSpec(report: ReportJson): TopLevelSpec {
  return {
    ...base,
    data: { values: report.resolution.by_level.map((l) => ({ level: `level ${l.level}`, solved: l.solved })) },
    mark: { type: 'bar', color: '#54a24b' },
    encoding: {
      x: { field: 'level', type: 'ordinal', title: null, sort: ['level 1', 'level 2', 'level 3'] },
      y: { field: 'solved', type: 'quantitative', title: 'tickets solved' },
    },
  } as TopLevelSpec;
}

function satisfactionSpec(report: ReportJson): TopLevelSpec {
  const values = Object.entries(report.satisfaction.distribution).map(([rating, tickets]) => ({ rating: `${rating}/5`, tickets }));
  return {
    ...base,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'rating', type: 'ordinal', title: 'rating', sort: ['1/5', '2/5', '3/5', '4/5', '5/5'] },
      y: { field: 'tickets', type: 'quantitative', title: 'tickets' },
      color: { field: 'rating', type: 'ordinal', legend: null, scale: { domain: ['1/5', '2/5', '3/5', '4/5', '5/5'], range: ['#e45756', '#f58518', '#eeca3b', '#88d27a', '#54a24b'] } },
    },
  } as TopLevelSpec;
}

function backlogSpec(report: ReportJson): TopLevelSpec {
  return {
    ...base,
    data: { values: report.backlog.by_age },
    mark: { type: 'bar', color: '#b279a2' },
    encoding: {
      x: { field: 'band', type: 'ordinal', title: 'age since the first mail', sort: report.backlog.by_age.map((b) => b.band) },
      y: { field: 'tickets', type: 'quantitative', title: 'open tickets' },
    },
  } as TopLevelSpec;
}
