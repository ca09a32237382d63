import type { SpamVerdict } from '../domain/inbound.js';

/**
 * What the receiving MTA's spam filter said, from the headers it adds: SpamAssassin's
 * `X-Spam-Flag` and `X-Spam-Status` ("Yes, score=7.3 required=5.0"), rspamd's `X-Spam`,
 * `X-Spamd-Result` ("default: True [15.20 / 15.00]") and `X-Rspamd-Score`, and the
 * common `X-Spam-Score`. Only the topmost header of each name counts: filters prepend
 * theirs, and a sender can write one of their own further down. Null when no filter
 * left a verdict. Whether a score makes spam is the domain's call (`spam.score_threshold`).
 */
export function spamVerdict(headers: ReadonlyMap<string, string>): SpamVerdict | null {
  const header = (name: string) => headers.get(name)?.trim();
  const yes = (value: string | undefined) => value !== undefined && /^(?:yes|true)\b/i.test(value);
  const number = (text: string | undefined) => {
    const value = text === undefined ? NaN : Number.parseFloat(text);
    return Number.isFinite(value) ? value : null;
  };

  const status = header('x-spam-status');
  const flag = header('x-spam-flag');
  const spamassassinScore = number(status?.match(/\bscore=(-?\d+(?:\.\d+)?)/i)?.[1]);
  if (status !== undefined || flag !== undefined) {
    return { filter: 'spamassassin', flagged: yes(flag) || yes(status), score: spamassassinScore ?? number(header('x-spam-score')) };
  }
  const result = header('x-spamd-result');
  const rspamd = header('x-spam');
  if (result !== undefined || rspamd !== undefined || headers.has('x-rspamd-score')) {
    const resultScore = number(result?.match(/\[\s*(-?\d+(?:\.\d+)?)\s*\//)?.[1]);
    return { filter: 'rspamd', flagged: yes(rspamd) || /^\s*default:\s*true\b/i.test(result ?? ''), score: resultScore ?? number(header('x-rspamd-score')) };
  }
  const score = number(header('x-spam-score'));
  return score === null ? null : { filter: 'unknown', flagged: false, score };
}
