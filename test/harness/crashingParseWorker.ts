/**
 * A parsing thread like src/mail/parseWorker.ts, except that it dies (exit code 3) when
 * it is handed a mail with an `X-Test-Crash` header: what a bug in a native decoder or
 * a parser's runaway recursion would do. Used to test how ParserPool recovers.
 *
 * With `dieWhenIdle` (a file path) in its data, the first such thread to start (the one
 * that creates the file) dies shortly after it says it is ready, before any mail.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseRequest, ParseResponse } from '../../src/mail/parseWorker.js';
import { prepareMail, type PrepareOptions, type Prepared } from '../../src/mail/prepare.js';

const options = workerData as PrepareOptions & { dieWhenIdle?: string };

parentPort!.on('message', async (request: ParseRequest) => {
  const prepared: Prepared[] = [];
  for (const mail of request.mails) {
    if (Buffer.from(mail.raw).includes('X-Test-Crash:')) process.exit(3);
    prepared.push(await prepareMail(mail.raw, mail.sha256, options));
  }
  parentPort!.postMessage({ id: request.id, prepared } satisfies ParseResponse);
});
parentPort!.postMessage('ready');
if (options.dieWhenIdle && !existsSync(options.dieWhenIdle)) {
  writeFileSync(options.dieWhenIdle, '');
  setTimeout(() => process.exit(4), 50);
}
