import { QueryTypes } from 'sequelize';
import type { Database } from '../store/db.js';
import { quarantineList } from './quarantineRelease.js';

/**
 * What an admin checks first when "nothing happens": when the mailbox was last
 * polled and the last error, what waits in the outbox, what sits in quarantine.
 * Shape documented in docs/cli.md.
 */
export interface StatusJson {
  mailboxes: { mailbox: string; uidvalidity: string | null; last_poll_at: string | null; last_error: string | null; last_error_at: string | null }[];
  tickets: Record<string, number>;
  outbox: Record<string, number>;
  inbound: Record<string, number>;
  quarantine: { source: string; reason: string | null; received_at: string }[];
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

export async function status(db: Database): Promise<StatusJson> {
  const countBy = async (table: string, column: string) => {
    const rows = await db.sequelize.query<{ key: string; n: number | string }>(
      `SELECT "${column}" AS key, COUNT(*) AS n FROM "${table}" GROUP BY "${column}"`,
      { type: QueryTypes.SELECT },
    );
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  };
  const mailboxes = await db.models.MailboxState.findAll({ order: [['mailbox', 'ASC']], raw: true });
  const quarantine = (await quarantineList(db)).slice(0, 20);
  return {
    mailboxes: mailboxes.map((m: any) => ({
      mailbox: m.mailbox,
      uidvalidity: m.uidvalidity ?? null,
      last_poll_at: iso(m.last_poll_at),
      last_error: m.last_error ?? null,
      last_error_at: iso(m.last_error_at),
    })),
    tickets: await countBy('tickets', 'status'),
    outbox: await countBy('outbox', 'status'),
    inbound: await countBy('inbound_mails', 'outcome'),
    quarantine: quarantine.map(({ source, reason, received_at }) => ({ source, reason, received_at })),
  };
}
