import { DateTime } from 'luxon';

export type ReportGrain = 'day' | 'week' | 'month';

export interface ReportPeriod {
  /** First instant in the period, and the first after it. */
  from: Date;
  to: Date;
  /** The period of the same length just before, for trends. */
  previousFrom: Date;
  by: ReportGrain;
  timezone: string;
  /** Bucket starts, oldest first; the first is `from`. */
  buckets: { start: Date; label: string }[];
}

/** A period the admin asked for that cannot be: the option, and how to write it. */
export class ReportPeriodError extends Error {
  constructor(readonly option: string, message: string) {
    super(`${option} ${message}`);
  }
}

/**
 * The period a report covers, in whole local days of `timezone`: `from` and `to` are
 * both included. Without them: the last four weeks (Monday to Sunday), the current one
 * included, so a Monday-morning report shows last week whole.
 */
export function reportPeriod(options: { from?: string; to?: string; by?: ReportGrain }, now: Date, timezone: string): ReportPeriod {
  const by = options.by ?? 'week';
  const day = (option: string, value: string) => {
    const parsed = DateTime.fromISO(value, { zone: timezone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parsed.isValid) throw new ReportPeriodError(option, `${value}: not a date; write YYYY-MM-DD (e.g. 2026-11-02), a day in ${timezone}`);
    return parsed.startOf('day');
  };
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  const end = options.to ? day('--to', options.to).plus({ days: 1 }) : options.from ? today.plus({ days: 1 }) : today.startOf('week').plus({ weeks: 1 });
  const start = options.from ? day('--from', options.from) : end.minus({ weeks: 4 });
  if (end <= start) throw new ReportPeriodError('--to', `${options.to ?? today.toISODate()} comes before --from ${options.from}`);
  const buckets: ReportPeriod['buckets'] = [];
  for (let cursor = start; cursor < end; cursor = cursor.startOf(by).plus({ [`${by}s`]: 1 })) {
    buckets.push({ start: cursor.toJSDate(), label: labelOf(cursor, by) });
  }
  const length = end.diff(start, 'days').days;
  return { from: start.toJSDate(), to: end.toJSDate(), previousFrom: start.minus({ days: length }).toJSDate(), by, timezone, buckets };
}

function labelOf(start: DateTime, by: ReportGrain): string {
  if (by === 'day') return start.toISODate()!;
  if (by === 'month') return start.toFormat('yyyy-MM');
  return `${start.toFormat("kkkk-'W'WW")}`;
}
