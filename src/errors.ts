/**
 * The one catalogue of guichet's errors. Each has a stable code (documented in
 * docs/errors.md, checked by a test) and a message that says how to fix it.
 * The original error is always kept as `cause`.
 */
export const ERROR_CODES = {
  GUICHET_CONFIG_NOT_FOUND: 'The configuration file does not exist or cannot be read.',
  GUICHET_CONFIG_INVALID: 'The configuration file has a wrong, missing or unknown key.',
  GUICHET_CONFIG_SECRET_MISSING: 'A `*_env` key names an environment variable that is not set.',
  GUICHET_MAIL_TOO_LARGE: 'An incoming mail is larger than `limits.max_mail_bytes`; it is quarantined.',
  GUICHET_MAIL_UNPARSEABLE: 'An incoming mail could not be parsed (or parsing timed out); it is quarantined.',
  GUICHET_MAIL_PROCESSING_FAILED: 'An incoming mail made the pipeline fail; it is quarantined so the mailbox keeps flowing.',
  GUICHET_TEMPLATE_NOT_FOUND: 'No template file exists for this mail in the locale nor in the default locale.',
  GUICHET_TEMPLATE_INVALID: 'A template does not compile or render; the error names the file and line.',
  GUICHET_QUARANTINE_NOT_FOUND: 'No mail in quarantine has this id (guichet quarantine list shows them).',
  GUICHET_TICKET_NOT_FOUND: 'No ticket has this reference.',
  GUICHET_SMTP_TRANSIENT: 'The SMTP server refused a mail for now (4xx); it is retried up to `outbox.max_attempts` times.',
  GUICHET_SMTP_PERMANENT: 'The SMTP server refused a mail for good (5xx); the outbox row is marked failed and its ticket shows it.',
  GUICHET_SMTP_UNREACHABLE: 'The SMTP server cannot be reached (refused, reset, timed out); the mail is retried until it can.',
  GUICHET_SMTP_AUTH: 'The SMTP server refused our login (535: wrong or rotated password); mail is retried and admins are alerted.',
  GUICHET_OUTBOX_BODY_MISSING: 'An outbox row has no bodies of its own and no message row with its Message-ID; it is marked failed.',
  GUICHET_DB_UNAVAILABLE: 'The database is busy or unreachable; the mail stays in the inbox and is tried again.',
  GUICHET_IMAP_FAILED: 'The IMAP connection failed; the daemon reconnects with back-off.',
  GUICHET_SANDBOX_FAILED: 'The built-in sandbox mail servers could not start (a port is probably in use).',
  GUICHET_REPORT_INVALID: 'A `guichet report` option (or the `report` config) names a date, policy or category that does not exist.',
  GUICHET_OAUTH_FAILED: 'The OAuth2 token endpoint (imap.auth or smtp.auth) could not be reached or refused our client; the connection is retried.',
  GUICHET_CUSTOMER_INVALID: 'A `guichet customer` command was given something that is not a mail address, or a correction that changes nothing.',
  GUICHET_CUSTOMER_NOT_FOUND: 'guichet holds nothing about this address: no ticket, message, mail or outbox row.',
  GUICHET_ERASURE_REFUSED: 'An erasure would silence a ticket still open; close it first, or erase with --force.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GuichetError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GuichetError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isGuichetError(error: unknown, code?: ErrorCode): error is GuichetError {
  return error instanceof GuichetError && (code === undefined || error.code === code);
}

/**
 * A stored reason (`inbound_mails.reason`, `outbox.last_error`): the code first, so
 * that a person or a script can look it up in docs/errors.md, then what happened.
 * `context` says in what circumstance ("attempt 3, giving up").
 */
export function reason(code: ErrorCode, detail: string, context?: string): string {
  return `${code}${context ? ` (${context})` : ''}: ${detail}`;
}

/** A short, single-line description of any thrown value, for logs and stored reasons. */
export function describeError(error: unknown): string {
  if (error instanceof GuichetError) return reason(error.code, error.message);
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
