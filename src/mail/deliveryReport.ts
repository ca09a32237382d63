import { readFile } from 'node:fs/promises';
import { localPart, normaliseAddress } from '../domain/address.js';
import type { DeliveryReport, MailAddress, ReportedRecipient } from '../domain/inbound.js';
import { attachmentPath } from './attachmentStore.js';
import type { ParsedMail, ParseOptions } from './parse.js';
import { messageIds } from './toInbound.js';

/** Machine-readable parts of a report (RFC 3464, RFC 6533 for the `global` ones, RFC 5965). */
const STATUS_PARTS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const FEEDBACK_PART = 'message/feedback-report';
/** Where a report puts the mail it is about: whole, or its headers only. */
const ORIGINAL_PARTS = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers']);
/** Who writes bounces: the mail system itself, by address or by name. */
const MAIL_SYSTEM = /^(?:mailer-?daemon|post_?master)$/i;
const MAIL_SYSTEM_NAME = /^(?:mailer-?daemon|post_?master|mail delivery (?:subsystem|system|service))$/i;
/** The most of a part we read: a status or a header block is a few KB; a whole original is cut, its headers come first. */
const READ_LIMIT = 64 * 1024;

/**
 * The delivery report in an automatic mail, if it is one: a DSN (RFC 3464) or a
 * feedback report (ARF, RFC 5965), with what it says of each recipient and the
 * Message-ID of the mail it is about. Reports that follow no standard (qmail's, some
 * webmails') still quote the original's headers in their text, and Exim names the
 * failed recipients in `X-Failed-Recipients`; those are read too. Whether the mail
 * it is about is ours is for the app to find out.
 */
export async function readDeliveryReport(parsed: ParsedMail, raw: Buffer, sender: MailAddress, options: Pick<ParseOptions, 'attachmentsDir'>): Promise<DeliveryReport | null> {
  const read = async (sha256: string | null) => (sha256 === null ? '' : (await readFile(attachmentPath(options.attachmentsDir, sha256))).subarray(0, READ_LIMIT).toString('utf8'));
  const originals: string[] = [];
  const recipients: ReportedRecipient[] = [];
  for (const part of parsed.attachments) {
    if (ORIGINAL_PARTS.has(part.contentType)) originals.push(...messageIds(headerFields(await read(part.sha256))[0]?.get('message-id')));
    else if (STATUS_PARTS.has(part.contentType) || part.contentType === FEEDBACK_PART) recipients.push(...reportedIn(await read(part.sha256)));
  }
  // mailparser reads an inline message/delivery-status (and feedback-report) part as text:
  // its fields then come in the mail's text, after the human-readable part.
  if (recipients.length === 0) recipients.push(...reportedIn(parsed.text));
  // The original's headers as the raw mail carries them: an inline message/rfc822 part
  // (mailparser shows it as text, without its Message-ID) or a copy quoted in a
  // report that follows no standard (Exim's, qmail's).
  if (originals.length === 0) originals.push(...quotedMessageIds(raw));
  if (recipients.length === 0) {
    const failed = parsed.headerLines.filter(([name]) => name === 'x-failed-recipients').flatMap(([, value]) => value.split(','));
    for (const address of failed) recipients.push({ address: addressOf(address), action: 'failed', status: statusIn(parsed.text), diagnostic: null });
  }
  if (originals.length === 0) return null;
  // An out-of-office may quote our mail's headers too: with no report fields, only a
  // mail system's own sender makes it a bounce.
  if (recipients.length === 0 && !MAIL_SYSTEM.test(localPart(sender.address)) && !MAIL_SYSTEM_NAME.test(sender.name ?? '')) return null;
  // A report that names no recipient is still about the mail: its recipient is the one we sent it to.
  return { originalMessageIds: [...new Set(originals)], recipients: recipients.length > 0 ? recipients : [{ address: null, action: 'failed', status: statusIn(parsed.text), diagnostic: null }] };
}

/**
 * The recipients a report's fields speak of: each per-recipient block of a delivery
 * status (one with an Action), and a feedback report (Feedback-Type with its Version).
 * Blocks of prose that happen to hold a colon have neither, and are passed over.
 */
function reportedIn(text: string): ReportedRecipient[] {
  return headerFields(text).flatMap((fields): ReportedRecipient[] => {
    if (fields.has('feedback-type') && fields.has('version')) return [complaint(fields)];
    const action = fields.get('action')?.trim().toLowerCase();
    if ((action !== 'failed' && action !== 'delayed') || !(fields.has('final-recipient') || fields.has('original-recipient'))) return [];
    const status = fields.get('status')?.match(/\b[245]\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? null;
    return [
      {
        address: addressOf(typed(fields.get('final-recipient') ?? fields.get('original-recipient'))),
        action,
        status,
        diagnostic: fields.get('diagnostic-code')?.trim() || null,
      },
    ];
  });
}

function complaint(fields: Map<string, string>): ReportedRecipient {
  const type = fields.get('feedback-type')?.trim() ?? 'abuse';
  return { address: addressOf(fields.get('original-rcpt-to')), action: 'complaint', status: null, diagnostic: `feedback-type: ${type}` };
}

/** `rfc822; jane@example.com` -> `jane@example.com`. */
function typed(value: string | undefined): string | undefined {
  return value?.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
}

function addressOf(value: string | undefined): string | null {
  const address = value?.trim().replace(/^<|>$/g, '');
  return address && address.includes('@') ? normaliseAddress(address) : null;
}

/** The first enhanced status code in a human-readable bounce; Exim says "permanent error" in words. */
function statusIn(text: string): string | null {
  return text.match(/\b[45]\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? (/\bpermanent error\b/i.test(text) ? '5.0.0' : null);
}

/** Message-ID header lines below the report's own headers, in the first READ_LIMIT bytes. */
function quotedMessageIds(raw: Buffer): string[] {
  const text = raw.subarray(0, READ_LIMIT).toString('latin1');
  const body = text.slice(text.search(/\r?\n\r?\n/) + 1);
  return [...body.matchAll(/^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)/gim)].map((m) => m[1]!);
}

/**
 * Header-style blocks separated by blank lines (RFC 3464 §2.1, RFC 5322 §2.2):
 * names in lower case, folded lines joined, the first of a repeated field kept.
 */
export function headerFields(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) blocks.push(current);
      current = new Map();
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last !== null) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
    else last = null;
  }
  if (current.size > 0) blocks.push(current);
  return blocks;
}
