import { automaticReason, probableRobot } from '../domain/automatic.js';
import { NO_SENDER, normaliseAddress } from '../domain/address.js';
import type { ForwardedMail, InboundMail, MailAddress } from '../domain/inbound.js';
import type { TraceHeader } from '../domain/senderAuth.js';
import { addressList, type ParsedMail } from './parse.js';
import { forwardedMail } from './forwarded.js';
import { ownText } from './visibleText.js';
import { bodyText } from './bodyText.js';
import { spamVerdict } from './spamVerdict.js';

/**
 * Maps mailparser's output to the domain's InboundMail. Pure: the same parsed mail
 * always gives the same result, which is what the fixture tests rely on.
 */
export function toInbound(
  parsed: ParsedMail,
  rawSha256: string,
  supportAddress: string,
  /** The mail attached as `message/rfc822`, when there is one (see `attachedForward`). */
  attached: Omit<ForwardedMail, 'note'> | null = null,
): InboundMail {
  const firstHeaders = new Map<string, string>();
  for (const [name, value] of parsed.headerLines) if (!firstHeaders.has(name)) firstHeaders.set(name, value);

  const addresses = (key: string): MailAddress[] =>
    addressList(parsed.headers.get(key))
      .filter((entry) => typeof entry.address === 'string' && entry.address.includes('@'))
      .map((entry) => ({ address: normaliseAddress(entry.address!), name: entry.name?.trim() || null }));

  // A From with no usable address: whoever else the mail names as its author or its
  // return address; with none, an address that cannot exist (RFC 2606), so that nothing
  // is ever sent to it (loopBudget.ts) while the team still reads the mail.
  const from = addresses('from')[0] ?? addresses('reply-to')[0] ?? addresses('sender')[0] ?? returnPathOrNobody(parsed);
  const contentType = parsed.headers.get('content-type') as { value?: string } | undefined;
  const subject = parsed.headers.get('subject');
  const date = parsed.headers.get('date');

  const subjectText = typeof subject === 'string' ? subject : '';
  const inReplyTo = messageIds(parsed.headers.get('in-reply-to'));
  const references = messageIds(parsed.headers.get('references'));
  const automatic = automaticReason({
    headers: firstHeaders,
    from: from.address,
    fromName: from.name ?? displayNameOnly(parsed.headers.get('from')),
    contentType: contentType?.value ?? 'text/plain',
    supportAddress,
    subject: subjectText,
  });
  const text = bodyText(parsed.text, parsed.html);
  const { visible, signOff } = ownText(text);
  return {
    // A mail without Message-ID still needs a stable identity: its content hash.
    messageId: firstMessageId(parsed.headers.get('message-id')) ?? `<${rawSha256}@guichet.invalid>`,
    inReplyTo,
    references,
    from,
    to: addresses('to'),
    cc: addresses('cc'),
    deliveredTo: parsed.headerLines
      .filter(([name]) => name === 'delivered-to' || name === 'x-original-to' || name === 'envelope-to')
      .map(([, value]) => normaliseAddress(value.replace(/[<>]/g, ''))),
    subject: subjectText,
    text,
    visibleText: visible,
    signOff,
    html: parsed.html,
    date: date instanceof Date && !Number.isNaN(date.getTime()) ? date : null,
    language: firstHeaders.get('content-language') ?? null,
    automatic,
    probablyAutomatic: automatic === null ? probableRobot({ visibleText: visible, isReply: inReplyTo.length + references.length > 0 || REPLY_SUBJECT.test(subjectText) }) : null,
    // A forward in the body first (the common case); else a whole mail attached to this one.
    forwarded: forwardedMail(typeof subject === 'string' ? subject : '', text) ?? (attached ? { ...attached, note: visible } : null),
    trace: parsed.headerLines
      .filter((line): line is [TraceHeader['name'], string] => line[0] === 'received' || line[0] === 'authentication-results')
      .map(([name, value]) => ({ name, value })),
    verifiedHere: null,
    attachments: parsed.attachments
      .filter((a): a is typeof a & { sha256: string } => a.sha256 !== null)
      .map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256 })),
    // Read from the stored parts by prepareMail, for automatic mail only.
    deliveryReport: null,
    spam: spamVerdict(firstHeaders),
  };
}

/** Reply prefixes of the common clients: Re, RE, AW (German), SV (Nordic), Antw (Dutch), R/RIF (Italian), ODP (Polish), YNT (Turkish). */
const REPLY_SUBJECT = /^\s*(?:re|aw|sv|antw|r|rif|odp|ynt)\s*:/i;

/** mailparser gives `references` as a string or an array, sometimes with several ids in one string. */
export function messageIds(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return values.flatMap((v) => String(v).match(/<[^<>\s]+>/g) ?? []);
}

function firstMessageId(value: unknown): string | undefined {
  return messageIds(value)[0];
}

/** The envelope sender the MTA wrote as Return-Path; else nobody, under the From's name. */
function returnPathOrNobody(parsed: ParsedMail): MailAddress {
  const returnPath = addressList(parsed.headers.get('return-path')).find((a) => a.address?.includes('@'));
  return returnPath ? { address: normaliseAddress(returnPath.address!), name: null } : { address: NO_SENDER, name: displayNameOnly(parsed.headers.get('from')) };
}

/** `From: Jean Dupont` (a name, no address) still says who wrote. */
function displayNameOnly(value: unknown): string | null {
  return addressList(value).find((a) => a.name?.trim())?.name?.trim() ?? null;
}
