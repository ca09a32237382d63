import type { OutgoingMail } from '../domain/decision.js';
import type { Transaction } from '../store/db.js';
import { lockSpamDigest, saveSpamDigest, spamSince } from '../store/alerts.js';
import type { AppContext } from './context.js';

const DAY_MS = 86_400_000;

/**
 * Once a day, the level-1 team gets the count of mail taken for spam, with the first
 * ones by reference: what the filter or a `#spam` kept out of their inbox, so that a
 * customer caught by mistake is found (`#notspam` on the reference brings it back).
 * Nothing is sent on a day without spam.
 */
export async function spamDigest(ctx: AppContext, transaction: Transaction, now: Date): Promise<OutgoingMail[]> {
  const { db, config, policy } = ctx;
  const team = policy.teamAddresses[1];
  const last = await lockSpamDigest(db, transaction);
  if (team === undefined || (last !== null && now.getTime() - last.getTime() < DAY_MS)) return [];
  const since = last ?? new Date(now.getTime() - DAY_MS);
  await saveSpamDigest(db, transaction, now);
  const seen = await spamSince(db, transaction, since);
  if (seen.count === 0) return [];
  return [{ template: 'spam-digest', to: { address: team, name: null }, locale: config.support.locale, automatic: true, inReplyTo: null, references: [], variables: { count: seen.count, since, mails: seen.mails } }];
}
