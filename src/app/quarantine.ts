import { reason } from '../errors.js';
import { keepRaw, RAW_IN_ROW_MAX_BYTES } from '../mail/rawStore.js';
import { recordQuarantined } from '../store/ledger.js';
import type { AppContext } from './context.js';
import type { IngestResult } from './ingestResult.js';

/** The stored reason for a mail over `limits.max_mail_bytes`, whether it was downloaded or not. */
export function tooLargeReason(size: number, limit: number): string {
  return reason('GUICHET_MAIL_TOO_LARGE', `${size} bytes, limit ${limit}`);
}

/**
 * Records a mail that cannot be processed, with the reason and (when we have them)
 * its bytes. The caller moves it to the quarantine folder; nothing is lost and the
 * mailbox keeps flowing.
 */
export async function quarantine(
  ctx: AppContext,
  sha256: string,
  source: string,
  raw: Buffer | null,
  size: number,
  reason: string,
  now: Date,
): Promise<IngestResult> {
  const large = raw !== null && raw.length > RAW_IN_ROW_MAX_BYTES;
  const rawPath = large ? await keepRaw(ctx.config.paths.data, sha256, raw) : null;
  await recordQuarantined(ctx.db, { sha256, source, raw: large ? null : raw, rawPath, size, reason, at: now });
  ctx.logger.warn({ sha256, source, reason }, 'mail quarantined');
  return { outcome: 'quarantined', sha256, reason };
}

