import type { ParsedMail } from 'mailparser';
import { readFolder } from './mailbox.js';

/**
 * A mail robot on a real mailbox: an auto-responder or an out-of-office that answers
 * every mail it finds in its INBOX, once, with a mail `answer` writes. It polls, as a
 * provider's robot would, until stopped; its count says how many answers it sent.
 */
export interface Robot {
  readonly answered: number;
  stop(): Promise<void>;
}

export function startRobot(options: {
  imapPort: number;
  user: string;
  answer: (mail: ParsedMail) => Buffer;
  deliver: (raw: Buffer, to: string, from: string) => Promise<void>;
  to: string;
  everyMs?: number;
}): Robot {
  const seen = new Set<number>();
  let answered = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const mail of await readFolder(options.imapPort, options.user).catch(() => [])) {
        if (seen.has(mail.uid)) continue;
        seen.add(mail.uid);
        await options.deliver(options.answer(mail.parsed), options.to, options.user);
        answered++;
      }
      await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
    }
  })();
  return {
    get answered() {
      return answered;
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** A plain reply, with none of the headers or words that mark a mail as automatic. */
export function unmarkedReply(from: string, to: string, mail: ParsedMail, text: string): Buffer {
  const id = `<robot-${Math.random().toString(36).slice(2)}@${from.split('@')[1]}>`;
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: Re: ${mail.subject ?? ''}`,
      `Message-ID: ${id}`,
      ...(mail.messageId ? [`In-Reply-To: ${mail.messageId}`, `References: ${mail.messageId}`] : []),
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '',
    ].join('\r\n'),
    'utf8',
  );
}
