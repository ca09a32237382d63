import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { GuichetError } from '../../src/errors.js';

const VALID = `support: { address: support@example.test, name: "Service client", locale: fr, timezone: Europe/Paris }
imap: { host: 127.0.0.1, port: 10143, secure: false, user: support@example.test, password: secret,
        inbox: INBOX, processed: Processed, quarantine: Quarantine }
smtp: { host: 127.0.0.1, port: 10025, secure: false }
database: { url: "sqlite:data/guichet.sqlite" }
reference: { prefix: SAV }
agents: [ { name: Camille, email: agent1@example.test, level: 1 } ]
teams: { 1: { address: level1@example.test }, 2: { address: level2@example.test }, 3: { address: level3@example.test } }
sellers: [ { id: S-1, name: Boutique, email: seller1@example.test } ]
`;

function errorOf(text: string, env: NodeJS.ProcessEnv = {}): GuichetError {
  try {
    parseConfig(text, '/srv/guichet/config/guichet.yaml', env);
  } catch (error) {
    if (error instanceof GuichetError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('accepts the documented shape, with defaults filled in and paths made absolute', () => {
    const config = parseConfig(VALID, '/srv/guichet/config/guichet.yaml', {});
    expect(config.imap.port).toBe(10143);
    expect(config.agents.list[0]).toEqual({ name: 'Camille', email: 'agent1@example.test', level: 1 });
    // Relative to the file's own folder; templates and policies are the shipped ones unless named.
    expect(config.database.url).toBe('sqlite:/srv/guichet/config/data/guichet.sqlite');
    expect(config.paths.data).toBe('/srv/guichet/config/data');
    expect(config.paths.templates).toBe(path.resolve('templates'));
    expect(config.paths.policies).toBe(path.resolve('config/policies'));
    expect(config.limits.max_mail_bytes).toBeGreaterThan(0);
    expect(Object.isFrozen(config.imap)).toBe(true);
  });

  it('reads relative paths from the folder of a file outside the checkout, and the database URL from the environment', () => {
    const etc = VALID.replace('database: { url: "sqlite:data/guichet.sqlite" }', 'database: { url_env: GUICHET_DATABASE_URL }\npaths: { data: /var/lib/guichet, templates: mine }');
    const config = parseConfig(etc, '/etc/guichet/guichet.yaml', { GUICHET_DATABASE_URL: 'postgres://guichet:s3cret@db.internal/guichet' });
    expect(config.database.url).toBe('postgres://guichet:s3cret@db.internal/guichet');
    expect(config.paths).toEqual({ data: '/var/lib/guichet', templates: '/etc/guichet/mine', policies: path.resolve('config/policies') });
    expect(parseConfig(VALID, '/etc/guichet/guichet.yaml', {}).database.url).toBe('sqlite:/etc/guichet/data/guichet.sqlite');
    expect(errorOf(etc).message).toBe('/srv/guichet/config/guichet.yaml: database.url_env names GUICHET_DATABASE_URL, which is not set in the environment');
    expect(errorOf(etc, { GUICHET_DATABASE_URL: 'mysql://x' }).message).toContain('which is not a sqlite: or postgres:// URL');
    expect(errorOf(VALID.replace('url: "sqlite:data/guichet.sqlite"', 'url: "sqlite:x", url_env: X')).message).toMatch(/database: give url, or url_env/);
  });

  it('takes OAuth2 for a mailbox that refuses passwords, its secret from the environment', () => {
    const oauth = VALID.replace(
      'password: secret,',
      'auth: { type: oauth2, token_url: "https://login.example.test/token", client_id: guichet, client_secret_env: GUICHET_IMAP_CLIENT_SECRET, scope: "https://outlook.office365.com/.default" },',
    );
    const config = parseConfig(oauth, '/etc/guichet/guichet.yaml', { GUICHET_IMAP_CLIENT_SECRET: 'c-secret' });
    expect(config.imap.auth).toEqual({ type: 'oauth2', token_url: 'https://login.example.test/token', client_id: 'guichet', client_secret: 'c-secret', scope: 'https://outlook.office365.com/.default', refresh_token: undefined });
    expect(config.smtp.auth).toBeNull();
    expect(errorOf(oauth).message).toBe('/srv/guichet/config/guichet.yaml: imap.auth.client_secret_env names GUICHET_IMAP_CLIENT_SECRET, which is not set in the environment');
    expect(errorOf(oauth.replace('type: oauth2', 'type: kerberos')).message).toMatch(/imap\.auth\.type: Invalid literal value, expected "oauth2"/);
  });

  it('reads more mailboxes, each with its account, team and policy, and names a wrong one', () => {
    const more = `${VALID}mailboxes:
  - address: Ventes@Example.test
    imap: { host: 127.0.0.1, port: 10143, user: ventes@example.test, password_env: GUICHET_SALES_PASSWORD }
    teams: { 1: { address: equipe-ventes@example.test } }
    policy: shop
`;
    const config = parseConfig(more, '/etc/guichet/guichet.yaml', { GUICHET_SALES_PASSWORD: 'pw' });
    expect(config.mailboxes).toEqual([
      expect.objectContaining({ address: 'ventes@example.test', name: 'Service client', policy: 'shop', teams: { 1: { address: 'equipe-ventes@example.test' } }, imap: expect.objectContaining({ user: 'ventes@example.test', password: 'pw', inbox: 'INBOX', auth: null }) }),
    ]);
    expect(errorOf(more).message).toContain('mailboxes.0.imap.password_env names GUICHET_SALES_PASSWORD, which is not set');
    expect(errorOf(more.replace('policy: shop', 'policy: nowhere'), { GUICHET_SALES_PASSWORD: 'pw' }).message).toMatch(/mailboxes\.0\.policy: no policy named "nowhere"/);
  });

  it('takes one support name, or one per language with the service\'s own as the fallback', () => {
    expect(parseConfig(VALID, '/srv/guichet/config/guichet.yaml', {}).support.names).toEqual({ fr: 'Service client', en: 'Service client' });
    const both = parseConfig(VALID.replace('name: "Service client"', 'name: { fr: Service client, en: Customer service }'), '/srv/guichet/config/guichet.yaml', {});
    expect(both.support).toMatchObject({ name: 'Service client', names: { fr: 'Service client', en: 'Customer service' } });
    const error = errorOf(VALID.replace('name: "Service client"', 'name: { en: Customer service }'));
    expect(error.message).toContain('support.name.fr');
    expect(error.message).toContain('name the service in its own language (fr)');
  });

  it('points at an unknown key itself, not at the section that holds it', () => {
    const text = `${VALID.replace('smtp: { host: 127.0.0.1, port: 10025, secure: false }', 'smtp:\n  host: 127.0.0.1\n  port: 10025\n  pool_size: 3')}colour: blue\n`;
    const lines = errorOf(text).message.split('\n');
    const line = (key: string) => text.split('\n').findIndex((l) => l.trimStart().startsWith(`${key}:`)) + 1;
    expect(lines).toContain(`/srv/guichet/config/guichet.yaml:${line('pool_size')}:3: smtp.pool_size: unknown key(s) pool_size`);
    expect(lines).toContain(`/srv/guichet/config/guichet.yaml:${line('colour')}:1: colour: unknown key(s) colour`);
  });

  it('names the file, the line and the key of a wrong value', () => {
    const error = errorOf(VALID.replace('port: 10143', 'port: "imap"'));
    expect(error.code).toBe('GUICHET_CONFIG_INVALID');
    expect(error.message).toMatch(/^\/srv\/guichet\/config\/guichet\.yaml:2:\d+: imap\.port: /);
  });

  it('names a missing key and a misspelt one', () => {
    expect(errorOf(VALID.replace('reference: { prefix: SAV }\n', '')).message).toContain('guichet.yaml:1:1: reference: Required');
    expect(errorOf(VALID.replace('secure: false }', 'secure: false, hots: x }')).message).toMatch(/smtp\.hots: unknown key\(s\) hots/);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorOf('support: [unclosed\n').message).toMatch(/guichet\.yaml:\d+:\d+: not valid YAML/);
    // The position once, in front; no dangling colon.
    expect(errorOf('support:\n  address: a@b.test\n  name: "Service\n').message).toBe('/srv/guichet/config/guichet.yaml:4:1: not valid YAML: Missing closing "quote');
  });

  it('reads secrets from the environment when asked to, and says which variable is missing', () => {
    const text = VALID.replace('password: secret,', 'password_env: GUICHET_IMAP_PASSWORD,');
    expect(parseConfig(text, 'x.yaml', { GUICHET_IMAP_PASSWORD: 's3cr3t' }).imap.password).toBe('s3cr3t');
    const error = errorOf(text);
    expect(error.code).toBe('GUICHET_CONFIG_SECRET_MISSING');
    expect(error.message).toContain('imap.password_env names GUICHET_IMAP_PASSWORD');
  });

  it('takes agents as a list, or as an object that requires authentication and names the trusted servers', () => {
    const strict = VALID.replace(
      'agents: [ { name: Camille, email: agent1@example.test, level: 1 } ]',
      'agents: { require_authentication: true, authserv_ids: [mx.example.test], list: [ { name: Camille, email: agent1@example.test } ] }',
    );
    expect(parseConfig(strict, 'x.yaml', {}).agents).toEqual({
      require_authentication: true,
      authserv_ids: ['mx.example.test'],
      border_hosts: [],
      trusted_results: 1,
      verify_in_process: false,
      list: [{ name: 'Camille', email: 'agent1@example.test', level: 1 }],
    });
    expect(parseConfig(VALID, 'x.yaml', {}).agents.require_authentication).toBe(false);
    expect(errorOf(strict.replace('authserv_ids: [mx.example.test], ', '')).message).toContain('require_authentication needs authserv_ids');
  });

  it('maps support addresses to policies, and names an address whose policy does not exist', () => {
    const config = parseConfig(`${VALID}policy: { default: marketplace, addresses: { cashback@example.test: cashback } }\n`, 'x.yaml', {});
    expect(config.policy.addresses).toEqual({ 'cashback@example.test': 'cashback' });
    const error = errorOf(`${VALID}policy: { addresses: { cashback@example.test: cash } }\n`);
    expect(error.message).toMatch(/^\/srv\/guichet\/config\/guichet\.yaml: policy\.addresses\.cashback@example\.test: no policy named "cash" in .* \(there are: .*cashback/);
  });

  it('says when the file does not exist', () => {
    expect(() => loadConfig('/nonexistent/guichet.yaml', {})).toThrow(/nonexistent\/guichet.yaml: cannot read/);
  });

  it('accepts the built-in default configuration', () => {
    expect(loadConfig('config/default.yaml', {}).sandbox.enabled).toBe(true);
  });
});
