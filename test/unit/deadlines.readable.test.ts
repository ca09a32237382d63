import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { escalationAt, firstResponseDue } from '../../src/domain/policy.js';
import { nextTimers } from '../../src/domain/timers.js';
import { formatDeadline } from '../../src/templates/helpers.js';
import { openTicket, PRESETS } from '../harness/domain.js';

// Instants are written with their Paris offset, so each test reads as a French clock.
const at = (iso: string) => new Date(iso);
const d = (text: string) => parseDuration(text)!;
const shop = PRESETS.shop!;
const cashback = PRESETS.cashback!;
const ZONE = 'Europe/Paris';

function timersOf(policyName: 'shop' | 'cashback', openedAt: Date) {
  const policy = PRESETS[policyName]!;
  const ticket = openTicket(openedAt, { policy: policyName, firstResponseDueAt: firstResponseDue(policy, openedAt) });
  return Object.fromEntries(nextTimers(ticket, policy).map((t) => [t.kind, t.dueAt]));
}

describe('deadlines as the customer reads them', () => {
  it('reminds the team with the lead left in working time: Saturday evening under cashback, reminded Tuesday 13:00 for Tuesday 17:00', () => {
    const timers = timersOf('cashback', at('2026-10-17T18:56:00+02:00'));
    expect(firstResponseDue(cashback, at('2026-10-17T18:56:00+02:00'))).toEqual(at('2026-10-20T17:00:00+02:00'));
    expect(timers.first_response_reminder).toEqual(at('2026-10-20T13:00:00+02:00'));
  });

  it('counts a lead across the night: a deadline at Wednesday 10:00 is reminded Tuesday 15:00', () => {
    expect(cashback.calendar.before(at('2026-10-21T10:00:00+02:00'), d('3 hours'), at('2026-10-01T00:00:00+02:00'))).toEqual(at('2026-10-20T15:00:00+02:00'));
  });

  it('never reminds before the ticket existed', () => {
    const opened = at('2026-10-19T16:00:00+02:00');
    expect(cashback.calendar.before(at('2026-10-20T10:00:00+02:00'), d('4 hours'), opened)).toEqual(opened);
  });

  it('keeps the wall-clock time across the spring clock change: shop, 2 business days from Friday 27 March 02:16 is Tuesday 31 March 02:16', () => {
    expect(shop.calendar.add(at('2026-03-27T02:16:00+01:00'), d('2 business days'))).toEqual(at('2026-03-31T02:16:00+02:00'));
  });

  it('gives the end of the last open period, not the next opening: 2 business days from Tuesday 04:12 under cashback is Wednesday 17:00', () => {
    const due = cashback.calendar.add(at('2026-01-06T04:12:00+01:00'), d('2 business days'));
    expect(due).toEqual(at('2026-01-07T17:00:00+01:00'));
    expect(formatDeadline(due, 'fr', ZONE)).toBe('avant le mercredi 7 janvier à 17\u00a0h');
    expect(formatDeadline(due, 'en', ZONE)).toBe('by Wednesday 7 January at 5:00 pm CET');
  });

  it('says midnight as the end of the day before, never "à 0 h"', () => {
    const due = shop.calendar.add(at('2026-10-10T11:00:00+02:00'), d('1 business day')); // a Saturday: counts from Monday 00:00
    expect(due).toEqual(at('2026-10-13T00:00:00+02:00'));
    expect(formatDeadline(due, 'fr', ZONE)).toBe("d'ici la fin de la journée du lundi 12 octobre");
    expect(formatDeadline(due, 'en', ZONE)).toBe('by the end of Monday 12 October');
  });

  it('keeps seconds in the arithmetic but never shows them', () => {
    const due = cashback.calendar.add(at('2026-10-19T10:15:42+02:00'), d('2 business hours'));
    expect(due).toEqual(at('2026-10-19T12:15:42+02:00'));
    expect(formatDeadline(due, 'fr', ZONE)).toBe('avant le lundi 19 octobre à 12\u00a0h\u00a015');
  });

  it('stretches the escalation with the first answer in a peak period: level 2 never comes before the answer is due', () => {
    const opened = at('2026-12-21T10:00:00+01:00'); // Christmas peak
    const timers = timersOf('cashback', opened);
    expect(escalationAt(cashback, opened)).toEqual(cashback.peakEscalation);
    expect(timers.escalate!.getTime()).toBeGreaterThan(firstResponseDue(cashback, opened).getTime());
    // Outside a peak, the usual steps.
    expect(escalationAt(cashback, at('2026-10-19T10:00:00+02:00'))).toEqual(cashback.escalation);
  });
});

describe('deadline properties over 2026-2028 (every clock change and holiday)', () => {
  // Starts every 7 h 13 min 17 s from 2026 to 2028: every hour of the day, every weekday, around every clock change and holiday.
  const starts: Date[] = [];
  for (let t = at('2026-01-01T00:00:00+01:00').getTime(); t < at('2029-01-01T00:00:00+01:00').getTime(); t += (7 * 60 + 13) * 60_000 + 17_000) starts.push(new Date(t));
  const policies = [shop, cashback];

  it('the reminder always leaves at least the lead in working time, or comes at the ticket\'s start', () => {
    for (const policy of policies) {
      const lead = policy.firstResponseReminderBefore;
      for (const start of starts) {
        const due = firstResponseDue(policy, start);
        const reminder = policy.calendar.before(due, lead, start);
        if (reminder.getTime() === start.getTime()) continue;
        expect(policy.calendar.add(reminder, { ...lead, business: true }).getTime(), `${policy.name} ${start.toISOString()}`).toBeLessThanOrEqual(due.getTime());
      }
    }
  });

  it('a deadline shown to people never lies in closed hours after them: it is open just before it', () => {
    for (const policy of policies) {
      for (const start of starts) {
        for (const target of [policy.targets.firstResponse, policy.targets.resolution]) {
          const due = policy.calendar.add(start, target);
          expect(policy.calendar.isOpen(new Date(due.getTime() - 1000)), `${policy.name} ${start.toISOString()} + ${target.amount} ${target.unit}`).toBe(true);
        }
      }
    }
  });

  it.each(['13 business hours', '2 business days'])('adding %s then going back as much gives the start\'s business instant', (text) => {
    const duration = d(text);
    for (const policy of policies) {
      for (const start of starts) {
        const back = policy.calendar.before(policy.calendar.add(start, duration), duration, new Date(0));
        const opening = policy.calendar.nextOpening(start);
        // The same working minute: the opening itself, or the end of the open period before it.
        expect(policy.calendar.add(back, d('1 business hours')), `${policy.name} ${start.toISOString()}`).toEqual(policy.calendar.add(opening, d('1 business hours')));
      }
    }
  });

  it('business days keep the start\'s wall-clock time, whatever the clock changes between', () => {
    const local = (date: Date) => new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(date);
    for (const start of starts) {
      const opening = shop.calendar.nextOpening(start);
      const due = shop.calendar.add(start, d('2 business days'));
      // A time that does not exist on the day reached (02:xx on the spring-forward Sunday) moves an hour; shop is closed on Sundays.
      expect(local(due), start.toISOString()).toBe(local(opening));
    }
  });
});
