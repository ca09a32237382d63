import { DateTime } from 'luxon';
import type { Duration } from './duration.js';

/** Minutes since local midnight; `to` may be 1440 ("24:00"). */
export interface OpeningInterval {
  from: number;
  to: number;
}

/** 1 = Monday … 7 = Sunday, as ISO and luxon number them. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface PeakPeriod {
  name: string;
  /** `MM-DD` (every year) or `YYYY-MM-DD` (that year only); a yearly period may wrap over New Year. */
  from: string;
  to: string;
}

export interface CalendarSpec {
  timezone: string;
  /** Public holidays of this country (ISO 3166 code, e.g. FR) are closed; null for none. */
  country: string | null;
  /** A region or state for regional holidays (e.g. "67" for Bas-Rhin's Good Friday and St Stephen's Day). */
  region: string | null;
  openingHours: Readonly<Record<Weekday, readonly OpeningInterval[]>>;
  /** Extra closed days, `YYYY-MM-DD` in the calendar's time zone. */
  closedDays: readonly string[];
  peakPeriods: readonly PeakPeriod[];
}

/** Business days and hours cannot be found this far ahead: the calendar is closed for good. */
const SEARCH_DAYS = 3660;

/** The public holidays of a year, as local dates (`YYYY-MM-DD`): the calendar's one source of them. */
export type PublicHolidays = (year: number) => readonly string[];

/**
 * The service's calendar: when it is open, and how deadlines fall. Pure: it is given
 * instants and returns instants. Time zones and daylight saving are luxon's; public
 * holidays (Easter-based ones included) are given by the configuration, which reads
 * them from date-holidays for `spec.country` and `spec.region`.
 */
export class BusinessCalendar {
  private readonly closedByYear = new Map<number, Set<string>>();
  private readonly peakCache = new Map<number, PeakPeriod | null>();
  private readonly instants = new Map<string, number>();

  constructor(
    readonly spec: CalendarSpec,
    private readonly publicHolidays: PublicHolidays = () => [],
  ) {}

  /** Whether a local date (`YYYY-MM-DD`) is a public holiday or an extra closed day. */
  isClosedDay(isoDate: string): boolean {
    const year = Number(isoDate.slice(0, 4));
    let closed = this.closedByYear.get(year);
    if (!closed) {
      closed = new Set(this.spec.closedDays.filter((d) => d.startsWith(`${year}-`)));
      for (const day of this.publicHolidays(year)) closed.add(day);
      this.closedByYear.set(year, closed);
    }
    return closed.has(isoDate);
  }

  isOpen(at: Date): boolean {
    const local = this.local(at);
    const minute = local.hour * 60 + local.minute;
    return this.intervalsOf(local).some((i) => minute >= i.from && minute < i.to);
  }

  /** The peak period `at` falls in, by local date, or null. */
  peakAt(at: Date): PeakPeriod | null {
    // Asked for the same instant by every deadline of a ticket, and by every ticket of a batch.
    const key = at.getTime();
    const known = this.peakCache.get(key);
    if (known !== undefined) return known;
    if (this.peakCache.size > 1000) this.peakCache.clear();
    const peak = this.findPeak(at);
    this.peakCache.set(key, peak);
    return peak;
  }

  private findPeak(at: Date): PeakPeriod | null {
    const local = this.local(at);
    const date = local.toISODate()!;
    const monthDay = date.slice(5);
    for (const peak of this.spec.peakPeriods) {
      if (peak.from.length === 10) {
        if (date >= peak.from && date <= peak.to) return peak;
      } else if (peak.from <= peak.to ? monthDay >= peak.from && monthDay <= peak.to : monthDay >= peak.from || monthDay <= peak.to) {
        return peak;
      }
    }
    return null;
  }

  /**
   * The instant `duration` after `start`, counted on this calendar. Remembered: the
   * tickets of a batch share their instant, and each asks for the same few durations
   * (luxon's time-zone offsets were most of the cost of a ticket's timers).
   */
  add(start: Date, duration: Duration): Date {
    return this.remembered(`${start.getTime()} ${duration.amount} ${duration.unit} ${duration.business}`, () => this.compute(start, duration));
  }

  /** An instant computed once per key: `add` and `before` are asked the same few questions by every ticket of a batch. */
  private remembered(key: string, compute: () => Date): Date {
    let known = this.instants.get(key);
    if (known === undefined) {
      if (this.instants.size > 4096) this.instants.clear();
      known = compute().getTime();
      this.instants.set(key, known);
    }
    return new Date(known);
  }

  private compute(start: Date, duration: Duration): Date {
    if (!duration.business) {
      // Calendar hours are elapsed time: no time zone needed (and luxon's offset lookups are the costly part).
      if (duration.unit === 'hours') return new Date(start.getTime() + duration.amount * 3_600_000);
      const local = this.local(start);
      // Calendar days keep the wall-clock time across a daylight-saving change; hours are elapsed time.
      return local.plus({ days: duration.amount }).toJSDate();
    }
    const end = duration.unit === 'hours' ? this.addBusinessMinutes(start, Math.round(duration.amount * 60)) : this.addBusinessDays(start, duration.amount);
    return this.closingBefore(end);
  }

  /**
   * The instant `duration` of business time before `end`: how early a reminder goes so
   * that the team still has that much working time. Never before `notBefore`.
   * Remembered like `add`: the tickets of a batch share their deadline.
   */
  before(end: Date, duration: Duration, notBefore: Date): Date {
    const instant = this.remembered(`-${end.getTime()} ${duration.amount} ${duration.unit}`, () =>
      duration.unit === 'hours' ? this.subtractBusinessMinutes(end, Math.round(duration.amount * 60)) : this.subtractBusinessDays(end, duration.amount),
    );
    return new Date(Math.max(instant.getTime(), notBefore.getTime()));
  }

  /**
   * A business deadline that falls at an opening, after closed hours, is the same
   * working minute as the end of the last open period before it: that end is the
   * deadline, so that a customer reads "Wednesday at 17:00" rather than "Thursday at
   * 9:00" (which reads as a day late), and timers fire then.
   */
  private closingBefore(at: Date): Date {
    const time = at.getTime();
    let day = this.local(at).startOf('day');
    const opensThen = this.intervalsOf(day).some((i) => this.at(day, i.from).toMillis() === time);
    // Open just before (a day open until midnight, then the next from 00:00): no closed hours between.
    if (!opensThen || this.isOpen(new Date(time - 60_000))) return at;
    for (let n = 0; n < SEARCH_DAYS; n++, day = day.minus({ days: 1 })) {
      const ends = this.intervalsOf(day)
        .map((i) => this.at(day, i.to).toMillis())
        .filter((end) => end <= time);
      if (ends.length > 0) return new Date(Math.max(...ends));
    }
    return at;
  }

  /** The next instant at or after `at` when the service is open. */
  nextOpening(at: Date): Date {
    let day = this.local(at).startOf('day');
    for (let n = 0; n < SEARCH_DAYS; n++, day = day.plus({ days: 1 })) {
      for (const interval of this.intervalsOf(day)) {
        const from = this.at(day, interval.from);
        const to = this.at(day, interval.to);
        if (to.toMillis() <= at.getTime()) continue;
        return new Date(Math.max(from.toMillis(), at.getTime()));
      }
    }
    throw new Error('the calendar has no opening hours in the next ten years');
  }

  /**
   * Open minutes between two instants, whole minutes rounded down: how long a customer
   * waited in the service's own hours (what the reports call business hours).
   */
  openMinutesBetween(start: Date, end: Date): number {
    if (end.getTime() <= start.getTime()) return 0;
    let open = 0;
    let day = this.local(start).startOf('day');
    for (let n = 0; n < SEARCH_DAYS && day.toMillis() < end.getTime(); n++, day = day.plus({ days: 1 })) {
      for (const interval of this.intervalsOf(day)) {
        const from = Math.max(this.at(day, interval.from).toMillis(), start.getTime());
        const to = Math.min(this.at(day, interval.to).toMillis(), end.getTime());
        if (to > from) open += to - from;
      }
    }
    return Math.floor(open / 60_000);
  }

  /** Counts only the minutes the service is open, interval by interval, day by day. */
  private addBusinessMinutes(start: Date, minutes: number): Date {
    let left = minutes * 60_000;
    let cursor = start.getTime();
    let day = this.local(start).startOf('day');
    for (let n = 0; n < SEARCH_DAYS; n++, day = day.plus({ days: 1 })) {
      for (const interval of this.intervalsOf(day)) {
        const from = Math.max(this.at(day, interval.from).toMillis(), cursor);
        const to = this.at(day, interval.to).toMillis();
        if (to <= from) continue;
        if (to - from >= left) return new Date(from + left);
        left -= to - from;
        cursor = to;
      }
    }
    throw new Error('the calendar has no opening hours in the next ten years');
  }

  /** The same minutes counted backwards from `end`: interval by interval, day by day. */
  private subtractBusinessMinutes(end: Date, minutes: number): Date {
    let left = minutes * 60_000;
    let cursor = end.getTime();
    let day = this.local(end).startOf('day');
    for (let n = 0; n < SEARCH_DAYS; n++, day = day.minus({ days: 1 })) {
      for (const interval of [...this.intervalsOf(day)].reverse()) {
        const from = this.at(day, interval.from).toMillis();
        const to = Math.min(this.at(day, interval.to).toMillis(), cursor);
        if (to <= from) continue;
        if (to - from >= left) return new Date(to - left);
        left -= to - from;
        cursor = from;
      }
    }
    throw new Error('the calendar has no opening hours in the ten years before');
  }

  /**
   * N business days after `start`: the same local time on the Nth open day after it,
   * starting from the next opening if `start` is outside opening hours (a mail on
   * Saturday counts from Monday morning). Dates are counted first and the time of day
   * applied last: stepping a time of day across the spring clock change would carry
   * the hour it gained into every later day.
   */
  private addBusinessDays(start: Date, days: number): Date {
    return this.shiftOpenDays(this.local(this.nextOpening(start)), Math.ceil(days), 1);
  }

  /** N business days before `end`, the same local time (a reminder "1 business day" ahead). */
  private subtractBusinessDays(end: Date, days: number): Date {
    return this.shiftOpenDays(this.local(end), Math.ceil(days), -1);
  }

  private shiftOpenDays(from: DateTime, days: number, direction: 1 | -1): Date {
    let day = from.startOf('day');
    let left = days;
    for (let n = 0; left > 0 && n < SEARCH_DAYS; n++) {
      day = day.plus({ days: direction });
      if (this.intervalsOf(day).length > 0) left--;
    }
    if (left > 0) throw new Error('the calendar has no opening hours within ten years');
    return day.set({ hour: from.hour, minute: from.minute, second: from.second, millisecond: from.millisecond }).toJSDate();
  }

  private intervalsOf(day: DateTime): readonly OpeningInterval[] {
    if (this.isClosedDay(day.toISODate()!)) return [];
    return this.spec.openingHours[day.weekday as Weekday] ?? [];
  }

  /** Local midnight plus `minute`, resolved in the zone: 09:00 stays 09:00 across daylight saving. */
  private at(day: DateTime, minute: number): DateTime {
    if (minute >= 1440) return day.startOf('day').plus({ days: 1 });
    return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
  }

  private local(at: Date): DateTime {
    return DateTime.fromJSDate(at, { zone: this.spec.timezone });
  }
}
