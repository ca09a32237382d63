import { UniqueConstraintError } from 'sequelize';
import type { AppContext } from './context.js';
import type { IngestResult } from './ingestResult.js';

/** The stored reason for a mail over `limits.max_mail_bytes`, whether it was downloaded or not. */
export function tooLargeReason(size: number, limit: number): string {
  return `GUICHET_MAIL_TOO_LARGE: ${size} bytes, limit ${limit}`;
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
  try {
    await ctx.db.models.InboundMail.create({
      raw_sha256: sha256,
      source,
      size,
      raw,
      outcome: 'quarantined',
      reason,
      received_at: now,
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
  }
  ctx.logger.warn({ sha256, source, reason }, 'mail quarantined');
  return { outcome: 'quarantined', sha256, reason };
}

