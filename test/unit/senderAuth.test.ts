import { describe, expect, it } from 'vitest';
import { senderAuthenticated, trustedResults, type AuthenticationTrust, type TraceHeader } from '../../src/domain/senderAuth.js';

const ours: AuthenticationTrust = { authservIds: ['mx.example.test'], borderHosts: [], topmost: 1 };
const withBorders: AuthenticationTrust = { ...ours, borderHosts: ['imap.example.test', 'mx.example.test'] };
const ar = (value: string): TraceHeader => ({ name: 'authentication-results', value });
const received = (value: string): TraceHeader => ({ name: 'received', value });

const PASS = ar('mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test');
const FAIL = ar('mx.example.test; dkim=none; dmarc=fail header.from=example.test');
const DELIVERY = received('from mx.example.test by imap.example.test with LMTP id 1; Thu, 3 Dec 2026 09:00:00 +0100');
const BORDER = received('from attacker.example (attacker.example [192.0.2.7]) by mx.example.test (Postfix) with ESMTP id 2');
const FOREIGN = received('from [192.0.2.7] by smtp.attacker.example (Postfix) with ESMTPSA id 3');

describe('agent authentication from Authentication-Results', () => {
  it('accepts DMARC pass, or DKIM pass for the From domain or a parent, from our own server', () => {
    expect(senderAuthenticated([ar('mx.example.test; spf=pass smtp.mailfrom=example.test; dkim=pass header.d=example.test; dmarc=pass (p=quarantine) header.from=example.test')], ours, 'agent1@example.test')).toBe(true);
    expect(senderAuthenticated([ar('mx.example.test; dkim=pass (2048-bit key) header.d=example.test header.s=sel')], ours, 'agent1@mail.example.test')).toBe(true);
    expect(senderAuthenticated([ar('MX.Example.Test 1; dmarc=pass header.from=example.test')], ours, 'agent1@example.test')).toBe(true);
  });

  it('refuses what our server did not write, failures, and signatures of other domains', () => {
    expect(senderAuthenticated([], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([ar('evil.example; dmarc=pass header.from=example.test')], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([FAIL], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([ar('mx.example.test; dkim=pass header.d=evil.example; dmarc=none')], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([ar('mx.example.test; dmarc=pass header.from=evil.example')], ours, 'agent1@example.test')).toBe(false);
  });
});

/** Each layout a sender can give their forged header, against what our servers add above it (RFC 8601 §5). */
describe('forged Authentication-Results', () => {
  it('ignores a pass written below our own result by a sender connecting to our MX directly', () => {
    const trace = [DELIVERY, FAIL, BORDER, PASS];
    expect(senderAuthenticated(trace, ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated(trace, withBorders, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([DELIVERY, BORDER, FAIL, PASS], ours, 'agent1@example.test')).toBe(false);
  });

  it('ignores a pass below a hop that is not ours, even when our server added no result', () => {
    expect(senderAuthenticated([DELIVERY, BORDER, FOREIGN, PASS], withBorders, 'agent1@example.test')).toBe(false);
    expect(trustedResults([DELIVERY, BORDER, FOREIGN, PASS], withBorders)).toEqual([]);
  });

  it('ignores a pass written between our hops (fake Received lines included) when it is not among the topmost results', () => {
    const fakeHop = received('from localhost by mx.example.test with ESMTP id 4');
    expect(senderAuthenticated([DELIVERY, FAIL, BORDER, PASS, fakeHop, FOREIGN], { ...withBorders, topmost: 1 }, 'agent1@example.test')).toBe(false);
    expect(trustedResults([DELIVERY, PASS, BORDER, FAIL, FOREIGN], { ...withBorders, topmost: 1 })).toEqual([PASS.value]);
  });

  it('ignores several forged passes under ours, and a pass in second place when one result is trusted', () => {
    const trace = [FAIL, PASS, PASS, PASS];
    expect(senderAuthenticated(trace, ours, 'agent1@example.test')).toBe(false);
    expect(trustedResults(trace, { ...ours, topmost: 2 })).toEqual([FAIL.value, PASS.value]);
  });

  it('counts a result of another server of ours in the topmost ones', () => {
    const spam = ar('spam.example.test; x-spam=no');
    expect(senderAuthenticated([spam, PASS], ours, 'agent1@example.test')).toBe(false);
    expect(senderAuthenticated([spam, PASS], { ...ours, topmost: 2 }, 'agent1@example.test')).toBe(true);
  });

  it("trusts our border's pass above or below its own Received header, behind our delivery hop", () => {
    expect(senderAuthenticated([DELIVERY, PASS, BORDER, FOREIGN], withBorders, 'agent1@example.test')).toBe(true);
    expect(senderAuthenticated([DELIVERY, BORDER, PASS, FOREIGN], withBorders, 'agent1@example.test')).toBe(true);
    // A delivery hop that is not listed ends the trust at once: list every host of ours that adds a Received header.
    expect(senderAuthenticated([DELIVERY, BORDER, PASS], { ...withBorders, borderHosts: ['mx.example.test'] }, 'agent1@example.test')).toBe(false);
  });
});
