/**
 * The shapes every decision shares: what the domain is given (DecisionPolicy, the
 * slice of configuration it needs) and what it gives back (a Decision: the ticket,
 * its events, the mails to send). Inbound mail (decide.ts), agents' answers
 * (agentReply.ts), timers (timerDecision.ts) and the loop budget all speak them, so
 * they live apart from any one of those.
 */
import type { AutomaticReason, ProbableRobot } from './automatic.js';
import type { CategoryRule } from './classify.js';
import type { MailAddress, StoredAttachment } from './inbound.js';
import type { Policy } from './policy.js';
import type { AuthenticationTrust } from './senderAuth.js';
import type { Level, Ticket } from './ticket.js';
import type { Category, DeliveryAction, Locale } from './vocabulary.js';
import type { SenderBlock, SpamReason } from './spam.js';

/** A configured agent: a mail from this address into a ticket is an answer to the customer. */
export interface Agent {
  name: string;
  email: string;
  /** The language guichet writes to this agent in; the service's when absent. */
  locale?: Locale;
}

/** A seller as the domain needs it: who to write to, and what a customer may be given. */
export interface SellerContact {
  id: string;
  name: string;
  email: string;
  phone?: string;
  website?: string;
}

/** How much guichet may send on its own before it suspects a loop (config `loops`). */
export interface LoopBudget {
  windowMinutes: number;
  /** Mails of one ticket in the window. */
  perTicket: number;
  /** Mails to one outside address (not a team, agent, admin or the support address) in the window. */
  perRecipient: number;
}

/** The slice of configuration the decision needs, so tests can build it in one line. */
export interface DecisionPolicy {
  referencePrefix: string;
  defaultLocale: Locale;
  /** Every policy by name, and the one new tickets are opened under. */
  policies: Readonly<Record<string, Policy>>;
  defaultPolicy: string;
  /** Support address (normalised) -> the policy of new tickets written to it. */
  policyAddresses: Readonly<Record<string, string>>;
  /** Our other mailboxes (lower case): a ticket opened on one has it as channel, and its teams when it names some. */
  mailboxes: readonly { address: string; teams: Readonly<Partial<Record<Level, string>>> | null }[];
  /** Category -> the policy of new tickets of that category, when their address names none. */
  policyCategories: Readonly<Partial<Record<Category, string>>>;
  sellers: readonly SellerContact[];
  /** Told of SLA breaches and restricted sellers. */
  admins: readonly string[];
  orderPattern: string;
  rules: readonly CategoryRule[];
  topicAddresses: Readonly<Record<string, Category>>;
  supportAddress: string;
  supportName: string;
  /** The support name in each language, for what a customer reads in their own. */
  supportNames?: Readonly<Partial<Record<Locale, string>>>;
  acknowledgementsPerWindow: number;
  /** The team address of each level: the people told of every customer mail. */
  teamAddresses: Readonly<Partial<Record<Level, string>>>;
  /** Configured agents: a mail from one of them into a ticket is an answer to the customer. */
  agents: readonly Agent[];
  /** What guichet may send on its own before it suspects a loop (see loopBudget.ts). */
  loopBudget: LoopBudget;
  /** When set, an agent's mail acts only if one of our servers vouched for it (see senderAuth.ts). */
  agentAuthentication: AuthenticationTrust | null;
  /** A spam score at or over this is spam even when the filter did not say yes; null: the filter's yes alone. */
  spamScoreThreshold: number | null;
}

export type DomainEvent =
  | { type: 'ticket_created'; category: Category; orderNumber: string | null }
  | { type: 'message_received'; messageId: string; from: string; automatic: AutomaticReason | null }
  | { type: 'ticket_reopened'; previousStatus: Ticket['status']; previousFirstResponseAt: string | null }
  | { type: 'intrusion_refused'; from: string; reference: string; via: string }
  | { type: 'acknowledgement_rate_limited'; to: string }
  | { type: 'agent_replied'; agent: string; messageId: string }
  | { type: 'agent_reply_empty'; agent: string }
  | { type: 'first_response'; agent: string; dueAt: string | null }
  | { type: 'command_applied'; by: string; command: string }
  | { type: 'commands_rejected'; by: string; errors: string[] }
  | { type: 'internal_note'; by: string; messageId: string; automatic?: AutomaticReason | ProbableRobot }
  | { type: 'forwarded_by_agent'; agent: string }
  | { type: 'agent_mail_refused'; agent: string; errors: string[] }
  | { type: 'loop_suspected'; mails: number; to: string | null; windowMinutes: number }
  | { type: 'loop_cleared'; by: string }
  | { type: 'probably_automatic'; reason: ProbableRobot }
  | { type: 'answer_held_back'; by: string; lines: string[] }
  | { type: 'mail_withheld'; template: TemplateName; to: string; reason: 'loop_suspected' | 'address_cannot_exist' | 'address_undeliverable' }
  | { type: 'first_response_reminded'; dueAt: string | null }
  | { type: 'escalated'; from: Level; to: Level; reason: 'deadline' | 'seller_silent' | 'command' }
  | { type: 'sla_breached'; dueAt: string }
  | { type: 'customer_updated' }
  | { type: 'hold_ended' }
  | { type: 'seller_requested'; sellerId: string; by: string }
  | { type: 'seller_chased'; sellerId: string; chase: number }
  | { type: 'seller_struck'; sellerId: string; strikes: number; restricted: boolean }
  /** `chasesBefore`: how many chases it took (0: answered before the first); absent in events older than the reports. */
  | { type: 'seller_replied'; sellerId: string; afterSeconds: number | null; chasesBefore?: number }
  | { type: 'seller_request_dropped'; sellerId: string }
  | { type: 'resolved'; by: string }
  | { type: 'rated'; rating: number }
  | { type: 'closed'; reason: 'no_answer' | 'rated' | 'command' }
  | { type: 'linked_to_closed'; previous: string }
  | ({ type: 'delivery_failed' } & DeliveryFailure)
  | { type: 'auto_close_held'; customer: string }
  | { type: 'spam_received'; reason: SpamReason; filter: string | null; score: number | null; from: string; subject: string }
  | { type: 'marked_spam'; by: string; sender: string }
  | { type: 'marked_not_spam'; by: string; sender: string }
  | { type: 'customer_update_skipped'; customer: string }
  /** An admin's #export: the daemon sends the customer their data (app/privacyJobs.ts). */
  | { type: 'export_requested'; by: string }
  /** An admin's #erase: the customer is asked to confirm by reply. */
  | { type: 'erasure_requested'; by: string }
  /** The customer confirmed: the daemon erases their data and sends them a last notice. */
  | { type: 'erasure_confirmed' };

export type TemplateName =
  | 'acknowledgement'
  | 'agent-notification'
  | 'agent-reply'
  | 'hold-notice'
  | 'internal-note'
  | 'command-error'
  | 'command-help'
  | 'first-response-reminder'
  | 'escalation-dossier'
  | 'escalation-notice'
  | 'sla-breach'
  | 'regular-update'
  | 'hold-ended'
  | 'seller-request'
  | 'seller-chase'
  | 'seller-strike'
  | 'seller-silent'
  | 'seller-restricted'
  | 'seller-reply'
  | 'seller-contact'
  | 'resolved'
  | 'satisfaction-thanks'
  | 'low-rating'
  | 'closed'
  | 'reopened'
  | 'loop-suspected'
  | 'delivery-failure'
  | 'admin-alert'
  | 'spam-digest'
  | 'report'
  | 'erasure-confirm'
  | 'erasure-done'
  | 'personal-data-export';

/** One mail of ours that did not arrive, as the domain decides on it (deliveryFailure.ts). */
export interface DeliveryFailure {
  /** The Message-ID of our mail. */
  messageId: string;
  /** Who did not get it. */
  to: string;
  /** What it was (acknowledgement, agent-reply, …), when the store knows. */
  template: TemplateName | null;
  action: DeliveryAction;
  permanent: boolean;
  status: string | null;
  diagnostic: string | null;
  /** How we learnt it: a report mailed back to us, or our own relay's refusal. */
  via: 'report' | 'smtp';
}

/** A mail to send, as data: the app renders the template and queues it in the same transaction. */
export interface OutgoingMail {
  template: TemplateName;
  to: MailAddress;
  locale: Locale;
  /** Sent by a machine: gets Auto-Submitted: auto-replied (RFC 3834). */
  automatic: boolean;
  inReplyTo: string | null;
  references: string[];
  variables: Record<string, unknown>;
  /** Display name instead of the support name, e.g. "Jeanne Dupont via Service client". */
  fromName?: string;
  /** Files to attach, by content address. */
  attachments?: StoredAttachment[];
  /** The app adds the ticket's whole history (`history`) to the variables: a new team gets the dossier. */
  dossier?: boolean;
}

export interface Decision {
  /** The ticket the mail belongs to after the decision; null for automatic mail that threads nowhere. */
  ticket: Ticket | null;
  created: boolean;
  /** Events recorded on the ticket; `intrusion_refused` is also recorded on the refused ticket by reference. */
  events: DomainEvent[];
  outgoing: OutgoingMail[];
  /** Why a mail that reaches no ticket was left alone, for the inbound ledger. */
  reason?: string;
  /** Senders an agent blocked or unblocked (`#spam`, `#notspam`). */
  senders?: SenderBlock[];
}
