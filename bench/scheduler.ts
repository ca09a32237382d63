/**
 * bench/scheduler: what a scheduler pass costs on a large database. Builds N tickets
 * (default 1,000,000; `npm run bench:scheduler -- 200000`), one in ten open with its
 * four timers, then prints:
 *   - a pass that finds nothing due (the target: well under a second),
 *   - passes with 10, 100 and 1,000 due timers (and 10,000 with `--large`), to show that the cost follows
 *     the number of due timers and not the number of tickets.
 * SQLite by default; `--postgres` for PostgreSQL. It prints figures and asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { createContext } from '../src/app/context.js';
import { Scheduler } from '../src/app/scheduler.js';
import { createLogger } from '../src/logger.js';
import { openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const dialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';
const NOW = new Date('2026-11-23T08:00:00Z');

async function main() {
  const database = await createTestDatabase(dialect);
  const config = testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url });
  const db = await openDatabase(config.database.url);
  await migrate(db);
  const q = (sql: string) => db.sequelize.query(sql);
  try {
    process.stdout.write(`bench/scheduler: ${count.toLocaleString('en')} tickets (${(count / 10).toLocaleString('en')} open), ${dialect}\n`);
    const load0 = performance.now();
    await load(q, dialect);
    const [[{ n }]] = (await q('SELECT COUNT(*) AS n FROM timers')) as [[{ n: number }], unknown];
    process.stdout.write(`  built in ${((performance.now() - load0) / 1000).toFixed(1)} s: ${Number(n).toLocaleString('en')} timers\n`);

    const scheduler = new Scheduler(createContext(config, db, createLogger('silent')), () => NOW);
    // Warm the connection and statement caches, as a running daemon would have them.
    await scheduler.runDue();
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await scheduler.runDue();
      idle.push(performance.now() - t0);
    }
    process.stdout.write(`  pass with nothing due     ${fmt(Math.min(...idle))} (best of 5; worst ${fmt(Math.max(...idle))})\n`);

    let offset = 0;
    for (const due of process.argv.includes('--large') ? [10, 100, 1_000, 10_000] : [10, 100, 1_000]) {
      // Make `due` open tickets owe the customer an update: nothing sent for 49 hours, and their timer due.
      const pick = `SELECT ticket_id FROM timers WHERE kind = 'customer_update' ORDER BY ticket_id LIMIT ${due} OFFSET ${offset}`;
      const [past, timerPast] = dialect === 'sqlite' ? ["'2026-11-21 07:00:00.000 +00:00'", "'2026-11-23 07:00:00.000 +00:00'"] : ["'2026-11-21 07:00:00+00'", "'2026-11-23 07:00:00+00'"];
      await q(`UPDATE tickets SET last_customer_update_at = ${past} WHERE id IN (${pick})`);
      await q(`UPDATE timers SET due_at = ${timerPast} WHERE kind = 'customer_update' AND ticket_id IN (${pick})`);
      offset += due;
      const t0 = performance.now();
      const fired = await scheduler.runDue();
      const ms = performance.now() - t0;
      process.stdout.write(`  pass with ${String(due).padStart(6)} due timers ${fmt(ms)}  (${fired.fired} fired, ${(ms / Math.max(1, fired.fired)).toFixed(2)} ms per timer: update mail rendered and queued)\n`);
    }
  } finally {
    await db.close();
    await database.drop();
  }
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

/** Tickets and timers generated inside the database, so that building a million rows takes seconds. */
async function load(q: (sql: string) => Promise<unknown>, which: 'sqlite' | 'postgres') {
  if (which === 'sqlite') {
    const at = (h: string) => `strftime('%Y-%m-%d %H:%M:%S.000 +00:00', '2026-11-23 08:00:00', '+' || (${h}) || ' minutes')`;
    await q('BEGIN');
    await q(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})
       INSERT INTO tickets (reference, status, level, category, order_number, locale, subject, customer_email, customer_name, participants, customer_thread, priority, assignee, hold_until, seller_id, opened_at, first_response_due_at, first_response_at, updated_at, policy, seller_chases, last_customer_update_at)
       SELECT 'BEN-' || n, CASE WHEN n % 10 = 0 THEN 'open' ELSE 'closed' END, 1, 'livraison', NULL, 'fr', 'Colis non reçu', 'c' || n || '@example.test', NULL, '["c' || n || '@example.test"]', '[]', 'normal', NULL, NULL, NULL,
              '2026-11-23 08:00:00.000 +00:00', NULL, '2026-11-23 08:00:00.000 +00:00', '2026-11-23 08:00:00.000 +00:00', 'marketplace', 0, '2026-11-23 08:00:00.000 +00:00' FROM seq`,
    );
    for (const [kind, minutes] of [['escalate', '60 + id % 1440'], ['sla_breach', '7200 + id % 1440'], ['customer_update', '2880 + id % 1440'], ['first_response_reminder', '1200 + id % 1440']]) {
      await q(`INSERT INTO timers (ticket_id, kind, due_at) SELECT id, '${kind}', ${at(minutes!)} FROM tickets WHERE status = 'open'`);
    }
    await q('COMMIT');
  } else {
    await q(
      `INSERT INTO tickets (reference, status, level, category, order_number, locale, subject, customer_email, customer_name, participants, customer_thread, priority, assignee, hold_until, seller_id, opened_at, first_response_due_at, first_response_at, updated_at, policy, seller_chases, last_customer_update_at)
       SELECT 'BEN-' || n, CASE WHEN n % 10 = 0 THEN 'open' ELSE 'closed' END, 1, 'livraison', NULL, 'fr', 'Colis non reçu', 'c' || n || '@example.test', NULL, '["c' || n || '@example.test"]', '[]', 'normal', NULL, NULL, NULL,
              TIMESTAMPTZ '2026-11-23 08:00:00+00', NULL, TIMESTAMPTZ '2026-11-23 08:00:00+00', TIMESTAMPTZ '2026-11-23 08:00:00+00', 'marketplace', 0, TIMESTAMPTZ '2026-11-23 08:00:00+00'
       FROM generate_series(1, ${count}) AS n`,
    );
    for (const [kind, minutes] of [['escalate', '60 + id % 1440'], ['sla_breach', '7200 + id % 1440'], ['customer_update', '2880 + id % 1440'], ['first_response_reminder', '1200 + id % 1440']]) {
      await q(`INSERT INTO timers (ticket_id, kind, due_at) SELECT id, '${kind}', TIMESTAMPTZ '2026-11-23 08:00:00+00' + make_interval(mins => ${minutes}) FROM tickets WHERE status = 'open'`);
    }
    await q('ANALYZE');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
