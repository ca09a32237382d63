import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { PRESETS } from '../harness/domain.js';

// Instants are written with their Paris offset, so each test reads as a French clock.
const at = (iso: string) => new Date(iso);
const d = (text: string) => parseDuration(text)!;
const { marketplace, shop, cashback } = PRESETS as Required<typeof PRESETS>;

describe('business calendar (France, Europe/Paris)', () => {
  it('knows the French public holidays, Easter-based ones included, and opens on ordinary days', () => {
    const cal = shop!.calendar;
    for (const day of ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25', '2027-03-29', '2027-05-06', '2027-05-17']) {
      expect(cal.isClosedDay(day), day).toBe(true);
    }
    for (const day of ['2026-04-07', '2026-11-23', '2026-12-24']) expect(cal.isClosedDay(day), day).toBe(false);
    expect(cal.isOpen(at('2026-11-23T10:00:00+01:00'))).toBe(true); // a Monday
    expect(cal.isOpen(at('2026-11-21T10:00:00+01:00'))).toBe(false); // a Saturday
  });

  it('shop: 24 business hours skip the weekend — a ticket on Friday 16:59 is due Monday 16:59', () => {
    expect(shop!.calendar.add(at('2026-11-20T16:59:00+01:00'), d('24 business hours'))).toEqual(at('2026-11-23T16:59:00+01:00'));
  });

  it('shop: skips Easter Monday, Ascension Thursday and Whit Monday', () => {
    expect(shop!.calendar.add(at('2026-04-03T10:00:00+02:00'), d('24 business hours'))).toEqual(at('2026-04-07T10:00:00+02:00'));
    expect(shop!.calendar.add(at('2026-05-13T10:00:00+02:00'), d('24 business hours'))).toEqual(at('2026-05-15T10:00:00+02:00'));
    expect(shop!.calendar.add(at('2026-05-22T10:00:00+02:00'), d('2 business days'))).toEqual(at('2026-05-27T10:00:00+02:00'));
  });

  it('shop: 14 July, 15 August, 1 and 11 November and Christmas are closed', () => {
    expect(shop!.calendar.add(at('2026-07-13T09:00:00+02:00'), d('24 business hours'))).toEqual(at('2026-07-15T09:00:00+02:00'));
    expect(shop!.calendar.add(at('2026-08-14T09:00:00+02:00'), d('1 business day'))).toEqual(at('2026-08-17T09:00:00+02:00')); // 15 Aug is a Saturday in 2026 anyway
    expect(shop!.calendar.add(at('2027-10-29T09:00:00+02:00'), d('1 business day'))).toEqual(at('2027-11-02T09:00:00+01:00')); // Mon 1 Nov 2027
    expect(shop!.calendar.add(at('2026-11-10T09:00:00+01:00'), d('24 business hours'))).toEqual(at('2026-11-12T09:00:00+01:00'));
    expect(shop!.calendar.add(at('2026-12-24T12:00:00+01:00'), d('24 business hours'))).toEqual(at('2026-12-28T12:00:00+01:00'));
  });

  it('cashback: business hours are 9:00-17:00 Monday to Friday; Friday 16:59 plus 2 business days is Tuesday 16:59', () => {
    const cal = cashback!.calendar;
    expect(cal.add(at('2026-10-16T16:59:00+02:00'), d('2 business days'))).toEqual(at('2026-10-20T16:59:00+02:00'));
    // One minute on Friday, then eight hours on Monday: Monday 16:59.
    expect(cal.add(at('2026-10-16T16:59:00+02:00'), d('8 business hours'))).toEqual(at('2026-10-19T16:59:00+02:00'));
    // A mail on Saturday counts from Monday 9:00.
    expect(cal.add(at('2026-10-17T11:00:00+02:00'), d('2 business hours'))).toEqual(at('2026-10-19T11:00:00+02:00'));
    expect(cal.nextOpening(at('2026-10-16T17:30:00+02:00'))).toEqual(at('2026-10-19T09:00:00+02:00'));
  });

  it('keeps opening hours in local time across both daylight-saving changes', () => {
    const cal = cashback!.calendar;
    // Spring forward on Sunday 29 March 2026: Friday 16:00 + 2 business hours = Monday 10:00 summer time (08:00 UTC).
    expect(cal.add(at('2026-03-27T16:00:00+01:00'), d('2 business hours'))).toEqual(at('2026-03-30T10:00:00+02:00'));
    // Fall back on Sunday 25 October 2026: Friday 16:00 summer time + 2 business hours = Monday 10:00 winter time (09:00 UTC).
    expect(cal.add(at('2026-10-23T16:00:00+02:00'), d('2 business hours'))).toEqual(at('2026-10-26T10:00:00+01:00'));
  });

  it('calendar hours are elapsed time; calendar days keep the wall clock across daylight saving', () => {
    const cal = marketplace!.calendar;
    expect(cal.add(at('2026-10-24T12:00:00+02:00'), d('24 hours'))).toEqual(at('2026-10-25T11:00:00+01:00'));
    expect(cal.add(at('2026-10-24T12:00:00+02:00'), d('1 day'))).toEqual(at('2026-10-25T12:00:00+01:00'));
    expect(cal.add(at('2026-03-28T12:00:00+01:00'), d('5 days'))).toEqual(at('2026-04-02T12:00:00+02:00'));
  });

  it('peak periods change the targets of tickets opened in them: cashback answers within 2 weeks at Black Friday', () => {
    const cal = cashback!.calendar;
    expect(cal.peakAt(at('2026-11-27T10:00:00+01:00'))?.name).toBe('black-friday');
    expect(cal.peakAt(at('2027-01-02T10:00:00+01:00'))?.name).toBe('christmas'); // wraps over New Year
    expect(cal.peakAt(at('2026-10-15T10:00:00+02:00'))).toBeNull();
  });
});

describe('durations', () => {
  it('reads what policies write, and nothing else', () => {
    expect(parseDuration('24 hours')).toEqual({ amount: 24, unit: 'hours', business: false });
    expect(parseDuration('48 business hours')).toEqual({ amount: 48, unit: 'hours', business: true });
    expect(parseDuration('2 business weeks')).toEqual({ amount: 10, unit: 'days', business: true });
    expect(parseDuration('5d')).toEqual({ amount: 5, unit: 'days', business: false });
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('24 business')).toBeNull();
  });
});
