import { DateTime } from 'luxon';

/**
 * How long guichet keeps each kind of data (config `retention`), as admins write it:
 * "6 months after close", "3 years after close", "30 days" (after the mail arrived),
 * or "forever". Pure: the time zone and now are given.
 */
export interface RetentionPeriod {
  amount: number;
  unit: 'days' | 'weeks' | 'months' | 'years';
  /** From the ticket's closing, or from the mail's arrival. */
  after: 'close' | 'arrival';
}

export const RETENTION_SYNTAX = 'a number, a unit and when it counts from, such as "30 days", "6 months after close", "3 years after close", or "forever"';

const PATTERN = /^(\d+)\s*(days?|weeks?|months?|years?)(?:\s+after\s+(close|closing|arrival))?$/i;

/** Null for "forever"; undefined for text that is not a period (the config loader names the key). */
export function parseRetention(text: string): RetentionPeriod | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'forever' || trimmed === 'never') return null;
  const match = PATTERN.exec(trimmed);
  if (!match || Number(match[1]) <= 0) return undefined;
  const unit = match[2]!.replace(/s?$/, 's') as RetentionPeriod['unit'];
  return { amount: Number(match[1]), unit, after: match[3]?.startsWith('clos') ? 'close' : 'arrival' };
}

/** Data whose clock started before this has outlived the period: calendar months and years in the zone of the service. */
export function retentionCutoff(period: RetentionPeriod, now: Date, zone: string): Date {
  return DateTime.fromJSDate(now, { zone }).minus({ [period.unit]: period.amount }).toJSDate();
}
