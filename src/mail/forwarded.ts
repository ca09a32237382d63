import { readFile } from 'node:fs/promises';
import EmailForwardParser from 'email-forward-parser';
import { normaliseAddress } from '../domain/address.js';
import type { ForwardedMail } from '../domain/inbound.js';
import { attachmentPath } from './attachmentStore.js';
import { addressList, parseMail, type ParsedMail, type ParseOptions } from './parse.js';
import { visibleText } from './visibleText.js';
import { bodyText } from './bodyText.js';

/** Forward prefixes of the common clients: Fwd/Fw (English), TR (French Outlook), WG (German), RV/ENC (Spanish, Portuguese). */
const FORWARD_SUBJECT = /^\s*(?:fwd?|tr|wg|rv|enc)\s*:/i;
const parser = new EmailForwardParser();

/**
 * The mail inside a forward, as crisp-oss/email-forward-parser reads it from the
 * body (the "Forwarded message" / "Message transféré" / Outlook "De : … Objet :"
 * blocks of Gmail, Outlook, Apple Mail, Thunderbird… in many languages). Only mails
 * whose subject says they are a forward are read: the parser is not free, and a
 * quoted reply must not be taken for a forward.
 */
export function forwardedMail(subject: string, text: string): ForwardedMail | null {
  if (!FORWARD_SUBJECT.test(subject)) return null;
  const result = parser.read(text, subject);
  const from = result.email?.from;
  if (!result.forwarded || !from || typeof from === 'string' || !from.address?.includes('@')) return null;
  return {
    from: { address: normaliseAddress(from.address), name: from.name?.trim() || null },
    subject: result.email?.subject ?? '',
    body: (result.email?.body ?? '').trim(),
    note: (result.message ?? '').trim(),
  };
}

/**
 * The mail inside a forward sent as an attachment (Outlook's "Forward as attachment",
 * Thunderbird's "Forward As > Attachment"): a `message/rfc822` part, already stored
 * by its SHA-256, parsed like any mail. `note` is left to the caller: it is the
 * forwarder's own visible text. The first such part counts.
 */
export async function attachedForward(parsed: ParsedMail, options: ParseOptions): Promise<Omit<ForwardedMail, 'note'> | null> {
  const part = parsed.attachments.find((a) => a.contentType.toLowerCase() === 'message/rfc822' && a.sha256 !== null);
  if (!part) return null;
  const inner = await parseMail(await readFile(attachmentPath(options.attachmentsDir, part.sha256!)), options);
  const [from] = addressList(inner.headers.get('from'));
  if (!from?.address?.includes('@')) return null;
  const subject = inner.headers.get('subject');
  return {
    from: { address: normaliseAddress(from.address), name: from.name?.trim() || null },
    subject: typeof subject === 'string' ? subject : '',
    body: visibleText(bodyText(inner.text, inner.html)),
  };
}
