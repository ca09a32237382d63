import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';
import { prepareMail } from '../../src/mail/prepare.js';
import { domainPolicy } from '../harness/domain.js';
import { fixture, inboundFixture } from '../harness/fixtures.js';

const NOW = new Date('2026-11-24T09:00:00+01:00');

async function prepared(raw: Buffer) {
  const attachmentsDir = mkdtempSync(path.join(tmpdir(), 'guichet-att-'));
  const result = await prepareMail(raw, 'e'.repeat(64), { attachmentsDir, maxAttachmentBytes: 1_000_000, timeoutMs: 5_000, supportAddress: 'support@example.test' });
  if ('reason' in result) throw new Error(result.reason);
  return result.mail;
}

describe('a mail with no usable From', () => {
  it('is from its Reply-To, else its Sender, else its Return-Path', async () => {
    expect((await inboundFixture('new-no-from-reply-to.eml')).from).toEqual({ address: 'lucie.garnier@example.test', name: 'Lucie Garnier' });
    const raw = fixture('new-no-from-reply-to.eml').toString('utf8');
    const withoutReplyTo = raw.replace(/^Reply-To: .*\n/m, '');
    expect((await prepared(Buffer.from(withoutReplyTo.replace('To: support', 'Sender: relay@mailer.example.test\nTo: support')))).from.address).toBe('relay@mailer.example.test');
    expect((await prepared(Buffer.from(withoutReplyTo))).from.address).toBe('bounces+8812@mailer.example.test');
  });

  it('with none at all, is recorded for the team and acknowledged to nobody', async () => {
    const mail = await inboundFixture('new-no-from-at-all.eml');
    expect(mail.from).toEqual({ address: 'unknown@invalid', name: 'Borne de dépôt' });
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-NOFROM' }, NOW, domainPolicy());
    expect(decision.created).toBe(true);
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([['agent-notification', 'level1@example.test']]);
    expect(decision.events).toContainEqual({ type: 'mail_withheld', template: 'acknowledgement', to: 'unknown@invalid', reason: 'address_cannot_exist' });
  });
});
