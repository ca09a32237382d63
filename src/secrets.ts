/**
 * Secrets never printed: guichet writes logs, `status`, `config check` and error
 * messages, and any of them may quote a URL or an error that holds a password
 * (`postgres://user:PW@host/db`, a driver's message). Everything it prints goes
 * through a redactor built from the configuration once.
 */

/** `scheme://user:password@host` -> `scheme://user:***@host`, for any URL in a text. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):[^\s@'"]*@/gi, '$1:***@');
}

/** Hides each secret (as written, and as JSON escapes it in a log line) and any URL's password. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = [
    ...new Set(
      secrets
        .filter((s): s is string => typeof s === 'string' && s.length > 0)
        .flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]),
    ),
  ].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, secret) => out.split(secret).join('***'), redactUrls(text));
}

/** The passwords a configuration holds: the mailbox's, the relay's, the database URL's. */
export function configSecrets(config: {
  imap: { password?: string; auth?: { client_secret?: string; refresh_token?: string } | null };
  smtp: { password?: string; auth?: { client_secret?: string; refresh_token?: string } | null };
  database: { url: string };
  mailboxes?: readonly { imap: { password?: string; auth?: { client_secret?: string; refresh_token?: string } | null } }[];
}): string[] {
  return [
    config.imap.password,
    config.smtp.password,
    urlPassword(config.database.url),
    config.imap.auth?.client_secret,
    config.imap.auth?.refresh_token,
    config.smtp.auth?.client_secret,
    config.smtp.auth?.refresh_token,
    ...(config.mailboxes ?? []).flatMap((m) => [m.imap.password, m.imap.auth?.client_secret, m.imap.auth?.refresh_token]),
  ].filter((s): s is string => s !== undefined && s !== '');
}

function urlPassword(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]*)@/i.exec(url);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}
