import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { GuichetError } from '../errors.js';
import { BusinessCalendar, type OpeningInterval, type PublicHolidays, type Weekday } from '../domain/calendar.js';
import { DURATION_SYNTAX, parseDuration, type Duration } from '../domain/duration.js';
import type { Policy } from '../domain/policy.js';
import { describeIssue } from './issues.js';

/**
 * The public holidays of a country (and region) from date-holidays, loaded at the first
 * question: its data is a quarter of a second to load, which commands that never count
 * business time (`--help`, reports, status) do not pay.
 */
function publicHolidays(country: string | null, region: string | null): PublicHolidays {
  if (!country) return () => [];
  let holidays: { getHolidays(year: number): { date: string; type: string }[] } | null = null;
  return (year) => {
    if (!holidays) {
      const Holidays = createRequire(import.meta.url)('date-holidays') as new (country: string, region?: string) => NonNullable<typeof holidays>;
      holidays = region ? new Holidays(country, region) : new Holidays(country);
    }
    return holidays.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10));
  };
}

const duration = z.string().transform((text, ctx): Duration => {
  const parsed = parseDuration(text);
  if (!parsed) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${text}" is not a duration: expected ${DURATION_SYNTAX}` });
    return z.NEVER;
  }
  return parsed;
});

const hhmm = '([01]\\d|2[0-3]):[0-5]\\d';
const interval = z
  .string()
  .regex(new RegExp(`^${hhmm}-(${hhmm}|24:00)$`), 'expected opening hours such as "09:00-17:00"')
  .transform((text): OpeningInterval => {
    const [from, to] = text.split('-').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))) as [number, number];
    return { from, to };
  })
  .refine((i) => i.to > i.from, 'the closing time must come after the opening time');
const day = z.preprocess(
  (d) => (d === 'closed' ? [] : d),
  z.array(interval, { invalid_type_error: 'expected "closed" or a list such as ["09:00-12:00", "14:00-17:00"]' }),
);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-12-24');
const peakDate = z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'expected MM-DD (every year) or YYYY-MM-DD');
const escalationSteps = z.array(z.object({ level: z.union([z.literal(2), z.literal(3)]), after: duration, promise: duration }).strict());
const ALL_DAY = ['00:00-24:00'];

const targets = {
  first_response: duration,
  resolution: duration,
  update_every: duration,
};

export const policySchema = z
  .object({
    description: z.string().default(''),
    calendar: z
      .object({
        country: z.string().nullable().default('FR'),
        region: z.string().nullable().default(null),
        opening_hours: z
          .object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day })
          .partial()
          .strict()
          .default({}),
        closed_days: z.array(date).default([]),
        peak_periods: z.array(z.object({ name: z.string().min(1), from: peakDate, to: peakDate }).strict()).default([]),
      })
      .strict()
      .default({}),
    targets: z.object(targets).strict(),
    peak_targets: z.object(targets).partial().strict().default({}),
    first_response_reminder_before: duration.default('2 hours'),
    escalation: escalationSteps.default([]),
    peak_escalation: escalationSteps.optional(),
    sellers: z
      .object({
        first_chase_after: duration.default('48 hours'),
        chase_every: duration.default('24 hours'),
        max_chases: z.number().int().min(1).default(3),
        strikes_to_restrict: z.number().int().min(1).default(3),
      })
      .strict()
      .default({}),
    satisfaction: z
      .object({
        close_after: duration.default('7 days'),
        reopen_within: duration.default('30 days'),
        alert_at_or_below: z.number().int().min(1).max(5).default(2),
      })
      .strict()
      .default({}),
  })
  .strict();

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Reads every `<name>.yaml` of the policies folder. A broken file is an error naming
 * the file, line and key, like the main configuration: a wrong deadline must not start.
 */
export function loadPolicies(dir: string, timezone: string): Record<string, Policy> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  } catch (cause) {
    throw new GuichetError('GUICHET_CONFIG_NOT_FOUND', `${dir}: cannot read the policies folder`, { cause });
  }
  const policies: Record<string, Policy> = {};
  for (const file of files.sort()) {
    const full = path.join(dir, file);
    policies[file.replace(/\.ya?ml$/, '')] = parsePolicy(readFileSync(full, 'utf8'), full, timezone);
  }
  return policies;
}

export function parsePolicy(text: string, file: string, timezone: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const where = doc.errors[0]!.linePos?.[0];
    throw new GuichetError('GUICHET_CONFIG_INVALID', `${file}${where ? `:${where.line}:${where.col}` : ''}: not valid YAML`, { details: { file } });
  }
  const result = policySchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new GuichetError('GUICHET_CONFIG_INVALID', result.error.issues.map((i) => describeIssue(i, doc, lineCounter, file)).join('\n'), {
      cause: result.error,
      details: { file },
    });
  }
  const raw = result.data;
  const hours = raw.calendar.opening_hours;
  const openingHours = Object.fromEntries(
    WEEKDAYS.map((name, index) => [index + 1, hours[name] ?? (Object.keys(hours).length === 0 ? [interval.parse(ALL_DAY[0])] : [])]),
  ) as Record<Weekday, OpeningInterval[]>;
  if (Object.values(openingHours).every((d) => d.length === 0)) {
    throw new GuichetError('GUICHET_CONFIG_INVALID', `${file}: calendar.opening_hours: the service must be open at least one day`, { details: { file } });
  }
  return {
    name: path.basename(file).replace(/\.ya?ml$/, ''),
    calendar: new BusinessCalendar(
      {
        timezone,
        country: raw.calendar.country,
        region: raw.calendar.region,
        openingHours,
        closedDays: raw.calendar.closed_days,
        peakPeriods: raw.calendar.peak_periods,
      },
      publicHolidays(raw.calendar.country, raw.calendar.region),
    ),
    targets: { firstResponse: raw.targets.first_response, resolution: raw.targets.resolution, updateEvery: raw.targets.update_every },
    peakTargets: {
      ...(raw.peak_targets.first_response ? { firstResponse: raw.peak_targets.first_response } : {}),
      ...(raw.peak_targets.resolution ? { resolution: raw.peak_targets.resolution } : {}),
      ...(raw.peak_targets.update_every ? { updateEvery: raw.peak_targets.update_every } : {}),
    },
    firstResponseReminderBefore: raw.first_response_reminder_before,
    escalation: [...raw.escalation].sort((a, b) => a.level - b.level),
    peakEscalation: raw.peak_escalation ? [...raw.peak_escalation].sort((a, b) => a.level - b.level) : null,
    sellers: {
      firstChaseAfter: raw.sellers.first_chase_after,
      chaseEvery: raw.sellers.chase_every,
      maxChases: raw.sellers.max_chases,
      strikesToRestrict: raw.sellers.strikes_to_restrict,
    },
    satisfaction: {
      closeAfter: raw.satisfaction.close_after,
      reopenWithin: raw.satisfaction.reopen_within,
      alertAtOrBelow: raw.satisfaction.alert_at_or_below,
    },
  };
}
