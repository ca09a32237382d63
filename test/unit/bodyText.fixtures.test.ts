import { describe, expect, it } from 'vitest';
import { bodyText } from '../../src/mail/bodyText.js';
import { inboundFixture } from '../harness/fixtures.js';

describe('the text of an HTML mail', () => {
  it('comes from the HTML of a multipart/related mail (Outlook with a signature logo)', async () => {
    const mail = await inboundFixture('new-outlook-fr-html-related-logo.eml');
    expect(mail.text).toContain("J'ai commandé une cafetière (commande CMD-5520931) le 12 novembre et elle n'est toujours pas arrivée.");
    expect(mail.text).toContain('Marc Lefèvre');
    expect(mail.text).not.toMatch(/image001|cid:|MsoNormal/);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['image001.png']);
  });

  it('comes from the HTML when the text part only says the mail is in HTML', async () => {
    const mail = await inboundFixture('new-orange-fr-placeholder-text-part.eml');
    expect(mail.text).toContain('Je ne trouve pas la facture de ma commande CMD-6610042 dans mon espace client.');
    expect(mail.text).not.toContain('HTML-formatted');
  });

  it('keeps a real text part, and a short one that merely mentions HTML in a sentence with more', () => {
    expect(bodyText('Bonjour,\nvoici ma réponse.', '<p>autre chose</p>')).toBe('Bonjour,\nvoici ma réponse.');
    const sentence = 'Bonjour, votre mail HTML ne s’affiche pas.\nLa facture CMD-1 est fausse.\nLe montant aussi.\nMerci de corriger.';
    expect(bodyText(sentence, '<p>x</p>')).toBe(sentence);
    expect(bodyText('', '<blockquote>cité</blockquote><p>réponse</p>')).toBe('> cité\n\nréponse');
  });
});
