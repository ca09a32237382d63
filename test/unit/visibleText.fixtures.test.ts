import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inboundFixture } from '../harness/fixtures.js';

/**
 * Agents' replies as real clients write them, each with the text the customer must
 * receive beside it (`<name>.expected.txt`): the stripped text must equal it.
 */
const replies = readdirSync('fixtures/mail').filter((f) => f.startsWith('agent-reply-') && f.endsWith('.eml'));

describe('visible text of real agent replies', () => {
  it('has fixtures', () => expect(replies.length).toBeGreaterThanOrEqual(57));
  it.each(replies)('%s', async (name) => {
    const expected = readFileSync(`fixtures/mail/${name.replace(/\.eml$/, '.expected.txt')}`, 'utf8');
    expect((await inboundFixture(name)).visibleText).toBe(expected.trim());
  });
});

/**
 * The property behind the fixtures: what is relayed holds no line of the mail the reply
 * quotes (every line of the raw text below the agent's own words), however it was quoted.
 */
describe('no quoted line reaches the customer', () => {
  it.each(replies)('%s', async (name) => {
    const { normaliseLine } = await import('../../src/domain/staffText.js');
    const mail = await inboundFixture(name);
    const expected = readFileSync(`fixtures/mail/${name.replace(/\.eml$/, '.expected.txt')}`, 'utf8').trim();
    const own = new Set(expected.split('\n').map(normaliseLine));
    const quoted = mail.text.split('\n').map(normaliseLine).filter((l) => l.length >= 24 && !own.has(l) && !expected.toLowerCase().includes(l));
    const relayed = mail.visibleText.split('\n').map(normaliseLine).join('\n');
    for (const line of quoted) expect(relayed, line).not.toContain(line);
  });
});

describe("a customer's answers between the quoted lines", () => {
  it('keep each answer under the question it answers, without the rest of the quote or a wrapped quote line', async () => {
    const expected = readFileSync('fixtures/mail/reply-gmail-fr-inline-answers.expected.txt', 'utf8').trim();
    expect((await inboundFixture('reply-gmail-fr-inline-answers.eml')).visibleText).toBe(expected);
  });
});

describe('the sign-off the team reads', () => {
  const all = readdirSync('fixtures/mail').filter((f) => f.endsWith('.eml'));

  it('keeps who wrote, whether the stripper took the sign-off for a signature or not', async () => {
    const { ownText } = await import('../../src/mail/visibleText.js');
    expect(ownText('Bonjour,\nmon colis n’est pas arrivé.\n\nCordialement,\nJeanne Dupont')).toEqual({ visible: 'Bonjour,\nmon colis n’est pas arrivé.', signOff: 'Cordialement,\nJeanne Dupont' });
    expect(ownText('Bonjour,\nmon colis n’est pas arrivé.\n\nMerci,\nJeanne Dupont')).toEqual({ visible: 'Bonjour,\nmon colis n’est pas arrivé.\n\nMerci,\nJeanne Dupont', signOff: null });
    // A "-- " block that runs into an Outlook quote header stops above it.
    expect(ownText('Bonjour\n\n-- \nJeanne Dupont\n06 12 34 56 78\n\nDe : Service client\nEnvoyé : lundi\nÀ : Jeanne\nObjet : Colis\n\nNous avons bien reçu').signOff).toBe('Jeanne Dupont\n06 12 34 56 78');
    const billing = await inboundFixture('new-outlook-fr-windows1252-billing.eml');
    expect(billing.signOff).toMatch(/Cordialement/);
  });

  it.each(all)('%s: holds no line of a quoted mail', async (name) => {
    const mail = await inboundFixture(name);
    if (!mail.signOff) return;
    expect(mail.signOff.split('\n').length).toBeLessThanOrEqual(6);
    expect(mail.signOff).not.toMatch(/^\s*>/m);
    expect(mail.signOff).not.toMatch(/a écrit\s*:|wrote:|^(De|From|Envoyé|Sent)\s?:/m);
  });
});
