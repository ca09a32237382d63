import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportJson } from '../app/report.js';

/** One chart of the report: a name (also the mail's cid), a title, and its SVG. */
export interface Chart {
  name: string;
  title: string;
  svg: string;
}

export type ChartLocale = 'fr' | 'en';

/** The words drawn in the charts, in the language of the mail they go into. */
const WORDS = {
  en: {
    volumesTitle: 'New tickets by category',
    firstTitle: 'First answer, in business hours, against the promise',
    resolutionTitle: 'Tickets solved at each level',
    satisfactionTitle: 'Satisfaction ratings',
    backlogTitle: 'Open tickets by age',
    tickets: 'tickets',
    category: 'category',
    firstAxis: 'business hours to the first answer (last bar: 48 h and more)',
    promise: 'promise',
    level: 'level',
    solved: 'tickets solved',
    rating: 'rating',
    age: 'age since the first mail',
    open: 'open tickets',
  },
  fr: {
    volumesTitle: 'Nouvelles demandes par catégorie',
    firstTitle: 'Première réponse, en heures ouvrées, face à la promesse',
    resolutionTitle: 'Demandes résolues à chaque niveau',
    satisfactionTitle: 'Notes de satisfaction',
    backlogTitle: 'Demandes ouvertes par ancienneté',
    tickets: 'demandes',
    category: 'catégorie',
    firstAxis: 'heures ouvrées jusqu’à la première réponse (dernière barre : 48 h et plus)',
    promise: 'promesse',
    level: 'niveau',
    solved: 'demandes résolues',
    rating: 'note',
    age: 'ancienneté depuis le premier courriel',
    open: 'demandes ouvertes',
  },
} as const;
type Words = (typeof WORDS)[ChartLocale];

const WIDTH = 520;
const HEIGHT = 220;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/**
 * The report's charts, drawn by vega-lite and vega as SVG in Node (no browser, no
 * canvas): the same pictures go inline into the HTML report and, turned into PNG by
 * resvg, into the weekly mail. Specs only say what to show; the libraries draw.
 */
export async function reportCharts(report: ReportJson, locale: ChartLocale = 'en'): Promise<Chart[]> {
  const w = WORDS[locale];
  const specs: [string, string, TopLevelSpec][] = [
    ['volumes', w.volumesTitle, volumesSpec(report, w)],
    ['first-response', w.firstTitle, firstResponseSpec(report, w)],
    ['resolution', w.resolutionTitle, resolutionSpec(report, w)],
    ['satisfaction', w.satisfactionTitle, satisfactionSpec(report, w)],
    ['backlog', w.backlogTitle, backlogSpec(report, w)],
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

function volumesSpec(report: ReportJson, w: Words): TopLevelSpec {
  const values = report.volumes.buckets.flatMap((b) => Object.entries(b.by_category).map(([category, tickets]) => ({ period: b.label, category, tickets })));
  return {
    ...base,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null, sort: report.volumes.buckets.map((b) => b.label), scale: { domain: report.volumes.buckets.map((b) => b.label) } },
      y: { field: 'tickets', type: 'quantitative', aggregate: 'sum', title: w.tickets, stack: 'zero', axis: { format: 'd', tickMinStep: 1 } },
      color: { field: 'category', type: 'nominal', title: w.category, scale: { scheme: 'tableau10' } },
    },
  } as TopLevelSpec;
}

function firstResponseSpec(report: ReportJson, w: Words): TopLevelSpec {
  const bounds = [0, 1, 2, 4, 8, 16, 24, 48, 72];
  const values = report.first_response.business_hour_bands.map((b, i) => ({ from: bounds[i], to: bounds[i + 1], tickets: b.tickets, band: b.band }));
  const promise = report.first_response.promise_business_hours;
  return {
    ...base,
    layer: [
      {
        // A rect spans its band on x (from, to) and rises from zero: a histogram of unequal bands.
        data: { values },
        mark: { type: 'rect', color: '#4c78a8', stroke: 'white' },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: w.firstAxis, scale: { domain: [0, 72], nice: false } },
          x2: { field: 'to' },
          y: { field: 'tickets', type: 'quantitative', title: w.tickets, axis: { format: 'd', tickMinStep: 1 } },
          y2: { datum: 0 },
        },
      },
      {
        data: { values: [{ promise }] },
        mark: { type: 'rule', color: '#e45756', strokeWidth: 2, strokeDash: [6, 3] },
        encoding: { x: { field: 'promise', type: 'quantitative' } },
      },
      {
        data: { values: [{ promise, label: `${w.promise}: ${Math.round(promise * 10) / 10} h` }] },
        mark: { type: 'text', color: '#e45756', align: 'left', dx: 4, dy: -4, baseline: 'top' },
        encoding: { x: { field: 'promise', type: 'quantitative' }, y: { value: 4 }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

function resolutionSpec(report: ReportJson, w: Words): TopLevelSpec {
  return {
    ...base,
    data: { values: report.resolution.by_level.map((l) => ({ level: `${w.level} ${l.level}`, solved: l.solved })) },
    mark: { type: 'bar', color: '#54a24b' },
    encoding: {
      x: { field: 'level', type: 'ordinal', title: null, sort: [1, 2, 3].map((n) => `${w.level} ${n}`) },
      y: { field: 'solved', type: 'quantitative', title: w.solved, axis: { format: 'd', tickMinStep: 1 } },
    },
  } as TopLevelSpec;
}

function satisfactionSpec(report: ReportJson, w: Words): TopLevelSpec {
  const values = Object.entries(report.satisfaction.distribution).map(([rating, tickets]) => ({ rating: `${rating}/5`, tickets }));
  return {
    ...base,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'rating', type: 'ordinal', title: w.rating, sort: ['1/5', '2/5', '3/5', '4/5', '5/5'] },
      y: { field: 'tickets', type: 'quantitative', title: w.tickets, axis: { format: 'd', tickMinStep: 1 } },
      color: { field: 'rating', type: 'ordinal', legend: null, scale: { domain: ['1/5', '2/5', '3/5', '4/5', '5/5'], range: ['#e45756', '#f58518', '#eeca3b', '#88d27a', '#54a24b'] } },
    },
  } as TopLevelSpec;
}

function backlogSpec(report: ReportJson, w: Words): TopLevelSpec {
  return {
    ...base,
    data: { values: report.backlog.by_age },
    mark: { type: 'bar', color: '#b279a2' },
    encoding: {
      x: { field: 'band', type: 'ordinal', title: w.age, sort: report.backlog.by_age.map((b) => b.band) },
      y: { field: 'tickets', type: 'quantitative', title: w.open, axis: { format: 'd', tickMinStep: 1 } },
    },
  } as TopLevelSpec;
}
