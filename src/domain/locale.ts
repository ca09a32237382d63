import type { Locale } from '../config/schema.js';
import { foldText } from './classify.js';

const MARKERS: Record<Locale, string[]> = {
  fr: ['bonjour', 'merci', 'madame', 'monsieur', 'commande', 'je', 'vous', 'mon', 'est', 'pas', 'cordialement'],
  en: ['hello', 'hi', 'thanks', 'thank', 'please', 'order', 'i', 'you', 'my', 'is', 'not', 'regards'],
};

/**
 * The language to answer in: the mail's Content-Language when it names one we
 * have, else whichever language's common words the text uses more, else the default.
 */
export function detectLocale(language: string | null, text: string, fallback: Locale): Locale {
  const declared = language?.slice(0, 2).toLowerCase();
  if (declared === 'fr' || declared === 'en') return declared;
  const words = foldText(text.slice(0, 2000)).split(' ');
  const score = (locale: Locale) => words.filter((w) => MARKERS[locale].includes(w)).length;
  const fr = score('fr');
  const en = score('en');
  if (en > fr) return 'en';
  if (fr > en) return 'fr';
  return fallback;
}
