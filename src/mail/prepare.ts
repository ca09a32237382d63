import type { InboundMail } from '../domain/inbound.js';
import { describeError } from '../errors.js';
import { attachedForward } from './forwarded.js';
import { readDeliveryReport } from './deliveryReport.js';
import { parseMail, type ParseOptions } from './parse.js';
import { toInbound } from './toInbound.js';

export interface PrepareOptions extends ParseOptions {
  supportAddress: string;
}

/** A mail as the domain sees it, or why it cannot be read (the reason its quarantine records). */
export type Prepared = { mail: InboundMail } | { reason: string };

/** Raw bytes to InboundMail: parsing (attachments go to disk) and the mapping. Never throws. */
export async function prepareMail(raw: Uint8Array, sha256: string, options: PrepareOptions): Promise<Prepared> {
  try {
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const parsed = await parseMail(bytes, options);
    const mail = toInbound(parsed, sha256, options.supportAddress, await attachedForward(parsed, options));
    // Only a machine's mail can be a delivery report: a person's mail is never consumed as one.
    return { mail: mail.automatic === null ? mail : { ...mail, deliveryReport: await readDeliveryReport(parsed, bytes, mail.from, options) } };
  } catch (error) {
    return { reason: describeError(error) };
  }
}
