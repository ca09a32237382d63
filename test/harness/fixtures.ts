import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareMail } from '../../src/mail/prepare.js';

/** The reference written in the reply fixtures; tests swap in a real ticket's reference (same length). */
export const FIXTURE_REFERENCE = 'SAV-7M3Q9F';

export function fixture(name: string, reference?: string): Buffer {
  const raw = readFileSync(path.resolve('fixtures/mail', name));
  if (!reference) return raw;
  return Buffer.from(raw.toString('latin1').split(FIXTURE_REFERENCE).join(reference), 'latin1');
}

export async function inboundFixture(name: string) {
  const attachmentsDir = mkdtempSync(path.join(tmpdir(), 'guichet-att-'));
  // The daemon's own preparation: parsing, then the mapping (forwards attached as a mail included).
  const prepared = await prepareMail(fixture(name), 'f'.repeat(64), { attachmentsDir, maxAttachmentBytes: 10_000_000, timeoutMs: 5_000, supportAddress: 'support@example.test' });
  if ('reason' in prepared) throw new Error(`${name}: ${prepared.reason}`);
  return prepared.mail;
}
