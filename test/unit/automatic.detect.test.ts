import { describe, expect, it } from 'vitest';
import { automaticReason } from '../../src/domain/automatic.js';
import { inboundFixture } from '../harness/fixtures.js';

describe('automatic mail detection on real mails', () => {
  it.each([
    ['autoreply-outlook-fr-ooo.eml', 'auto-submitted'],
    ['autoreply-gmail-vacation-en.eml', 'auto-submitted'],
    ['bounce-postfix-dsn.eml', 'auto-submitted'],
    ['newsletter-list-unsubscribe.eml', 'precedence'],
    ['new-gmail-fr-delivery.eml', null],
    ['new-outlook-fr-windows1252-billing.eml', null],
    ['new-thunderbird-fr-iso8859-1-8bit.eml', null],
    ['new-applemail-en-attachment.eml', null],
    ['reply-outlook-fr-re-colon.eml', null],
    ['autoreply-icloud-en-vacation.eml', 'autoreply-header'],
    ['autoreply-lotus-notes-en.eml', 'autoreply-subject'],
    ['bounce-mailer-daemon-empty-from.eml', 'system-sender'],
    ['bounce-delivery-status-top-level.eml', 'delivery-report'],
    ['bounce-post-master-en.eml', 'system-sender'],
    ['list-ezmlm-mailing-list-header.eml', 'mailing-list'],
    ['new-gmail-fr-mentions-auto-reply.eml', null],
  ])('%s -> %s', async (name, reason) => {
    expect((await inboundFixture(name)).automatic).toBe(reason);
  });

  it.each([
    ['autoreply-orange-fr-absent-no-header.eml', 'out-of-office-text'],
    ['challenge-response-en-verify-human.eml', 'challenge-response'],
    ['new-gmail-fr-mentions-auto-reply.eml', null],
    ['new-gmail-fr-delivery.eml', null],
    ['reply-outlook-fr-re-colon.eml', null],
  ])('%s is probably automatic: %s', async (name, reason) => {
    expect((await inboundFixture(name)).probablyAutomatic).toBe(reason);
  });
});

describe('automatic mail detection, header by header', () => {
  const check = (headers: Record<string, string>, from = 'someone@example.test', contentType = 'text/plain') =>
    automaticReason({ headers: new Map(Object.entries(headers)), from, contentType, supportAddress: 'support@example.test' });

  it('reads each signal', () => {
    expect(check({ 'auto-submitted': 'auto-generated' })).toBe('auto-submitted');
    expect(check({ 'auto-submitted': 'no' })).toBeNull();
    expect(check({ 'auto-submitted': 'No; comment' })).toBeNull();
    expect(check({ precedence: 'junk' })).toBe('precedence');
    expect(check({ precedence: 'list' })).toBe('precedence');
    expect(check({ 'x-autoreply': 'yes' })).toBe('autoreply-header');
    expect(check({ 'x-autorespond': 'x' })).toBe('autoreply-header');
    expect(check({ 'x-auto-response-suppress': 'All' })).toBe('autoreply-header');
    expect(check({ 'list-id': '<a.b.example>' })).toBe('mailing-list');
    expect(check({ 'list-unsubscribe': '<mailto:x@y>' })).toBe('mailing-list');
    expect(check({ 'return-path': '<>' })).toBe('empty-return-path');
    expect(check({}, 'MAILER-DAEMON@mx.example')).toBe('system-sender');
    expect(check({}, 'postmaster@mx.example')).toBe('system-sender');
    expect(check({}, 'a@b.example', 'multipart/report; report-type=delivery-status')).toBe('delivery-report');
    expect(check({ 'x-guichet-loop': 'support@example.test' })).toBe('our-own-loop');
    expect(check({ 'return-path': '<someone@example.test>', precedence: 'first-class' })).toBeNull();
  });
});

describe('autoresponders that set no header', () => {
  const bySubject = (subject: string) =>
    automaticReason({ headers: new Map(), from: 'agent1@example.test', contentType: 'text/plain', supportAddress: 'support@example.test', subject });

  it('are known by the prefix of their subject, in our languages', () => {
    for (const subject of [
      'Réponse automatique : [SAV-7M3Q9F] Colis jamais reçu',
      'Automatic reply: [SAV-7M3Q9F] Parcel never arrived',
      'Out of Office: Re: order',
      'AUTO: Camille Durand is out of the office (returning 14/12/2026)',
      'Auto reply: Refund',
      'Abwesenheitsnotiz: Bestellung',
      'Respuesta automática: pedido',
    ]) {
      expect(bySubject(subject), subject).toBe('autoreply-subject');
    }
  });

  it('not by the same words inside a person\'s subject', () => {
    expect(bySubject('Re: votre réponse automatique ne répond pas à ma question')).toBeNull();
    expect(bySubject('Automobile: pièce manquante')).toBeNull();
  });
});

describe('out-of-office words without headers', () => {
  it('count near the top of a reply in each language, never in a new request or far down', async () => {
    const { probableRobot } = await import('../../src/domain/automatic.js');
    for (const text of [
      "Bonjour,\nJe suis actuellement en congés jusqu'au 3 janvier.",
      'I am currently out of the office with no access to email.',
      'Ich bin bis zum 5. Januar nicht im Büro.',
      'Estoy fuera de la oficina hasta el lunes.',
      'Sono fuori ufficio fino al 7 gennaio.',
      'Ik ben afwezig tot maandag.',
      'Estou de férias até dia 10.',
    ]) {
      expect(probableRobot({ visibleText: text, isReply: true }), text).toBe('out-of-office-text');
    }
    expect(probableRobot({ visibleText: "Je suis absente jusqu'au 12, pouvez-vous livrer après ?", isReply: false })).toBeNull();
    expect(probableRobot({ visibleText: `Bonjour,\n${'Ma commande est arrivée cassée, voici le détail. '.repeat(12)}\nJe suis absente la semaine prochaine.`, isReply: true })).toBeNull();
  });
});

