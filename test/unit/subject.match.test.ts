import { describe, expect, it } from 'vitest';
import { findReferences } from '../../src/domain/reference.js';
import { cleanSubject, stripReplyPrefixes } from '../../src/domain/subject.js';
import { FIXTURE_REFERENCE, inboundFixture } from '../harness/fixtures.js';

describe('subject matching on real client subjects', () => {
  it.each([
    'reply-outlook-fr-re-colon.eml',
    'reply-gmail-en-encoded-subject.eml',
    'reply-outlook-fr-tr-link-form.eml',
    'autoreply-outlook-fr-ooo.eml',
    'autoreply-gmail-vacation-en.eml',
  ])('%s carries the reference', async (name) => {
    const mail = await inboundFixture(name);
    expect(findReferences('SAV', 6, mail.subject)).toEqual([FIXTURE_REFERENCE]);
  });

  it('finds no reference in a new request', async () => {
    const mail = await inboundFixture('new-gmail-fr-delivery.eml');
    expect(findReferences('SAV', 6, mail.subject)).toEqual([]);
  });

  it.each([
    ['Re: Fwd: RE : TR: Colis', 'Colis'],
    ['AW: WG: Lieferung', 'Lieferung'],
    ['Réf : devis', 'devis'],
    ['RE[2]: suite', 'suite'],
    ['Rendez-vous', 'Rendez-vous'],
  ])('strips reply and forward prefixes: %s', (subject, expected) => {
    expect(stripReplyPrefixes(subject)).toBe(expected);
  });

  it('cleans our tag, Outlook links and prefixes for display', () => {
    expect(cleanSubject(`TR: [${FIXTURE_REFERENCE}]<https://safelinks.example/?u=x> Colis`, 'SAV')).toBe('Colis');
    expect(cleanSubject('RE : ', 'SAV')).toBe('(sans objet)');
  });
});
