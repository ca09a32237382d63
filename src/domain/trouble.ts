/**
 * guichet's own trouble, as the admins must hear of it (DESIGN invariant 10): mails
 * it could not process, mails it gave up sending, a mailbox it no longer polls, an
 * outbox that does not drain, a relay that refuses its login. Judged here from a
 * snapshot the store takes; nothing here reads a clock or the database.
 */
export type TroubleKind = 'quarantine' | 'outbox_failed' | 'poll_stalled' | 'outbox_stuck' | 'smtp_auth';

export const TROUBLE_KINDS: readonly TroubleKind[] = ['quarantine', 'outbox_failed', 'poll_stalled', 'outbox_stuck', 'smtp_auth'];

/** What the store saw, new items counted from each kind's cursor. */
export interface TroubleSnapshot {
  /** Mails quarantined since the last alert of the kind, oldest first. */
  quarantined: { id: number; source: string; reason: string | null; at: Date }[];
  /** Outbox rows given up since the last alert of the kind, oldest first. */
  failed: { id: number; kind: string; recipient: string; reference: string | null; error: string | null; at: Date }[];
  /** The last successful poll of the inbox; null if never. */
  lastPollAt: Date | null;
  /** The last IMAP error, in the server's own words, if newer than the last poll. */
  imapError: string | null;
  /** When the oldest mail still waiting to go out was queued; null when the outbox is empty. */
  oldestUnsentAt: Date | null;
  /** The relay's refusal of our login, when the last try of a waiting mail met one. */
  smtpAuthError: string | null;
  /** The last error met by a mail still waiting (the relay's words: ECONNREFUSED, 421 …). */
  smtpError: string | null;
}

/** What was told, per kind, so that each trouble is told once and at a bounded rate. */
export interface AlertState {
  kind: TroubleKind;
  lastSentAt: Date | null;
  /** For a condition (a stall, a stuck outbox): it is going on and the admins know. */
  active: boolean;
  /** For a list (quarantine, failed rows): the last item told, as the store counts them. */
  cursor: string | null;
}

export interface AlertRules {
  pollStalledMs: number;
  outboxStuckMs: number;
  /** At most one mail per kind in this time: a burst of quarantined mails is one mail. */
  minIntervalMs: number;
  /** Since when this process watches: a mailbox not polled since before it started is not a stall yet. */
  watchingSince: Date;
}

/** One alert to send: its kind and the facts the template shows. */
export interface Alert {
  kind: TroubleKind;
  facts: Record<string, unknown>;
}

export interface TroubleJudgement {
  alerts: Alert[];
  states: AlertState[];
  /** Every trouble going on now, told or not: what `status` shows. */
  ongoing: { kind: TroubleKind; since: Date | null; detail: string }[];
}

export function judgeTrouble(snapshot: TroubleSnapshot, previous: readonly AlertState[], rules: AlertRules, now: Date): TroubleJudgement {
  const stateOf = (kind: TroubleKind): AlertState => previous.find((s) => s.kind === kind) ?? { kind, lastSentAt: null, active: false, cursor: null };
  const mayTell = (state: AlertState) => state.lastSentAt === null || now.getTime() - state.lastSentAt.getTime() >= rules.minIntervalMs;
  const alerts: Alert[] = [];
  const states: AlertState[] = [];
  const ongoing: TroubleJudgement['ongoing'] = [];

  /** A list of new items: told in one mail when the rate allows, else kept for the next mail. */
  const list = <T extends { at: Date }>(kind: TroubleKind, items: T[], cursorOf: (item: T) => string, facts: (items: T[]) => Record<string, unknown>) => {
    const state = stateOf(kind);
    if (items.length > 0 && mayTell(state)) {
      alerts.push({ kind, facts: facts(items) });
      states.push({ ...state, lastSentAt: now, cursor: cursorOf(items[items.length - 1]!) });
    } else states.push(state);
  };
  /** A condition: told once when it starts (if the rate allows), forgotten when it ends. */
  const condition = (kind: TroubleKind, since: Date | null, detail: string | null, facts: Record<string, unknown>) => {
    const state = stateOf(kind);
    if (detail === null) return void states.push({ ...state, active: false });
    ongoing.push({ kind, since, detail });
    if (state.active) return void states.push(state);
    if (!mayTell(state)) return void states.push({ ...state, active: true });
    alerts.push({ kind, facts });
    states.push({ ...state, active: true, lastSentAt: now });
  };

  list('quarantine', snapshot.quarantined, (q) => String(q.id), (items) => ({ mails: items.map((q) => ({ ...q, release: `guichet quarantine release ${q.id}` })) }));
  list('outbox_failed', snapshot.failed, (f) => f.at.toISOString(), (items) => ({ rows: items }));

  const pollAge = now.getTime() - Math.max(snapshot.lastPollAt?.getTime() ?? 0, rules.watchingSince.getTime());
  const stalled = pollAge >= rules.pollStalledMs;
  const minutes = (ms: number) => Math.floor(ms / 60_000);
  condition(
    'poll_stalled',
    snapshot.lastPollAt,
    stalled ? `${snapshot.lastPollAt ? `no successful poll for ${minutes(pollAge)} minutes` : 'no successful poll yet'}${snapshot.imapError ? `: ${snapshot.imapError}` : ''}` : null,
    { lastPollAt: snapshot.lastPollAt, minutes: minutes(pollAge), error: snapshot.imapError },
  );
  const unsentAge = snapshot.oldestUnsentAt === null ? 0 : now.getTime() - snapshot.oldestUnsentAt.getTime();
  condition(
    'outbox_stuck',
    snapshot.oldestUnsentAt,
    unsentAge >= rules.outboxStuckMs ? `the oldest unsent mail waits for ${minutes(unsentAge)} minutes${snapshot.smtpError ? `: ${snapshot.smtpError}` : ''}` : null,
    { oldestUnsentAt: snapshot.oldestUnsentAt, minutes: minutes(unsentAge), error: snapshot.smtpError },
  );
  condition('smtp_auth', null, snapshot.smtpAuthError, { error: snapshot.smtpAuthError });
  return { alerts, states, ongoing };
}
