import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReadMail {
  uid: number;
  raw: Buffer;
  parsed: ParsedMail;
}

/** A client for one user's mailbox, with the error listener registered before connect (an unhandled socket error would end the process). */
export function imapClient(port: number, user: string, password = 'secret'): ImapFlow {
  const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
  c.on('error', () => undefined);
  return c;
}

/** Everything in one folder of a user's mailbox, oldest first, parsed. */
export async function readFolder(port: number, user: string, folder = 'INBOX', password = 'secret'): Promise<ReadMail[]> {
  const c = imapClient(port, user, password);
  await c.connect();
  try {
    const exists = (await c.list()).some((m) => m.path === folder);
    if (!exists) return [];
    await c.mailboxOpen(folder, { readOnly: true });
    if (!c.mailbox || c.mailbox.exists === 0) return [];
    const messages = await c.fetchAll('1:*', { uid: true, source: true });
    return Promise.all(messages.map(async (m) => ({ uid: m.uid, raw: m.source!, parsed: await simpleParser(m.source!) })));
  } finally {
    await c.logout().catch(() => c.close());
  }
}

/** Polls a folder until `count` mails are there (tests wait on state, with a bound, never on a fixed sleep). */
export async function waitForMails(port: number, user: string, count: number, folder = 'INBOX', timeoutMs = 20_000): Promise<ReadMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await readFolder(port, user, folder);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`${user}/${folder}: expected ${count} mail(s), found ${mails.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Puts raw mails in a user's folder with APPEND, as a delivery would. */
export async function appendMails(port: number, user: string, raws: Buffer[], folder = 'INBOX', password = 'secret'): Promise<void> {
  const c = imapClient(port, user, password);
  await c.connect();
  try {
    for (const raw of raws) await c.append(folder, raw);
  } finally {
    await c.logout().catch(() => c.close());
  }
}
