import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import mimeTypes from 'mime-types';
import { Readable } from 'node:stream';
import { GuichetError } from '../errors.js';
import { FileTooLargeError, saveContentAddressed } from './attachmentStore.js';
import { withUtf8Headers } from './legacyHeaders.js';

export interface ParseOptions {
  attachmentsDir: string;
  maxAttachmentBytes: number;
  timeoutMs: number;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Null when the attachment was over the size limit and not kept (the raw mail still has it). */
  sha256: string | null;
}

/** What mailparser gave us, with attachments already on disk. */
export interface ParsedMail {
  /** Structured headers (addresses as objects, dates as Date), lower-case keys. */
  headers: Map<string, unknown>;
  /** Every raw header as [lower-case name, unfolded value], in order, repeats kept. */
  headerLines: [string, string][];
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
}

/**
 * Parses raw bytes with mailparser's streaming parser so that attachments go to disk
 * as they are decoded instead of into memory. mailparser has no timeout of its own;
 * a pathological mail must not stall the mailbox, so one is added here.
 */
export function parseMail(raw: Buffer, options: ParseOptions): Promise<ParsedMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipImageLinks: true, skipTextToHtml: true } as ConstructorParameters<typeof MailParser>[0]);
    const result: ParsedMail = { headers: new Map(), headerLines: [], text: '', html: null, attachments: [] };
    const pending: Promise<void>[] = [];
    let parts = 0;
    let settled = false;
    const fail = (cause: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      parser.destroy();
      reject(new GuichetError('GUICHET_MAIL_UNPARSEABLE', `cannot parse the mail: ${String((cause as Error)?.message ?? cause)}`, { cause }));
    };
    const timer = setTimeout(() => fail(new Error(`parsing took longer than ${options.timeoutMs} ms`)), options.timeoutMs);

    parser.on('headers', (headers: Map<string, unknown>) => {
      result.headers = headers;
    });
    parser.on('headerLines', (lines: { key: string; line: string }[]) => {
      result.headerLines = lines.map(({ key, line }) => [key.toLowerCase(), unfoldValue(line)]);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        result.text = data.text ?? '';
        result.html = typeof data.html === 'string' ? data.html : null;
        return;
      }
      const keeping = keepAttachment(data, options, ++parts).then((kept) => void result.attachments.push(kept));
      // Failed at once, not only when 'end' comes: a rejection nobody handles yet would take the process down.
      keeping.catch(fail);
      pending.push(keeping);
    });
    parser.on('error', fail);
    parser.on('end', () => {
      Promise.all(pending).then(
        () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        },
        fail,
      );
    });
    Readable.from(slices(withUtf8Headers(raw))).pipe(parser);
  });
}

/**
 * The mail in slices that share its memory: given a large mail in one chunk, mailparser
 * held several copies of it at once; in slices, an attachment flows to disk as it is decoded.
 */
function* slices(raw: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let start = 0; start < raw.length; start += size) yield raw.subarray(start, start + size);
}

async function keepAttachment(data: AttachmentStream, options: ParseOptions, part: number): Promise<ParsedAttachment> {
  const contentType = partType(data.contentType);
  const base = { filename: data.filename || partName(contentType, part), contentType };
  try {
    const saved = await saveContentAddressed(options.attachmentsDir, data.content as Readable, options.maxAttachmentBytes);
    return { ...base, size: saved.size, sha256: saved.sha256 };
  } catch (error) {
    if (!(error instanceof FileTooLargeError)) throw error;
    // Drain the rest so the parser can go on; the raw mail keeps the bytes for audit.
    (data.content as Readable).resume();
    return { ...base, size: data.size ?? error.limit, sha256: null };
  } finally {
    data.release?.();
  }
}

/**
 * A part's type as guichet stores it: lower case, and `application/octet-stream` when
 * the mail declares none or a broken one (`Content-Type: ; name="photo.jpg"` gives
 * mailparser a non-string): a sender's mistake is not guichet's error.
 */
export function partType(declared: unknown): string {
  return typeof declared === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(declared.trim()) ? declared.trim().toLowerCase() : 'application/octet-stream';
}

/** A name for a part that has none, from its type: `image-1.png`; a forwarded mail is `message.eml`, which mail clients open. */
function partName(contentType: string, part: number): string {
  if (contentType === 'message/rfc822') return 'message.eml';
  const extension = mimeTypes.extension(contentType) || 'bin';
  return `${contentType.split('/')[0]}-${part}.${extension}`;
}

/** "Subject: a\r\n b" -> "a b": the value of a raw header line, unfolded (RFC 5322 §2.2.3). */
function unfoldValue(line: string): string {
  const colon = line.indexOf(':');
  return line
    .slice(colon + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

export function addressList(value: unknown): AddressObject['value'] {
  if (value === undefined || value === null) return [];
  const objects = Array.isArray(value) ? (value as AddressObject[]) : [value as AddressObject];
  return objects.flatMap((o) => flattenGroups(o.value ?? []));
}

function flattenGroups(entries: AddressObject['value']): AddressObject['value'] {
  return entries.flatMap((entry) => (entry.group ? flattenGroups(entry.group) : [entry]));
}
