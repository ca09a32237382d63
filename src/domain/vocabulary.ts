/**
 * The words the domain and the configuration share: the languages guichet writes in,
 * the request categories of the shop's terms (seed 002), a ticket's priorities, and
 * what a delivery report can say of a mail of ours.
 * They live in the domain, and the configuration schema validates against them, so
 * that the domain never loads the configuration's libraries.
 */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATEGORIES = [
  'produit',
  'livraison',
  'facturation',
  'assistance_technique',
  'compte',
  'securite_fraude',
  'donnees_personnelles',
  'litige',
  'information_produit_incorrecte',
  'produit_en_infraction',
  'autre',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * What a delivery report says (RFC 3464 DSN, RFC 5965 feedback report, or a relay's
 * refusal at send time): the mail did not arrive (`failed`), has not yet (`delayed`),
 * or arrived and its reader called it spam (`complaint`).
 */
export type DeliveryAction = 'failed' | 'delayed' | 'complaint';

/** How a recipient's address stands after a failure: `permanent` stops automatic mail to it. */
export type Undeliverable = 'permanent' | 'temporary';
