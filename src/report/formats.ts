/** The formats of `guichet report`; apart from the renderer, so that the CLI can check an option without loading it. */
export const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
