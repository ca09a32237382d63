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
