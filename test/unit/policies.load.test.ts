import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policies.js';
import { PRESETS } from '../harness/domain.js';

describe('policy files', () => {
  it('ships the presets of the seed documents, and the legal month of personal-data requests', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['cashback', 'marketplace', 'personal-data', 'shop']);
    expect(PRESETS['personal-data']!.targets.resolution).toEqual({ amount: 28, unit: 'days', business: false });
    expect(PRESETS.marketplace!.escalation.map((s) => s.level)).toEqual([2, 3]);
    expect(PRESETS.shop!.targets.firstResponse).toEqual({ amount: 24, unit: 'hours', business: true });
    expect(PRESETS.cashback!.peakTargets.firstResponse).toEqual({ amount: 10, unit: 'days', business: true });
  });

  it('names the file, line and key of a wrong duration, opening hour or unknown key', () => {
    const file = '/etc/guichet/policies/custom.yaml';
    expect(() => parsePolicy('targets:\n  first_response: tomorrow\n  resolution: 5 days\n  update_every: 2 days\n', file, 'Europe/Paris')).toThrow(
      `${file}:2:19: targets.first_response: "tomorrow" is not a duration`,
    );
    expect(() => parsePolicy('calendar:\n  opening_hours:\n    mon: ["9h-17h"]\ntargets: { first_response: 1 day, resolution: 5 days, update_every: 2 days }\n', file, 'Europe/Paris')).toThrow(
      /custom\.yaml:3:\d+: calendar\.opening_hours\.mon\.0: expected opening hours such as "09:00-17:00"/,
    );
    expect(() => parsePolicy('targets: { first_response: 1 day, resolution: 5 days, update_every: 2 days }\nescalate: []\n', file, 'Europe/Paris')).toThrow(/unknown key\(s\) escalate/);
  });

  it('refuses a calendar that is never open', () => {
    expect(() => parsePolicy('calendar:\n  opening_hours: { mon: closed }\ntargets: { first_response: 1 day, resolution: 5 days, update_every: 2 days }\n', '/p.yaml', 'Europe/Paris')).toThrow(
      /must be open at least one day/,
    );
  });
});
