import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inboundFixture } from '../harness/fixtures.js';

/**
 * Agents' replies as real clients write them, each with the text the customer must
 * receive beside it (`<name>.expected.txt`): the stripped text must equal it.
 */
const replies = readdirSync('fixtures/mail').filter((f) => f.startsWith('agent-reply-') && f.endsWith('.eml'));

describe('visible text of real agent replies', () => {
  it('has fixtures', () => expect(replies.length).toBeGreaterThanOrEqual(15));
  it.each(replies)('%s', async (name) => {
    const expected = readFileSync(`fixtures/mail/${name.replace(/\.eml$/, '.expected.txt')}`, 'utf8');
    expect((await inboundFixture(name)).visibleText).toBe(expected.trim());
  });
});
