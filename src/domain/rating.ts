/**
 * A satisfaction rating in a customer's reply to the "resolved" mail: the first line
 * they wrote is a number from 1 to 5 ("4", "4/5", "Note : 4", "5 étoiles", "3 - bof").
 * Anything else is not a rating, and the reply reopens the ticket instead.
 */
const RATING = /^(?:(?:note|rating|score|ma note(?: est)?)\s*:?\s*)?([1-5])(?:\s*(?:\/\s*5|sur\s+5|out of\s+5|étoiles?|etoiles?|stars?))?(?:\s*[-–.,!:)]?.{0,40})?$/i;

export function readRating(visibleText: string): number | null {
  const first = visibleText.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  if (first === undefined) return null;
  const match = RATING.exec(first);
  if (!match) return null;
  // "3 colis manquent" is a sentence, not a rating: after the number only a short remark without digits may follow.
  const rest = first.slice(first.indexOf(match[1]!) + 1);
  if (/\d/.test(rest.replace(/^\s*\/\s*5/, '').replace(/^\s*(sur|out of)\s+5/i, ''))) return null;
  if (/^\s+[a-zà-ÿ]{3,}\s+[a-zà-ÿ]{3,}/i.test(rest) && !/^\s*(étoiles?|etoiles?|stars?)/i.test(rest)) return null;
  return Number(match[1]);
}
