import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { ZipFile } from 'yazl';
import type { Config } from '../config/schema.js';
import type { Locale } from '../domain/vocabulary.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FolderMail } from '../mail/imapFolders.js';
import { recordAudit } from '../store/auditLog.js';
import { outboxMail, rawInRow, type CustomerMessageRow } from '../store/customerData.js';
import type { Database } from '../store/db.js';
import { customerAddress, withCustomerScope, type CustomerScope } from './customerScope.js';
import { exportReadme } from './exportReadme.js';
import { showJson, type CustomerShowJson } from './customerShow.js';

/** The archive's `data.json` (docs/personal-data.md, "Export"): what `show` says, with the texts and where each file is in the archive. */
export type ExportJson = Omit<CustomerShowJson, 'messages' | 'unfinished_erasure'> & {
  schema: 'guichet.personal-data.v1';
  exported_at: string;
  messages: (CustomerShowJson['messages'][number] & { text: string | null; file: string | null; attachments: { file: string }[] })[];
  /** Mails of theirs that reached no ticket, or that only the IMAP folders hold. */
  other_mails: { file: string; outcome: string; size: number }[];
};

export interface ExportReport {
  file: string;
  locale: Locale;
  counts: Record<string, number>;
}

/**
 * Writes a person's data as a zip: `data.json`, a README in their language, each
 * message as the `.eml` it was (received: the bytes of the ledger; sent: rebuilt from
 * what was queued), and the attachments. Entries are read one at a time, when the
 * archive reaches them, so a year of mail with large attachments is never held in
 * memory. Written beside `out` and renamed at the end: no half archive under its name.
 */
export async function customerExport(config: Config, db: Database, logger: Logger, given: string, out: string, actor: string, now: Date): Promise<ExportReport> {
  const address = customerAddress(given);
  const report = await withCustomerScope(config, db, logger, address, async (scope, clientOf) => {
    const shown = showJson(address, scope, false);
    if (shown.tickets.length + shown.messages.length + shown.raw_mails.length + shown.imap.length === 0) {
      throw new GuichetError('GUICHET_CUSTOMER_NOT_FOUND', `guichet holds nothing about ${address}: nothing to export`);
    }
    const locale = (scope.rows.tickets.at(-1)?.locale as Locale | undefined) ?? config.support.locale;
    const zip = new ZipFile();
    const temporary = `${out}.${process.pid}.partial`;
    const output = createWriteStream(temporary);
    zip.outputStream.pipe(output);
    try {
      const { json, entries } = plan(config, db, clientOf, scope, shown, now);
      zip.addBuffer(Buffer.from(exportReadme(locale, address, now)), 'README.txt');
      zip.addBuffer(Buffer.from(`${JSON.stringify(json, null, 2)}\n`), 'data.json');
      for (const entry of entries) zip.addReadStreamLazy(entry.file, (done) => entry.open().then((s) => done(null, s), (e: Error) => done(e, undefined as never)));
      zip.end();
      await finished(output);
      await rename(temporary, out);
      return {
        file: out,
        locale,
        counts: { tickets: json.tickets.length, messages: json.messages.length, files: entries.length, bytes: output.bytesWritten },
      };
    } catch (error) {
      output.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
  });
  await recordAudit(db, undefined, { at: now, actor, command: 'export', subject: null, counts: report.counts, outcome: 'done' });
  return report;
}

interface Entry {
  file: string;
  open(): Promise<Readable>;
}

/** The archive's document and its files, each opened only when written. */
function plan(config: Config, db: Database, clientOf: (account: string) => ImapFlow, scope: CustomerScope, shown: CustomerShowJson, now: Date): { json: ExportJson; entries: Entry[] } {
  const entries: Entry[] = [];
  const { rows } = scope;
  const rawPathOf = new Map(rows.inbound.map((r) => [r.id, r]));
  const outboxOf = new Map(rows.outbox.map((o) => [o.message_id, o.id]));
  const messages = rows.messages.map((m, i) => {
    const base = shown.messages[i]!;
    const folder = `messages/${base.reference ?? 'other'}`;
    const number = String(i + 1).padStart(3, '0');
    const open = messageSource(config, db, m, rawPathOf.get(m.inbound_id ?? -1), outboxOf.get(m.message_id));
    const file = open ? `${folder}/${number}-${m.direction === 'in' ? 'received' : 'sent'}.eml` : null;
    if (open && file) entries.push({ file, open });
    const attachments = base.attachments.map((a, j) => {
      const attachment = `${folder}/${number}-${j + 1}-${safeName(a.filename ?? 'attachment')}`;
      entries.push({ file: attachment, open: async () => createReadStream(path.join(config.paths.data, a.where)) });
      return { ...a, file: attachment };
    });
    return { ...base, text: m.text, file, attachments };
  });
  const known = new Set(rows.messages.map((m) => m.message_id));
  const other_mails = [
    ...scope.ticketless.map((r) => {
      const file = `mails/${r.outcome}-${r.id}.eml`;
      entries.push({ file, open: async () => (r.raw_path ? createReadStream(path.join(config.paths.data, r.raw_path)) : Readable.from([(await rawInRow(db, r.id)) ?? Buffer.alloc(0)])) });
      return { file, outcome: r.outcome, size: r.size };
    }),
    ...scope.folders
      .filter((f) => !f.messageId || !known.has(f.messageId))
      .map((f) => {
        const file = `mails/${f.account === config.imap.user ? '' : `${f.account}-`}${f.folder.toLowerCase()}-${f.uid}.eml`;
        entries.push({ file, open: () => downloadStream(clientOf(f.account), f) });
        return { file, outcome: f.folder, size: f.size };
      }),
  ];
  const { unfinished_erasure: _unfinished, ...rest } = shown;
  return { json: { schema: 'guichet.personal-data.v1', exported_at: now.toISOString(), ...rest, messages, other_mails }, entries };
}

/** How to read one message as a mail: the bytes received, or the mail we sent rebuilt from the outbox. Null when nothing of it was kept. */
function messageSource(
  config: Config,
  db: Database,
  message: CustomerMessageRow,
  inbound: { id: number; raw_path: string | null; in_row: boolean } | undefined,
  outboxId: number | undefined,
): (() => Promise<Readable>) | null {
  if (message.direction === 'in') {
    if (!inbound || (!inbound.raw_path && !inbound.in_row)) return null;
    if (inbound.raw_path) return async () => createReadStream(path.join(config.paths.data, inbound.raw_path!));
    return async () => Readable.from([(await rawInRow(db, inbound.id)) ?? Buffer.alloc(0)]);
  }
  return async () => {
    const stored = outboxId === undefined ? null : await outboxMail(db, outboxId);
    const envelope = stored ? (JSON.parse(stored) as Record<string, unknown>) : { from: message.from_address, to: JSON.parse(message.to_addresses ?? '[]'), subject: message.subject ?? undefined, messageId: message.message_id };
    const composer = new MailComposer({ ...envelope, text: message.text ?? '', html: message.html ?? undefined, date: message.created_at });
    return composer.compile().createReadStream() as unknown as Readable;
  };
}

/** A mail of an IMAP folder as a stream; the folder stays selected until it has been read. */
async function downloadStream(client: ImapFlow, mail: FolderMail): Promise<Readable> {
  const lock = await client.getMailboxLock(mail.folder);
  try {
    const download = await client.download(String(mail.uid), undefined, { uid: true });
    if (!('content' in download) || !download.content) {
      lock.release();
      return Readable.from([Buffer.alloc(0)]);
    }
    const content = download.content as Readable;
    content.once('close', () => lock.release());
    return content;
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** A file name from a mail, safe inside an archive: no folders, no control characters. */
function safeName(name: string): string {
  const clean = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return clean || 'attachment';
}
