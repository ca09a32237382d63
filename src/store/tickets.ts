import type { Model, Transaction } from 'sequelize';
import type { Category, Locale, Priority } from '../domain/vocabulary.js';
import type { Level, Ticket, TicketRecord, TicketStatus } from '../domain/ticket.js';
import type { Database } from './db.js';
import { dateFrom, numbered, placeholders, select } from './sqlRows.js';

export function rowToTicket(row: Model): Ticket {
  return ticketFromRow(row.get({ plain: true }) as Record<string, unknown>);
}

/** A ticket from a plain row, as a model or a raw query returns it (dates as Date or as SQLite text). */
export function ticketFromRow(r: Record<string, unknown>): Ticket {
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
    customerThread: JSON.parse((r.customer_thread as string | undefined) ?? '[]') as string[],
    priority: ((r.priority as Priority | undefined) ?? 'normal') as Priority,
    assignee: (r.assignee as string | null | undefined) ?? null,
    holdUntil: dateFrom(r.hold_until),
    sellerId: (r.seller_id as string | null) ?? null,
    openedAt: dateFrom(r.opened_at)!,
    firstResponseDueAt: dateFrom(r.first_response_due_at),
    firstResponseAt: dateFrom(r.first_response_at),
    updatedAt: dateFrom(r.updated_at)!,
    policy: (r.policy as string | undefined) ?? 'marketplace',
    remindedAt: dateFrom(r.reminded_at),
    slaBreachedAt: dateFrom(r.sla_breached_at),
    lastCustomerUpdateAt: dateFrom(r.last_customer_update_at),
    resolvedAt: dateFrom(r.resolved_at),
    closedAt: dateFrom(r.closed_at),
    rating: r.rating === null || r.rating === undefined ? null : Number(r.rating),
    sellerRequestedAt: dateFrom(r.seller_requested_at),
    sellerChases: Number(r.seller_chases ?? 0),
    sellerLastChaseAt: dateFrom(r.seller_last_chase_at),
    linkedReference: (r.linked_reference as string | null | undefined) ?? null,
    cycleStartedAt: dateFrom(r.cycle_started_at),
    loopSuspectedAt: dateFrom(r.loop_suspected_at),
    erasureRequestedAt: dateFrom(r.erasure_requested_at),
    undeliverable: JSON.parse((r.undeliverable as string | null | undefined) ?? '{}') as Ticket['undeliverable'],
    record: recordFromRow(r),
  };
}

const count = (value: unknown) => Number(value ?? 0);
const flag = (value: unknown) => (value === null || value === undefined ? null : value === true || value === 1 || value === '1' || value === 't');

function recordFromRow(r: Record<string, unknown>): TicketRecord {
  return {
    channel: (r.channel as string | null | undefined) ?? null,
    firstAnswer:
      r.first_answer_minutes === null || r.first_answer_minutes === undefined
        ? null
        : { minutes: count(r.first_answer_minutes), openMinutes: count(r.first_answer_open_minutes), kept: flag(r.first_answer_kept), by: r.first_agent as string },
    solved:
      r.solved_at === null || r.solved_at === undefined
        ? null
        : {
            at: dateFrom(r.solved_at)!,
            minutes: count(r.solved_minutes),
            openMinutes: count(r.solved_open_minutes),
            inTarget: flag(r.solved_in_target) ?? false,
            level: count(r.solved_level) as Level,
            by: (r.solved_by as string | null) ?? null,
          },
    agentAnswers: count(r.agent_answers),
    reopens: count(r.reopens),
    escalations: count(r.escalations),
    holds: count(r.holds),
    holdMinutes: count(r.hold_minutes),
    holdStartedAt: dateFrom(r.hold_started_at),
    ratedAt: dateFrom(r.rated_at),
  };
}

function recordToRow(record: TicketRecord) {
  return {
    channel: record.channel,
    first_answer_minutes: record.firstAnswer?.minutes ?? null,
    first_answer_open_minutes: record.firstAnswer?.openMinutes ?? null,
    first_answer_kept: record.firstAnswer?.kept ?? null,
    first_agent: record.firstAnswer?.by ?? null,
    solved_at: record.solved?.at ?? null,
    solved_minutes: record.solved?.minutes ?? null,
    solved_open_minutes: record.solved?.openMinutes ?? null,
    solved_in_target: record.solved?.inTarget ?? null,
    solved_level: record.solved?.level ?? null,
    solved_by: record.solved?.by ?? null,
    agent_answers: record.agentAnswers,
    reopens: record.reopens,
    escalations: record.escalations,
    holds: record.holds,
    hold_minutes: record.holdMinutes,
    hold_started_at: record.holdStartedAt,
    rated_at: record.ratedAt,
  };
}

export function ticketToRow(ticket: Ticket) {
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
    customer_thread: JSON.stringify(ticket.customerThread),
    priority: ticket.priority,
    assignee: ticket.assignee,
    hold_until: ticket.holdUntil,
    seller_id: ticket.sellerId,
    opened_at: ticket.openedAt,
    first_response_due_at: ticket.firstResponseDueAt,
    first_response_at: ticket.firstResponseAt,
    updated_at: ticket.updatedAt,
    policy: ticket.policy,
    reminded_at: ticket.remindedAt,
    sla_breached_at: ticket.slaBreachedAt,
    last_customer_update_at: ticket.lastCustomerUpdateAt,
    resolved_at: ticket.resolvedAt,
    closed_at: ticket.closedAt,
    rating: ticket.rating,
    seller_requested_at: ticket.sellerRequestedAt,
    seller_chases: ticket.sellerChases,
    seller_last_chase_at: ticket.sellerLastChaseAt,
    linked_reference: ticket.linkedReference,
    cycle_started_at: ticket.cycleStartedAt,
    loop_suspected_at: ticket.loopSuspectedAt,
    erasure_requested_at: ticket.erasureRequestedAt,
    undeliverable: Object.keys(ticket.undeliverable).length === 0 ? null : JSON.stringify(ticket.undeliverable),
    ...recordToRow(ticket.record),
  };
}

export async function findTicketByReference(db: Database, references: string[], transaction?: Transaction) {
  if (references.length === 0) return null;
  const row = await db.models.Ticket.findOne({ where: { reference: references }, order: [['id', 'ASC']], transaction });
  return row ? rowToTicket(row) : null;
}

export async function listTickets(db: Database, status?: string): Promise<Ticket[]> {
  const rows = await db.models.Ticket.findAll({ where: status ? { status } : {}, order: [['id', 'ASC']] });
  return rows.map(rowToTicket);
}

/** These tickets as committed, by id; locked until the transaction ends where instances share the database. */
export async function lockTickets(db: Database, transaction: Transaction, ids: number[]): Promise<Ticket[]> {
  if (ids.length === 0) return [];
  const lock = db.shared ? ' FOR UPDATE' : '';
  const rows = await select(db, transaction, numbered(`SELECT * FROM "tickets" WHERE "id" IN (${placeholders(ids.length)}) ORDER BY "id"${lock}`), ids);
  return rows.map(ticketFromRow);
}

/** Tickets that are not closed but have no timer (opened before timers existed, or by hand in the database). */
export async function openTicketsWithoutTimers(db: Database): Promise<Ticket[]> {
  const rows = await select(db, undefined, `SELECT * FROM "tickets" t WHERE "status" NOT IN ('closed', 'spam') AND NOT EXISTS (SELECT 1 FROM "timers" WHERE "ticket_id" = t."id")`, []);
  return rows.map(ticketFromRow);
}
