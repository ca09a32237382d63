import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SavedFile {
  sha256: string;
  size: number;
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** Where a content-addressed file lives: two levels of fan-out keep folders small. */
export function attachmentPath(root: string, sha256: string): string {
  return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/**
 * Streams a file to disk under its SHA-256, never holding it in memory. Writing is
 * idempotent: the same bytes land on the same path, so a crash and a replay of the
 * same mail leave one copy.
 */
export async function saveContentAddressed(root: string, content: Readable, maxBytes: number): Promise<SavedFile> {
  await mkdir(root, { recursive: true });
  const temporary = path.join(root, `.incoming-${randomUUID()}`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new FileTooLargeError(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(content, meter, createWriteStream(temporary));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  const target = attachmentPath(root, sha256);
  await mkdir(path.dirname(target), { recursive: true });
  const existing = await stat(target).catch(() => null);
  if (existing) await rm(temporary, { force: true });
  else await rename(temporary, target);
  return { sha256, size };
}
