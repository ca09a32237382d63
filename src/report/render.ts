import type { Config } from '../config/schema.js';
import { buildReport, type ReportRequest } from '../app/report.js';
import type { Database } from '../store/db.js';
import { reportCsv } from './csv.js';
import { reportHtml } from './html.js';
import { reportTable } from './sections.js';
import type { ReportFormat } from './formats.js';


/** `guichet report` in one of its formats: one set of figures, however it is shown. */
export async function renderReport(db: Database, config: Config, request: ReportRequest, now: Date, format: ReportFormat): Promise<string> {
  const report = await buildReport(db, config, request, now);
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return reportCsv(report);
    case 'html':
      // vega is loaded only when a chart is drawn: every other command starts without it.
      return reportHtml(report, await (await import('./charts.js')).reportCharts(report));
    case 'table':
      return reportTable(report);
  }
}
