import { LOOP_HEADER } from '../domain/automatic.js';
import type { GuichetError } from '../errors.js';
import { newMessageId, type ComposedMail } from '../mail/compose.js';
import { queueOutbox } from '../store/outbox.js';
import type { AppContext } from './context.js';

/**
 * An admin's template edit was refused: the last good version stays in use, the
 * error is logged, and each admin gets one plain mail saying where the error is. The
 * mail is built without templates on purpose: the templates are what is broken.
 */
export function watchTemplates(ctx: AppContext, clock: () => Date): void {
  ctx.renderer.onBroken = (file, error) => {
    ctx.logger.error({ file, err: error }, 'template edit refused; the last good version stays in use');
    // Rendering happens inside other work (a mail's transaction): the alert is queued on its own, just after.
    setImmediate(() => {
      queueAlert(ctx, file, error, clock()).catch((queueError: unknown) => ctx.logger.error({ err: queueError, file }, 'cannot queue the template alert to the admins'));
    });
  };
}

async function queueAlert(ctx: AppContext, file: string, error: GuichetError, now: Date): Promise<void> {
  const { config, db } = ctx;
  const rows = config.admins.map((admin) => {
    const text =
      `guichet refused an edit of ${file}:\n\n${error.message}\n\n` +
      'Mail keeps going out with the last version that worked. Fix the file and save it: the next mail uses it.\n' +
      '`guichet templates check` lists every problem in the templates.\n';
    const mail: ComposedMail = {
      messageId: newMessageId(config.support.address),
      from: { name: config.support.name, address: config.support.address },
      to: { name: '', address: admin },
      replyTo: config.support.address,
      subject: `guichet: template edit refused: ${file}`,
      text,
      html: `<pre>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>`,
      headers: { [LOOP_HEADER]: config.support.address, 'Auto-Submitted': 'auto-generated' },
    };
    return { ticket_id: null, message_id: mail.messageId, kind: 'template-alert', recipient: admin, mail: JSON.stringify(mail), status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
  });
  await queueOutbox(db, rows);
  ctx.outboxBell.ring();
}
