import type { InboundMail } from '../domain/inbound.js';
import { describeError } from '../errors.js';
import { attachedForward } from './forwarded.js';
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
    const parsed = await parseMail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), options);
    return { mail: toInbound(parsed, sha256, options.supportAddress, await attachedForward(parsed, options)) };
  } catch (error) {
    return { reason: describeError(error) };
  }
}
