import { randomBytes } from 'node:crypto';
import { findOrderNumber } from '../domain/classify.js';
import { decideInbound, type InboundEvent } from '../domain/decide.js';
import { failuresFromReport } from '../domain/deliveryFailure.js';
import type { SenderBlock } from '../domain/spam.js';
import type { Decision, OutgoingMail } from '../domain/decision.js';
import { policyOf } from '../domain/outgoing.js';
import { nextTimers } from '../domain/timers.js';
import { findReferences, makeReference } from '../domain/reference.js';
import { thread, type ThreadCandidates } from '../domain/threading.js';
import { isOpen, type Ticket } from '../domain/ticket.js';
import type { InboundMail } from '../domain/inbound.js';
import type { Transaction } from '../store/db.js';
import { previousOutcomes } from '../store/ledger.js';
import { takeSenderTurns } from '../store/senderTurns.js';
import { loadGroupLookups, orderKey, type GroupLookups } from '../store/groupLookups.js';
import type { Row } from '../store/sqlRows.js';
import { eventRow, writeDecisions, type DecisionRows } from '../store/decisionWriter.js';
import { loadTicketTexts } from '../store/ticketTexts.js';
import { ticketTexts as splitTexts, type HistoryText } from '../domain/staffText.js';
import { restrictedSellers } from '../store/sellers.js';
import { ticketHistory, type HistoryEntry } from '../store/history.js';
import { outgoingRows } from './outgoingRows.js';
import type { AppContext } from './context.js';
import type { IngestResult } from './ingestResult.js';

/** A mail parsed and ready to be decided on and committed. */
export interface ReadyMail {
  mail: InboundMail;
  raw: Buffer;
  sha256: string;
  source: string;
  /** Where its bytes are kept when they are too large for the ledger's row (mail/rawStore.ts). */
  rawPath?: string;
}

/**
 * Decides and writes a group of mails inside the caller's transaction: one read of
 * everything the group may thread into, then each mail in order through the pure
 * domain, with the tickets it creates or changes visible to the mails after it,
 * then one write per table. Either the whole group commits or none of it.
 */
export async function applyGroup(ctx: AppContext, group: ReadyMail[], now: Date, transaction: Transaction): Promise<IngestResult[]> {
  const { db, config } = ctx;
  const results: (IngestResult | null)[] = group.map(() => null);
  if (db.shared) await takeTurns(ctx, group, results, transaction);

  const todo = group.map((ready, index) => ({ ready, index })).filter(({ index }) => results[index] === null);
  const analysed = todo.map(({ ready, index }) => ({
    ready,
    index,
    references: findReferences(config.reference.prefix, config.reference.length, ready.mail.subject),
    orderNumber: findOrderNumber(config.orders.pattern, ready.mail.subject, ready.mail.text),
  }));
  // A reference for each mail, should it open a ticket, drawn now so that the lookup
  // finds one already taken: otherwise a reference drawn twice fails the group's
  // INSERT, and the whole group is committed again mail by mail.
  const entropy = randomBytes(16 * analysed.length);
  const proposed = analysed.map((_, i) => makeReference(config.reference.prefix, config.reference.length, entropy.subarray(16 * i, 16 * i + 16)));
  const lookups = await loadGroupLookups(db, transaction, {
    references: [...analysed.flatMap((a) => a.references), ...proposed],
    messageIds: analysed.flatMap((a) => [...a.ready.mail.inReplyTo, ...a.ready.mail.references, ...(a.ready.mail.deliveryReport?.originalMessageIds ?? [])]),
    orders: analysed.flatMap((a) => (a.orderNumber ? [{ customer: a.ready.mail.from.address, order: a.orderNumber }] : [])),
    recipients: analysed.flatMap((a) => [a.ready.mail.from.address, ...(a.ready.mail.forwarded ? [a.ready.mail.forwarded.from.address] : [])]),
    acknowledgementsSince: new Date(now.getTime() - config.acknowledgements.per_minutes * 60_000),
    loopWindowSince: new Date(now.getTime() - config.loops.window_minutes * 60_000),
  });
  // Read only for a group where an agent may ask a seller: the table is small, the round trip is not free.
  const sellers = analysed.some((a) => /#seller\b/i.test(a.ready.mail.visibleText)) ? await restrictedSellers(db, transaction) : new Map<string, Date>();
  // Read only for a group with agents' mails: what their answers are checked against (domain/staffText.ts).
  const agents = new Set(config.agents.list.map((a) => a.email));
  const answered = [...lookups.tickets.values()].filter((t) => t.id !== undefined).map((t) => t.id!);
  const texts = analysed.some((a) => agents.has(a.ready.mail.from.address)) ? await loadTicketTexts(db, transaction, answered) : new Map<number, HistoryText[]>();
  const unit = new UnitOfWork(ctx, lookups, sellers, texts, now);
  for (const [i, a] of analysed.entries()) results[a.index] = unit.decide(a.ready, a.references, a.orderNumber, proposed[i]!);
  await unit.flush(transaction);
  return results as IngestResult[];
}

/**
 * PostgreSQL, several instances: decisions for one sender take turns under a
 * transaction-scoped advisory lock (released at commit, safe through a pool, unlike
 * session locks); then the ledger is read again, as another instance may have
 * committed the very same mail meanwhile. Locks are taken in a fixed order so that
 * two groups never wait on each other in a circle, in one round trip.
 */
async function takeTurns(ctx: AppContext, group: ReadyMail[], results: (IngestResult | null)[], transaction: Transaction) {
  const { db } = ctx;
  await takeSenderTurns(db, transaction, [...new Set(group.map((r) => r.mail.from.address))]);
  const previous = await previousOutcomes(db, transaction, group.map((r) => r.sha256));
  group.forEach((r, i) => {
    const outcome = previous.get(r.sha256);
    if (outcome) results[i] = { outcome: 'duplicate', sha256: r.sha256, previous: outcome };
  });
}

/** The group's view of the tickets (database plus what the group did so far) and the rows it will write. */
class UnitOfWork {
  private readonly tickets: Map<string, Ticket>;
  private readonly dirty = new Set<string>();
  private readonly inbound: DecisionRows['inbound'] = [];
  private readonly messages: DecisionRows['messages'] = [];
  private readonly attachments: DecisionRows['attachments'] = [];
  private readonly events: DecisionRows['events'] = [];
  private readonly outbox: DecisionRows['outbox'] = [];
  private readonly deferred: { ref: string; outgoing: OutgoingMail }[] = [];
  private readonly senders: SenderBlock[] = [];
  /** Outgoing mails decided on, rendered at flush time into the rows kept in place for them. */
  private readonly toRender: { ticket: Ticket; outgoing: OutgoingMail; message: Row; outbox: Row }[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly lookups: GroupLookups,
    private readonly restrictedSellers: ReadonlyMap<string, Date>,
    private readonly texts: ReadonlyMap<number, HistoryText[]>,
    private readonly now: Date,
  ) {
    this.tickets = lookups.tickets;
  }

  /** `proposed`: the reference of the ticket this mail opens, if it opens one and no ticket the group knows has it. */
  decide(ready: ReadyMail, references: string[], orderNumber: string | null, proposed: string): IngestResult {
    const { mail, sha256 } = ready;
    const { config, policy, parties } = this.ctx;
    const sender = mail.from.address;
    const match = thread(sender, this.candidates(mail, references, orderNumber), parties);
    let newReference = proposed;
    while (this.tickets.has(newReference)) newReference = makeReference(config.reference.prefix, config.reference.length, randomBytes(16));
    const history = match.kind === 'join' && match.ticket.id !== undefined ? this.texts.get(match.ticket.id) : undefined;
    const ticketTexts = history ? splitTexts(history, this.people()) : undefined;
    const delivery = this.delivery(mail);
    const senderBlocked = this.lookups.blocked.has(sender);
    const decision = decideInbound({ mail, match, recent: this.lookups.recent, newReference, restrictedSellers: this.restrictedSellers, ticketTexts, delivery, senderBlocked }, this.now, policy);
    this.record(ready, decision);
    const ticket = decision.ticket;
    return {
      outcome: ticket ? 'processed' : 'ignored',
      sha256,
      ...(ticket ? { reference: ticket.reference, created: decision.created } : {}),
    };
  }

  /** A delivery report about mails of ours: the ticket they belong to and what failed; undefined for any other mail. */
  private delivery(mail: InboundMail): InboundEvent['delivery'] {
    const report = mail.deliveryReport;
    if (!report) return undefined;
    const sent = report.originalMessageIds.flatMap((id) => {
      const found = this.lookups.sent.get(id);
      return found && found.to.length > 0 ? [{ messageId: id, to: found.to[0]!, template: found.template, reference: found.reference }] : [];
    });
    // A report about mails of several tickets is about the first one's (a relay's digest): rare, and never silent.
    const reference = sent[0]?.reference;
    if (reference === undefined) return undefined;
    return { ticket: this.tickets.get(reference)!, failures: failuresFromReport(report, sent.filter((s) => s.reference === reference)) };
  }

  /** Agents and sellers, whose mails in a ticket are not the customer's (see ticketTexts). */
  private people() {
    const { config } = this.ctx;
    return { agents: new Set(config.agents.list.map((a) => a.email)), sellers: new Set(config.sellers.map((s) => s.email.toLowerCase())) };
  }

  private candidates(mail: InboundMail, references: string[], orderNumber: string | null): ThreadCandidates {
    const byRef = references.map((r) => this.tickets.get(r)).find((t) => t !== undefined) ?? null;
    const ids = [...mail.inReplyTo, ...mail.references].reverse();
    const refFromIds = ids.map((id) => this.lookups.referenceByMessageId.get(id)).find((r) => r !== undefined);
    const refFromOrder = orderNumber ? this.lookups.openReferenceByOrder.get(orderKey(mail.from.address, orderNumber)) : undefined;
    return {
      byReference: byRef,
      byMessageId: refFromIds ? this.tickets.get(refFromIds)! : null,
      byOrder: refFromOrder ? this.tickets.get(refFromOrder)! : null,
    };
  }

  private record(ready: ReadyMail, decision: Decision): void {
    const { mail, sha256, raw, source } = ready;
    const ticket = decision.ticket;
    const ref = ticket?.reference ?? null;
    for (const block of decision.senders ?? []) {
      // The mails after this one in the group see the block, as they would once committed.
      if (block.blocked) this.lookups.blocked.add(block.address);
      else this.lookups.blocked.delete(block.address);
      this.senders.push(block);
    }
    if (ticket) {
      this.tickets.set(ticket.reference, ticket);
      this.dirty.add(ticket.reference);
      if (ticket.orderNumber && isOpen(ticket)) {
        this.lookups.openReferenceByOrder.set(orderKey(ticket.customerEmail, ticket.orderNumber), ticket.reference);
      }
      this.lookups.referenceByMessageId.set(mail.messageId, ticket.reference);
    }
    this.inbound.push({
      ticketRef: ref,
      raw_sha256: sha256,
      source,
      size: raw.length,
      raw: ready.rawPath ? null : raw,
      raw_path: ready.rawPath ?? null,
      outcome: ticket ? 'processed' : 'ignored',
      reason: ticket ? null : (decision.reason ?? null),
      received_at: this.now,
    });
    this.messages.push({
      ticketRef: ref,
      inboundSha: sha256,
      direction: 'in',
      message_id: mail.messageId,
      from_address: mail.from.address,
      from_name: mail.from.name,
      to_addresses: JSON.stringify([...mail.to, ...mail.cc].map((a) => a.address)),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      automatic: mail.automatic,
      template: null,
      created_at: this.now,
    });
    for (const a of mail.attachments) {
      this.attachments.push({ inboundSha: sha256, filename: a.filename, content_type: a.contentType, size: a.size, sha256: a.sha256 });
    }
    if (!ticket) {
      // A mail that reached no ticket may still tell its sender why (a refused agent): rendered now, it is rare.
      for (const outgoing of decision.outgoing) this.outbox.push({ ticketRef: null, ...outgoingRows(this.ctx, null, outgoing, this.now).outbox });
      return;
    }
    for (const event of decision.events) {
      this.events.push(eventRow(ticket.reference, event, this.now));
      // The refused ticket's own history shows the attempt too, with the ticket it went to instead.
      if (event.type === 'intrusion_refused' && this.tickets.has(event.reference)) {
        this.events.push({
          ticketRef: event.reference,
          type: event.type,
          data: JSON.stringify({ ...event, divertedTo: ticket.reference }),
          at: this.now,
        });
      }
    }
    const recent = this.lookups.recent;
    const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const outgoing of decision.outgoing) {
      // The mails after this one in the group see it in their counts, as they would once committed.
      if (outgoing.template === 'acknowledgement') add(recent.acknowledgements, outgoing.to.address);
      add(recent.byRecipient, outgoing.to.address);
      add(recent.byTicket, ticket.reference);
      // A dossier needs the ticket's history from the store: rendered at flush time.
      if (outgoing.dossier) {
        this.deferred.push({ ref: ticket.reference, outgoing });
        continue;
      }
      // Its rows keep their place (the ticket's history stays in order) and are filled when rendered.
      const message = { ticketRef: ticket.reference, inboundSha: null };
      const outbox = { ticketRef: ticket.reference };
      this.messages.push(message);
      this.outbox.push(outbox);
      this.toRender.push({ ticket, outgoing, message, outbox });
    }
  }

  private queue(ticket: Ticket, outgoing: OutgoingMail, history: HistoryEntry[] = []): void {
    const rows = outgoingRows(this.ctx, ticket, outgoing, this.now, history);
    this.outbox.push({ ticketRef: ticket.reference, ...rows.outbox });
    // Recorded as a message of the ticket so that a reply quoting its Message-ID threads back here.
    this.lookups.referenceByMessageId.set(rows.messageId, ticket.reference);
    this.messages.push({ ticketRef: ticket.reference, inboundSha: null, ...rows.message });
  }

  /**
   * Everything the group decided, in one write (store/decisionWriter.ts). The outgoing
   * mails are rendered while the tickets are written; dossiers first, as they read the
   * history as the store has it, before this group's writes.
   */
  async flush(transaction: Transaction): Promise<void> {
    const { db, policy } = this.ctx;
    for (const { ref, outgoing } of this.deferred) {
      const ticket = this.tickets.get(ref)!;
      this.queue(ticket, outgoing, ticket.id === undefined ? [] : await ticketHistory(db, transaction, ticket.id));
    }
    const touched = [...this.dirty].map((ref) => this.tickets.get(ref)!);
    const rows: DecisionRows = {
      tickets: touched,
      named: [...this.tickets.values()],
      timers: touched.map((ticket) => ({ ticket, timers: nextTimers(ticket, policyOf(ticket, policy)) })),
      inbound: this.inbound,
      events: this.events,
      messages: this.messages,
      outbox: this.outbox,
      attachments: this.attachments,
      strikes: [],
      senders: this.senders,
    };
    await writeDecisions(db, transaction, rows, this.now, () => this.render());
  }

  /** Fills the rows kept in place for each outgoing mail decided on. */
  private render(): void {
    for (const { ticket, outgoing, message, outbox } of this.toRender) {
      const rows = outgoingRows(this.ctx, ticket, outgoing, this.now);
      Object.assign(message, rows.message);
      Object.assign(outbox, rows.outbox);
    }
  }
}
