import type { ReportJson } from '../app/report.js';

/** The field that names an item of a list in the report (a bucket, a category, an agent…). */
const KEYS = ['label', 'category', 'channel', 'level', 'band', 'reference', 'seller', 'agent'];

/**
 * The report as CSV, one figure per line: `figure,value`, where the figure is its path
 * in the JSON report (`first_response.business_minutes.median`, or
 * `volumes.by_category[livraison].tickets` inside a list). A spreadsheet filters on the
 * first column; the values are the JSON's, so every format agrees.
 */
export function reportCsv(report: ReportJson): string {
  const lines = ['figure,value'];
  const walk = (path: string, value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const key = item && typeof item === 'object' ? KEYS.find((k) => k in item) : undefined;
        walk(`${path}[${key ? String((item as Record<string, unknown>)[key]) : i}]`, item);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(path ? `${path}.${k}` : k, v);
    } else {
      lines.push(`${cell(path)},${cell(value === null ? '' : String(value))}`);
    }
  };
  walk('', report);
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting, and a leading apostrophe for text a spreadsheet would run as a formula. */
function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
