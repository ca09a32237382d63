import type { Locale } from './vocabulary.js';
import { foldText } from './classify.js';

const FRENCH = new Set(['bonjour', 'merci', 'madame', 'monsieur', 'commande', 'je', 'vous', 'mon', 'est', 'pas', 'cordialement']);
const ENGLISH = new Set(['hello', 'hi', 'thanks', 'thank', 'please', 'order', 'i', 'you', 'my', 'is', 'not', 'regards']);

/**
 * The language to answer in: the mail's Content-Language when it names one we
 * have, else whichever language's common words the text uses more, else the default.
 */
export function detectLocale(language: string | null, text: string, fallback: Locale): Locale {
  const declared = language?.slice(0, 2).toLowerCase();
  if (declared === 'fr' || declared === 'en') return declared;
  let fr = 0;
  let en = 0;
  for (const word of foldText(text.slice(0, 2000)).split(' ')) {
    if (FRENCH.has(word)) fr++;
    if (ENGLISH.has(word)) en++;
  }
  if (en > fr) return 'en';
  if (fr > en) return 'fr';
  return fallback;
}
