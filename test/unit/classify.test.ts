import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { classify, findOrderNumber } from '../../src/domain/classify.js';
import { detectLocale } from '../../src/domain/locale.js';
import { inboundFixture } from '../harness/fixtures.js';

const defaultPattern = configSchema.shape.orders.parse(undefined).pattern;
const topics = { 'privacy@example.test': 'donnees_personnelles' } as const;

async function categoryOf(name: string) {
  const mail = await inboundFixture(name);
  const recipients = [...mail.to, ...mail.cc].map((a) => a.address);
  return classify({ subject: mail.subject, text: mail.text, recipients, topicAddresses: topics, rules: [] });
}

describe('classification of real requests', () => {
  it.each([
    ['new-gmail-fr-delivery.eml', 'livraison'],
    ['new-outlook-fr-windows1252-billing.eml', 'facturation'],
    ['new-thunderbird-fr-iso8859-1-8bit.eml', 'produit'],
    ['new-applemail-en-attachment.eml', 'produit'],
    ['new-gmail-fr-privacy-topic.eml', 'donnees_personnelles'],
  ])('%s -> %s', async (name, category) => {
    expect(await categoryOf(name)).toBe(category);
  });

  it('lets a configured rule win over the built-in ones, and folds accents', () => {
    const rules = [{ category: 'litige' as const, keywords: ['réclamation formelle'] }];
    expect(classify({ subject: 'RECLAMATION FORMELLE colis', text: '', recipients: [], topicAddresses: {}, rules })).toBe('litige');
    expect(classify({ subject: 'Sécurité', text: 'suspicion de fraude', recipients: [], topicAddresses: {}, rules: [] })).toBe('securite_fraude');
    expect(classify({ subject: 'Bonjour', text: 'Question', recipients: [], topicAddresses: {}, rules: [] })).toBe('autre');
  });

  it('knows a personal-data request by its words, even one about an account', () => {
    for (const subject of ['RGPD', 'Mes données', 'Supprimer mon compte et mes données', 'GDPR request', 'Please delete my data', 'Delete my account', 'Droit à l’oubli']) {
      expect(classify({ subject, text: '', recipients: [], topicAddresses: {}, rules: [] }), subject).toBe('donnees_personnelles');
    }
    expect(classify({ subject: 'Je ne peux plus me connecter à mon compte', text: '', recipients: [], topicAddresses: {}, rules: [] })).toBe('compte');
  });

  it('reads French delivery complaints in the feminine of "commande"', () => {
    for (const subject of ['Commande CMD-123456 jamais reçue', 'Ma commande toujours pas arrivée', "Commande pas livrée à temps", 'Colis jamais arrivé']) {
      expect(classify({ subject, text: '', recipients: [], topicAddresses: {}, rules: [] }), subject).toBe('livraison');
    }
  });
});

describe('order numbers', () => {
  it.each([
    ['Colis', 'commande CMD-884512 pas reçue', 'CMD-884512'],
    ['Commande n° 123456', '', '123456'],
    ['', 'order ORD-55310 wrong item', 'ORD-55310'],
    ['Double prélèvement', 'la commande n° CDE-2026-7731.', 'CDE-2026-7731'],
    ['Ma commande toujours pas arrivée', '', null],
    ['Votre commande', 'commande passée hier', null],
  ])('%s / %s -> %s', (subject, text, expected) => {
    expect(findOrderNumber(defaultPattern, subject, text)).toBe(expected);
  });
});

describe('answer language', () => {
  it('follows Content-Language, then the words used, then the default', () => {
    expect(detectLocale('en-GB', 'Bonjour merci', 'fr')).toBe('en');
    expect(detectLocale(null, 'Hello, I ordered a kettle, thanks', 'fr')).toBe('en');
    expect(detectLocale(null, "Bonjour, je n'ai pas reçu ma commande", 'en')).toBe('fr');
    expect(detectLocale(null, '12345', 'fr')).toBe('fr');
  });
});
