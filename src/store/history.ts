import type { Database, Transaction } from './db.js';
import { dateFrom, select } from './sqlRows.js';

export interface HistoryEntry {
  direction: 'in' | 'out';
  from: string;
  fromName: string | null;
  subject: string;
  text: string;
  template: string | null;
  at: Date;
}

/** Everything written in a ticket, oldest first: the dossier a new team receives. */
export async function ticketHistory(db: Database, transaction: Transaction | undefined, ticketId: number): Promise<HistoryEntry[]> {
  const rows = await select<Record<string, unknown>>(
    db,
    transaction,
    'SELECT "direction", "from_address", "from_name", "subject", "text", "template", "created_at" FROM "messages" WHERE "ticket_id" = $1 ORDER BY "id"',
    [ticketId],
  );
  return rows.map((r) => ({
    direction: r.direction as 'in' | 'out',
    from: r.from_address as string,
    fromName: (r.from_name as string | null) ?? null,
    subject: r.subject as string,
    text: (r.text as string | null) ?? '',
    template: (r.template as string | null) ?? null,
    at: dateFrom(r.created_at)!,
  }));
}

/** A ticket's whole record as stored, for `guichet ticket show`: its messages with their attachments, events and outbox rows, oldest first. */
export async function ticketRecord(db: Database, ticketId: number) {
  const { Message, Attachment, Event, Outbox } = db.models;
  const messages = await Message.findAll({ where: { ticket_id: ticketId }, order: [['id', 'ASC']], raw: true });
  const attachments = await Attachment.findAll({ where: { message_id: messages.map((m: any) => m.id) }, raw: true });
  const events = await Event.findAll({ where: { ticket_id: ticketId }, order: [['id', 'ASC']], raw: true });
  const outbox = await Outbox.findAll({ where: { ticket_id: ticketId }, order: [['id', 'ASC']], raw: true });
  return { messages: messages as any[], attachments: attachments as any[], events: events as any[], outbox: outbox as any[] };
}
