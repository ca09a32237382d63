import { describe, expect, it } from 'vitest';
import { inboundFixture } from '../harness/fixtures.js';

/**
 * Bounces and feedback reports as real mail systems write them: each gives the
 * Message-ID of our mail it is about and what happened to its recipient. Whatever
 * the shape (RFC 3464 parts that mailparser reads as text, an inline original, a
 * plain-text Exim bounce), the report is read; a person's mail never is.
 */
describe('delivery reports in real bounce shapes', () => {
  const cases = [
    ['bounce-postfix-dsn.eml', '<11111111-2222-3333-4444-555555555555@example.test>', { address: 'nobody@example.test', action: 'failed', status: '5.1.1' }],
    ['bounce-gmail-dsn.eml', '<b1f0c2de-5a6b-4c7d-8e9f-0a1b2c3d4e5f@example.test>', { address: 'jeanne.dupond@gmial.com', action: 'failed', status: '5.1.2' }],
    ['bounce-exchange-ndr.eml', '<2b3c4d5e-6f70-4819-a2b3-c4d5e6f7a8b9@example.test>', { address: 'marc.lefevre@contoso.example', action: 'failed', status: '5.2.2' }],
    ['bounce-exim-text.eml', '<5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f@example.test>', { address: 'paul.martin@example.org', action: 'failed', status: '5.0.0' }],
    ['bounce-postfix-delayed.eml', '<7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b@example.test>', { address: 'lea.bernard@example.fr', action: 'delayed', status: '4.4.1' }],
    ['report-arf-complaint.eml', '<9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d@example.test>', { address: 'sophie.petit@hotmail.com', action: 'complaint', status: null }],
  ] as const;

  it.each(cases)('%s names our mail and its recipient', async (name, original, recipient) => {
    const mail = await inboundFixture(name);
    expect(mail.automatic).not.toBeNull();
    expect(mail.deliveryReport?.originalMessageIds).toEqual([original]);
    expect(mail.deliveryReport?.recipients).toEqual([expect.objectContaining(recipient)]);
  });

  it('keeps the remote server own words, folded lines joined', async () => {
    const mail = await inboundFixture('bounce-exchange-ndr.eml');
    expect(mail.deliveryReport?.recipients[0]?.diagnostic).toBe('smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded');
  });

  it('reads nothing from a bounce that quotes no mail of ours', async () => {
    for (const name of ['bounce-mailer-daemon-empty-from.eml', 'bounce-post-master-en.eml']) expect((await inboundFixture(name)).deliveryReport).toBeNull();
  });

  it('never reads a report in a person\'s mail, nor in an out-of-office that quotes our headers', async () => {
    expect((await inboundFixture('new-gmail-fr-delivery.eml')).deliveryReport).toBeNull();
    for (const name of ['autoreply-outlook-fr-ooo.eml', 'autoreply-gmail-vacation-en.eml']) expect((await inboundFixture(name)).deliveryReport).toBeNull();
  });
});
