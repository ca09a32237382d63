import cron from 'node-cron';
import { z } from 'zod';
import type { Policy } from '../domain/policy.js';
import { CATEGORIES, LOCALES, type Locale } from '../domain/vocabulary.js';
import { parseRetention, RETENTION_SYNTAX, type RetentionPeriod } from '../domain/retention.js';

/**
 * The whole configuration as one schema with its defaults. Objects are strict so
 * that a misspelt key is an error naming that key, not a silently ignored line.
 */
const email = z.string().trim().toLowerCase().email();
const port = z.number().int().min(1).max(65535);

/**
 * OAuth2 instead of a password (Microsoft 365, Google Workspace): tokens from the
 * provider's token endpoint, by client credentials, or by a refresh token when one is given.
 */
const oauth2 = z
  .object({
    type: z.literal('oauth2'),
    token_url: z.string().url(),
    client_id: z.string().min(1),
    client_secret: z.string().optional(),
    client_secret_env: z.string().optional(),
    scope: z.string().optional(),
    refresh_token: z.string().optional(),
    refresh_token_env: z.string().optional(),
  })
  .strict();

/** A secret is given inline (`password`) or by environment variable name (`password_env`); or `auth` says OAuth2. */
const withSecret = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, password: z.string().optional(), password_env: z.string().optional(), auth: oauth2.optional() }).strict();

/** OAuth2 settings with their secrets read (config/load.ts). */
export interface OAuth2Settings {
  type: 'oauth2';
  token_url: string;
  client_id: string;
  client_secret: string | undefined;
  scope: string | undefined;
  refresh_token: string | undefined;
}


const period = z.string().transform((text, ctx): RetentionPeriod | null => {
  const parsed = parseRetention(text);
  if (parsed === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${text}" is not a retention period: expected ${RETENTION_SYNTAX}` });
    return z.NEVER;
  }
  return parsed;
});

const categoryRule = z
  .object({ category: z.enum(CATEGORIES), keywords: z.array(z.string().min(1)).min(1) })
  .strict();

/** A name for every language: the one given for it, else `own`. */
export function inEveryLocale(own: string, given: Partial<Record<Locale, string>> = {}): Record<Locale, string> {
  return Object.fromEntries(LOCALES.map((l) => [l, given[l] ?? own])) as Record<Locale, string>;
}

const agentList = z.array(
  z
    .object({
      name: z.string().min(1),
      email,
      level: z.number().int().min(1).max(3).default(1),
      /** The language of guichet's own mails to this agent (#help, a refused command); the service's by default. */
      locale: z.enum(LOCALES).optional(),
    })
    .strict(),
);

/** One IMAP account: the support mailbox's, or another mailbox's (`mailboxes`). */
const imapSection = withSecret({
  host: z.string().min(1),
  port,
  secure: z.boolean().default(false),
  user: z.string().min(1),
  tls_reject_unauthorized: z.boolean().default(true),
  inbox: z.string().default('INBOX'),
  processed: z.string().default('Processed'),
  quarantine: z.string().default('Quarantine'),
  poll_seconds: z.number().positive().default(60),
  /**
   * While idle, also look for new mail this often (NOOP and SEARCH, nothing written):
   * Dovecot tells an IDLE client of new mail only 500 ms after it arrives. Null: IDLE alone.
   */
  check_ms: z.number().int().min(50).nullable().default(null),
  batch_size: z.number().int().positive().default(200),
  operation_timeout_seconds: z.number().positive().default(120),
});

const teamsSection = z.record(z.string().regex(/^[123]$/, 'team levels are 1, 2 or 3'), z.object({ address: email }).strict());

export const configSchema = z
  .object({
    support: z
      .object({
        address: email,
        /** One name, or one per language (`{ fr: Service client, en: Customer service }`): a mail signs in its own language. */
        name: z.union([z.string().min(1), z.object({ fr: z.string().min(1).optional(), en: z.string().min(1).optional() }).strict()]),
        locale: z.enum(LOCALES).default('fr'),
        timezone: z.string().default('Europe/Paris'),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (typeof s.name !== 'string' && s.name[s.locale] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['name', s.locale], message: `name the service in its own language (${s.locale}), the one every other language falls back to` });
        }
      })
      .transform(({ name, ...rest }) => {
        const own = typeof name === 'string' ? name : name[rest.locale]!;
        // `name` is the service's language's; `names` gives each mail's language its own.
        return { ...rest, name: own, names: inEveryLocale(own, typeof name === 'string' ? {} : name) };
      }),
    imap: imapSection,
    smtp: withSecret({
      host: z.string().min(1),
      port,
      secure: z.boolean().default(false),
      user: z.string().optional(),
      tls_reject_unauthorized: z.boolean().default(true),
      max_connections: z.number().int().positive().default(3),
      /** The largest mail the relay takes (its SIZE); a customer's data archive over it goes in parts. */
      max_message_bytes: z.number().int().min(100_000).default(10 * 1024 * 1024),
    }),
    database: z
      .object({
        // The value is never repeated in the message: it may hold a password.
        url: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: (one instance) or postgres:// (several instances)').optional(),
        /** The name of an environment variable holding the URL (a password in it stays out of the file). */
        url_env: z.string().min(1).optional(),
      })
      .strict()
      .refine((d) => (d.url === undefined) !== (d.url_env === undefined), 'give url, or url_env naming the environment variable that holds it (one of them)'),
    reference: z
      .object({
        prefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2 to 10 capital letters or digits'),
        length: z.number().int().min(4).max(12).default(6),
      })
      .strict(),
    /**
     * A list of agents, or, to require that their mail be authenticated,
     * `{ require_authentication: true, authserv_ids: [mx.example.test], list: [...] }`.
     */
    agents: z
      .union([
        agentList,
        z
          .object({
            require_authentication: z.boolean().default(false),
            /** Authentication-Results headers (RFC 8601) are trusted only from these servers of ours. */
            authserv_ids: z.array(z.string().min(1)).default([]),
            /** Our hosts that add Received headers; a result below the first other hop is ignored (docs/security.md). */
            border_hosts: z.array(z.string().min(1)).default([]),
            /** How many Authentication-Results headers, from the top of a mail, our servers write. */
            trusted_results: z.number().int().min(1).max(10).default(1),
            /** When no result of our servers counts, guichet checks DKIM and DMARC itself (DNS lookups; docs/security.md). */
            verify_in_process: z.boolean().default(false),
            list: agentList,
          })
          .strict()
          .refine((a) => !a.require_authentication || a.authserv_ids.length > 0 || a.verify_in_process, {
            message: 'require_authentication needs authserv_ids (the servers whose Authentication-Results to trust) or verify_in_process',
          }),
      ])
      .default([])
      .transform((a) => (Array.isArray(a) ? { require_authentication: false, authserv_ids: [] as string[], border_hosts: [] as string[], trusted_results: 1, verify_in_process: false, list: a } : a)),
    teams: teamsSection,
    /**
     * More mailboxes served by the same process (the topic addresses of a shop, another
     * brand): each with its IMAP account, and its own team addresses and policy when given.
     * A ticket is answered from the address it was opened on.
     */
    mailboxes: z
      .array(
        z
          .object({ address: email, name: z.string().min(1).optional(), imap: imapSection, teams: teamsSection.optional(), policy: z.string().min(1).optional() })
          .strict(),
      )
      .default([]),
    sellers: z
      .array(
        z
          .object({
            id: z.string().min(1),
            name: z.string().min(1),
            email,
            /** What `#seller-contact` gives the customer besides the address. */
            phone: z.string().optional(),
            website: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    admins: z.array(email).default([]),
    classification: z
      .object({
        /** Extra rules, tried before the built-in French and English ones. */
        rules: z.array(categoryRule).default([]),
        /** Topic addresses: a mail sent to one of these gets its category directly. */
        addresses: z.record(email, z.enum(CATEGORIES)).default({}),
      })
      .strict()
      .default({}),
    orders: z
      .object({ pattern: z.string().default('\\b(?:CMD|CDE|ORD|commande|order)[\\s#:°n.-]*((?=[A-Z-]*\\d)[A-Z0-9-]{5,20})\\b') })
      .strict()
      .default({}),
    /** Which of the policies in `paths.policies` new tickets are opened under. */
    policy: z
      .object({
        default: z.string().min(1).default('marketplace'),
        /** One inbox for several services: a new ticket written to one of these addresses opens under its policy. */
        addresses: z.record(z.string().email(), z.string().min(1)).default({}),
        /** A new ticket of one of these categories opens under its policy (unless its address names one): personal-data requests under the legal month. */
        categories: z.record(z.enum(CATEGORIES), z.string().min(1)).default({}),
      })
      .strict()
      .default({}),
    scheduler: z
      .object({
        /** When the scheduler looks for due timers (node-cron syntax); every minute by default. */
        cron: z.string().refine((e) => cron.validate(e), 'not a valid cron expression, such as "* * * * *" (every minute)').default('* * * * *'),
        /** Due timers claimed at a time; a pass claims again until nothing is due. Small claims let instances share the work. */
        batch_size: z.number().int().positive().default(50),
      })
      .strict()
      .default({}),
    /** The scheduled report mail (docs/report.md): the figures of the days before each run, with charts. Off when absent. */
    report: z
      .object({
        /** When it goes (node-cron syntax, the support time zone): Monday 08:00 by default. */
        schedule: z.string().refine((e) => cron.validate(e), 'not a valid cron expression, such as "0 8 * * 1" (Mondays at 8:00)').default('0 8 * * 1'),
        to: z.array(email).min(1),
        locale: z.enum(LOCALES).optional(),
        /** How many whole days before the run's day the report covers. */
        days: z.number().int().min(1).max(366).default(7),
        /** Only the tickets of this policy (and its calendar); all by default. */
        policy: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    acknowledgements: z
      .object({ max_per_sender: z.number().int().min(1).default(5), per_minutes: z.number().positive().default(60) })
      .strict()
      .default({}),
    /** The loop budget: what guichet sends on its own, per ticket and per outside address, in a sliding window (docs/security.md). */
    loops: z
      .object({
        window_minutes: z.number().positive().default(60),
        per_ticket: z.number().int().min(1).default(30),
        per_recipient: z.number().int().min(1).default(20),
      })
      .strict()
      .default({}),
    limits: z
      .object({
        /** A 25 MB attachment (the common providers' limit) is ~34 MiB once base64-encoded. */
        max_mail_bytes: z.number().int().positive().default(40 * 1024 * 1024),
        max_attachment_bytes: z.number().int().positive().default(25 * 1024 * 1024),
        parse_timeout_seconds: z.number().positive().default(30),
        /** Threads that parse mail beside the main one; `auto`: one less than the cores, at most 4 (0 on one core). */
        parse_threads: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
      })
      .strict()
      .default({}),
    spam: z
      .object({
        /** A filter score at or over this is spam even without the filter's own yes; null: its yes alone. */
        score_threshold: z.number().nullable().default(null),
      })
      .strict()
      .default({}),
    /** `/metrics`, `/healthz`, `/readyz` over HTTP (docs/operations.md); off unless set. */
    metrics: z
      .object({ listen: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port, such as "127.0.0.1:9464"') })
      .strict()
      .optional(),
    /** How long each kind of data is kept (docs/personal-data.md, "Retention"); the scheduler applies it in small batches. */
    retention: z
      .object({
        /** The bytes of received mails (ledger and Processed folder); their messages stay. */
        raw_mail: period.default('6 months after close'),
        /** Tickets: then kept under a pseudonym, without their words, for the reports. */
        tickets: period.default('3 years after close'),
        /** Mails in quarantine (ledger and Quarantine folder), from their arrival: they have no ticket to close. */
        quarantine: period.refine((p) => p === null || p.after === 'arrival', 'a quarantined mail has no ticket to close: give a period from its arrival, such as "30 days"').default('30 days'),
        /** Tickets or mails per transaction; a pass takes at most 20 batches of each kind. */
        batch: z.number().int().min(1).max(10_000).default(200),
      })
      .strict()
      .default({}),
    alerts: z
      .object({
        /** No successful poll of the inbox for this long tells the admins. */
        poll_stalled_minutes: z.number().positive().default(10),
        /** The oldest unsent mail waiting this long tells the admins. */
        outbox_stuck_minutes: z.number().positive().default(10),
        /** At most one mail per kind of trouble in this time. */
        every_minutes: z.number().positive().default(60),
      })
      .strict()
      .default({}),
    outbox: z
      .object({
        poll_seconds: z.number().positive().default(5),
        max_attempts: z.number().int().positive().default(10),
      })
      .strict()
      .default({}),
    paths: z
      // Relative to the configuration file's folder; templates and policies default to the ones shipped with guichet.
      .object({ data: z.string().default('data'), templates: z.string().optional(), policies: z.string().optional() })
      .strict()
      .default({}),
    sandbox: z
      .object({
        enabled: z.boolean().default(false),
        accounts: z.array(z.object({ user: email, password: z.string() }).strict()).default([]),
      })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({}),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;

/** One IMAP account, its password or OAuth2 secrets read. */
export type ImapSettings = Omit<RawConfig['imap'], 'password_env' | 'auth'> & { password: string; auth: OAuth2Settings | null };

/** The validated configuration, with secrets resolved and paths absolute. */
export type Config = Readonly<
  Omit<RawConfig, 'imap' | 'smtp' | 'database' | 'paths' | 'mailboxes'> & {
    /** The URL, read from the environment when `url_env` names it. */
    database: { url: string };
    /** Absolute: relative ones were read from the configuration file's folder; templates and policies default to the shipped ones. */
    paths: { data: string; templates: string; policies: string };
    imap: ImapSettings;
    /** The mailboxes besides the support one, their IMAP secrets read; `name` defaults to support.name. */
    mailboxes: { address: string; name: string; names: Record<Locale, string>; imap: ImapSettings; teams?: RawConfig['teams']; policy?: string }[];
    smtp: Omit<RawConfig['smtp'], 'password_env' | 'auth'> & { auth: OAuth2Settings | null };
    /** The file this configuration was read from, for messages. */
    source: string;
    /** Every policy of `paths.policies`, by name (file name without .yaml). */
    policies: Readonly<Record<string, Policy>>;
  }
>;
