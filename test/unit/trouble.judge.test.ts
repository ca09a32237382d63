import { describe, expect, it } from 'vitest';
import { judgeTrouble, type AlertRules, type AlertState, type TroubleSnapshot } from '../../src/domain/trouble.js';

const T = new Date('2026-11-23T09:00:00Z');
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
const rules: AlertRules = { pollStalledMs: 10 * 60_000, outboxStuckMs: 10 * 60_000, minIntervalMs: 60 * 60_000, watchingSince: T };
const calm: TroubleSnapshot = { quarantined: [], failed: [], lastPollAt: T, imapError: null, oldestUnsentAt: null, smtpAuthError: null, smtpError: null };
const quarantined = (id: number) => ({ id, source: `imap:INBOX:1:${id}`, reason: 'GUICHET_MAIL_TOO_LARGE: 16023 bytes', at: at(id) });

/** Runs the judgement minute after minute, as the daemon does, carrying the states along. */
function run(snapshots: [number, TroubleSnapshot][]) {
  let states: AlertState[] = [];
  return snapshots.map(([minute, snapshot]) => {
    const judged = judgeTrouble(snapshot, states, rules, at(minute));
    states = judged.states;
    return judged;
  });
}

describe('judging guichet\'s own trouble', () => {
  it('is quiet when all is well', () => {
    expect(judgeTrouble(calm, [], rules, at(5))).toMatchObject({ alerts: [], ongoing: [] });
  });

  it('tells quarantined mails at most once an hour, each mail once, the burst in one mail', () => {
    const [first, second, third] = run([
      [1, { ...calm, lastPollAt: at(1), quarantined: [quarantined(1)] }],
      [5, { ...calm, lastPollAt: at(5), quarantined: [quarantined(2), quarantined(3)] }],
      [61, { ...calm, lastPollAt: at(61), quarantined: [quarantined(2), quarantined(3)] }],
    ]);
    expect(first!.alerts).toEqual([{ kind: 'quarantine', facts: { mails: [expect.objectContaining({ id: 1, release: 'guichet quarantine release 1' })] } }]);
    expect(first!.states.find((s) => s.kind === 'quarantine')!.cursor).toBe('1');
    expect(second!.alerts).toEqual([]);
    // Not told, so the cursor did not move: the next mail has both.
    expect(second!.states.find((s) => s.kind === 'quarantine')!.cursor).toBe('1');
    expect(third!.alerts[0]!.facts.mails).toHaveLength(2);
  });

  it('tells a stall once when it starts, not again while it lasts, and again for a new one an hour later', () => {
    const stalled = (minute: number): [number, TroubleSnapshot] => [minute, { ...calm, lastPollAt: at(0), imapError: 'AUTHENTICATIONFAILED' }];
    const judged = run([stalled(9), stalled(10), stalled(30), [31, { ...calm, lastPollAt: at(31) }], [80, { ...calm, lastPollAt: at(60) }]]);
    expect(judged.map((j) => j.alerts.map((a) => a.kind))).toEqual([[], ['poll_stalled'], [], [], ['poll_stalled']]);
    expect(judged[2]!.ongoing).toEqual([{ kind: 'poll_stalled', since: at(0), detail: 'no successful poll for 30 minutes: AUTHENTICATIONFAILED' }]);
    expect(judged[3]!.ongoing).toEqual([]);
  });

  it('does not call a mailbox stalled before the process has watched it long enough', () => {
    expect(judgeTrouble({ ...calm, lastPollAt: null }, [], { ...rules, watchingSince: at(100) }, at(105)).alerts).toEqual([]);
    expect(judgeTrouble({ ...calm, lastPollAt: null }, [], { ...rules, watchingSince: at(100) }, at(110)).ongoing).toEqual([
      { kind: 'poll_stalled', since: null, detail: 'no successful poll yet' },
    ]);
  });

  it('tells a stuck outbox and a refused login, each once', () => {
    const stuck: TroubleSnapshot = { ...calm, oldestUnsentAt: at(0), smtpAuthError: 'GUICHET_SMTP_AUTH: 535 5.7.8', smtpError: 'GUICHET_SMTP_AUTH: 535 5.7.8' };
    const judged = run([[5, { ...stuck, lastPollAt: at(5) }], [12, { ...stuck, lastPollAt: at(12) }], [13, { ...stuck, lastPollAt: at(13) }]]);
    expect(judged.map((j) => j.alerts.map((a) => a.kind))).toEqual([['smtp_auth'], ['outbox_stuck'], []]);
  });

  it('says why the outbox is stuck, in the relay\'s words', () => {
    const down: TroubleSnapshot = { ...calm, lastPollAt: at(12), oldestUnsentAt: at(0), smtpError: 'GUICHET_SMTP_UNREACHABLE: Error: connect ECONNREFUSED 127.0.0.1:25' };
    expect(judgeTrouble(down, [], rules, at(12)).ongoing).toEqual([
      { kind: 'outbox_stuck', since: at(0), detail: 'the oldest unsent mail waits for 12 minutes: GUICHET_SMTP_UNREACHABLE: Error: connect ECONNREFUSED 127.0.0.1:25' },
    ]);
  });
});
