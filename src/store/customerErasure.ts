import { scrubEventData, scrubText, type ErasedPerson } from '../domain/personalData.js';
import type { Database, Transaction } from './db.js';
import { customerRows, type CustomerRows } from './customerData.js';
import { numbered, placeholders, run, select } from './sqlRows.js';

/** What an erasure removed or rewrote, row by row: the figures of its audit entry. */
export interface ErasureCounts {
  tickets: number;
  messages: number;
  attachments: number;
  events: number;
  outbox: number;
  raw_mails: number;
  files: number;
}

/**
 * Takes the customer out of the database, in the caller's transaction: all of it or
 * nothing. Their messages (both directions), attachments' rows, mails' bytes, outbox
 * rows and timers go. With `keepStatistics` their tickets, events and report facts
 * stay under the pseudonym, with their words dropped, so that every report figure is
 * what it was; without, those go too. The ledger keeps each mail's SHA-256 and size
 * (not its bytes), so that the same mail seen again is not taken for a new one.
 *
 * `ticketless`: ledger rows of theirs that reached no ticket (quarantine), found by
 * reading the mails' bytes beforehand. Returns the files under the data folder that
 * nothing references any more, for the caller to remove after the commit.
 */
export async function eraseCustomerRows(
  db: Database,
  transaction: Transaction,
  person: ErasedPerson,
  options: { keepStatistics: boolean; ticketless: number[]; now: Date; check?: (rows: CustomerRows) => void },
): Promise<{ counts: ErasureCounts; files: string[] }> {
  const rows = await customerRows(db, person.address, transaction);
  // What the caller judged may have changed since it looked (a ticket opened meanwhile): it judges again, under the locks.
  options.check?.(rows);
  const erased = await eraseRows(db, transaction, rows, () => person, options);
  const exec = (sql: string, values: unknown[]) => run(db, transaction, numbered(sql), values);
  // Elsewhere: tickets they took part in, and events that name them (a refused intrusion).
  const elsewhere = await select<{ id: number; participants: string }>(
    db,
    transaction,
    numbered(`SELECT "id", "participants" FROM "tickets" WHERE "participants" LIKE ? AND "erased_at" IS NULL`),
    [`%${person.address}%`],
  );
  for (const t of elsewhere) await exec('UPDATE "tickets" SET "participants" = ? WHERE "id" = ?', [scrubText(t.participants, person), t.id]);
  const naming = await select<{ id: number; data: string; actor: string | null }>(db, transaction, numbered('SELECT "id", "data", "actor" FROM "events" WHERE LOWER("data") LIKE ?'), [`%${person.address}%`]);
  for (const e of naming) {
    await exec('UPDATE "events" SET "data" = ?, "actor" = ? WHERE "id" = ?', [JSON.stringify(scrubEventData(JSON.parse(e.data), person)), e.actor && scrubText(e.actor, person), e.id]);
  }
  await exec('UPDATE "report_facts" SET "actor" = ? WHERE "actor" = ?', [person.pseudonym, person.address]);
  await exec('DELETE FROM "blocked_senders" WHERE "address" = ?', [person.address]);
  return { counts: { ...erased.counts, events: erased.counts.events + naming.length }, files: erased.files };
}

/**
 * Erases these rows (a customer's, or tickets past their retention) in the caller's
 * transaction: see eraseCustomerRows. `personOf` says who a ticket's customer is, by
 * the address on the ticket, for cleaning its events and naming its pseudonym.
 */
export async function eraseRows(
  db: Database,
  transaction: Transaction,
  rows: CustomerRows,
  personOf: (customerEmail: string) => ErasedPerson,
  options: { keepStatistics: boolean; ticketless: number[]; now: Date },
): Promise<{ counts: ErasureCounts; files: string[] }> {
  const ticketIds = rows.tickets.map((t) => t.id);
  const messageIds = rows.messages.map((m) => m.id);
  const exec = (sql: string, values: unknown[]) => run(db, transaction, numbered(sql), values);
  const ids = (list: readonly unknown[]) => placeholders(list.length);

  // Files: attachments no other message references, and mails kept under the data folder.
  const shas = [...new Set(rows.attachments.map((a) => a.sha256))];
  const stillUsed =
    shas.length === 0
      ? []
      : await select<{ sha256: string }>(
          db,
          transaction,
          numbered(`SELECT DISTINCT "sha256" FROM "attachments" WHERE "sha256" IN (${ids(shas)}) AND "message_id" NOT IN (${messageIds.length ? ids(messageIds) : 'NULL'})`),
          [...shas, ...messageIds],
        );
  const used = new Set(stillUsed.map((r) => r.sha256));
  const attachmentFiles = shas.filter((s) => !used.has(s)).map((s) => `attachments/${s.slice(0, 2)}/${s.slice(2, 4)}/${s}`);
  const ticketless = options.ticketless.length === 0 ? [] : await select<{ id: number; raw_path: string | null }>(
    db,
    transaction,
    numbered(`SELECT "id", "raw_path" FROM "inbound_mails" WHERE "ticket_id" IS NULL AND "id" IN (${ids(options.ticketless)})`),
    options.ticketless,
  );
  const rawFiles = [...rows.inbound, ...ticketless].flatMap((r) => (r.raw_path ? [r.raw_path] : []));

  if (messageIds.length > 0) {
    await exec(`DELETE FROM "attachments" WHERE "message_id" IN (${ids(messageIds)})`, messageIds);
    await exec(`DELETE FROM "messages" WHERE "id" IN (${ids(messageIds)})`, messageIds);
  }
  const inboundIds = rows.inbound.map((r) => r.id);
  if (inboundIds.length > 0) {
    await exec(`UPDATE "inbound_mails" SET "raw" = NULL, "raw_path" = NULL, "reason" = NULL${options.keepStatistics ? '' : ', "ticket_id" = NULL'} WHERE "id" IN (${ids(inboundIds)})`, inboundIds);
  }
  if (ticketless.length > 0) await exec(`DELETE FROM "inbound_mails" WHERE "id" IN (${ids(ticketless.map((t) => t.id))})`, ticketless.map((t) => t.id));
  const outboxIds = rows.outbox.map((o) => o.id);
  if (outboxIds.length > 0) await exec(`DELETE FROM "outbox" WHERE "id" IN (${ids(outboxIds)})`, outboxIds);

  if (ticketIds.length > 0) {
    await exec(`DELETE FROM "timers" WHERE "ticket_id" IN (${ids(ticketIds)})`, ticketIds);
    if (options.keepStatistics) {
      const customerOf = new Map(rows.tickets.map((t) => [t.id, t.customer_email]));
      for (const event of rows.events) {
        const person = personOf(customerOf.get(event.ticket_id)!);
        const data = JSON.stringify(scrubEventData(JSON.parse(event.data) as Record<string, unknown>, person));
        const actor = event.actor === null ? null : scrubText(event.actor, person);
        await exec('UPDATE "events" SET "data" = ?, "actor" = ? WHERE "id" = ?', [data, actor, event.id]);
      }
      for (const address of new Set(rows.tickets.map((t) => t.customer_email))) {
        const person = personOf(address);
        const own = rows.tickets.filter((t) => t.customer_email === address).map((t) => t.id);
        await exec(`UPDATE "report_facts" SET "actor" = ? WHERE "actor" = ? AND "ticket_id" IN (${ids(own)})`, [person.pseudonym, person.address, ...own]);
        // Closed now if still open (--force): nothing more may be sent to a pseudonym.
        await exec(
          `UPDATE "tickets" SET "customer_email" = ?, "customer_name" = NULL, "subject" = '', "order_number" = NULL, "participants" = ?, "customer_thread" = '[]',
             "undeliverable" = NULL, "hold_until" = NULL, "erased_at" = ?,
             "closed_at" = CASE WHEN "status" IN ('closed', 'spam') THEN "closed_at" ELSE ? END,
             "status" = CASE WHEN "status" IN ('closed', 'spam') THEN "status" ELSE 'closed' END
           WHERE "id" IN (${ids(own)})`,
          [person.pseudonym, JSON.stringify([person.pseudonym]), options.now, options.now, ...own],
        );
      }
    } else {
      await exec(`DELETE FROM "events" WHERE "ticket_id" IN (${ids(ticketIds)})`, ticketIds);
      await exec(`DELETE FROM "report_facts" WHERE "ticket_id" IN (${ids(ticketIds)})`, ticketIds);
      await exec(`UPDATE "inbound_mails" SET "ticket_id" = NULL WHERE "ticket_id" IN (${ids(ticketIds)})`, ticketIds);
      await exec(`DELETE FROM "tickets" WHERE "id" IN (${ids(ticketIds)})`, ticketIds);
    }
  }

  const files = [...new Set([...attachmentFiles, ...rawFiles])];
  return {
    counts: {
      tickets: ticketIds.length,
      messages: messageIds.length,
      attachments: rows.attachments.length,
      events: rows.events.length,
      outbox: outboxIds.length,
      raw_mails: inboundIds.length + ticketless.length,
      files: files.length,
    },
    files,
  };
}
