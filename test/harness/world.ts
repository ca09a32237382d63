import nodemailer from 'nodemailer';
import { Daemon } from '../../src/app/daemon.js';
import type { ContextOptions } from '../../src/app/context.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { ALL_USERS, SUPPORT, testConfig } from './config.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases.js';
import { startDovecot, type Dovecot } from './dovecot.js';
import { startSmtpRelay, type SmtpRelay } from './smtpRelay.js';

/** A whole mail world for one test file: Dovecot, an SMTP relay into it, a database, a configuration. */
export interface World {
  dovecot: Dovecot;
  smtp: SmtpRelay;
  database: TestDatabase;
  config: Config;
  /** Delivers a raw mail through SMTP, as the customer's provider would. */
  deliver(raw: Buffer, to?: string, from?: string): Promise<void>;
  daemon(clock?: () => Date, options?: ContextOptions): Promise<Daemon>;
  stop(): Promise<void>;
}

export async function createWorld(dialect: TestDialect, overrides: Record<string, unknown> = {}, extraUsers: string[] = []): Promise<World> {
  const dovecot = await startDovecot([...ALL_USERS, ...extraUsers]);
  const smtp = await startSmtpRelay(dovecot.lmtpPort);
  const database = await createTestDatabase(dialect);
  const config = testConfig({ imapPort: dovecot.imapPort, smtpPort: smtp.port, databaseUrl: database.url, overrides });
  const sender = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const daemons: Daemon[] = [];
  return {
    dovecot,
    smtp,
    database,
    config,
    deliver: async (raw, to = SUPPORT, from = 'sender@example.test') => {
      await sender.sendMail({ envelope: { from, to: [to] }, raw });
    },
    daemon: async (clock = () => new Date(), options = {}) => {
      const daemon = await Daemon.open(config, createLogger('silent'), clock, options);
      daemons.push(daemon);
      return daemon;
    },
    stop: async () => {
      for (const daemon of daemons) await daemon.stop().catch(() => undefined);
      sender.close();
      await smtp.stop();
      await dovecot.stop();
      await database.drop();
    },
  };
}
