import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attachmentPath } from './attachmentStore.js';

/**
 * Mails over this keep their bytes in a file under `<paths.data>/raw`, named by their
 * SHA-256 like attachments, and the ledger's row says where: bound into a database row,
 * a large mail was held two or three times more while it was written.
 */
export const RAW_IN_ROW_MAX_BYTES = 1024 * 1024;

/** Writes the mail's bytes once (a replay finds them there) and returns their path under the data folder. */
export async function keepRaw(dataDir: string, sha256: string, raw: Buffer): Promise<string> {
  const file = attachmentPath(path.join(dataDir, 'raw'), sha256);
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.incoming`;
    await writeFile(temporary, raw);
    await rename(temporary, file);
  }
  return path.relative(dataDir, file);
}
