import { rm } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/schema.js';
import { describeError, reason } from '../errors.js';
import type { ComposedMail } from '../mail/compose.js';
import { classifySmtpError, enhancedStatus } from '../mail/smtpErrors.js';
import { claimOutbox, forgetSent, markFailed, markRetry, markSent, releaseStaleClaims, type OutboxRow } from '../store/outbox.js';
import { FORGET_AFTER_SENDING } from './privacyJobs.js';
import { dateFrom } from '../store/sqlRows.js';
import { tokensFor } from '../mail/oauthTokens.js';
import { backoffMs } from './backoff.js';
import type { AppContext } from './context.js';
import { recordSendFailure } from './sendFailure.js';

const STALE_CLAIM_MS = 5 * 60_000;
/** The longest wait between tries while the relay is down or refuses our login: a fix shows within minutes. */
const MAX_WAIT_FOR_OPERATOR_MS = 5 * 60_000;

export function createTransport(smtp: Config['smtp']): Transporter {
  const auth = smtp.auth && smtp.user ? { type: 'OAuth2' as const, user: smtp.user } : smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    pool: true,
    maxConnections: smtp.max_connections,
    ...(auth ? { auth } : {}),
    tls: { rejectUnauthorized: smtp.tls_reject_unauthorized },
  });
  if (smtp.auth) {
    // XOAUTH2 with our tokens: nodemailer asks again with `renew` after the relay refused one.
    const tokens = tokensFor(smtp.auth);
    transport.set('oauth2_provision_cb', (_user: string, renew: boolean, callback: (error: Error | null, token?: string) => void) => {
      if (renew) tokens.invalidate();
      tokens.token().then((token) => callback(null, token), (error: Error) => callback(error));
    });
  }
  return transport;
}

export interface DeliveryCounts {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Delivers the outbox. Rows are claimed, sent with the Message-ID they were given
 * when queued, and marked; transient failures come back later with back-off,
 * permanent ones are recorded as failed.
 */
export class OutboxSender {
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly transport: Transporter,
    private readonly clock: () => Date,
  ) {}

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = null;
  }

  /** Sends everything due now, batch after batch, until nothing is due. Passes run one after another. */
  deliverDue(): Promise<DeliveryCounts> {
    const pass = this.pass.then(() => this.deliverPass());
    this.pass = pass.catch(() => undefined);
    return pass;
  }

  private async deliverPass(): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0 };
    const now = this.clock();
    // Between passes this sender holds no claim: one still in its name is a row whose
    // marking failed (the database went away mid-pass). It goes back at once, not after the lease.
    await releaseStaleClaims(this.ctx.db, this.worker, new Date(now.getTime() - STALE_CLAIM_MS));
    for (;;) {
      const rows = await claimOutbox(this.ctx.db, this.worker, this.clock(), 50);
      if (rows.length === 0) return counts;
      await Promise.all(
        rows.map(async (row) => {
          const result = await this.deliver(row);
          counts[result] += 1;
          this.ctx.metrics.delivery(result, row.kind, dateFrom(row.created_at)!, this.clock());
        }),
      );
    }
  }

  private async deliver(row: OutboxRow): Promise<keyof DeliveryCounts> {
    const { db, logger } = this.ctx;
    const stored = JSON.parse(row.mail) as Partial<ComposedMail> & Omit<ComposedMail, 'text' | 'html'>;
    // Mail queued for a ticket keeps its bodies in its message row (see app/outgoingRows.ts).
    const text = stored.text ?? row.text;
    const html = stored.html ?? row.html;
    if (text === null || html === null) {
      await markFailed(db, row.id, this.worker, row.attempts, reason('GUICHET_OUTBOX_BODY_MISSING', `no message row holds the bodies of ${row.message_id}`), this.clock());
      logger.error({ messageId: row.message_id }, 'an outbox mail has no bodies; not sent');
      return 'failed';
    }
    const mail: ComposedMail = { ...stored, text, html };
    try {
      await this.transport.sendMail(mail);
    } catch (error) {
      return this.failed(row, mail, error);
    }
    // Should this fail, the row stays claimed by us and the next pass sends it again:
    // the one duplicate the design allows (same Message-ID); the failed pass is logged.
    await markSent(db, row.id, this.worker, this.clock());
    if (FORGET_AFTER_SENDING.has(row.kind)) await this.forget(row, mail);
    logger.debug({ messageId: mail.messageId, to: mail.to.address }, 'mail sent');
    return 'sent';
  }

  /** A mail about a person's data keeps nothing once sent: its row goes, and the archive part it carried. */
  private async forget(row: OutboxRow, mail: ComposedMail): Promise<void> {
    await forgetSent(this.ctx.db, row.id);
    const exports = path.join(this.ctx.config.paths.data, 'exports') + path.sep;
    for (const attachment of mail.attachments ?? []) if (attachment.path.startsWith(exports)) await rm(attachment.path, { force: true });
  }

  /**
   * A refusal for good, or 4xx replies past `max_attempts`, fails the row and tells its
   * ticket (app/sendFailure.ts). The network and a refused login never do: the mail
   * waits for the relay or for the operator's fix, retried with a shorter cap.
   */
  private async failed(row: OutboxRow, mail: ComposedMail, error: unknown): Promise<keyof DeliveryCounts> {
    const { config, logger } = this.ctx;
    const attempts = row.attempts + 1;
    const kind = classifySmtpError(error);
    const now = this.clock();
    if (kind === 'permanent' || (kind === 'transient' && attempts >= config.outbox.max_attempts)) {
      const permanent = kind === 'permanent';
      const why = reason(permanent ? 'GUICHET_SMTP_PERMANENT' : 'GUICHET_SMTP_TRANSIENT', describeError(error), `attempt ${attempts}, giving up`);
      const diagnostic = (error as { response?: string }).response ?? describeError(error);
      await recordSendFailure(this.ctx, row, this.worker, attempts, { action: 'failed', permanent, status: enhancedStatus(error), diagnostic }, why, now);
      logger.error({ err: error, messageId: mail.messageId, attempts }, 'mail could not be delivered');
      return 'failed';
    }
    const code = kind === 'transient' ? 'GUICHET_SMTP_TRANSIENT' : kind === 'network' ? 'GUICHET_SMTP_UNREACHABLE' : 'GUICHET_SMTP_AUTH';
    const next = new Date(now.getTime() + backoffMs(attempts, 30_000, kind === 'transient' ? 3_600_000 : MAX_WAIT_FOR_OPERATOR_MS));
    await markRetry(this.ctx.db, row.id, this.worker, attempts, next, reason(code, describeError(error)));
    logger.warn({ err: error, messageId: mail.messageId, attempts, next, kind }, 'mail delivery will be retried');
    return 'retried';
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.deliverDue();
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'outbox pass failed');
      }
      await this.ctx.outboxBell.wait(this.ctx.config.outbox.poll_seconds * 1000, this.abort.signal);
    }
  }
}
