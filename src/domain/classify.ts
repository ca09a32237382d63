import type { Category } from './vocabulary.js';
import { normaliseAddress } from './address.js';

export interface CategoryRule {
  category: Category;
  keywords: readonly string[];
}

/**
 * Built-in rules in French and English, most specific first: "fraude" must win over
 * "commande" in "fraude sur ma commande". Keywords are matched on accent-folded,
 * lower-case words, so "Sécurité" and "securite" are the same.
 */
export const DEFAULT_RULES: readonly CategoryRule[] = [
  { category: 'securite_fraude', keywords: ['fraude', 'frauduleux', 'arnaque', 'piratage', 'pirate', 'hameconnage', 'phishing', 'fraud', 'scam', 'hacked', 'security breach', 'faille de securite'] },
  // Before `compte`: "supprimer mon compte" asks for an erasure, not for help with an account.
  { category: 'donnees_personnelles', keywords: ['rgpd', 'gdpr', 'donnees personnelles', 'mes donnees', 'personal data', 'droit d acces', 'droit a l oubli', 'supprimer mes donnees', 'effacer mes donnees', 'supprimer mon compte', 'delete my data', 'delete my account', 'erase my data', 'right to be forgotten', 'portabilite', 'data protection'] },
  { category: 'produit_en_infraction', keywords: ['contrefacon', 'contrefait', 'counterfeit', 'infringing', 'produit illegal', 'propriete intellectuelle', 'intellectual property'] },
  { category: 'information_produit_incorrecte', keywords: ['fiche produit', 'description incorrecte', 'information incorrecte', 'wrong product information', 'incorrect description', 'erreur dans la description'] },
  { category: 'litige', keywords: ['litige', 'mediateur', 'mediation', 'avocat', 'plainte', 'tribunal', 'dispute', 'chargeback', 'legal action', 'lawyer'] },
  { category: 'compte', keywords: ['mon compte', 'mot de passe', 'connexion', 'fermer mon compte', 'cloturer mon compte', 'identifiant', 'my account', 'password', 'log in', 'login', 'close my account'] },
  { category: 'facturation', keywords: ['facture', 'facturation', 'remboursement', 'rembourse', 'paiement', 'prelevement', 'avoir', 'invoice', 'billing', 'refund', 'payment', 'charged'] },
  // French agrees the participle with "commande": "jamais reçue", "pas arrivée", "pas livrée".
  { category: 'livraison', keywords: ['livraison', 'livre', 'livree', 'colis', 'expedition', 'transporteur', 'suivi', 'pas recu', 'pas recue', 'jamais recu', 'jamais recue', 'pas arrive', 'pas arrivee', 'jamais arrive', 'jamais arrivee', 'delivery', 'parcel', 'shipping', 'tracking', 'not received', 'never arrived'] },
  { category: 'assistance_technique', keywords: ['bug', 'erreur', 'ne fonctionne pas', 'marche pas', 'panne', 'application', 'site ne', 'technical', 'error', 'does not work', "doesn't work", 'crash'] },
  { category: 'produit', keywords: ['produit', 'article', 'defectueux', 'casse', 'abime', 'taille', 'garantie', 'retour', 'echange', 'product', 'item', 'broken', 'defective', 'damaged', 'warranty', 'return'] },
];

export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9@]+/g, ' ')
    .trim();
}

export interface ClassifyInput {
  subject: string;
  text: string;
  /** Every address the mail was sent to (To and Cc, and Delivered-To when present). */
  recipients: readonly string[];
  topicAddresses: Readonly<Record<string, Category>>;
  rules: readonly CategoryRule[];
}

/** A topic address wins; else the first rule with a keyword in the subject, then in the body. */
export function classify(input: ClassifyInput): Category {
  for (const recipient of input.recipients) {
    const topic = input.topicAddresses[normaliseAddress(recipient)];
    if (topic) return topic;
  }
  const rules = [...foldRules(input.rules), ...FOLDED_DEFAULT_RULES];
  for (const source of [input.subject, input.text.slice(0, 4000)]) {
    const folded = ` ${foldText(source)} `;
    const rule = rules.find((r) => r.keywords.some((k) => folded.includes(k)));
    if (rule) return rule.category;
  }
  return 'autre';
}

/** Keywords folded and padded once per rule set, not once per mail (a pure cache: same input, same output). */
const foldedRules = new WeakMap<readonly CategoryRule[], CategoryRule[]>();
function foldRules(rules: readonly CategoryRule[]): CategoryRule[] {
  let folded = foldedRules.get(rules);
  if (!folded) {
    folded = rules.map((r) => ({ category: r.category, keywords: r.keywords.map((k) => ` ${foldText(k)} `) }));
    foldedRules.set(rules, folded);
  }
  return folded;
}
const FOLDED_DEFAULT_RULES = foldRules(DEFAULT_RULES);

/** The first order number in the subject, else the body, by the configured pattern's first group. */
export function findOrderNumber(pattern: string, subject: string, text: string): string | null {
  let regex = orderPatterns.get(pattern);
  if (!regex) orderPatterns.set(pattern, (regex = new RegExp(pattern, 'i')));
  for (const source of [subject, text.slice(0, 8000)]) {
    const match = regex.exec(source);
    if (match) return (match[1] ?? match[0]).toUpperCase();
  }
  return null;
}
/** Compiled once per pattern (a pure cache: the regex has no `g` flag, so no state between calls). */
const orderPatterns = new Map<string, RegExp>();
