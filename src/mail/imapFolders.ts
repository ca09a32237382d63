import type { ImapFlow } from 'imapflow';

/** A mail of a person found in one of our IMAP folders. */
export interface FolderMail {
  /** The IMAP account (its user name): the support mailbox's, or another of `mailboxes`. */
  account: string;
  folder: string;
  uid: number;
  messageId: string | null;
  date: string | null;
  size: number;
}

/**
 * The mails of these folders that are from, to or copied to the address, or that carry
 * one of these Message-IDs (an agent's mail into the person's ticket quotes them).
 * The server searches (SEARCH FROM/TO/CC/HEADER): nothing is downloaded to look.
 * A folder that does not exist holds nothing.
 */
export async function findInFolders(client: ImapFlow, account: string, folders: string[], address: string, messageIds: string[]): Promise<FolderMail[]> {
  const existing = new Set((await client.list()).map((m) => m.path));
  const found: FolderMail[] = [];
  for (const folder of folders.filter((f) => existing.has(f))) {
    const lock = await client.getMailboxLock(folder);
    try {
      const uids = new Set<number>();
      const add = (list: number[] | false | undefined) => {
        for (const uid of list || []) uids.add(uid);
      };
      add(await client.search({ or: [{ from: address }, { to: address }, { cc: address }] }, { uid: true }));
      for (const id of messageIds) add(await client.search({ header: { 'message-id': id } }, { uid: true }));
      if (uids.size === 0) continue;
      const mails = await client.fetchAll([...uids].sort((a, b) => a - b).join(','), { uid: true, envelope: true, size: true }, { uid: true });
      for (const m of mails) {
        found.push({ account, folder, uid: m.uid, messageId: m.envelope?.messageId ?? null, date: m.envelope?.date ? new Date(m.envelope.date).toISOString() : null, size: m.size ?? 0 });
      }
    } finally {
      lock.release();
    }
  }
  return found;
}

/** The bytes of one mail of a folder, or null when it is gone. */
export async function downloadFolderMail(client: ImapFlow, mail: FolderMail): Promise<Buffer | null> {
  const lock = await client.getMailboxLock(mail.folder);
  try {
    const message = await client.fetchOne(String(mail.uid), { uid: true, source: true }, { uid: true });
    return message ? (message.source ?? null) : null;
  } finally {
    lock.release();
  }
}

/** Deletes these mails for good (\Deleted and EXPUNGE of their UIDs only). */
export async function deleteFromFolders(client: ImapFlow, mails: FolderMail[]): Promise<void> {
  for (const folder of new Set(mails.map((m) => m.folder))) {
    const lock = await client.getMailboxLock(folder);
    try {
      await client.messageDelete(mails.filter((m) => m.folder === folder).map((m) => m.uid).join(','), { uid: true });
    } finally {
      lock.release();
    }
  }
}
