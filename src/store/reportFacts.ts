import type { Ticket } from '../domain/ticket.js';
import type { Database, Transaction } from './db.js';
import { insertRows, numbered, placeholders, run, type Row } from './sqlRows.js';

/**
 * The report's facts table: one narrow row per ticket and figure (its opening, its
 * first answer, its solution, its rating, its time on hold), each with the ticket's
 * opening time, policy and category. The report reads distributions from it in index
 * order, so that SQLite has nothing to sort (docs/performance.md, "Reports"); the
 * tickets table keeps its few indexes, and these rows change only when a figure does.
 */
export type FactName = 'opened' | 'first_open' | 'first_elapsed' | 'solved_open' | 'solved_elapsed' | 'rating' | 'hold' | 'returning';

/** A decision with one of these events may have changed what the facts say of its ticket. */
const FACT_EVENTS = new Set(['ticket_created', 'first_response', 'resolved', 'closed', 'rated', 'hold_ended', 'command_applied', 'marked_spam', 'marked_not_spam']);

export function changesFacts(eventType: string): boolean {
  return FACT_EVENTS.has(eventType);
}

/** Every fact of a ticket as it stands; none for spam, which no figure counts. */
export function factRows(ticket: Ticket, ticketId: number): Row[] {
  if (ticket.status === 'spam') return [];
  const base = { ticket_id: ticketId, opened_at: ticket.openedAt, policy: ticket.policy, category: ticket.category };
  const fact = (name: FactName, value: number, actor: string | null) => ({ ...base, fact: name, value, actor });
  const { record } = ticket;
  const rows = [fact('opened', 0, record.channel)];
  if (record.firstAnswer) rows.push(fact('first_open', record.firstAnswer.openMinutes, record.firstAnswer.by), fact('first_elapsed', record.firstAnswer.minutes, record.firstAnswer.by));
  if (record.solved) rows.push(fact('solved_open', record.solved.openMinutes, record.solved.by), fact('solved_elapsed', record.solved.minutes, record.solved.by));
  if (ticket.rating !== null) rows.push(fact('rating', ticket.rating, record.solved?.by ?? null));
  if (record.holds > 0) rows.push(fact('hold', record.holdMinutes, null));
  return rows;
}

/**
 * Replaces the facts of these tickets with what they say now, in the caller's
 * transaction. `returning` is written once, when a ticket is created, and kept.
 */
export async function syncFacts(db: Database, transaction: Transaction, tickets: { ticket: Ticket; id: number; created: boolean }[]): Promise<void> {
  if (tickets.length === 0) return;
  const ids = tickets.map((t) => t.id);
  const spam = tickets.filter((t) => t.ticket.status === 'spam').map((t) => t.id);
  await run(db, transaction, numbered(`DELETE FROM "report_facts" WHERE "ticket_id" IN (${placeholders(ids.length)}) AND "fact" <> 'returning'`), ids);
  if (spam.length > 0) await run(db, transaction, numbered(`DELETE FROM "report_facts" WHERE "ticket_id" IN (${placeholders(spam.length)})`), spam);
  await insertRows(db, transaction, 'report_facts', tickets.flatMap((t) => factRows(t.ticket, t.id)));
  const created = tickets.filter((t) => t.created && t.ticket.status !== 'spam').map((t) => t.id);
  if (created.length > 0) await recordReturns(db, transaction, created);
}

/**
 * A new ticket from a customer who wrote before is a return: its fact keeps, as the
 * customer came back, how they had rated their previous ticket (0: not rated). Read
 * at that moment, so the report never has to walk every customer's history.
 */
async function recordReturns(db: Database, transaction: Transaction, ids: number[]): Promise<void> {
  const previous = (column: string) =>
    `(SELECT p."${column}" FROM "tickets" p WHERE p."customer_email" = t."customer_email" AND p."opened_at" < t."opened_at" AND p."status" <> 'spam' ORDER BY p."opened_at" DESC LIMIT 1)`;
  await run(
    db,
    transaction,
    numbered(
      `INSERT INTO "report_facts" ("ticket_id", "fact", "value", "actor", "opened_at", "policy", "category")
       SELECT t."id", 'returning', COALESCE(${previous('rating')}, 0), t."customer_email", t."opened_at", t."policy", t."category"
       FROM "tickets" t WHERE t."id" IN (${placeholders(ids.length)}) AND ${previous('id')} IS NOT NULL`,
    ),
    ids,
  );
}
