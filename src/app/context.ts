import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { normaliseAddress } from '../domain/address.js';
import type { DecisionPolicy } from '../domain/decision.js';
import type { Parties } from '../domain/threading.js';
import type { Logger } from '../logger.js';
import { ParserPool } from '../mail/parserPool.js';
import type { Database } from '../store/db.js';
import type { InboundMail } from '../domain/inbound.js';
import { withOwnVerification, type DnsResolver } from '../mail/verifySender.js';
import { TemplateRenderer } from '../templates/renderer.js';
import { OutboxBell } from './outboxBell.js';
import { Metrics } from './metrics.js';

/** What every use-case is handed: configuration, database, templates, logger. Built once at start. */
export interface AppContext {
  config: Config;
  db: Database;
  renderer: TemplateRenderer;
  /** Parses incoming mail, on other threads when the machine has the cores; closed with the context. */
  parsers: ParserPool;
  logger: Logger;
  policy: DecisionPolicy;
  parties: Parties;
  attachmentsDir: string;
  /** Adds guichet's own DKIM/DMARC verdict to a mail in an agent's name, when `agents.verify_in_process` asks for it. */
  verifySender: ((mail: InboundMail, raw: Buffer) => Promise<InboundMail>) | null;
  /** Rung after a commit that queued mail: the sender wakes at once (see OutboxBell). */
  outboxBell: OutboxBell;
  /** Counted as things happen; served by `metrics.listen` (app/healthServer.ts). */
  metrics: Metrics;
}

export interface ContextOptions {
  /** How DNS is asked for DKIM keys and DMARC records; the system's resolver by default. */
  resolver?: DnsResolver;
}

export function createContext(config: Config, db: Database, logger: Logger, options: ContextOptions = {}): AppContext {
  const { limits } = config;
  const policy = decisionPolicy(config);
  const trust = policy.agentAuthentication;
  const attachmentsDir = path.join(config.paths.data, 'attachments');
  const threads = limits.parse_threads === 'auto' ? Math.min(4, availableParallelism() - 1) : limits.parse_threads;
  return {
    config,
    db,
    logger,
    renderer: new TemplateRenderer(config.paths.templates, config.support.locale, config.support.timezone),
    parsers: new ParserPool(
      threads,
      { attachmentsDir, maxAttachmentBytes: limits.max_attachment_bytes, timeoutMs: limits.parse_timeout_seconds * 1000, supportAddress: config.support.address },
      logger,
    ),
    policy,
    parties: {
      agents: config.agents.list.map((a) => a.email),
      sellerEmail: (id) => config.sellers.find((s) => s.id === id)?.email,
    },
    attachmentsDir,
    outboxBell: new OutboxBell(),
    metrics: new Metrics(new Date()),
    verifySender:
      trust && config.agents.verify_in_process ? (mail, raw) => withOwnVerification(mail, raw, config.agents.list, trust, options.resolver) : null,
  };
}

/** The slice of configuration the pure domain decides with. */
function decisionPolicy(config: Config): DecisionPolicy {
  return {
    referencePrefix: config.reference.prefix,
    defaultLocale: config.support.locale,
    policies: config.policies,
    defaultPolicy: config.policy.default,
    policyCategories: config.policy.categories,
    // A mailbox's own policy is that of its address.
    policyAddresses: Object.fromEntries([
      ...config.mailboxes.flatMap((m) => (m.policy ? [[normaliseAddress(m.address), m.policy]] : [])),
      ...Object.entries(config.policy.addresses).map(([address, name]) => [normaliseAddress(address), name]),
    ]),
    mailboxes: config.mailboxes.map((m) => ({
      address: normaliseAddress(m.address),
      teams: m.teams ? Object.fromEntries(Object.entries(m.teams).map(([level, team]) => [Number(level), team.address])) : null,
    })),
    sellers: config.sellers,
    admins: config.admins,
    orderPattern: config.orders.pattern,
    rules: config.classification.rules,
    topicAddresses: config.classification.addresses,
    supportAddress: config.support.address,
    supportName: config.support.name,
    supportNames: config.support.names,
    acknowledgementsPerWindow: config.acknowledgements.max_per_sender,
    loopBudget: { windowMinutes: config.loops.window_minutes, perTicket: config.loops.per_ticket, perRecipient: config.loops.per_recipient },
    agents: config.agents.list.map((a) => ({ name: a.name, email: a.email, ...(a.locale ? { locale: a.locale } : {}) })),
    spamScoreThreshold: config.spam.score_threshold,
    agentAuthentication: config.agents.require_authentication
      ? { authservIds: config.agents.authserv_ids, borderHosts: config.agents.border_hosts, topmost: config.agents.trusted_results }
      : null,
    teamAddresses: Object.fromEntries(Object.entries(config.teams).map(([level, team]) => [Number(level), team.address])),
  };
}
