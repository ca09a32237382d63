import type { Locale } from '../config/schema.js';

/**
 * Dates in the recipient's language and the service's time zone. Intl does the
 * time-zone maths (daylight saving included); only the phrasing is ours.
 */
export function formatDeadline(date: Date, locale: Locale, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter(`deadline:${locale}:${timeZone}`, () =>
      new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
        timeZone,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: locale === 'fr' ? 'h23' : 'h12',
      }),
    )
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  if (locale === 'fr') {
    const hour = String(Number(parts.hour));
    const time = parts.minute === '00' ? `${hour} h` : `${hour} h ${parts.minute}`;
    return `avant le ${parts.weekday} ${parts.day} ${parts.month} à ${time}`;
  }
  const time = `${Number(parts.hour)}:${parts.minute} ${String(parts.dayPeriod ?? '').toLowerCase()}`.trim();
  return `by ${parts.weekday} ${parts.day} ${parts.month} at ${time}`;
}

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return formatter(`date:${locale}:${timeZone}`, () =>
    new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }),
  ).format(date);
}

/** Building an Intl.DateTimeFormat costs far more than using one: keep one per locale and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = make()));
  return found;
}
