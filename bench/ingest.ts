/**
 * bench/ingest: how close guichet's inbound pipeline comes to the floor set by its
 * two libraries. Puts N mails (default 5,000; `npm run bench:ingest -- 2000`) into a
 * real Dovecot, then prints in one run:
 *   - the rate at which imapflow alone fetches them,
 *   - the rate at which mailparser alone parses them (each measured three times: the
 *     first, cold like guichet's pass, is the floor; the fastest, warm, is shown beside),
 *   - the floor: both in sequence (1 / (1/fetch + 1/parse)),
 *   - the rate at which `start --once`'s inbox pass turns them into tickets with
 *     queued acknowledgements (SQLite by default; `--postgres` for PostgreSQL),
 *   - the ratio guichet / floor (the target is at least 0.5 on SQLite).
 * It prints figures and asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { SUPPORT } from '../test/harness/config.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { appendMails } from '../test/harness/mailbox.js';
import { benchMail } from './ingestMails.js';
import { floorRate, measureFloor, measurePass, rate } from './ingestPass.js';

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const dialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';
// `--profile FILE`: a V8 CPU profile of guichet's run only (open it in Chrome DevTools or speedscope).
const profileIndex = process.argv.indexOf('--profile');
const profileFile = profileIndex > 0 ? process.argv[profileIndex + 1] : undefined;

const fmt = (r: number) => `${Math.round(r).toLocaleString('en')} mails/s`;

async function main() {
  const dovecot = await startDovecot([SUPPORT]);
  try {
    process.stdout.write(`bench/ingest: ${count} mails, ${dialect}, Dovecot on 127.0.0.1:${dovecot.imapPort}\n`);
    const load0 = performance.now();
    await appendMails(dovecot.imapPort, SUPPORT, Array.from({ length: count }, (_, i) => benchMail(i)));
    process.stdout.write(`  loaded with APPEND in ${((performance.now() - load0) / 1000).toFixed(1)} s\n`);

    // The floor is measured three times. The first run is cold, like guichet's pass (its
    // code is compiled while it runs): that one makes the floor of the ratio, as in every
    // earlier figure. The fastest, warm, is printed beside it, as the libraries' best.
    const tries = 3;
    const { count: fetched, fetchMs, parseMs } = await measureFloor(dovecot.imapPort, tries);
    const fetchRate = rate(fetched, fetchMs[0]!);
    const parseRate = rate(fetched, parseMs[0]!);
    const floor = floorRate(fetched, fetchMs[0]!, parseMs[0]!);
    const warmFloor = floorRate(fetched, Math.min(...fetchMs), Math.min(...parseMs));

    const pass = await measurePass(dovecot.imapPort, dialect, profileFile);
    const guichetRate = rate(pass.seen, pass.runMs);

    process.stdout.write(
      [
        `  imapflow fetch alone     ${fmt(fetchRate)}  (${(fetchMs[0]! / 1000).toFixed(2)} s; warm, fastest of ${tries}: ${fmt(rate(fetched, Math.min(...fetchMs)))})`,
        `  mailparser parse alone   ${fmt(parseRate)}  (${(parseMs[0]! / 1000).toFixed(2)} s; warm, fastest of ${tries}: ${fmt(rate(fetched, Math.min(...parseMs)))})`,
        `  floor (fetch + parse)    ${fmt(floor)}  (warm: ${fmt(warmFloor)})`,
        `  guichet start --once     ${fmt(guichetRate)}  (${(pass.runMs / 1000).toFixed(2)} s: ${pass.processed} processed, ${pass.ignored} ignored, ${pass.tickets} tickets, ${pass.acknowledgements} acknowledgements and ${pass.notifications} team notifications queued)`,
        `  ratio guichet / floor    ${(guichetRate / floor).toFixed(2)}  (against the warm floor: ${(guichetRate / warmFloor).toFixed(2)})`,
        `  guichet's CPU            ${pass.cores.toFixed(2)} of a core on average (all threads of the process)`,
        '',
      ].join('\n'),
    );
  } finally {
    await dovecot.stop();
  }
}

await main();
