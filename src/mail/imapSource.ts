import { ImapFlow } from 'imapflow';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { tokensFor } from './oauthTokens.js';

export interface FetchedMail {
  uid: number;
  /** Null when the mail is over the size limit and was not downloaded. */
  source: Buffer | null;
  size: number;
}

/**
 * A new client for every connection: imapflow clients are not reusable after
 * `close`. The `error` listener is attached before `connect()`, otherwise a socket
 * timeout would be an unhandled 'error' event and kill the process.
 */
export async function connectImap(imap: Config['imap'], logger: Logger, onError: (error: Error) => void): Promise<ImapFlow> {
  // OAuth2 (XOAUTH2): a token from the provider; one the server refuses is dropped, and the next connection asks anew.
  const tokens = imap.auth ? tokensFor(imap.auth) : null;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: tokens ? { user: imap.user, accessToken: await tokens.token() } : { user: imap.user, pass: imap.password },
    tls: { rejectUnauthorized: imap.tls_reject_unauthorized },
    logger: false,
    // We start IDLE ourselves when there is nothing to do (see MailboxWorker): auto-IDLE
    // would wait 15 s of inactivity first, and new mail would wait as long.
    disableAutoIdle: true,
    // Restart IDLE regularly: some servers and NAT boxes drop sessions idle for long.
    maxIdleTime: 5 * 60_000,
    missingIdleCommand: 'NOOP',
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 10 * 60_000,
  });
  client.on('error', (error: Error) => {
    logger.warn({ err: error }, 'imap connection error');
    onError(error);
  });
  try {
    await client.connect();
  } catch (error) {
    if (tokens && (error as { authenticationFailed?: boolean }).authenticationFailed) tokens.invalidate();
    throw error;
  }
  return client;
}

/** Creates the folders we move mail into when they are missing. */
export async function ensureFolders(client: ImapFlow, folders: string[]): Promise<void> {
  const existing = new Set((await client.list()).map((m) => m.path));
  for (const folder of folders) if (!existing.has(folder)) await client.mailboxCreate(folder);
}

/** Every UID in the selected mailbox, oldest first. UIDs, never \Seen: people read the mailbox too. */
export async function listUids(client: ImapFlow): Promise<number[]> {
  // NOOP first: it makes the server look at the mailbox now; a SEARCH alone may answer
  // from the session's view of it, without mail delivered since.
  await client.noop();
  const uids = await client.search({ all: true }, { uid: true });
  return (uids || []).sort((a, b) => a - b);
}

/**
 * Downloads the given UIDs. Sizes come first (RFC822.SIZE), so that a huge mail is
 * never pulled into memory; the rest is fetched in groups bounded in count and bytes,
 * because one FETCH for many mails is far faster than one round trip per mail.
 * fetchAll collects before returning: no command is issued inside a fetch iteration.
 */
export async function fetchMails(client: ImapFlow, uids: number[], maxBytes: number, groupBytes = 32 * 1024 * 1024): Promise<FetchedMail[]> {
  if (uids.length === 0) return [];
  const sizes = await client.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true });
  const sizeOf = new Map(sizes.map((m) => [m.uid, m.size ?? 0]));
  const result = new Map<number, FetchedMail>();
  let group: number[] = [];
  let groupSize = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const fetched = await client.fetchAll(group.join(','), { uid: true, source: true }, { uid: true });
    for (const message of fetched) {
      if (message.source) result.set(message.uid, { uid: message.uid, source: message.source, size: message.source.length });
    }
    group = [];
    groupSize = 0;
  };
  for (const uid of uids) {
    const size = sizeOf.get(uid);
    if (size === undefined) continue; // expunged meanwhile by someone else
    if (size > maxBytes) {
      result.set(uid, { uid, source: null, size });
      continue;
    }
    if (size > LARGE_MAIL_BYTES) {
      const source = await fetchInSlices(client, uid, size);
      if (source) result.set(uid, { uid, source, size: source.length });
      continue;
    }
    if (groupSize + size > groupBytes) await flush();
    group.push(uid);
    groupSize += size;
  }
  await flush();
  return uids.flatMap((uid) => result.get(uid) ?? []);
}

/** Over this, a mail is downloaded alone, in slices, into one buffer of its size. */
const LARGE_MAIL_BYTES = 4 * 1024 * 1024;
const SLICE_BYTES = 1024 * 1024;

/**
 * A large mail in partial FETCHes (RFC 3501 BODY.PEEK[]<start.length>) copied into one
 * buffer of the size the server announced: a single FETCH of it held the mail about
 * three times over while the response was read and joined. Its bytes are the same,
 * so is its SHA-256. Null when it was expunged meanwhile.
 */
async function fetchInSlices(client: ImapFlow, uid: number, size: number): Promise<Buffer | null> {
  let whole = Buffer.allocUnsafe(size);
  let length = 0;
  for (;;) {
    const message = await client.fetchOne(String(uid), { uid: true, source: { start: length, maxLength: SLICE_BYTES } }, { uid: true });
    if (!message) return length === 0 ? null : whole.subarray(0, length);
    const slice = message.source ?? Buffer.alloc(0);
    // RFC822.SIZE is the server's count: should it be short, the buffer grows (rare, and only then copied).
    if (length + slice.length > whole.length) whole = Buffer.concat([whole.subarray(0, length), Buffer.allocUnsafe(Math.max(slice.length, whole.length))]);
    slice.copy(whole, length);
    length += slice.length;
    if (slice.length < SLICE_BYTES) return whole.subarray(0, length);
  }
}

/** Moves UIDs to a folder (MOVE, RFC 6851; imapflow falls back to COPY + EXPUNGE). */
export async function moveMails(client: ImapFlow, uids: number[], folder: string): Promise<void> {
  if (uids.length > 0) await client.messageMove(uids.join(','), folder, { uid: true });
}

/**
 * An IMAP failure in the server's own words: imapflow's "Command failed" alone says
 * nothing, its response code (AUTHENTICATIONFAILED) and text, or the socket's code
 * (ECONNREFUSED), say what to fix.
 */
export function describeImapError(error: unknown): string {
  const e = error as { message?: string; code?: string; serverResponseCode?: string; responseText?: string; responseStatus?: string };
  const cause = e.serverResponseCode ?? e.code;
  const words = e.responseText ?? e.message ?? String(error);
  return cause && !words.includes(cause) ? `${cause}: ${words}` : words;
}
