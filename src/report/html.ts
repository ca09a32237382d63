import type { ReportJson } from '../app/report.js';
import type { Chart } from './charts.js';
import { formatMinutes } from '../templates/helpers.js';
import { percent, reportSections, reportTitle } from './sections.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The report as one self-contained HTML file: the charts inline as SVG, the style in
 * the page, nothing fetched when it is opened (a manager may read it offline or from an
 * attachment). The headline figures come first, then every section of the table.
 */
export function reportHtml(report: ReportJson, charts: readonly Chart[]): string {
  const headline: [string, string][] = [
    ['new tickets', String(report.volumes.tickets)],
    ['first answer, median (business h)', formatMinutes(report.first_response.business_minutes.median)],
    ['answered within the promise', percent(report.first_response.within_promise_share)],
    ['solved within target', percent(report.resolution.within_target_share)],
    ['first-contact resolution', percent(report.first_contact.share)],
    ['satisfaction', report.satisfaction.average === null ? '-' : `${report.satisfaction.average.toFixed(2)} / 5`],
    ['open now / overdue', `${report.backlog.open} / ${report.backlog.overdue.total}`],
  ];
  const sections = reportSections(report)
    .map((s) => `<section><h2>${escape(s.title)}</h2><table>${s.rows.map(([l, v]) => `<tr><th>${escape(l)}</th><td>${escape(v)}</td></tr>`).join('')}</table></section>`)
    .join('\n');
  const figures = charts.map((c) => `<figure data-chart="${escape(c.name)}"><figcaption>${escape(c.title)}</figcaption>${c.svg}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>guichet report ${escape(reportTitle(report))}</title>
<style>
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; margin: 2rem auto; max-width: 1180px; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  .period { color: #666; margin-top: 0; }
  .headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .8rem; margin: 1.5rem 0; }
  .headline div { background: #f4f6f8; border-radius: 6px; padding: .7rem; }
  .headline b { display: block; font-size: 1.4rem; }
  .headline span { color: #555; font-size: .85rem; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1rem; }
  figure { margin: 0; border: 1px solid #e3e6ea; border-radius: 6px; padding: .6rem; }
  /* vega's SVG carries its viewBox: it scales down to its cell, legend included. */
  figure svg { max-width: 100%; height: auto; }
  figcaption { font-weight: bold; margin-bottom: .4rem; }
  .sections { columns: 2 520px; column-gap: 2rem; }
  section { break-inside: avoid; margin-bottom: 1rem; }
  h2 { font-size: 1.05rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th { text-align: left; font-weight: normal; color: #444; padding: .15rem .5rem .15rem 0; }
  td { text-align: right; padding: .15rem 0; }
</style>
</head>
<body>
<h1>guichet: are our promises kept?</h1>
<p class="period">${escape(reportTitle(report))}; generated ${escape(report.period.generated_at)}</p>
<div class="headline">${headline.map(([label, value]) => `<div><b>${escape(value)}</b><span>${escape(label)}</span></div>`).join('')}</div>
<div class="charts">
${figures}
</div>
<div class="sections">
${sections}
</div>
</body>
</html>
`;
}
