/**
 * A satisfaction rating in a customer's reply to the "resolved" mail: the first line
 * they wrote is a number from 1 to 5, alone or with a short remark ("4", "4/5",
 * "Note : 4", "5 étoiles", "2 - bof"). Anything else, "3 colis manquent" included,
 * is not a rating, and the reply reopens the ticket instead.
 */
const OUT_OF = String.raw`(?:\s*(?:\/|sur|out of)\s*5)?(?:\s*(?:étoiles?|etoiles?|stars?))?`;
const PATTERNS = [
  new RegExp(String.raw`^([1-5])${OUT_OF}\s*[.!]*$`, 'i'),
  new RegExp(String.raw`^(?:ma\s+)?(?:note|rating|score)\s*:?\s*([1-5])${OUT_OF}\s*[.!]*$`, 'i'),
  new RegExp(String.raw`^([1-5])${OUT_OF}\s*[-–,:!.]\s*[^\d]{0,80}$`, 'i'),
];

export function readRating(visibleText: string): number | null {
  const first = visibleText.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  if (first === undefined) return null;
  for (const pattern of PATTERNS) {
    const match = pattern.exec(first);
    if (match) return Number(match[1]);
  }
  return null;
}
