import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseRetention, retentionCutoff } from '../../src/domain/retention.js';

describe('retention periods', () => {
  it('reads what admins write, and refuses the rest', () => {
    expect(parseRetention('6 months after close')).toEqual({ amount: 6, unit: 'months', after: 'close' });
    expect(parseRetention('3 Years after closing')).toEqual({ amount: 3, unit: 'years', after: 'close' });
    expect(parseRetention('30 days')).toEqual({ amount: 30, unit: 'days', after: 'arrival' });
    expect(parseRetention('1 week after arrival')).toEqual({ amount: 1, unit: 'weeks', after: 'arrival' });
    expect(parseRetention('forever')).toBeNull();
    for (const wrong of ['soon', '0 days', '6 months before close', 'six months']) expect(parseRetention(wrong)).toBeUndefined();
  });

  it('counts calendar months in the service time zone, across month ends and clock changes', () => {
    const zone = 'Europe/Paris';
    // 31 August minus six months: the last day of February, at the same wall-clock time.
    expect(retentionCutoff({ amount: 6, unit: 'months', after: 'close' }, new Date('2026-08-31T10:00:00+02:00'), zone).toISOString()).toBe('2026-02-28T09:00:00.000Z');
    // 30 days back across the end of summer time: still 10:00 in Paris.
    expect(retentionCutoff({ amount: 30, unit: 'days', after: 'arrival' }, new Date('2026-11-20T10:00:00+01:00'), zone).toISOString()).toBe('2026-10-21T08:00:00.000Z');
  });

  it('names the key and the line of a wrong period in the configuration', () => {
    const yaml = `support: { address: support@example.test, name: S, locale: fr, timezone: Europe/Paris }
imap: { host: 127.0.0.1, port: 10143, secure: false, user: support@example.test, password: secret }
smtp: { host: 127.0.0.1, port: 10025, secure: false }
database: { url: "sqlite:data/guichet.sqlite" }
reference: { prefix: SAV }
agents: [ { name: Camille, email: agent1@example.test, level: 1 } ]
teams: { 1: { address: level1@example.test } }
sellers: []
retention:
  raw_mail: soon
`;
    expect(() => parseConfig(yaml, '/srv/guichet/guichet.yaml', {})).toThrow(/guichet\.yaml:10:\d+: retention\.raw_mail: "soon" is not a retention period: expected a number, a unit/);
    expect(() => parseConfig(yaml.replace('raw_mail: soon', 'quarantine: 2 months after close'), '/srv/guichet/guichet.yaml', {})).toThrow(/retention\.quarantine: a quarantined mail has no ticket to close/);
    const config = parseConfig(yaml.replace('raw_mail: soon', 'tickets: forever'), '/srv/guichet/guichet.yaml', {});
    expect(config.retention).toEqual({ raw_mail: { amount: 6, unit: 'months', after: 'close' }, tickets: null, quarantine: { amount: 30, unit: 'days', after: 'arrival' }, batch: 200 });
  });
});
