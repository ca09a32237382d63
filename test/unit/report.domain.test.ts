import { describe, expect, it } from 'vitest';
import type { Decision, DomainEvent } from '../../src/domain/decision.js';
import { bands, percentile, share, spread, trend } from '../../src/domain/report.js';
import { reportPeriod, ReportPeriodError } from '../../src/domain/reportPeriod.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { withRecord } from '../../src/domain/ticketRecord.js';
import { domainPolicy, openTicket, PRESETS } from '../harness/domain.js';

const at = (iso: string) => new Date(iso);

describe('the report arithmetic', () => {
  it('takes the nearest-rank percentile: a value some ticket really had', () => {
    const waits = [[0, 1], [120, 1], [150, 1], [240, 1], [2910, 1]] as const;
    expect(percentile(waits, 0.5)).toBe(150);
    expect(percentile(waits, 0.9)).toBe(2910);
    // Counts, not rows: 9 tickets at 10 minutes and one at 600.
    expect(spread([[600, 1], [10, 9]])).toEqual({ median: 10, p90: 10, count: 10 });
    expect(percentile([], 0.5)).toBeNull();
  });

  it('rounds shares and trends to a tenth of a percent, and has none for nothing', () => {
    expect(share(2, 3)).toBe(0.667);
    expect(share(0, 0)).toBeNull();
    expect(trend(25, 20)).toBe(0.25);
    expect(trend(3, 0)).toBeNull();
  });

  it('puts values into bands by upper bound, the last band taking the rest', () => {
    expect(bands([[0, 2], [59, 1], [60, 4], [5000, 1]], [60, 120])).toEqual([3, 4, 1]);
  });
});

describe('the open minutes between two instants', () => {
  const cashback = PRESETS.cashback!.calendar;
  it('count only opening hours: a weekend and a holiday are not waited', () => {
    // Friday 6 November 2026, 16:00 Paris, to Monday 9, 10:00: one hour each side.
    expect(cashback.openMinutesBetween(at('2026-11-06T15:00:00Z'), at('2026-11-09T09:00:00Z'))).toBe(120);
    // Tuesday 10 after closing to Thursday 12, 11:30: Wednesday 11 November is a public holiday.
    expect(cashback.openMinutesBetween(at('2026-11-10T17:00:00Z'), at('2026-11-12T10:30:00Z'))).toBe(150);
    expect(cashback.openMinutesBetween(at('2026-11-07T09:00:00Z'), at('2026-11-08T19:00:00Z'))).toBe(0);
  });

  it('keep local opening hours across the clock change', () => {
    // Friday 23 October 2026, 16:00 CEST, to Monday 26, 10:00 CET (clocks went back on Sunday 25).
    expect(cashback.openMinutesBetween(at('2026-10-23T14:00:00Z'), at('2026-10-26T09:00:00Z'))).toBe(120);
  });
});

describe('the period of a report', () => {
  it('defaults to four whole weeks, Monday to Sunday, the current week included', () => {
    const period = reportPeriod({}, at('2026-12-03T10:00:00Z'), 'Europe/Paris');
    expect(period.buckets.map((b) => b.label)).toEqual(['2026-W46', '2026-W47', '2026-W48', '2026-W49']);
    expect(period.from.toISOString()).toBe('2026-11-08T23:00:00.000Z');
    expect(period.to.toISOString()).toBe('2026-12-06T23:00:00.000Z');
    expect(period.previousFrom.toISOString()).toBe('2026-10-11T22:00:00.000Z');
  });

  it('takes both days whole in the time zone, and buckets months from the first day given', () => {
    const period = reportPeriod({ from: '2026-01-15', to: '2026-03-31', by: 'month' }, at('2026-12-03T10:00:00Z'), 'Europe/Paris');
    expect(period.buckets.map((b) => [b.label, b.start.toISOString()])).toEqual([
      ['2026-01', '2026-01-14T23:00:00.000Z'],
      ['2026-02', '2026-01-31T23:00:00.000Z'],
      ['2026-03', '2026-02-28T23:00:00.000Z'],
    ]);
    expect(period.to.toISOString()).toBe('2026-03-31T22:00:00.000Z'); // 1 April, 00:00 summer time
  });

  it('refuses a date it cannot read and a period that ends before it starts, naming the option', () => {
    expect(() => reportPeriod({ from: '03/11/2026' }, at('2026-12-03T10:00:00Z'), 'Europe/Paris')).toThrow(ReportPeriodError);
    expect(() => reportPeriod({ from: '2026-11-10', to: '2026-11-01' }, at('2026-12-03T10:00:00Z'), 'Europe/Paris')).toThrow(/--to 2026-11-01 comes before --from 2026-11-10/);
  });
});

describe("a ticket's record", () => {
  const policy = domainPolicy({ defaultPolicy: 'cashback' });
  const opened = at('2026-11-06T15:00:00Z'); // Friday 16:00 in Paris
  const ticket = openTicket(opened, { policy: 'cashback', firstResponseDueAt: at('2026-11-10T15:00:00Z') });
  const decide = (before: Ticket, after: Partial<Ticket>, events: DomainEvent[], now: Date): Ticket =>
    withRecord({ ticket: { ...before, ...after }, created: false, events, outgoing: [] } as Decision, before, now, policy).ticket!;

  it('keeps the first answer of the first round, in open and elapsed minutes, and whether the promise held', () => {
    const answered = decide(ticket, {}, [{ type: 'agent_replied', agent: 'agent1@example.test', messageId: '<a@x>' }, { type: 'first_response', agent: 'agent1@example.test', dueAt: '2026-11-10T15:00:00.000Z' }], at('2026-11-09T09:00:00Z'));
    expect(answered.record.firstAnswer).toEqual({ minutes: 3960, openMinutes: 120, kept: true, by: 'agent1@example.test' });
    const reopened = decide(answered, {}, [{ type: 'ticket_reopened', previousStatus: 'resolved', previousFirstResponseAt: null }], at('2026-11-12T09:00:00Z'));
    const againAnswered = decide(reopened, {}, [{ type: 'first_response', agent: 'other@example.test', dueAt: null }], at('2026-11-13T09:00:00Z'));
    expect(againAnswered.record.firstAnswer).toEqual(answered.record.firstAnswer);
    expect(againAnswered.record.reopens).toBe(1);
  });

  it('solves on #resolve or on #close without one, at the level and by the agent of that moment', () => {
    const closed = decide(ticket, { status: 'closed', level: 2 }, [{ type: 'command_applied', by: 'agent1@example.test', command: '#close' }, { type: 'closed', reason: 'command' }], at('2026-11-09T10:00:00Z'));
    expect(closed.record.solved).toMatchObject({ minutes: 3960 + 60, openMinutes: 180, inTarget: true, level: 2, by: 'agent1@example.test' });
    const autoClosed = decide(ticket, { status: 'closed' }, [{ type: 'closed', reason: 'no_answer' }], at('2026-11-09T10:00:00Z'));
    expect(autoClosed.record.solved).toBeNull();
  });

  it('adds up the time on hold when the hold ends', () => {
    const held = decide(ticket, { status: 'on_hold' }, [], at('2026-11-12T10:30:00Z'));
    expect(held.record).toMatchObject({ holds: 1, holdStartedAt: at('2026-11-12T10:30:00Z'), holdMinutes: 0 });
    const woken = decide(held, { status: 'open' }, [{ type: 'hold_ended' }], at('2026-11-13T11:00:00Z'));
    expect(woken.record).toMatchObject({ holds: 1, holdStartedAt: null, holdMinutes: 1470 });
  });
});
