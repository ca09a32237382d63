import { execFileSync } from 'node:child_process';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { createTransport } from '../../src/app/outboxSender.js';
import { createLogger } from '../../src/logger.js';
import { ALL_USERS, SUPPORT, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { startOAuthServer, type OAuthServer } from '../harness/oauthServer.js';
import { startSmtpRelay, type SmtpRelay } from '../harness/smtpRelay.js';

const ANA = 'ana@example.test';
const BRUNO = 'bruno@example.test';

/**
 * A mailbox that takes no password (Microsoft 365, Google Workspace), for real: Dovecot's
 * oauth2 passdb checks each token at the test's introspection endpoint, the SMTP relay
 * does the same for XOAUTH2, and guichet gets its tokens from the token endpoint. When
 * every token is revoked while the daemon runs, it gets a new one and loses no mail.
 */
describe('OAuth2 mailboxes (XOAUTH2 for IMAP and SMTP)', () => {
  let oauth: OAuthServer;
  let dovecot: Dovecot;
  let relay: SmtpRelay;
  let database: TestDatabase;
  let daemon: Daemon;

  beforeAll(async () => {
    oauth = await startOAuthServer({ clientId: 'guichet', clientSecret: 'top-secret', user: SUPPORT });
    dovecot = await startDovecot([...ALL_USERS, ANA, BRUNO], 'secret', { oauth2IntrospectionUrl: oauth.introspectionUrl });
    relay = await startSmtpRelay(dovecot.lmtpPort, { checkToken: oauth.valid });
    database = await createTestDatabase('sqlite');
    const auth = { type: 'oauth2', token_url: oauth.tokenUrl, client_id: 'guichet', client_secret: 'top-secret', scope: 'mail' };
    const config = testConfig({
      imapPort: dovecot.imapPort,
      smtpPort: relay.port,
      databaseUrl: database.url,
      // The password is wrong on purpose: only the token may open the mailbox.
      overrides: { imap: { password: 'wrong', auth }, smtp: { user: SUPPORT, auth } },
    });
    daemon = await Daemon.open(config, createLogger('silent'), () => new Date());
    await daemon.start();
  });
  afterAll(async () => {
    await daemon?.stop();
    await relay?.stop();
    await dovecot?.stop();
    await oauth?.stop();
    await database?.drop();
  });

  const deliver = async (from: string, id: string) => {
    const sender = nodemailer.createTransport({ host: '127.0.0.1', port: relay.port, secure: false, ignoreTLS: true });
    await sender.sendMail({ envelope: { from, to: [SUPPORT] }, raw: `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: Colis ${id}\r\nMessage-ID: <${id}@example.test>\r\n\r\nMon colis n'est pas arrivé.\r\n` });
    sender.close();
  };

  it('reads the mailbox and sends through the relay with tokens, never the password', async () => {
    await deliver(ANA, 'ana-1');
    const [ack] = await waitForMails(dovecot.imapPort, ANA, 1);
    expect(ack!.parsed.subject).toMatch(/^\[SAV-[0-9A-Z]{6}\] Colis ana-1$/);
    // One token for both: same endpoint, client and scope.
    expect(oauth.issued()).toBe(1);
  });

  it('gets a new token when the server stops taking the old one, mid-run, and loses no mail', async () => {
    oauth.revokeAll();
    // Both servers drop their sessions; the mail arrives while guichet reconnects with a dead token.
    relay.dropConnections();
    execFileSync('doveadm', ['-c', path.join(dovecot.dir, 'dovecot.conf'), 'kick', SUPPORT]);
    await deliver(BRUNO, 'bruno-1');
    const [ack] = await waitForMails(dovecot.imapPort, BRUNO, 1, 'INBOX', 30_000);
    expect(ack!.parsed.subject).toMatch(/Colis bruno-1$/);
    // The refused token was dropped and a new one asked for (Dovecot's log: AUTHENTICATIONFAILED, then an OAUTHBEARER login);
    expect(oauth.issued()).toBe(2);
    expect(relay.accepted.some((a) => a.rcpt.includes(BRUNO))).toBe(true);
    expect((await readFolder(dovecot.imapPort, SUPPORT, 'Processed')).map((m) => m.parsed.messageId)).toEqual(['<ana-1@example.test>', '<bruno-1@example.test>']);
  });

  it('sends through the relay again after it refused a token it had taken before', async () => {
    const auth = { type: 'oauth2' as const, token_url: oauth.tokenUrl, client_id: 'guichet', client_secret: 'top-secret', scope: 'relay-only', refresh_token: undefined };
    const transport = createTransport({ host: '127.0.0.1', port: relay.port, secure: false, user: SUPPORT, tls_reject_unauthorized: true, max_connections: 1, max_message_bytes: 10_000_000, auth });
    const send = (id: string) => transport.sendMail({ from: SUPPORT, to: ANA, subject: id, text: id, messageId: `<${id}@example.test>` });
    try {
      await send('relay-1');
      const before = oauth.issued();
      // The relay's session ends and the token it took is revoked; ours is still within its lifetime.
      oauth.revokeAll();
      relay.dropConnections();
      // Let the pool see its session end (in the daemon a send on a dead session is retried).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await send('relay-2');
      expect(oauth.issued()).toBe(before + 1);
      expect(relay.accepted.map((a) => a.messageId)).toEqual(expect.arrayContaining(['<relay-1@example.test>', '<relay-2@example.test>']));
    } finally {
      transport.close();
    }
  });
});
