import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stderr, so that stdout stays for command output (`--json`). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'guichet' } }, pino.destination(2));
}
