/**
 * bench/latency: how long a customer waits for the acknowledgement. Starts a real
 * Dovecot, an SMTP server delivering into it and a running daemon (IDLE on the inbox),
 * then delivers N mails (default 40) at a steady rate (one every 250 ms), each from
 * its own customer, and times each one from its delivery into the inbox to the
 * moment the SMTP server accepts its acknowledgement. Prints p50, p95 and the worst.
 * It prints figures and asserts nothing.
 *
 *   npm run bench:latency [-- N] [-- --postgres] [-- --every MS] [-- --check-ms MS]
 *
 * `--check-ms` sets `imap.check_ms`: Dovecot tells an IDLE client of new mail 500 ms
 * after it arrives, which bounds the wait under IDLE alone. The second line says where
 * the wait goes, from the acknowledgements' outbox rows.
 */
import { performance } from 'node:perf_hooks';
import { SUPPORT } from '../test/harness/config.js';
import { createWorld } from '../test/harness/world.js';

const args = process.argv.slice(2);
const count = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--every' && args[i - 1] !== '--check-ms') ?? 40);
const every = args.includes('--every') ? Number(args[args.indexOf('--every') + 1]) : 250;
const dialect = args.includes('--postgres') ? 'postgres' : 'sqlite';
const checkMs = args.includes('--check-ms') ? Number(args[args.indexOf('--check-ms') + 1]) : null;

const customers = Array.from({ length: count }, (_, i) => `latency${i}@example.test`);
const mail = (i: number) =>
  Buffer.from(
    `From: Client ${i} <${customers[i]}>\r\nTo: ${SUPPORT}\r\nSubject: Colis non reçu CMD-${400000 + i}\r\nMessage-ID: <latency-${i}-${Date.now()}@example.test>\r\n` +
      `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nBonjour, je n'ai pas reçu ma commande CMD-${400000 + i}.\r\n`,
  );

async function main() {
  const world = await createWorld(dialect, checkMs === null ? {} : { imap: { check_ms: checkMs } }, customers);
  const daemon = await world.daemon();
  try {
    daemon.start();
    await new Promise((resolve) => setTimeout(resolve, 2000)); // connected, IDLE, parsing threads warm
    const delivered: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await world.deliver(mail(i), SUPPORT, customers[i]);
      delivered[i] = performance.now();
      const wait = every - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const deadline = performance.now() + 60_000;
    const ackAt = (i: number) => world.smtp.accepted.find((a) => a.rcpt.includes(customers[i]!))?.at;
    while (customers.some((_, i) => ackAt(i) === undefined) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies = customers.map((_, i) => (ackAt(i) ?? Number.NaN) - delivered[i]!).sort((a, b) => a - b);
    const missing = latencies.filter((l) => Number.isNaN(l)).length;
    const known = latencies.filter((l) => !Number.isNaN(l));
    const at = (q: number) => known[Math.min(known.length - 1, Math.ceil(q * known.length) - 1)]!;
    // Where the wait goes, from the outbox rows: created when its batch was fetched, then marked sent.
    const epoch = (t: number) => performance.timeOrigin + t;
    const rows = (await daemon.ctx.db.models.Outbox.findAll({ where: { kind: 'acknowledgement' }, raw: true })) as unknown as { recipient: string; created_at: Date | string; sent_at: Date | string | null }[];
    const phase = (from: (i: number) => number | undefined, to: (i: number) => number | undefined) => {
      const values = customers.map((_, i) => (to(i) ?? Number.NaN) - (from(i) ?? Number.NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      return `p50 ${Math.round(values[Math.floor(values.length / 2)] ?? Number.NaN)} ms`;
    };
    const row = (i: number) => rows.find((r) => r.recipient === customers[i]);
    const queued = (i: number) => (row(i) ? new Date(row(i)!.created_at).getTime() : undefined);
    const sent = (i: number) => (row(i)?.sent_at ? new Date(row(i)!.sent_at!).getTime() : undefined);
    const phases =
      `  delivered -> fetched ${phase((i) => epoch(delivered[i]!), queued)}; fetched -> marked sent ${phase(queued, sent)}; ` +
      `marked sent -> relay done ${phase(sent, (i) => (ackAt(i) === undefined ? undefined : epoch(ackAt(i)!)))}\n`;
    process.stdout.write(
      `bench/latency: ${count} mails, one every ${every} ms, ${dialect}, ${checkMs === null ? 'IDLE alone' : `imap.check_ms ${checkMs}`}\n` + phases +
        `  delivery into the inbox -> acknowledgement accepted by SMTP: p50 ${Math.round(at(0.5))} ms, p95 ${Math.round(at(0.95))} ms, worst ${Math.round(known.at(-1)!)} ms` +
        (missing > 0 ? `; ${missing} not acknowledged within 60 s` : '') +
        '\n',
    );
  } finally {
    await daemon.stop();
    await world.stop();
  }
}

await main();
