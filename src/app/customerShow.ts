import type { Config } from '../config/schema.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';
import { recordAudit } from '../store/auditLog.js';
import type { Database } from '../store/db.js';
import { unfinishedErasureOf } from '../store/erasures.js';
import { customerAddress, withCustomerScope, type CustomerScope } from './customerScope.js';

/** What `guichet customer show --json` prints (docs/personal-data.md). */
export interface CustomerShowJson {
  address: string;
  names: string[];
  tickets: {
    reference: string;
    status: string;
    category: string;
    subject: string;
    order_number: string | null;
    opened_at: string;
    closed_at: string | null;
    rating: number | null;
    events: { type: string; at: string }[];
  }[];
  messages: {
    reference: string | null;
    direction: 'in' | 'out';
    from: string;
    to: string[];
    subject: string | null;
    at: string;
    characters: number;
    attachments: { filename: string | null; content_type: string | null; size: number; where: string }[];
  }[];
  outbox: { reference: string | null; kind: string; to: string; status: string; at: string }[];
  /** Their mails' bytes as received, in the inbound ledger: in the database row, or in a file under the data folder. */
  raw_mails: { reference: string | null; outcome: string; size: number; received_at: string; where: string }[];
  /** Their mails in our IMAP folders. */
  imap: { account: string; folder: string; uid: number; message_id: string | null; date: string | null; size: number }[];
  /** An erasure of this address started and did not finish: run `guichet customer erase` again. */
  unfinished_erasure: boolean;
}

export async function customerShow(config: Config, db: Database, logger: Logger, given: string, actor: string, now: Date): Promise<CustomerShowJson> {
  const address = customerAddress(given);
  const unfinished = (await unfinishedErasureOf(db, address)) !== null;
  const json = await withCustomerScope(config, db, logger, address, async (scope) => showJson(address, scope, unfinished));
  if (!unfinished && json.tickets.length + json.messages.length + json.raw_mails.length + json.imap.length + json.outbox.length === 0) {
    throw new GuichetError('GUICHET_CUSTOMER_NOT_FOUND', `guichet holds nothing about ${address}: no ticket, message, mail or outbox row (check the spelling, or an address they also use)`);
  }
  await recordAudit(db, undefined, { at: now, actor, command: 'show', subject: null, counts: countsOf(json), outcome: 'done' });
  return json;
}

export function countsOf(json: Pick<CustomerShowJson, 'tickets' | 'messages' | 'raw_mails' | 'imap'>): Record<string, number> {
  return {
    tickets: json.tickets.length,
    messages: json.messages.length,
    attachments: json.messages.reduce((n, m) => n + m.attachments.length, 0),
    raw_mails: json.raw_mails.length,
    imap_mails: json.imap.length,
  };
}

export function showJson(address: string, { rows, ticketless, folders }: CustomerScope, unfinished: boolean): CustomerShowJson {
  const referenceOf = new Map(rows.tickets.map((t) => [t.id, t.reference]));
  const ref = (id: number | null) => (id === null ? null : (referenceOf.get(id) ?? null));
  const names = [...new Set([...rows.tickets.map((t) => t.customer_name), ...rows.messages.filter((m) => m.from_address === address).map((m) => m.from_name)].filter((n): n is string => !!n))];
  return {
    address,
    names,
    tickets: rows.tickets.map((t) => ({
      reference: t.reference,
      status: t.status,
      category: t.category,
      subject: t.subject,
      order_number: t.order_number,
      opened_at: t.opened_at.toISOString(),
      closed_at: t.closed_at?.toISOString() ?? null,
      rating: t.rating,
      events: rows.events.filter((e) => e.ticket_id === t.id).map((e) => ({ type: e.type, at: e.at.toISOString() })),
    })),
    messages: rows.messages.map((m) => ({
      reference: ref(m.ticket_id),
      direction: m.direction,
      from: m.from_address,
      to: JSON.parse(m.to_addresses ?? '[]') as string[],
      subject: m.subject,
      at: m.created_at.toISOString(),
      characters: (m.text ?? '').length,
      attachments: rows.attachments
        .filter((a) => a.message_id === m.id)
        .map((a) => ({ filename: a.filename, content_type: a.content_type, size: a.size, where: `attachments/${a.sha256.slice(0, 2)}/${a.sha256.slice(2, 4)}/${a.sha256}` })),
    })),
    outbox: rows.outbox.map((o) => ({ reference: ref(o.ticket_id), kind: o.kind, to: o.recipient, status: o.status, at: o.created_at.toISOString() })),
    raw_mails: [...rows.inbound, ...ticketless].map((r) => ({
      reference: ref(r.ticket_id),
      outcome: r.outcome,
      size: r.size,
      received_at: r.received_at.toISOString(),
      where: r.raw_path ?? (r.in_row ? 'database (inbound_mails.raw)' : 'erased (only its SHA-256 and size are kept)'),
    })),
    imap: folders.map((f) => ({ account: f.account, folder: f.folder, uid: f.uid, message_id: f.messageId, date: f.date, size: f.size })),
    unfinished_erasure: unfinished,
  };
}

/** The text `guichet customer show` prints. */
export function formatCustomer(c: CustomerShowJson): string {
  const lines = [`${c.address}${c.names.length ? ` (${c.names.join(', ')})` : ''}`];
  if (c.unfinished_erasure) lines.push('  ** an erasure of this address did not finish: run guichet customer erase again');
  for (const t of c.tickets) {
    lines.push(`  ticket ${t.reference}  ${t.status}, ${t.category}, opened ${t.opened_at}${t.rating ? `, rated ${t.rating}` : ''}: ${t.subject}`);
  }
  for (const m of c.messages) {
    lines.push(`  ${m.direction === 'in' ? '<-' : '->'} ${m.at} ${m.reference ?? '-'} ${m.from} -> ${m.to.join(', ')}: ${m.characters} characters${m.attachments.length ? `, ${m.attachments.length} attachment(s)` : ''}`);
    for (const a of m.attachments) lines.push(`       ${a.filename ?? '(no name)'} ${a.size} bytes in ${a.where}`);
  }
  for (const o of c.outbox) lines.push(`  outbox ${o.kind} to ${o.to} (${o.reference ?? '-'}): ${o.status}`);
  for (const r of c.raw_mails) lines.push(`  raw mail ${r.received_at} ${r.outcome}, ${r.size} bytes, in ${r.where}`);
  for (const f of c.imap) lines.push(`  IMAP ${f.folder} UID ${f.uid} ${f.date ?? ''} ${f.size} bytes`);
  lines.push(`${c.tickets.length} ticket(s), ${c.messages.length} message(s), ${c.raw_mails.length} raw mail(s), ${c.imap.length} mail(s) in IMAP folders`);
  return `${lines.join('\n')}\n`;
}
