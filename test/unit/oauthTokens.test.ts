import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokens } from '../../src/mail/oauthTokens.js';
import { isGuichetError } from '../../src/errors.js';
import { startOAuthServer, type OAuthServer } from '../harness/oauthServer.js';

describe('OAuth2 tokens', () => {
  let server: OAuthServer;
  beforeAll(async () => {
    server = await startOAuthServer({ clientId: 'guichet', clientSecret: 's', refreshToken: 'refresh-1', user: 'support@example.test', lifetimeSeconds: 600 });
  });
  afterAll(async () => server?.stop());

  it('keeps a token until a minute before it expires, then asks for a new one; drops one the server refused', async () => {
    let now = 1_000_000;
    const tokens = new OAuthTokens({ type: 'oauth2', token_url: server.tokenUrl, client_id: 'guichet', client_secret: 's', scope: undefined, refresh_token: undefined }, () => now);
    const first = await tokens.token();
    now += 500_000; // 100 s left of 600
    expect(await tokens.token()).toBe(first);
    now += 50_000; // 50 s left: too close
    const second = await tokens.token();
    expect(second).not.toBe(first);
    tokens.invalidate();
    expect(await tokens.token()).not.toBe(second);
    expect(server.issued()).toBe(3);
  });

  it('uses the refresh token when one is given (Google), and says why the endpoint refused', async () => {
    const refreshing = new OAuthTokens({ type: 'oauth2', token_url: server.tokenUrl, client_id: 'guichet', client_secret: 's', scope: 'mail', refresh_token: 'refresh-1' });
    expect(server.valid('support@example.test', await refreshing.token())).toBe(true);
    const wrong = new OAuthTokens({ type: 'oauth2', token_url: server.tokenUrl, client_id: 'guichet', client_secret: 'nope', scope: undefined, refresh_token: undefined });
    await expect(wrong.token()).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_OAUTH_FAILED') && /refused client guichet: invalid_client: unknown client or secret/.test((e as Error).message));
  });
});
