import { scrubText } from '../domain/personalData.js';
import type { Database, Transaction } from './db.js';
import { insertRows, numbered, placeholders, run, select } from './sqlRows.js';

export interface Correction {
  name?: string;
  newAddress?: string;
}

/**
 * Corrects what guichet holds about a person, in the caller's transaction: the name and
 * address on their tickets (and so of every later mail to them), the address in the
 * report facts and participants. Mails already received stay as they were received.
 * Each ticket records the correction as an event naming the fields, not their values.
 * Returns the tickets changed.
 */
export async function correctCustomer(db: Database, transaction: Transaction, address: string, correction: Correction, now: Date): Promise<string[]> {
  const tickets = await select<{ id: number; reference: string; participants: string }>(
    db,
    transaction,
    numbered(`SELECT "id", "reference", "participants" FROM "tickets" WHERE "customer_email" = ? AND "erased_at" IS NULL ORDER BY "id"${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`),
    [address],
  );
  if (tickets.length === 0) return [];
  const ids = tickets.map((t) => Number(t.id));
  const exec = (sql: string, values: unknown[]) => run(db, transaction, numbered(sql), values);
  if (correction.name !== undefined) await exec(`UPDATE "tickets" SET "customer_name" = ? WHERE "id" IN (${placeholders(ids.length)})`, [correction.name, ...ids]);
  if (correction.newAddress !== undefined) {
    const swap = { address, names: [], pseudonym: correction.newAddress };
    for (const t of tickets) await exec('UPDATE "tickets" SET "customer_email" = ?, "participants" = ? WHERE "id" = ?', [correction.newAddress, scrubText(t.participants, swap), t.id]);
    await exec('UPDATE "report_facts" SET "actor" = ? WHERE "actor" = ?', [correction.newAddress, address]);
  }
  const fields = [...(correction.name !== undefined ? ['name'] : []), ...(correction.newAddress !== undefined ? ['address'] : [])];
  await insertRows(db, transaction, 'events', ids.map((id) => ({ ticket_id: id, type: 'customer_corrected', data: JSON.stringify({ type: 'customer_corrected', fields }), at: now, actor: null })));
  return tickets.map((t) => t.reference);
}
