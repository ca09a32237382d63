/**
 * The body of a parsing thread (see ParserPool): raw mails in, InboundMails out.
 * Everything sent back is plain data, copied by structured clone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareMail, type PrepareOptions, type Prepared } from './prepare.js';

export interface ParseRequest {
  id: number;
  mails: { raw: Uint8Array; sha256: string }[];
}

export interface ParseResponse {
  id: number;
  prepared: Prepared[];
}

const options = workerData as PrepareOptions;

parentPort!.on('message', async (request: ParseRequest) => {
  const prepared: Prepared[] = [];
  for (const mail of request.mails) prepared.push(await prepareMail(mail.raw, mail.sha256, options));
  parentPort!.postMessage({ id: request.id, prepared } satisfies ParseResponse);
});
// Loaded: ParserPool.warm() waits for this.
parentPort!.postMessage('ready');
