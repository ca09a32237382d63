import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

describe('error catalogue', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  it.each(Object.keys(ERROR_CODES))('%s is documented in docs/errors.md', (code) => {
    expect(doc).toContain(`| \`${code}\` |`);
  });
  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/\| `(GUICHET_[A-Z_]+)` \|/g)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
