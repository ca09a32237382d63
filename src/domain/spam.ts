import type { InboundMail } from './inbound.js';

/** Why a mail is taken for spam: the MTA's filter said so, or an agent blocked its sender (`#spam`). */
export type SpamReason = 'filter' | 'blocked_sender';

/** A sender blocked or unblocked by an agent's `#spam` / `#notspam`, written with the decision. */
export interface SenderBlock {
  address: string;
  blocked: boolean;
  by: string;
  reference: string;
}

/**
 * Spam, or not: the filter's own yes, a score at or over the configured threshold
 * (`spam.score_threshold`, for a filter that only scores), or a blocked sender. Such
 * mail is kept (a spam ticket, or a note on its ticket) and never answered,
 * acknowledged, escalated or counted against a deadline: answering forged senders
 * is backscatter.
 */
export function spamReason(mail: InboundMail, senderBlocked: boolean, threshold: number | null): SpamReason | null {
  if (senderBlocked) return 'blocked_sender';
  const verdict = mail.spam;
  if (verdict === null) return null;
  if (verdict.flagged) return 'filter';
  return threshold !== null && verdict.score !== null && verdict.score >= threshold ? 'filter' : null;
}
