import { pino, type Logger } from 'pino';
import { redactUrls } from './secrets.js';

export type { Logger };

/**
 * JSON lines on stderr, so that stdout stays for command output (`--json`). Every line
 * goes through `redact` (see secrets.ts): a driver's error can quote a password.
 */
export function createLogger(level: string, redact: (text: string) => string = redactUrls): Logger {
  const destination = pino.destination(2);
  return pino({ level, base: { app: 'guichet' } }, { write: (line: string) => destination.write(redact(line)) });
}
