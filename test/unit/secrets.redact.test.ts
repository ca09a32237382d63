import { describe, expect, it } from 'vitest';
import { configSecrets, redactor, redactUrls } from '../../src/secrets.js';

describe('secrets in printed text', () => {
  it("hides any URL's password, whatever the scheme, and keeps the rest", () => {
    expect(redactUrls('database.url must start with sqlite:, got postgresql+pg://postgres:PW@db.example.test:5432/guichet')).toBe(
      'database.url must start with sqlite:, got postgresql+pg://postgres:***@db.example.test:5432/guichet',
    );
    expect(redactUrls('"url":"postgres://u:p%40ss@h/db"')).toBe('"url":"postgres://u:***@h/db"');
    expect(redactUrls('sqlite:/srv/guichet/data/guichet.sqlite and https://example.test/path')).toBe('sqlite:/srv/guichet/data/guichet.sqlite and https://example.test/path');
  });

  it('hides each configured password as written, JSON-escaped and URL-encoded', () => {
    const secrets = configSecrets({ imap: { password: 'im"ap\\pw' }, smtp: { password: 'sm/tp:pw' }, database: { url: 'postgres://guichet:p%40ss@db/guichet' } });
    expect(secrets).toEqual(['im"ap\\pw', 'sm/tp:pw', 'p@ss']);
    const redact = redactor(secrets);
    expect(redact(JSON.stringify({ msg: 'login im"ap\\pw failed' }))).toBe('{"msg":"login *** failed"}');
    expect(redact('smtp sm/tp:pw and sm%2Ftp%3Apw, db p@ss')).toBe('smtp *** and ***, db ***');
  });
});
