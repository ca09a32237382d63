import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { freePort } from './ports.js';

/**
 * A provider's token and introspection endpoints (RFC 6749, RFC 7662) for one mailbox:
 * client credentials or a refresh token buy an access token; Dovecot's oauth2 passdb and
 * the test SMTP relay ask the introspection endpoint whether a token is good.
 */
export interface OAuthServer {
  tokenUrl: string;
  introspectionUrl: string;
  /** Tokens issued so far. */
  issued(): number;
  /** Every token issued so far stops being valid (expired early, or revoked). */
  revokeAll(): void;
  /** Whether this token is valid for this user now. */
  valid(user: string, token: string): boolean;
  stop(): Promise<void>;
}

export async function startOAuthServer(options: { clientId: string; clientSecret: string; refreshToken?: string; user: string; lifetimeSeconds?: number }): Promise<OAuthServer> {
  const tokens = new Map<string, { user: string; expiresAt: number; active: boolean }>();
  const port = await freePort();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.url === '/token') {
        const grant = form.get('grant_type');
        const client = form.get('client_id') === options.clientId && (form.get('client_secret') ?? '') === options.clientSecret;
        const granted = grant === 'client_credentials' ? client : grant === 'refresh_token' && client && form.get('refresh_token') === options.refreshToken;
        if (!granted) return json(400, { error: 'invalid_client', error_description: 'unknown client or secret' });
        const token = randomBytes(16).toString('hex');
        const lifetime = options.lifetimeSeconds ?? 3600;
        tokens.set(token, { user: options.user, expiresAt: Date.now() + lifetime * 1000, active: true });
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: lifetime });
      }
      if (request.url === '/introspect') {
        const entry = tokens.get(form.get('token') ?? '');
        const active = entry !== undefined && entry.active && entry.expiresAt > Date.now();
        return json(200, active ? { active: true, username: entry!.user } : { active: false });
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  return {
    tokenUrl: `${base}/token`,
    introspectionUrl: `${base}/introspect`,
    issued: () => tokens.size,
    revokeAll: () => {
      for (const entry of tokens.values()) entry.active = false;
    },
    valid: (user, token) => {
      const entry = tokens.get(token);
      return entry !== undefined && entry.active && entry.expiresAt > Date.now() && entry.user === user;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
