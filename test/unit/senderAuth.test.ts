import { describe, expect, it } from 'vitest';
import { senderAuthenticated } from '../../src/domain/senderAuth.js';

const ours = ['mx.example.test'];

describe('agent authentication from Authentication-Results', () => {
  it('accepts DMARC pass, or DKIM pass for the From domain or a parent, from our own server', () => {
    expect(senderAuthenticated(['mx.example.test; spf=pass smtp.mailfrom=example.test; dkim=pass header.d=example.test; dmarc=pass (p=quarantine) header.from=example.test'], ours, 'agent1@example.test')).toBe(true);
    expect(senderAuthenticated(['mx.example.test; dkim=pass (2048-bit key) header.d=example.test header.s=sel'], ours, 'agent1@mail.example.test')).toBe(true);
    expect(senderAuthenticated(['MX.Example.Test 1; dmarc=pass header.from=example.test'], ours, 'agent1@example.test')).toBe(true);
  });

  it('refuses what our server did not write, failures, and signatures of other domains', () => {
    expect(senderAuthenticated([], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated(['evil.example; dmarc=pass header.from=example.test'], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated(['mx.example.test; dkim=fail header.d=example.test; dmarc=fail header.from=example.test'], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated(['mx.example.test; dkim=pass header.d=evil.example; dmarc=none'], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated(['mx.example.test; dmarc=pass header.from=evil.example'], ours, 'agent1@example.test')).toBe(false);
  });
});
