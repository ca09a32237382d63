import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRaw } from '../../src/app/ingest.js';
import { createWorld, type World } from '../harness/world.js';

/** A mail of about `bytes` bytes, with a PDF-like attachment. */
function mailOf(id: string, bytes: number): Buffer {
  const body = Buffer.alloc(Math.ceil((bytes * 3) / 4), 1).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `From: Jeanne <jeanne.raw@example.test>\r\nTo: support@example.test\r\nSubject: Facture ${id}\r\nMessage-ID: <raw-${id}@example.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici la facture.\r\n` +
      `--b\r\nContent-Type: application/pdf; name="facture.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--b--\r\n`,
  );
}

/**
 * The ledger keeps every mail's bytes: a small one in its row, a large one in a file
 * under the data folder named by its SHA-256 (its row says where), so that writing it
 * does not hold it several times over. On each database.
 */
describe.each(['sqlite', 'postgres'] as const)('raw mail kept by size on %s', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('keeps a small mail in its row and a large one in a file, byte for byte', async () => {
    const daemon = await world.daemon();
    const small = mailOf('small', 20_000);
    const large = mailOf('large', 1_500_000);
    const results = [await ingestRaw(daemon.ctx, small, 'test:small', new Date()), await ingestRaw(daemon.ctx, large, 'test:large', new Date())];
    expect(results.map((r) => r.outcome)).toEqual(['processed', 'processed']);
    const row = async (sha256: string) => (await daemon.ctx.db.models.InboundMail.findOne({ where: { raw_sha256: sha256 }, raw: true })) as unknown as { raw: Buffer | null; raw_path: string | null; size: number };
    const kept = await row(results[0]!.sha256);
    expect(Buffer.from(kept.raw!).equals(small)).toBe(true);
    expect(kept.raw_path).toBeNull();
    const filed = await row(results[1]!.sha256);
    expect(filed.raw).toBeNull();
    expect(filed.size).toBe(large.length);
    expect(filed.raw_path).toBe(path.join('raw', results[1]!.sha256.slice(0, 2), results[1]!.sha256.slice(2, 4), results[1]!.sha256));
    expect(readFileSync(path.join(world.config.paths.data, filed.raw_path!)).equals(large)).toBe(true);
  });
});
