import { describe, expect, it } from 'vitest';
import { partType } from '../../src/mail/parse.js';
import { inboundFixture } from '../harness/fixtures.js';

describe('broken or unnamed parts', () => {
  it('never blame the mail: a part with a broken type is kept as octet-stream, an unnamed one is named from its type', async () => {
    const mail = await inboundFixture('new-webmail-fr-broken-content-type.eml');
    expect(mail.text).toContain('Voici la photo du colis arrivé abîmé (commande CMD-4455667).');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['photo.jpg', 'application/octet-stream'],
      ['image-2.png', 'image/png'],
    ]);
  });

  it('reads a declared type, or falls back to octet-stream', () => {
    expect(partType('Image/PNG')).toBe('image/png');
    expect(['', undefined, null, 42, { value: 'x' }, 'not a type', '; name="a"'].map(partType)).toEqual(Array(7).fill('application/octet-stream'));
  });
});
