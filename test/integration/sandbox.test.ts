import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { startSandbox, type Sandbox } from '../../src/app/sandbox.js';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { freePortRange } from '../harness/ports.js';

/**
 * `npm start` with no configuration: the built-in defaults and the sandbox mail
 * servers. The same loop a person tries from Thunderbird: the customer writes to
 * support through the sandbox's SMTP, and finds the acknowledgement in their own
 * sandbox IMAP mailbox. (Ports are moved so the test never collides with a running one.)
 */
describe('the out-of-the-box sandbox', () => {
  let sandbox: Sandbox | undefined;
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await sandbox?.stop();
  });

  it('runs the customer loop on config/default.yaml', async () => {
    const doc = parseDocument(readFileSync('config/default.yaml', 'utf8'));
    // One block of ports: the IMAP servers on the first eight, SMTP on the ninth.
    const base = await freePortRange(9);
    doc.setIn(['imap', 'port'], base);
    doc.setIn(['smtp', 'port'], base + 8);
    doc.setIn(['imap', 'poll_seconds'], 1);
    doc.setIn(['database', 'url'], `sqlite:${mkdtempSync(path.join(tmpdir(), 'guichet-sandbox-'))}/guichet.sqlite`);
    doc.setIn(['paths', 'templates'], path.resolve('templates'));
    doc.setIn(['log', 'level'], 'silent');
    const config = parseConfig(doc.toString(), path.resolve('config/default.yaml'), {});
    sandbox = await startSandbox(config, createLogger('silent'));
    daemon = await Daemon.open(config, createLogger('silent'), () => new Date());

    const customerPort = sandbox.accounts.find((a) => a.user === 'customer@guichet.test')!.imapPort;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sandbox.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'Jeanne Dupont <customer@guichet.test>',
      to: 'support@guichet.test',
      subject: 'Colis jamais reçu, commande CMD-123456',
      text: "Bonjour, je n'ai jamais reçu mon colis. Merci, Jeanne",
    });
    transport.close();
    expect((await daemon.runOnce()).outbox.sent).toBe(2); // to the customer, and to the level-1 team

    const client = new ImapFlow({ host: '127.0.0.1', port: customerPort, secure: false, auth: { user: 'customer@guichet.test', pass: 'sandbox' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    await client.mailboxOpen('INBOX');
    const [message] = await client.fetchAll('1:*', { source: true });
    await client.logout();
    const ack = await simpleParser(message!.source!);
    expect(ack.subject).toMatch(/^\[SAV-[0-9A-Z]{6}\] Colis jamais reçu, commande CMD-123456$/);
    expect(ack.text).toContain('Nous avons bien reçu votre message');
  });
});
