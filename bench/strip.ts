/**
 * bench/strip: how faithfully guichet reads what an agent wrote. For every reply
 * fixture with an `.expected.txt` (fixtures/mail/agent-reply-*), the text left after
 * parsing and quote stripping is compared with the expected one, exactly (white space
 * at the ends aside). Prints each miss with its first differing line, then the
 * exact-match rate, so a change to the stripper shows what it gains or loses. It
 * asserts nothing (the fixture test does).
 *
 *   npm run bench:strip
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { inboundFixture } from '../test/harness/fixtures.js';

async function main() {
  const names = readdirSync('fixtures/mail').filter((f) => f.endsWith('.eml') && existsSync(`fixtures/mail/${f.replace(/\.eml$/, '.expected.txt')}`));
  let exact = 0;
  for (const name of names.sort()) {
    const expected = readFileSync(`fixtures/mail/${name.replace(/\.eml$/, '.expected.txt')}`, 'utf8').trim();
    const got = (await inboundFixture(name)).visibleText.trim();
    if (got === expected) {
      exact++;
      continue;
    }
    const [a, b] = [expected.split('\n'), got.split('\n')];
    const differs = a.findIndex((line, i) => line !== b[i]);
    const at = differs >= 0 ? differs : a.length;
    process.stdout.write(`miss ${name}: line ${at + 1}: expected ${JSON.stringify(a[at] ?? '(end)')}, got ${JSON.stringify(b[at] ?? '(end)')}\n`);
  }
  process.stdout.write(`${exact} of ${names.length} fixtures stripped exactly (${((100 * exact) / Math.max(1, names.length)).toFixed(1)} %)\n`);
}

await main();
