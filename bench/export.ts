/**
 * bench/export: what `guichet customer export` costs for a customer with a year of mail:
 * one ticket a week, each with a mail of theirs carrying a large attachment (default
 * 52 mails of 4 MB: `npm run bench:export -- 52 4`). Rows and files are written straight
 * into a SQLite database and the data folder (the pipeline is not what is measured), the
 * mails over 1 MiB kept as files as the pipeline keeps them. The export runs as a user runs
 * it, `guichet customer export` in its own process against a real Dovecot; its wall time
 * and peak resident memory come from GNU time. Prints figures, asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { createLogger } from '../src/logger.js';
import { openStore } from '../src/store/openStore.js';
import { inTransaction } from '../src/store/db.js';
import { insertRows } from '../src/store/sqlRows.js';
import { attachmentPath } from '../src/mail/attachmentStore.js';

const [mails = 52, megabytes = 4] = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const CUSTOMER = 'annee.complete@example.test';

function keep(root: string, bytes: Buffer): { sha256: string; file: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = attachmentPath(root, sha256);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return { sha256, file };
}

async function main(): Promise<void> {
  const dovecot = await startDovecot(['support@example.test']);
  const database = await createTestDatabase('sqlite');
  const config = testConfig({ imapPort: dovecot.imapPort, smtpPort: 1, databaseUrl: database.url });
  const db = await openStore(config, createLogger('silent'));
  const start = new Date('2026-01-05T09:00:00Z');
  let bytes = 0;
  for (let week = 0; week < mails; week++) {
    const at = new Date(start.getTime() + week * 7 * 86_400_000);
    const photo = randomBytes(megabytes * 1024 * 1024);
    const raw = Buffer.from(
      `From: Annee Complete <${CUSTOMER}>\r\nTo: support@example.test\r\nSubject: Semaine ${week}\r\nMessage-ID: <week-${week}@example.test>\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nBonjour, semaine ${week}.\r\n` +
        `--b\r\nContent-Type: image/jpeg; name="photo.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n${photo.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b--\r\n`,
    );
    bytes += raw.length + photo.length;
    const kept = keep(path.join(config.paths.data, 'raw'), raw);
    const attachment = keep(path.join(config.paths.data, 'attachments'), photo);
    await inTransaction(db, async (t) => {
      const [ticket] = await insertRows<{ id: number }>(db, t, 'tickets', [
        { reference: `SAV-W${String(week).padStart(5, '0')}`, status: 'closed', level: 1, category: 'produit', locale: 'fr', subject: `Semaine ${week}`, customer_email: CUSTOMER, customer_name: 'Annee Complete', participants: JSON.stringify([CUSTOMER]), customer_thread: '[]', opened_at: at, updated_at: at, closed_at: at, policy: 'marketplace' },
      ], ['id']);
      const [inbound] = await insertRows<{ id: number }>(db, t, 'inbound_mails', [
        { raw_sha256: kept.sha256, source: `bench:${week}`, size: raw.length, raw: null, raw_path: path.relative(config.paths.data, kept.file), outcome: 'processed', ticket_id: ticket!.id, received_at: at },
      ], ['id']);
      const [message] = await insertRows<{ id: number }>(db, t, 'messages', [
        { ticket_id: ticket!.id, inbound_id: inbound!.id, direction: 'in', message_id: `<week-${week}@example.test>`, from_address: CUSTOMER, from_name: 'Annee Complete', to_addresses: '["support@example.test"]', subject: `Semaine ${week}`, text: `Bonjour, semaine ${week}.`, html: null, created_at: at },
      ], ['id']);
      await insertRows(db, t, 'attachments', [{ message_id: message!.id, filename: 'photo.jpg', content_type: 'image/jpeg', size: photo.length, sha256: attachment.sha256 }]);
    });
  }
  await db.close();
  const out = path.join(config.paths.data, 'export.zip');
  // Compiled, as `guichet` runs for a user (bin/guichet.js picks dist/ when it is up to date).
  const run = spawnSync('/usr/bin/time', ['-f', '%e s wall, %M KiB peak', process.execPath, 'bin/guichet.js', '--config', config.source, 'customer', 'export', CUSTOMER, '--out', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const figures = run.stderr.trim().split('\n').at(-1)!;
  const peak = Number(/(\d+) KiB peak/.exec(figures)![1]) / 1024;
  console.log(`${mails} mails of ${megabytes} MiB: ${(bytes / 1048576).toFixed(0)} MiB held; archive ${(statSync(out).size / 1048576).toFixed(0)} MiB`);
  console.log(`guichet customer export: ${figures.replace(/, \d+ KiB peak/, '')}, ${peak.toFixed(0)} MiB peak`);
  console.log(run.stdout.trim());
  await dovecot.stop();
  await database.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
