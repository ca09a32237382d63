import type { Transaction } from 'sequelize';
import type { HistoryText } from '../domain/staffText.js';
import type { Database } from './db.js';
import { numbered, placeholders, select } from './sqlRows.js';

/** The texts of the given tickets' messages, oldest first, by ticket id: what an agent's answer is checked against. */
export async function loadTicketTexts(db: Database, transaction: Transaction, ticketIds: number[]): Promise<Map<number, HistoryText[]>> {
  const byTicket = new Map<number, HistoryText[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows = await select<{ ticket_id: number; direction: 'in' | 'out'; template: string | null; from_address: string; text: string | null }>(
    db,
    transaction,
    numbered(`SELECT "ticket_id", "direction", "template", "from_address", "text" FROM "messages" WHERE "ticket_id" IN (${placeholders(ticketIds.length)}) ORDER BY "id"`),
    ticketIds,
  );
  for (const r of rows) {
    const id = Number(r.ticket_id);
    if (!byTicket.has(id)) byTicket.set(id, []);
    byTicket.get(id)!.push({ direction: r.direction, template: r.template, fromAddress: r.from_address, text: r.text });
  }
  return byTicket;
}
