/**
 * bench/report: what `guichet report` costs on a large history. Builds N tickets
 * (default 1,000,000, the scheduler bench's size; `npm run bench:report -- 200000`)
 * spread over 2026, with their report records and 2.4 events each (mail received,
 * agents' answers, seller requests and replies), then times a year's report by month:
 *   - in this process, best of 3 (buildReport: every query of the report),
 *   - as an admin runs it, `guichet report --format json` in its own process, with its
 *     wall time and peak memory (maximum resident set size, from /usr/bin/time).
 * SQLite by default; `--postgres` for PostgreSQL. It prints figures and asserts nothing.
 * Target (issue 19): under 3 s and under 200 MB on SQLite.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { buildReport } from '../src/app/report.js';
import { openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const dialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';
const NOW = new Date('2027-01-04T08:00:00Z');
const YEAR = { from: '2026-01-01', to: '2026-12-31', by: 'month' as const };

async function main() {
  const database = await createTestDatabase(dialect);
  const config = testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url });
  const db = await openDatabase(config.database.url);
  await migrate(db);
  const q = (sql: string) => db.sequelize.query(sql);
  try {
    process.stdout.write(`bench/report: ${count.toLocaleString('en')} tickets over 2026, ${dialect}\n`);
    const load0 = performance.now();
    await load(q, dialect);
    const [[{ n }]] = (await q('SELECT COUNT(*) AS n FROM events')) as [[{ n: number }], unknown];
    process.stdout.write(`  built in ${((performance.now() - load0) / 1000).toFixed(1)} s: ${Number(n).toLocaleString('en')} events\n`);

    const times: number[] = [];
    let tickets = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      tickets = (await buildReport(db, config, YEAR, NOW)).volumes.tickets;
      times.push(performance.now() - t0);
    }
    process.stdout.write(`  a year's report, in process  ${fmt(Math.min(...times))} (best of 3; worst ${fmt(Math.max(...times))}), ${tickets.toLocaleString('en')} tickets in it\n`);
    await db.close();
    if (process.env.GUICHET_BENCH_KEEP) process.stdout.write(`  kept: ${config.source}\n`);

    const args = ['-f', '%e %M', process.execPath, 'bin/guichet.js', '--config', config.source, 'report', '--from', YEAR.from, '--to', YEAR.to, '--by', YEAR.by, '--format', 'json', '--now', NOW.toISOString()];
    for (let i = 0; i < 2; i++) {
      const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (run.status !== 0) throw new Error(`guichet report failed: ${run.stderr}`);
      const [seconds, kib] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      process.stdout.write(`  guichet report (own process) ${fmt(seconds! * 1000)} wall, peak ${(kib! / 1024).toFixed(0)} MiB resident\n`);
    }
  } finally {
    await db.close().catch(() => undefined);
    if (!process.env.GUICHET_BENCH_KEEP) await database.drop();
  }
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

/**
 * Tickets and events generated inside the database, so that a million rows take
 * seconds. Values follow the ticket number: every figure of the report has many
 * distinct values to sort, as real answer times would.
 */
async function load(q: (sql: string) => Promise<unknown>, which: 'sqlite' | 'postgres') {
  const sqlite = which === 'sqlite';
  const n = sqlite ? 'n' : 'n::bigint';
  const at = (minutes: string) =>
    sqlite ? `strftime('%Y-%m-%d %H:%M:%S.000 +00:00', '2026-01-01 00:00:00', '+' || (${minutes}) || ' minutes')` : `(TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(mins => (${minutes})::int))`;
  const source = sqlite ? `(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count}) SELECT n FROM seq)` : `generate_series(1, ${count}) AS s(n)`;
  const opened = `(${n} * 525000 / ${count})`;
  const answer = `((${n} * 37) % 2900 + 10)`;
  const solve = `(${answer} + (${n} * 53) % 9000)`;
  const open = `(n % 10 = 0)`;
  const level = `(CASE WHEN n % 31 = 0 THEN 3 WHEN n % 11 = 0 THEN 2 ELSE 1 END)`;
  const answered = `(n % 10 <> 0 OR n % 20 = 0)`;
  const rated = `(n % 3 = 0 AND NOT ${open})`;
  if (sqlite) await q('BEGIN');
  await q(
    `INSERT INTO tickets (reference, status, level, category, order_number, locale, subject, customer_email, customer_name, participants, customer_thread, priority, policy, seller_chases,
       opened_at, updated_at, first_response_due_at, first_response_at, channel,
       first_answer_minutes, first_answer_open_minutes, first_answer_kept, first_agent,
       solved_at, solved_minutes, solved_open_minutes, solved_in_target, solved_level, solved_by,
       agent_answers, reopens, escalations, holds, hold_minutes, rating, rated_at, resolved_at, closed_at)
     SELECT 'BEN-' || n, CASE WHEN ${open} THEN 'open' WHEN n % 10 = 1 THEN 'resolved' ELSE 'closed' END, ${level},
       CASE n % 6 WHEN 0 THEN 'livraison' WHEN 1 THEN 'produit' WHEN 2 THEN 'facturation' WHEN 3 THEN 'livraison' WHEN 4 THEN 'compte' ELSE 'assistance_technique' END,
       NULL, 'fr', 'Colis non reçu', 'c' || (n % ${Math.max(1, Math.floor(count / 2))}) || '@example.test', NULL, '[]', '[]', 'normal',
       CASE WHEN n % 3 = 0 THEN 'cashback' ELSE 'marketplace' END, 0,
       ${at(opened)}, ${at(opened)}, ${at(`${opened} + 1440`)}, CASE WHEN ${answered} THEN ${at(`${opened} + ${answer}`)} END,
       CASE WHEN n % 4 = 0 THEN 'vendeurs@example.test' ELSE 'support@example.test' END,
       CASE WHEN ${answered} THEN ${answer} END, CASE WHEN ${answered} THEN ${answer} * 2 / 5 END, CASE WHEN ${answered} THEN (${answer} < 1440) END,
       CASE WHEN ${answered} THEN 'agent' || (n % 8) || '@example.test' END,
       CASE WHEN NOT ${open} THEN ${at(`${opened} + ${solve}`)} END, CASE WHEN NOT ${open} THEN ${solve} END, CASE WHEN NOT ${open} THEN ${solve} / 3 END,
       CASE WHEN NOT ${open} THEN (n % 9 <> 0) END, CASE WHEN NOT ${open} THEN ${level} END, CASE WHEN NOT ${open} THEN 'agent' || (n % 8) || '@example.test' END,
       CASE WHEN n % 4 = 0 THEN 2 ELSE 1 END, CASE WHEN n % 23 = 0 THEN 1 ELSE 0 END, ${level} - 1,
       CASE WHEN n % 50 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 50 = 0 THEN n % 4000 ELSE 0 END,
       CASE WHEN ${rated} THEN 1 + (n / 3) % 5 END, CASE WHEN ${rated} THEN ${at(`${opened} + ${solve} + 600`)} END,
       CASE WHEN NOT ${open} THEN ${at(`${opened} + ${solve}`)} END, CASE WHEN n % 10 > 1 THEN ${at(`${opened} + ${solve}`)} END
     FROM ${source}`,
  );
  // The report's facts, as the decision writer keeps them (store/reportFacts.ts). Their
  // indexes are built after the rows, as a bulk load would (the same definitions, read back).
  const [indexes] = (await q(
    sqlite ? `SELECT sql AS def, name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'report_facts' AND sql IS NOT NULL` : `SELECT indexdef AS def, indexname AS name FROM pg_indexes WHERE tablename = 'report_facts' AND indexname LIKE 'report\\_facts\\_%' AND indexname <> 'report_facts_pkey'`,
  )) as [{ def: string; name: string }[], unknown];
  for (const index of indexes) await q(`DROP INDEX "${index.name}"`);
  for (const [fact, value, actor, where] of [
    ['opened', '0', 'channel', 'TRUE'],
    ['first_open', 'first_answer_open_minutes', 'first_agent', 'first_answer_minutes IS NOT NULL'],
    ['first_elapsed', 'first_answer_minutes', 'first_agent', 'first_answer_minutes IS NOT NULL'],
    ['solved_open', 'solved_open_minutes', 'solved_by', 'solved_minutes IS NOT NULL'],
    ['solved_elapsed', 'solved_minutes', 'solved_by', 'solved_minutes IS NOT NULL'],
    ['rating', 'rating', 'solved_by', 'rating IS NOT NULL'],
    ['hold', 'hold_minutes', 'NULL', 'holds > 0'],
  ]) {
    await q(`INSERT INTO report_facts (ticket_id, fact, value, actor, opened_at, policy, category) SELECT id, '${fact}', ${value}, ${actor}, opened_at, policy, category FROM tickets WHERE ${where}`);
  }
  await q(`INSERT INTO report_facts (ticket_id, fact, value, actor, opened_at, policy, category)
    SELECT t.id, 'returning', COALESCE(p.rating, 0), t.customer_email, t.opened_at, t.policy, t.category FROM tickets t JOIN tickets p ON p.customer_email = t.customer_email AND p.opened_at < t.opened_at`);
  for (const index of indexes) await q(index.def);
  const json = (pairs: string) => (sqlite ? `json_object(${pairs})` : `json_build_object(${pairs})::text`);
  // Each event with its actor, as store/decisionWriter.ts writes it.
  const events: [string, string, string, string, string][] = [
    ['message_received', `${json(`'messageId', 'm' || id, 'from', customer_email`)}`, 'NULL', 'opened_at', 'TRUE'],
    ['agent_replied', `${json(`'agent', first_agent, 'messageId', 'a' || id`)}`, 'first_agent', 'first_response_at', 'first_agent IS NOT NULL'],
    ['agent_replied', `${json(`'agent', first_agent, 'messageId', 'b' || id`)}`, 'first_agent', 'first_response_at', 'first_agent IS NOT NULL AND agent_answers = 2'],
    ['seller_requested', `${json(`'sellerId', 'S-' || (id % 5), 'by', first_agent`)}`, `'S-' || (id % 5)`, 'opened_at', 'id % 20 = 0'],
    ['seller_replied', `${json(`'sellerId', 'S-' || (id % 5), 'afterSeconds', (id * 71) % 200000, 'chasesBefore', id % 3`)}`, `'S-' || (id % 5)`, 'opened_at', 'id % 20 = 0 AND id % 7 <> 0'],
  ];
  for (const [type, data, actor, time, where] of events) {
    await q(`INSERT INTO events (ticket_id, type, data, actor, at) SELECT id, '${type}', ${data}, ${actor}, ${time} FROM tickets WHERE ${where}`);
  }
  if (sqlite) {
    await q('COMMIT');
    await q('ANALYZE');
  } else {
    // What autovacuum does for a live database: statistics, and the visibility map that index-only scans need.
    await q('VACUUM ANALYZE');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n${(error as { parent?: Error }).parent?.message ?? ''}\n`);
  process.exit(1);
});
