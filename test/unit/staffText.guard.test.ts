import { describe, expect, it } from 'vitest';
import { cutStaffQuote, leakedLines, staffGuard, ticketTexts } from '../../src/domain/staffText.js';

const NOTIFICATION = [
  'Nouvelle demande de Jeanne Dupont <customer@example.test> :',
  '',
  "Bonjour, mon colis CMD-884512 n'est jamais arrivé, pouvez-vous vérifier ?",
  '----------------------------------------------------------------------',
  'Dossier SAV-7M3Q9F · catégorie livraison · commande CMD-884512 · niveau 1 · statut ouverte',
  'Répondez à ce message pour répondre au client (la citation et votre signature sont retirées).',
  'Commandes en tête de réponse : #resolve #waiting #hold 15d #note #assign #escalate #level 2 #category #priority #help',
].join('\n');
const CUSTOMER_MAIL = "Bonjour, mon colis CMD-884512 n'est jamais arrivé, pouvez-vous vérifier ?";
const NOTE = 'Le vendeur nous doit 40 euros sur ce dossier, ne pas le dire au client.';

const history = [
  { direction: 'in' as const, template: null, fromAddress: 'customer@example.test', text: CUSTOMER_MAIL },
  { direction: 'out' as const, template: 'agent-notification', fromAddress: 'support@example.test', text: NOTIFICATION },
  { direction: 'out' as const, template: 'internal-note', fromAddress: 'support@example.test', text: NOTE },
  { direction: 'out' as const, template: 'command-error', fromAddress: 'support@example.test', text: 'Voici le texte qui aurait été envoyé : Le colis repart demain matin par Colissimo.' },
  { direction: 'in' as const, template: null, fromAddress: 'agent1@example.test', text: 'Refused forgery: le colis repart demain matin par Colissimo.' },
];
const guard = staffGuard(ticketTexts(history, { agents: new Set(['agent1@example.test']), sellers: new Set() }));

describe('staff-only text', () => {
  it("is cut with its quote header below the agent's answer, whatever the header, and the customer's own words are not staff-only", () => {
    const reply = `Bonjour Jeanne,\nLe colis repart demain matin par Colissimo.\nCamille\n\nОт: Service client <support@example.test>\nОтправлено: 23 ноября 2026\n\n${NOTIFICATION.split('\n').map((l) => `> ${l}`).join('\n')}`;
    expect(cutStaffQuote(reply, guard)).toBe('Bonjour Jeanne,\nLe colis repart demain matin par Colissimo.\nCamille');
    expect(leakedLines(`Vous nous avez écrit : « ${CUSTOMER_MAIL} »\nC'est vérifié.`, guard)).toEqual([]);
  });

  it('is found when re-wrapped or in bold, and a note pasted among the answer is held back, not cut', () => {
    const wrapped = 'Merci.\n\nDossier SAV-7M3Q9F · catégorie livraison · commande\nCMD-884512 · niveau 1 · statut ouverte\nRépondez à ce message pour répondre au client (la citation et votre\nsignature sont retirées).';
    expect(cutStaffQuote(wrapped, guard)).toBe('Merci.');
    const pasted = `Bonjour,\n${NOTE}\nNous revenons vers vous demain avec une solution définitive.`;
    expect(cutStaffQuote(pasted, guard)).toBe(pasted);
    expect(leakedLines(pasted, guard)).toEqual([NOTE]);
  });

  it("leaves an agent's own words alone once guichet echoed them back to the agent", () => {
    expect(leakedLines('Le colis repart demain matin par Colissimo.', guard)).toEqual([]);
  });
});
