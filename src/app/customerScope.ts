import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import type { Config } from '../config/schema.js';
import { normaliseAddress } from '../domain/address.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';
import { findInFolders, type FolderMail } from '../mail/imapFolders.js';
import { connectImap } from '../mail/imapSource.js';
import { customerRows, ticketlessMailsMentioning, type CustomerInboundRow, type CustomerRows } from '../store/customerData.js';
import type { Database } from '../store/db.js';
import { withTimeout } from './backoff.js';

/** Everything held about one person, wherever it lives: database rows, files under the data folder, our IMAP folders. */
export interface CustomerScope {
  rows: CustomerRows;
  /** Mails of theirs that reached no ticket (quarantine), found by their bytes. */
  ticketless: CustomerInboundRow[];
  /** Their mails in the folders guichet files mail into (Processed, Quarantine), in every mailbox it serves. */
  folders: FolderMail[];
}

/** The address a command was given, normalised; a clear error when it is not one. */
export function customerAddress(address: string): string {
  const normal = normaliseAddress(address);
  if (!/^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/.test(normal)) {
    throw new GuichetError('GUICHET_CUSTOMER_INVALID', `${JSON.stringify(address)} is not a mail address (expected name@example.com)`);
  }
  return normal;
}

/** Reads a mail kept under the data folder; null when the file is gone. */
export function dataFileReader(config: Config): (relative: string) => Promise<Buffer | null> {
  return (relative) => readFile(path.join(config.paths.data, relative)).catch(() => null);
}

/**
 * Gathers the person's data, from the database and from the folders of every mailbox
 * guichet serves; `work` gets the IMAP session of each account, to download or delete
 * what was found.
 */
export async function withCustomerScope<T>(
  config: Config,
  db: Database,
  logger: Logger,
  address: string,
  work: (scope: CustomerScope, clientOf: (account: string) => ImapFlow) => Promise<T>,
): Promise<T> {
  const rows = await customerRows(db, address);
  const ticketless = await ticketlessMailsMentioning(db, address, dataFileReader(config));
  const messageIds = rows.messages.filter((m) => m.direction === 'in').map((m) => m.message_id);
  const clients = new Map<string, ImapFlow>();
  try {
    const folders: FolderMail[] = [];
    for (const imap of [config.imap, ...config.mailboxes.map((m) => m.imap)]) {
      const timed = <R>(promise: Promise<R>, what: string) => withTimeout(promise, imap.operation_timeout_seconds * 1000, `IMAP ${imap.user}: ${what}`);
      const client = await timed(connectImap(imap, logger, () => undefined), 'connecting');
      clients.set(imap.user, client);
      folders.push(...(await timed(findInFolders(client, imap.user, [imap.processed, imap.quarantine], address, messageIds), 'searching the folders')));
    }
    return await work({ rows, ticketless, folders }, (account) => clients.get(account)!);
  } finally {
    for (const client of clients.values()) await client.logout().catch(() => client.close());
  }
}
