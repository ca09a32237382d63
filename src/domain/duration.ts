/**
 * A deadline's length as policies write it: "24 hours", "2 business days",
 * "48 business hours", "5 days", "2 weeks". Business time counts only while the
 * service is open (see calendar.ts); calendar time counts every hour.
 */
export interface Duration {
  amount: number;
  unit: 'hours' | 'days';
  business: boolean;
}

const PATTERN = /^(\d+(?:\.\d+)?)\s*(business\s+)?(h|hours?|d|days?|w|weeks?)$/i;

export const DURATION_SYNTAX = 'a number and a unit, such as "24 hours", "48 business hours", "2 business days", "5 days" or "2 weeks"';

/** Returns null for text that is not a duration; the config loader turns that into an error naming the key. */
export function parseDuration(text: string): Duration | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const business = match[2] !== undefined;
  const unit = match[3]!.toLowerCase();
  if (unit.startsWith('h')) return { amount, unit: 'hours', business };
  // A business week is five open days, as a shop would say "a week" of work.
  if (unit.startsWith('w')) return { amount: amount * (business ? 5 : 7), unit: 'days', business };
  return { amount, unit: 'days', business };
}

export function formatDuration(d: Duration): string {
  return `${d.amount} ${d.business ? 'business ' : ''}${d.unit}`;
}
