import { createHash, randomBytes } from 'node:crypto';
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { findOrderNumber } from '../domain/classify.js';
import { decideInbound, type Decision, type DomainEvent } from '../domain/decide.js';
import type { InboundMail } from '../domain/inbound.js';
import { findReferences, makeReference } from '../domain/reference.js';
import { thread } from '../domain/threading.js';
import type { Ticket } from '../domain/ticket.js';
import { describeError, GuichetError } from '../errors.js';
import { compose } from '../mail/compose.js';
import { isTransientDatabaseError } from '../store/dbErrors.js';
import { parseMail } from '../mail/parse.js';
import { toInbound } from '../mail/toInbound.js';
import {
  findOpenTicketForOrder,
  findTicketByMessageIds,
  findTicketByReference,
  saveTicket,
} from '../store/tickets.js';
import type { AppContext } from './context.js';

export type IngestOutcome = 'processed' | 'ignored' | 'quarantined' | 'duplicate';

export interface IngestResult {
  outcome: IngestOutcome;
  sha256: string;
  reference?: string;
  created?: boolean;
  reason?: string;
  /** For a duplicate: what became of the first copy (decides which folder it is moved to). */
  previous?: IngestOutcome;
}

/**
 * The whole inbound pipeline for one raw mail, from bytes to committed effects.
 * Idempotent by the SHA-256 of the bytes: the same mail fed twice (a crash before
 * the IMAP move, an MTA retry) is recognised and does nothing the second time.
 * Never throws for a bad mail: it is quarantined and the reason returned.
 */
export async function ingestRaw(ctx: AppContext, raw: Buffer, source: string, now: Date): Promise<IngestResult> {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const known = await previousOutcome(ctx, sha256);
  if (known) return { outcome: 'duplicate', sha256, previous: known };

  if (raw.length > ctx.config.limits.max_mail_bytes) {
    const reason = `GUICHET_MAIL_TOO_LARGE: ${raw.length} bytes, limit ${ctx.config.limits.max_mail_bytes}`;
    return quarantine(ctx, sha256, source, null, raw.length, reason, now);
  }

  let mail: InboundMail;
  try {
    const parsed = await parseMail(raw, {
      attachmentsDir: ctx.attachmentsDir,
      maxAttachmentBytes: ctx.config.limits.max_attachment_bytes,
      timeoutMs: ctx.config.limits.parse_timeout_seconds * 1000,
    });
    mail = toInbound(parsed, sha256, ctx.config.support.address);
  } catch (error) {
    return quarantine(ctx, sha256, source, raw, raw.length, describeError(error), now);
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.sequelize.transaction((transaction) => applyMail(ctx, mail, raw, sha256, source, now, transaction));
    } catch (error) {
      if (!(error instanceof UniqueConstraintError) || attempt >= 3) return failed(ctx, error, sha256, source, raw, now);
      // Another instance committed the same mail first: its work stands, ours is rolled back.
      const winner = await previousOutcome(ctx, sha256);
      if (winner) return { outcome: 'duplicate', sha256, previous: winner };
      // Otherwise two new tickets drew the same reference: draw again.
    }
  }
}

/**
 * A bug on one mail must not block the mailbox: quarantine it with the reason. A busy
 * or unreachable database is not the mail's fault: it stays in the inbox for later.
 */
async function failed(ctx: AppContext, error: unknown, sha256: string, source: string, raw: Buffer, now: Date) {
  if (isTransientDatabaseError(error)) {
    throw new GuichetError('GUICHET_DB_UNAVAILABLE', `cannot process ${source} now: ${describeError(error)}`, { cause: error });
  }
  const reason = describeError(new GuichetError('GUICHET_MAIL_PROCESSING_FAILED', describeError(error), { cause: error }));
  ctx.logger.error({ err: error, sha256, source }, 'mail processing failed; quarantined');
  return quarantine(ctx, sha256, source, raw, raw.length, reason, now);
}

async function applyMail(
  ctx: AppContext,
  mail: InboundMail,
  raw: Buffer,
  sha256: string,
  source: string,
  now: Date,
  transaction: Transaction,
): Promise<IngestResult> {
  const { db, config, policy } = ctx;
  if (db.dialect === 'postgres') {
    // Two instances deciding for the same sender at once could both open a ticket for
    // the same order. A transaction-scoped advisory lock (released at commit, safe
    // through a pool, unlike session locks) makes their decisions take turns.
    await db.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:sender))', {
      replacements: { sender: mail.from.address },
      transaction,
    });
  }
  const winner = await db.models.InboundMail.findOne({ where: { raw_sha256: sha256 }, attributes: ['outcome'], transaction });
  if (winner) return { outcome: 'duplicate', sha256, previous: winner.get('outcome') as IngestOutcome };
  const references = findReferences(config.reference.prefix, config.reference.length, mail.subject);
  const candidates = {
    byReference: await findTicketByReference(db, references, transaction),
    byMessageId: await findTicketByMessageIds(db, [...mail.inReplyTo, ...mail.references], transaction),
    byOrder: await findOpenTicketForOrder(
      db,
      mail.from.address,
      findOrderNumber(config.orders.pattern, mail.subject, mail.text),
      transaction,
    ),
  };
  const match = thread(mail.from.address, candidates, ctx.parties);
  const windowStart = new Date(now.getTime() - config.acknowledgements.per_minutes * 60_000);
  const recentAcknowledgements = await db.models.Outbox.count({
    where: { recipient: mail.from.address, kind: 'acknowledgement', created_at: { [Op.gte]: windowStart } },
    transaction,
  });
  const newReference = makeReference(config.reference.prefix, config.reference.length, randomBytes(16));
  const decision = decideInbound({ mail, match, recentAcknowledgements, newReference }, now, policy);

  const ticket = decision.ticket ? await saveTicket(db, decision.ticket, transaction) : null;
  const inbound = await db.models.InboundMail.create(
    {
      raw_sha256: sha256,
      source,
      size: raw.length,
      raw,
      outcome: ticket ? 'processed' : 'ignored',
      reason: ticket ? null : `automatic mail (${mail.automatic}) that matches no ticket`,
      ticket_id: ticket?.id ?? null,
      received_at: now,
    },
    { transaction },
  );
  const message = await db.models.Message.create(
    {
      ticket_id: ticket?.id ?? null,
      inbound_id: inbound.get('id'),
      direction: 'in',
      message_id: mail.messageId,
      from_address: mail.from.address,
      from_name: mail.from.name,
      to_addresses: JSON.stringify([...mail.to, ...mail.cc].map((a) => a.address)),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      automatic: mail.automatic,
      created_at: now,
    },
    { transaction },
  );
  if (mail.attachments.length > 0) {
    await db.models.Attachment.bulkCreate(
      mail.attachments.map((a) => ({
        message_id: message.get('id'),
        filename: a.filename,
        content_type: a.contentType,
        size: a.size,
        sha256: a.sha256,
      })),
      { transaction },
    );
  }
  if (ticket) {
    await recordEvents(ctx, ticket, decision, now, transaction);
    await queueOutgoing(ctx, ticket, decision, now, transaction);
  }
  return {
    outcome: ticket ? 'processed' : 'ignored',
    sha256,
    ...(ticket ? { reference: ticket.reference, created: decision.created } : {}),
  };
}

async function recordEvents(ctx: AppContext, ticket: Ticket, decision: Decision, now: Date, transaction: Transaction) {
  const rows: { ticket_id: number; type: string; data: string; at: Date }[] = [];
  for (const event of decision.events) {
    rows.push({ ticket_id: ticket.id!, type: event.type, data: JSON.stringify(event), at: now });
    if (event.type === 'intrusion_refused') {
      // The refused ticket's own history shows the attempt too, with the new ticket it went to.
      const target = await findTicketByReference(ctx.db, [event.reference], transaction);
      if (target) rows.push({ ticket_id: target.id!, type: event.type, data: JSON.stringify(intrusionOn(event, ticket)), at: now });
    }
  }
  await ctx.db.models.Event.bulkCreate(rows, { transaction });
}

function intrusionOn(event: Extract<DomainEvent, { type: 'intrusion_refused' }>, newTicket: Ticket) {
  return { ...event, divertedTo: newTicket.reference };
}

async function queueOutgoing(ctx: AppContext, ticket: Ticket, decision: Decision, now: Date, transaction: Transaction) {
  for (const outgoing of decision.outgoing) {
    const composed = compose(ctx.config, ctx.renderer, ticket, outgoing);
    await ctx.db.models.Outbox.create(
      {
        ticket_id: ticket.id,
        message_id: composed.messageId,
        kind: outgoing.template,
        recipient: outgoing.to.address,
        mail: JSON.stringify(composed),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      },
      { transaction },
    );
    // Recorded as a message of the ticket so that a reply quoting its Message-ID threads back here.
    await ctx.db.models.Message.create(
      {
        ticket_id: ticket.id,
        direction: 'out',
        message_id: composed.messageId,
        from_address: composed.from.address,
        from_name: composed.from.name,
        to_addresses: JSON.stringify([composed.to.address]),
        subject: composed.subject,
        text: composed.text,
        html: composed.html,
        template: outgoing.template,
        created_at: now,
      },
      { transaction },
    );
  }
}

async function quarantine(
  ctx: AppContext,
  sha256: string,
  source: string,
  raw: Buffer | null,
  size: number,
  reason: string,
  now: Date,
): Promise<IngestResult> {
  try {
    await ctx.db.models.InboundMail.create({
      raw_sha256: sha256,
      source,
      size,
      raw,
      outcome: 'quarantined',
      reason,
      received_at: now,
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
  }
  ctx.logger.warn({ sha256, source, reason }, 'mail quarantined');
  return { outcome: 'quarantined', sha256, reason };
}

async function previousOutcome(ctx: AppContext, sha256: string): Promise<IngestOutcome | null> {
  const row = await ctx.db.models.InboundMail.findOne({ where: { raw_sha256: sha256 }, attributes: ['outcome'] });
  return row ? (row.get('outcome') as IngestOutcome) : null;
}
