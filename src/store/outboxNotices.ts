import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Database, Transaction } from './db.js';
import { run } from './sqlRows.js';

const CHANNEL = 'guichet_outbox';

/**
 * PostgreSQL, several instances: a transaction that queues mail tells every instance's
 * sender, delivered by PostgreSQL at commit (and not at all on rollback).
 */
export async function announceOutbox(db: Database, transaction: Transaction): Promise<void> {
  if (db.shared) await run(db, transaction, `NOTIFY ${CHANNEL}`, []);
}

export interface OutboxListener {
  close(): Promise<void>;
}

/**
 * Listens for `announceOutbox` on a connection of its own (a pooled one may be handed
 * to a transaction and never hear). A dropped connection is opened again after a
 * pause, and `onNotice` is called then too: what was announced meanwhile is not lost.
 */
export function listenForOutbox(db: Database, onNotice: () => void, logger: Logger): OutboxListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async (delayMs: number) => {
    if (closed) return;
    const next = new pg.Client({ connectionString: db.url });
    client = next;
    next.on('notification', () => onNotice());
    next.on('error', (error) => {
      logger.warn({ err: error }, 'outbox notifications lost their connection; listening again shortly');
      void next.end().catch(() => undefined);
      schedule(Math.min(delayMs * 2, 30_000));
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      onNotice();
    } catch (error) {
      logger.warn({ err: error }, 'cannot listen for outbox notifications; the outbox poll still runs');
      void next.end().catch(() => undefined);
      schedule(Math.min(delayMs * 2, 30_000));
    }
  };
  const schedule = (delayMs: number) => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect(delayMs);
    }, delayMs);
  };
  void connect(1000);
  return {
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
