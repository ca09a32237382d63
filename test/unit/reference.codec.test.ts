import { describe, expect, it } from 'vitest';
import { checkCharacter, findReferences, isValidReference, makeReference, REFERENCE_ALPHABET } from '../../src/domain/reference.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('reference codec', () => {
  it('builds prefix, random part and check character', () => {
    const reference = makeReference('SAV', 6, bytes(7, 20, 3, 23, 9));
    expect(reference).toBe('SAV-7M3Q9F');
    expect(isValidReference('SAV', 6, reference)).toBe(true);
  });

  it('catches every single wrong character', () => {
    const body = '7M3Q9';
    const good = body + checkCharacter(body);
    for (let i = 0; i < good.length; i++) {
      for (const c of REFERENCE_ALPHABET) {
        if (c === good[i]) continue;
        const typo = good.slice(0, i) + c + good.slice(i + 1);
        expect(isValidReference('SAV', 6, `SAV-${typo}`), typo).toBe(false);
      }
    }
  });

  it('catches swapped neighbours', () => {
    for (let n = 0; n < 200; n++) {
      const reference = makeReference('SAV', 6, bytes(n % 32, (n * 7) % 32, (n * 13) % 32, (n * 17) % 32, (n * 29) % 32));
      const code = reference.slice(4);
      for (let i = 0; i < code.length - 1; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect(isValidReference('SAV', 6, `SAV-${swapped}`), `${code} -> ${swapped}`).toBe(false);
      }
    }
  });

  it('reads references the way people retype them', () => {
    expect(findReferences('SAV', 6, 'sav-7m3q9f')).toEqual(['SAV-7M3Q9F']);
    expect(findReferences('SAV', 6, 'SAV 7M3Q9F')).toEqual(['SAV-7M3Q9F']);
    // Crockford: the letter O is read as zero, I and L as one.
    const withZero = makeReference('SAV', 6, bytes(0, 1, 2, 3, 4));
    expect(findReferences('SAV', 6, withZero.replace('0', 'O'))).toEqual([withZero]);
  });

  it('does not match a reference with a wrong check character, nor one glued to other characters', () => {
    expect(findReferences('SAV', 6, '[SAV-7M3Q9G]')).toEqual([]);
    expect(findReferences('SAV', 6, 'XSAV-7M3Q9F')).toEqual([]);
    expect(findReferences('SAV', 6, 'SAV-7M3Q9FF')).toEqual([]);
  });
});
