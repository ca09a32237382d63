import type { OAuth2Settings } from '../config/schema.js';
import { GuichetError } from '../errors.js';

/** A token this close to its expiry is not used: a login must not race it. */
const MARGIN_MS = 60_000;

/**
 * Access tokens for a mailbox that refuses passwords (Microsoft 365, Google Workspace),
 * from the provider's token endpoint (RFC 6749): the client-credentials grant, or the
 * refresh-token grant when a refresh token is configured. A token is kept until a minute
 * before it expires and fetched anew then; a server that refuses one (revoked, expired
 * early) has it dropped with `invalidate`, and the next login asks for another.
 */
export class OAuthTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly settings: OAuth2Settings,
    private readonly now: () => number = Date.now,
  ) {}

  token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - MARGIN_MS > this.now()) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(): void {
    this.cached = null;
  }

  private async fetch(): Promise<string> {
    const { token_url, client_id, client_secret, scope, refresh_token } = this.settings;
    const form = new URLSearchParams({ grant_type: refresh_token ? 'refresh_token' : 'client_credentials', client_id });
    if (client_secret) form.set('client_secret', client_secret);
    if (scope) form.set('scope', scope);
    if (refresh_token) form.set('refresh_token', refresh_token);
    const host = new URL(token_url).host;
    let response: Response;
    try {
      response = await fetch(token_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, signal: AbortSignal.timeout(30_000) });
    } catch (cause) {
      throw new GuichetError('GUICHET_OAUTH_FAILED', `cannot reach the token endpoint ${host}: ${(cause as Error).message}`, { cause });
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) {
      const why = body.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : `HTTP ${response.status}`;
      throw new GuichetError('GUICHET_OAUTH_FAILED', `the token endpoint ${host} refused client ${client_id}: ${why}`);
    }
    this.cached = { token: body.access_token, expiresAt: this.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }
}

const sources = new Map<string, OAuthTokens>();

/** One token source per account and process, shared by every connection to it. */
export function tokensFor(settings: OAuth2Settings): OAuthTokens {
  const key = [settings.token_url, settings.client_id, settings.scope ?? '', settings.refresh_token ?? ''].join('\n');
  let source = sources.get(key);
  if (!source) sources.set(key, (source = new OAuthTokens(settings)));
  return source;
}
