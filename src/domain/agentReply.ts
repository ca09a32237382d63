import { normaliseAddress } from './address.js';
import { COMMAND_SYNTAX, parseCommands, type Command } from './commands.js';
import { inEnglish, problemText, type CommandProblem } from './commandProblem.js';
import type { Agent, DecisionPolicy, DomainEvent, OutgoingMail } from './decision.js';
import type { InboundMail } from './inbound.js';
import { policyOf, sellerOf, teamMail, toCustomer, toSeller, toStaff } from './outgoing.js';
import { escalationAt, firstResponseDue } from './policy.js';
import type { SenderBlock } from './spam.js';
import { clockStart, type Level, type Ticket } from './ticket.js';
import { cutStaffQuote, leakedLines, staffGuard, type TicketTexts } from './staffText.js';

const DAY = 86_400_000;

interface Outcome {
  ticket: Ticket;
  events: DomainEvent[];
  outgoing: OutgoingMail[];
  senders?: SenderBlock[];
}

/**
 * An agent wrote into a ticket from their own mail client. Commands at the top act
 * on the ticket; the rest (quotes and signature already stripped) goes to the
 * customer from the support address under the agent's name, threaded in the
 * customer's conversation, or to the team only with #note. A reply with a wrong
 * command changes nothing and reaches no customer: the agent is told what was wrong
 * and what would have been sent.
 */
export function agentAnswer(
  ticket: Ticket,
  mail: InboundMail,
  agent: Agent,
  now: Date,
  policy: DecisionPolicy,
  restrictedSellers: ReadonlyMap<string, Date> = new Map(),
  texts: TicketTexts | null = null,
): Outcome {
  // The quoted staff mail goes first, whatever the client's quote header (see staffText.ts).
  const guard = texts ? staffGuard(texts) : null;
  const parsed = parseCommands(guard ? cutStaffQuote(mail.visibleText, guard) : mail.visibleText);
  const commands = parsed.commands;
  const errors = [...parsed.errors, ...commands.flatMap((c) => commandProblems(c, ticket, commands, parsed.body, policy, restrictedSellers, agent))];
  // Whatever is written into a spam ticket would go to the spammer: only #notspam (or #spam, #note, #help) may act.
  if (ticket.status === 'spam' && !commands.some((c) => c.kind === 'notspam' || c.kind === 'spam' || c.kind === 'note' || c.kind === 'help')) {
    errors.push({ code: 'spam_ticket' });
  }
  if (errors.length > 0) {
    return {
      ticket,
      events: [{ type: 'commands_rejected', by: agent.email, errors: inEnglish(errors) }],
      outgoing: [rejectionToAgent(agent, errors, parsed.body, policy)],
    };
  }
  // Staff-only text left in what would go out (pasted, or quoted in a shape the cut did
  // not recognise): nothing is sent and nothing changes; the agent sees which lines.
  const leaks = guard && !commands.some((c) => c.kind === 'note') ? leakedLines(parsed.body, guard) : [];
  if (leaks.length > 0) {
    const held: CommandProblem[] = [{ code: 'staff_lines', lines: leaks }, { code: 'nothing_applied' }];
    return { ticket, events: [{ type: 'answer_held_back', by: agent.email, lines: leaks }], outgoing: [rejectionToAgent(agent, held, parsed.body, policy)] };
  }

  const events: DomainEvent[] = [];
  let current = ticket;
  for (const command of commands) {
    current = applyCommand(current, command, now, policy);
    events.push({ type: 'command_applied', by: agent.email, command: describe(command) });
  }
  const outgoing: OutgoingMail[] = [];
  // Personal data: the daemon does the work after this decision commits (app/privacyJobs.ts).
  if (commands.some((c) => c.kind === 'export')) events.push({ type: 'export_requested', by: agent.email });
  if (commands.some((c) => c.kind === 'erase')) {
    events.push({ type: 'erasure_requested', by: agent.email });
    outgoing.push(toCustomer(current, 'erasure-confirm', {}, false));
  }
  if (commands.some((c) => c.kind === 'help')) outgoing.push(toAgent(agent, 'command-help', policy, { commands: COMMAND_SYNTAX }));
  if (current.level > ticket.level) {
    // A new team takes over: it gets the whole dossier, as with an escalation by deadline.
    events.push({ type: 'escalated', from: ticket.level, to: current.level, reason: 'command' });
    const rules = policyOf(current, policy);
    const step = escalationAt(rules, clockStart(current)).find((s) => s.level === current.level);
    const promiseBy = step ? rules.calendar.add(clockStart(current), step.promise) : null;
    outgoing.push(...teamMail(current, current.level, 'escalation-dossier', policy, { from: ticket.level, reason: 'command', promiseBy, agentName: agent.name }, true));
  }
  const has = (kind: Command['kind']) => commands.some((c) => c.kind === kind);

  if (has('spam')) {
    // Closed in silence, its sender blocked: an answer, even a refusal, is what a spammer wants.
    events.push({ type: 'marked_spam', by: agent.email, sender: current.customerEmail });
    return { ticket: current, events, outgoing, senders: [{ address: current.customerEmail, blocked: true, by: agent.email, reference: current.reference }] };
  }
  const senders: SenderBlock[] = [];
  if (has('notspam')) {
    events.push({ type: 'marked_not_spam', by: agent.email, sender: current.customerEmail });
    senders.push({ address: current.customerEmail, blocked: false, by: agent.email, reference: current.reference });
    // The customer was never acknowledged: with no answer of the agent's, they get the acknowledgement now.
    if (parsed.body === '') {
      outgoing.push(toCustomer(current, 'acknowledgement', { answerBy: current.firstResponseDueAt }));
      return { ticket: current, events, outgoing, senders };
    }
  }

  if (has('note')) {
    const team = policy.teamAddresses[current.level];
    if (parsed.body !== '' && team !== undefined) {
      outgoing.push({ ...toStaff(current, team, policy), automatic: false, template: 'internal-note', fromName: `${agent.name} via ${policy.supportName}`, attachments: mail.attachments, variables: { text: parsed.body, agentName: agent.name } });
    }
    events.push({ type: 'internal_note', by: agent.email, messageId: mail.messageId });
    return { ticket: current, events, outgoing };
  }
  if (has('seller')) {
    // The text is for the seller, on the customer's behalf; the customer is not written to.
    const seller = sellerOf(current, policy)!;
    const rules = policyOf(current, policy);
    events.push({ type: 'seller_requested', sellerId: seller.id, by: agent.email });
    outgoing.push({
      ...toSeller(current, seller, 'seller-request', policy, { text: parsed.body, agentName: agent.name, answerBy: rules.calendar.add(now, rules.sellers.firstChaseAfter) }),
      fromName: `${agent.name} – ${policy.supportName}`,
      attachments: mail.attachments,
    });
    return { ticket: current, events, outgoing };
  }
  const template = has('resolve') ? 'resolved' : has('hold') ? 'hold-notice' : has('seller_contact') ? 'seller-contact' : 'agent-reply';
  if (parsed.body === '' && template === 'agent-reply') {
    if (commands.length === 0) {
      // Nothing of the agent's own was found: they must know the customer got nothing.
      events.push({ type: 'agent_reply_empty', agent: agent.email });
      outgoing.push(rejectionToAgent(agent, [{ code: 'no_text' }], '', policy));
    }
    return { ticket: current, events, outgoing };
  }

  // Something goes to the customer: an answer, or a notice (with the answer's text if any).
  events.push({ type: 'agent_replied', agent: agent.email, messageId: mail.messageId });
  if (has('resolve')) events.push({ type: 'resolved', by: agent.email });
  if (current.firstResponseAt === null) {
    events.push({ type: 'first_response', agent: agent.email, dueAt: current.firstResponseDueAt?.toISOString() ?? null });
    current = { ...current, firstResponseAt: now };
  }
  const seller = sellerOf(current, policy);
  const rules = policyOf(current, policy);
  outgoing.push({
    ...toCustomer(current, template, {
      text: parsed.body,
      agentName: agent.name,
      until: current.holdUntil,
      ...(template === 'resolved' ? { closeBy: rules.calendar.add(now, rules.satisfaction.closeAfter) } : {}),
      // "Still looking into it, with the seller" only where there is one.
      ...(template === 'hold-notice' ? { withSeller: seller !== undefined } : {}),
      ...(template === 'seller-contact' && seller ? { seller: { name: seller.name, email: seller.email, phone: seller.phone ?? null, website: seller.website ?? null } } : {}),
    }, false),
    fromName: `${agent.name} – ${policy.supportNames?.[current.locale] ?? policy.supportName}`,
    attachments: mail.attachments,
  });
  return { ticket: current, events, outgoing, senders };
}

/** What would make a command wrong on this ticket. */
function commandProblems(command: Command, ticket: Ticket, all: Command[], body: string, policy: DecisionPolicy, restrictedSellers: ReadonlyMap<string, Date>, agent: Agent): CommandProblem[] {
  const written = describe(command);
  const sellerId = all.reduce<string | null>((id, c) => (c.kind === 'seller' && c.id ? c.id : id), ticket.sellerId);
  switch (command.kind) {
    case 'export':
    case 'erase':
      return personalDataProblems(command, ticket, all, policy, agent);
    case 'assign':
      return findAgent(policy, command.who) ? [] : [{ code: 'unknown_agent', written }];
    case 'seller': {
      if (command.id && !policy.sellers.some((s) => s.id === command.id)) return [{ code: 'unknown_seller', written, sellers: policy.sellers.map((s) => s.id) }];
      if (!command.id && ticket.sellerId === null) return [{ code: 'no_seller_yet', written }];
      const target = command.id ?? ticket.sellerId!;
      const since = restrictedSellers.get(target);
      // Restricted for not answering: asking again would only delay the customer.
      if (since) return [{ code: 'seller_restricted', written: `#seller ${target}`, since: since.toISOString().slice(0, 10) }];
      return body === '' ? [{ code: 'seller_text_missing', written }] : [];
    }
    case 'notspam':
      return ticket.status === 'spam' ? [] : [{ code: 'not_spam', written }];
    case 'seller_contact':
      return sellerId === null || !policy.sellers.some((s) => s.id === sellerId) ? [{ code: 'no_seller_for_contact', written }] : [];
    default:
      return [];
  }
}

/**
 * #export and #erase act on a person's data: only an admin, only on a ticket that is a
 * personal-data request, and only for the person who wrote it. Whoever asks for
 * someone else's data is never served automatically: the archive goes to the ticket's
 * own address, and another address is refused, to be checked by a person first.
 */
function personalDataProblems(command: Extract<Command, { kind: 'export' | 'erase' }>, ticket: Ticket, all: Command[], policy: DecisionPolicy, agent: Agent): CommandProblem[] {
  const written = `#${command.kind}${command.address ? ` ${command.address}` : ''}`;
  if (!policy.admins.some((a) => normaliseAddress(a) === normaliseAddress(agent.email))) return [{ code: 'admin_only', written }];
  const category = all.reduce((c, k) => (k.kind === 'category' ? k.category : c), ticket.category);
  if (category !== 'donnees_personnelles') {
    return [{ code: 'not_personal_data', written, category: ticket.category }];
  }
  if (command.address && command.address !== ticket.customerEmail) {
    return [{ code: 'someone_else', written, customer: ticket.customerEmail, command: command.kind }];
  }
  return [];
}

function applyCommand(ticket: Ticket, command: Command, now: Date, policy: DecisionPolicy): Ticket {
  switch (command.kind) {
    case 'erase':
      return { ...ticket, status: 'waiting_customer', holdUntil: null, erasureRequestedAt: now };
    case 'export':
      return ticket;
    case 'resolve':
      return { ...ticket, status: 'resolved', holdUntil: null, resolvedAt: now };
    case 'close':
      return { ...ticket, status: 'closed', holdUntil: null, closedAt: now };
    case 'waiting':
      return { ...ticket, status: 'waiting_customer', holdUntil: null };
    case 'hold':
      return { ...ticket, status: 'on_hold', holdUntil: new Date(now.getTime() + command.days * DAY) };
    case 'assign':
      return { ...ticket, assignee: normaliseAddress(findAgent(policy, command.who)!.email) };
    case 'escalate':
      return { ...ticket, level: Math.min(3, ticket.level + 1) as Level };
    case 'level':
      return { ...ticket, level: command.level };
    case 'category':
      return { ...ticket, category: command.category };
    case 'priority':
      return { ...ticket, priority: command.priority };
    case 'seller':
      return { ...ticket, sellerId: command.id ?? ticket.sellerId, status: 'waiting_seller', sellerRequestedAt: now, sellerChases: 0, sellerLastChaseAt: null };
    case 'spam':
      return { ...ticket, status: 'spam', holdUntil: null, closedAt: now };
    case 'notspam': {
      // A request that starts now: its deadlines count from the agent's word, not from the spam's arrival.
      const rules = policyOf(ticket, policy);
      const waiting = ticket.firstResponseAt === null;
      return { ...ticket, status: 'open', closedAt: null, cycleStartedAt: now, firstResponseDueAt: waiting ? firstResponseDue(rules, now) : ticket.firstResponseDueAt };
    }
    case 'note':
    case 'help':
    case 'seller_contact':
    case 'resume':
      return ticket;
    default: {
      const never: never = command;
      return never;
    }
  }
}

function findAgent(policy: DecisionPolicy, who: string): Agent | undefined {
  const wanted = who.trim().toLowerCase();
  return policy.agents.find((a) => normaliseAddress(a.email) === wanted || a.name.toLowerCase() === wanted);
}

function describe(command: Command): string {
  switch (command.kind) {
    case 'hold':
      return `#hold ${command.days}d`;
    case 'assign':
      return `#assign ${command.who}`;
    case 'level':
      return `#level ${command.level}`;
    case 'category':
      return `#category ${command.category}`;
    case 'priority':
      return `#priority ${command.priority}`;
    case 'seller':
      return command.id ? `#seller ${command.id}` : '#seller';
    case 'seller_contact':
      return '#seller-contact';
    case 'export':
    case 'erase':
      return `#${command.kind}`;
    default:
      return `#${command.kind}`;
  }
}

/** Tells an agent, in the team's language, that their mail was refused, why, and what would have been sent. */
export function rejectionToAgent(agent: Agent, problems: CommandProblem[], wouldHaveSent: string, policy: DecisionPolicy): OutgoingMail {
  return toAgent(agent, 'command-error', policy, { errors: problems.map((p) => problemText(p, agent.locale ?? policy.defaultLocale)), wouldHaveSent });
}

/** A mail from guichet to the agent who wrote: what was wrong, or the command list. */
function toAgent(agent: Agent, template: 'command-error' | 'command-help', policy: DecisionPolicy, variables: Record<string, unknown>): OutgoingMail {
  return {
    template,
    to: { address: agent.email, name: agent.name },
    locale: agent.locale ?? policy.defaultLocale,
    // Generated by us: a robot on the agent's side must not answer it (RFC 3834).
    automatic: true,
    inReplyTo: null,
    references: [],
    variables: { ...variables, agentName: agent.name },
  };
}
