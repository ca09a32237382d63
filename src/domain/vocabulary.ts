/**
 * The words the domain and the configuration share: the languages guichet writes in,
 * the request categories of the shop's terms (seed 002), and a ticket's priorities.
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
