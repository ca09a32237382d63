import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMail } from '../../src/mail/parse.js';
import { toInbound } from '../../src/mail/toInbound.js';

/** The reference written in the reply fixtures; tests swap in a real ticket's reference (same length). */
export const FIXTURE_REFERENCE = 'SAV-7M3Q9F';

export function fixture(name: string, reference?: string): Buffer {
  const raw = readFileSync(path.resolve('fixtures/mail', name));
  if (!reference) return raw;
  return Buffer.from(raw.toString('latin1').split(FIXTURE_REFERENCE).join(reference), 'latin1');
}

export async function inboundFixture(name: string) {
  const attachmentsDir = mkdtempSync(path.join(tmpdir(), 'guichet-att-'));
  const parsed = await parseMail(fixture(name), { attachmentsDir, maxAttachmentBytes: 10_000_000, timeoutMs: 5_000 });
  return toInbound(parsed, 'f'.repeat(64), 'support@example.test');
}
