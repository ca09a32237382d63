import { Duration } from 'luxon';
import type { Category, Locale } from '../domain/vocabulary.js';
import type { TicketStatus } from '../domain/ticket.js';

/**
 * Dates in the recipient's language and the service's time zone. Intl does the
 * time-zone maths (daylight saving included); only the phrasing is ours.
 */
export function formatDeadline(date: Date, locale: Locale, timeZone: string): string {
  // The mails of one batch share their deadlines (same "now", same policy): phrase each once.
  const key = `${date.getTime()}|${locale}|${timeZone}`;
  const known = phrases.get(key);
  if (known !== undefined) return known;
  if (phrases.size > 2000) phrases.clear();
  const phrase = phraseDeadline(date, locale, timeZone);
  phrases.set(key, phrase);
  return phrase;
}

const phrases = new Map<string, string>();

function phraseDeadline(date: Date, locale: Locale, timeZone: string): string {
  // Midnight is the end of the day before: "before Tuesday at 0:00" reads as a day late.
  if (isMidnight(date, timeZone)) return endOfDayBefore(date, locale, timeZone);
  const parts = clockParts(date, locale, timeZone, false);
  return locale === 'fr' ? `avant le ${parts.weekday} ${parts.day} ${parts.month} à ${timeOfDay(parts, locale)}` : `by ${parts.weekday} ${parts.day} ${parts.month} at ${timeOfDay(parts, locale)}`;
}

/**
 * One way to write a time per language, in every mail: "17 h", "17 h 30" in French
 * (non-breaking spaces, so it never splits over two lines); "5:00 pm CET" in English,
 * with the zone, since an English reader is often elsewhere.
 */
function timeOfDay(parts: Record<string, string>, locale: Locale): string {
  if (locale === 'fr') {
    const hour = String(Number(parts.hour));
    return parts.minute === '00' ? `${hour}\u00a0h` : `${hour}\u00a0h\u00a0${parts.minute}`;
  }
  return `${Number(parts.hour)}:${parts.minute} ${String(parts.dayPeriod ?? '').toLowerCase()} ${parts.timeZoneName ?? ''}`.replace(/\s+/g, ' ').trim();
}

function clockParts(date: Date, locale: Locale, timeZone: string, withYear: boolean): Record<string, string> {
  const format = formatter(`clock:${locale}:${timeZone}:${withYear}`, () =>
    new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      ...(withYear ? { year: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: locale === 'fr' ? 'h23' : 'h12',
      ...(locale === 'en' ? { timeZoneName: 'short' } : {}),
    }),
  );
  const parts = partsOf(format, date);
  // French writes the first of the month as an ordinal: "mercredi 1er juillet".
  return locale === 'fr' && parts.day === '1' ? { ...parts, day: '1er' } : parts;
}

/** A date's parts as a format gives them, by type (`weekday`, `day`, `hour`…). */
function partsOf(format: Intl.DateTimeFormat, date: Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

function isMidnight(date: Date, timeZone: string): boolean {
  const time = formatter(`hm:${timeZone}`, () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(date);
  return time === '00:00';
}

function endOfDayBefore(date: Date, locale: Locale, timeZone: string): string {
  const parts = clockParts(new Date(date.getTime() - 60_000), locale, timeZone, false);
  return locale === 'fr' ? `d'ici la fin de la journée du ${parts.weekday} ${parts.day} ${parts.month}` : `by the end of ${parts.weekday} ${parts.day} ${parts.month}`;
}

/** A moment in full, as the deadlines write their time: "mardi 24 novembre 2026 à 17 h", "Tuesday 24 November 2026 at 5:00 pm CET". */
export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  const parts = clockParts(date, locale, timeZone, true);
  return locale === 'fr'
    ? `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} à ${timeOfDay(parts, locale)}`
    : `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${timeOfDay(parts, locale)}`;
}

/** Building an Intl.DateTimeFormat costs far more than using one: keep one per locale and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = make()));
  return found;
}

const CATEGORY_LABELS: Record<Locale, Record<Category, string>> = {
  fr: {
    produit: 'produit',
    livraison: 'livraison',
    facturation: 'facturation',
    assistance_technique: 'assistance technique',
    compte: 'compte',
    securite_fraude: 'sécurité / fraude',
    donnees_personnelles: 'données personnelles',
    litige: 'litige',
    information_produit_incorrecte: 'information produit incorrecte',
    produit_en_infraction: 'produit en infraction',
    autre: 'autre',
  },
  en: {
    produit: 'product',
    livraison: 'delivery',
    facturation: 'billing',
    assistance_technique: 'technical help',
    compte: 'account',
    securite_fraude: 'security / fraud',
    donnees_personnelles: 'personal data',
    litige: 'dispute',
    information_produit_incorrecte: 'wrong product information',
    produit_en_infraction: 'infringing product',
    autre: 'other',
  },
};

export function categoryLabel(category: Category, locale: Locale): string {
  return CATEGORY_LABELS[locale][category] ?? category;
}

const STATUS_LABELS: Record<Locale, Record<TicketStatus, string>> = {
  fr: {
    open: 'ouvert',
    waiting_customer: 'en attente du client',
    waiting_seller: 'en attente du vendeur',
    on_hold: 'en suspens',
    resolved: 'résolu',
    closed: 'clos',
    spam: 'indésirable',
  },
  en: {
    open: 'open',
    waiting_customer: 'waiting for the customer',
    waiting_seller: 'waiting for the seller',
    on_hold: 'on hold',
    resolved: 'resolved',
    closed: 'closed',
    spam: 'spam',
  },
};

export function statusLabel(status: TicketStatus, locale: Locale): string {
  return STATUS_LABELS[locale][status] ?? status;
}

/** French elision: "de Jeanne", "d'Élodie", "d'Yves"; h is left alone (aspirated or not, a name cannot tell). */
export function frenchOf(name: string): string {
  return /^[aeiouyàâäéèêëîïôöùûü]/i.test(name) ? `d’${name}` : `de ${name}`;
}

/** "3 relances", "1 relance", "0 relance" (French counts 0 as singular): Intl's plural rules choose the form. */
export function plural(count: number, one: string, other: string, locale: Locale): string {
  const form = new Intl.PluralRules(locale === 'fr' ? 'fr-FR' : 'en-GB').select(count) === 'one' ? one : other;
  return `${count} ${form}`;
}

/** A length of time in words ("2 jours et 3 heures", "2 days and 3 hours"), from seconds, to the minute; luxon and Intl do the words. */
export function formatDuration(seconds: number, locale: Locale): string {
  const parts = Duration.fromObject({ seconds: Math.round(seconds / 60) * 60 })
    .shiftTo('days', 'hours', 'minutes')
    .toObject();
  const units = (['days', 'hours', 'minutes'] as const).filter((u) => (parts[u] ?? 0) > 0);
  if (units.length === 0) return locale === 'fr' ? 'moins d’une minute' : 'less than a minute';
  const words = units.map((u) => new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'unit', unit: u.slice(0, -1), unitDisplay: 'long' }).format(parts[u]!));
  return new Intl.ListFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { type: 'conjunction' }).format(words);
}

/** A wait in whole minutes as the report shows it: "45 min", "3 h 05"; a dash for none. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || Number.isNaN(minutes)) return '–';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** A share (0.925) as a percentage with one decimal, in the locale's way: "92,5 %" or "92.5%". */
export function formatShare(share: number | null, locale: Locale): string {
  if (share === null || Number.isNaN(share)) return '–';
  const text = (share * 100).toFixed(1);
  return locale === 'fr' ? `${text.replace('.', ',')}\u00a0%` : `${text}%`;
}

/** A change against the period before: "+25 %", "−17 %"; "new" when there was nothing before. */
export function formatTrend(change: number | null, locale: Locale): string {
  if (change === null || Number.isNaN(change)) return locale === 'fr' ? 'nouveau' : 'new';
  const rounded = Math.round(change * 100);
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '';
  return locale === 'fr' ? `${sign}${Math.abs(rounded)}\u00a0%` : `${sign}${Math.abs(rounded)}%`;
}

/** A calendar day (`YYYY-MM-DD`) in words: "lundi 23 novembre 2026", "Monday 23 November 2026". */
export function formatDay(isoDate: string, locale: Locale): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}
