import { Op, type Model, type Transaction } from 'sequelize';
import type { Category, Locale } from '../config/schema.js';
import type { Level, Ticket, TicketStatus } from '../domain/ticket.js';
import type { Database } from './db.js';

export function rowToTicket(row: Model): Ticket {
  const r = row.get({ plain: true }) as Record<string, unknown>;
  return {
    id: r.id as number,
    reference: r.reference as string,
    status: r.status as TicketStatus,
    level: r.level as Level,
    category: r.category as Category,
    orderNumber: (r.order_number as string | null) ?? null,
    locale: r.locale as Locale,
    subject: r.subject as string,
    customerEmail: r.customer_email as string,
    customerName: (r.customer_name as string | null) ?? null,
    participants: JSON.parse(r.participants as string) as string[],
    sellerId: (r.seller_id as string | null) ?? null,
    openedAt: r.opened_at as Date,
    firstResponseDueAt: (r.first_response_due_at as Date | null) ?? null,
    firstResponseAt: (r.first_response_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}

function ticketToRow(ticket: Ticket) {
  return {
    reference: ticket.reference,
    status: ticket.status,
    level: ticket.level,
    category: ticket.category,
    order_number: ticket.orderNumber,
    locale: ticket.locale,
    subject: ticket.subject,
    customer_email: ticket.customerEmail,
    customer_name: ticket.customerName,
    participants: JSON.stringify(ticket.participants),
    seller_id: ticket.sellerId,
    opened_at: ticket.openedAt,
    first_response_due_at: ticket.firstResponseDueAt,
    first_response_at: ticket.firstResponseAt,
    updated_at: ticket.updatedAt,
  };
}

/** Writes a ticket: inserts it when it has no id yet, updates it otherwise. Returns it with its id. */
export async function saveTicket(db: Database, ticket: Ticket, transaction: Transaction): Promise<Ticket> {
  if (ticket.id === undefined) {
    const row = await db.models.Ticket.create(ticketToRow(ticket), { transaction });
    return { ...ticket, id: row.get('id') as number };
  }
  await db.models.Ticket.update(ticketToRow(ticket), { where: { id: ticket.id }, transaction });
  return ticket;
}

export async function findTicketByReference(db: Database, references: string[], transaction?: Transaction) {
  if (references.length === 0) return null;
  const row = await db.models.Ticket.findOne({ where: { reference: references }, order: [['id', 'ASC']], transaction });
  return row ? rowToTicket(row) : null;
}

export async function findTicketById(db: Database, id: number, transaction?: Transaction) {
  const row = await db.models.Ticket.findByPk(id, { transaction });
  return row ? rowToTicket(row) : null;
}

/** The ticket of the newest message (in or out) among the given Message-IDs. */
export async function findTicketByMessageIds(db: Database, messageIds: string[], transaction?: Transaction) {
  if (messageIds.length === 0) return null;
  const message = await db.models.Message.findOne({
    where: { message_id: messageIds, ticket_id: { [Op.ne]: null } },
    order: [['id', 'DESC']],
    transaction,
  });
  return message ? findTicketById(db, message.get('ticket_id') as number, transaction) : null;
}

/** One ticket per order: the customer's newest ticket for this order that is not closed. */
export async function findOpenTicketForOrder(
  db: Database,
  customerEmail: string,
  orderNumber: string | null,
  transaction?: Transaction,
) {
  if (orderNumber === null) return null;
  const row = await db.models.Ticket.findOne({
    where: { customer_email: customerEmail, order_number: orderNumber, status: { [Op.ne]: 'closed' } },
    order: [['id', 'DESC']],
    transaction,
  });
  return row ? rowToTicket(row) : null;
}

export async function listTickets(db: Database, status?: string): Promise<Ticket[]> {
  const rows = await db.models.Ticket.findAll({ where: status ? { status } : {}, order: [['id', 'ASC']] });
  return rows.map(rowToTicket);
}
