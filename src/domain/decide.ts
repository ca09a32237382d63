import type { Agent, Decision, DecisionPolicy, DomainEvent, OutgoingMail, SellerContact } from './decision.js';
import { confirmsErasure } from './personalData.js';
import { normaliseAddress } from './address.js';
import { agentAnswer, rejectionToAgent } from './agentReply.js';
import { inEnglish, problemText, type CommandProblem } from './commandProblem.js';
import { senderAuthenticated } from './senderAuth.js';
import { withinBudget, type RecentMails } from './loopBudget.js';
import type { TicketTexts } from './staffText.js';
import { parseCommands } from './commands.js';
import { classify, findOrderNumber } from './classify.js';
import type { InboundMail } from './inbound.js';
import { detectLocale } from './locale.js';
import { cleanSubject } from './subject.js';
import type { ThreadMatch } from './threading.js';
import { policyOf, sellerOf, teamMail, teamRecipients, toCustomer, toStaff, withCustomerUpdate } from './outgoing.js';
import { firstResponseDue, targetsAt } from './policy.js';
import { readRating } from './rating.js';
import { decideDeliveryFailures, reachableAgain, type DeliveryFailure } from './deliveryFailure.js';
import { spamReason, type SpamReason } from './spam.js';
import { NO_DEADLINE_HISTORY, type Ticket } from './ticket.js';
import { withRecord } from './ticketRecord.js';


export interface InboundEvent {
  mail: InboundMail;
  match: ThreadMatch;
  /** What guichet sent recently, by recipient and by ticket: the acknowledgement limit and the loop budget. */
  recent: RecentMails;
  /** A fresh reference, used only if a ticket is created. */
  newReference: string;
  /** Sellers restricted for not cooperating, with since when: `#seller` refuses to ask them again. */
  restrictedSellers?: ReadonlyMap<string, Date>;
  /** The matched ticket's history split by who saw it, for an agent's mail: staff-only text never goes out (staffText.ts). */
  ticketTexts?: TicketTexts;
  /** An agent blocked the sender with `#spam`: their mail is spam, whatever the filter says. */
  senderBlocked?: boolean;
  /** The mail is a delivery report about mails of ours in this ticket (the app matched its Message-IDs). */
  delivery?: { ticket: Ticket; failures: DeliveryFailure[] };
}

/**
 * The pure heart of the customer loop: what a mail does to the ticket it matched
 * (or to a new one), which events it records and which mails it causes. Time comes in
 * as `now`; nothing here reads a clock or touches a database.
 */
export function decideInbound(event: InboundEvent, now: Date, policy: DecisionPolicy): Decision {
  const { mail } = event;
  const agent = agentOf(mail, policy);
  const byAgent = agent !== undefined && mail.automatic === null && mail.probablyAutomatic === null && forgedAgent(mail, agent, policy) === null;
  const decision = withCustomerUpdate(withinBudget(decide(event, now, policy), event.recent, byAgent, now, policy), now);
  const before = decision.created ? null : (event.delivery?.ticket ?? (event.match.kind === 'join' ? event.match.ticket : null));
  return withRecord(decision, before, now, policy);
}

function decide(event: InboundEvent, now: Date, policy: DecisionPolicy): Decision {
  const { mail, match } = event;
  const received: DomainEvent = {
    type: 'message_received',
    messageId: mail.messageId,
    from: normaliseAddress(mail.from.address),
    automatic: mail.automatic,
  };
  if (event.delivery) {
    // A bounce is about our mail, not from a participant: it joins the ticket of the mail it reports on.
    const reported = decideDeliveryFailures(event.delivery.ticket, event.delivery.failures, now, policy);
    return { ...reported, events: [received, ...reported.events] };
  }
  // Agents' mail is never spam here: their commands must act, and their own server vouches for them.
  const spam = agentOf(mail, policy) ? null : spamReason(mail, event.senderBlocked ?? false, policy.spamScoreThreshold);
  if (spam) return spamMail(event, spam, received, now, policy);
  const refusals: DomainEvent[] =
    match.kind === 'new'
      ? match.refused.map((r) => ({ type: 'intrusion_refused', from: received.from, reference: r.reference, via: r.via }))
      : [];

  if (match.kind === 'join') {
    const old = match.ticket;
    const fromCustomerSide = old.participants.includes(received.from) || old.customerEmail === received.from;
    // Past the reopen window a closed ticket stays closed: the customer's new mail is a new request that remembers the old one.
    if (old.status === 'closed' && mail.automatic === null && mail.probablyAutomatic === null && fromCustomerSide && reopenWindowPassed(old, now, policy)) {
      return opened(event, now, policy, [received], old.reference);
    }
    const events: DomainEvent[] = [received];
    let ticket = { ...old, updatedAt: now };
    const agent = agentOf(mail, policy);
    const forged = agent ? forgedAgent(mail, agent, policy) : null;
    if (forged) {
      // Anyone can put an agent's address in From. Nothing is done; the real agent hears of
      // it, unless a machine wrote the mail: no automatic answer to automatic mail.
      const warning = mail.automatic === null ? [rejectionToAgent(agent!, [forged.problem], mail.visibleText, policy)] : [];
      return { ticket, created: false, events: [...events, forged.event], outgoing: warning };
    }
    if (mail.automatic !== null || (agent && mail.probablyAutomatic !== null)) {
      // An agent's out-of-office is kept on the ticket for the team, never relayed: a robot's answer is no answer.
      if (agent) events.push({ type: 'internal_note', by: agent.email, messageId: mail.messageId, automatic: mail.automatic ?? mail.probablyAutomatic! });
      return { ticket, created: false, events, outgoing: [] };
    }
    if (agent) {
      const answer = agentAnswer(ticket, mail, agent, now, policy, event.restrictedSellers, event.ticketTexts ?? null);
      return { ticket: answer.ticket, created: false, events: [...events, ...answer.events], outgoing: answer.outgoing, ...(answer.senders?.length ? { senders: answer.senders } : {}) };
    }
    const seller = sellerOf(ticket, policy);
    if (seller && normaliseAddress(seller.email) === received.from) return sellerAnswer(ticket, mail, seller, events, now, policy);
    if (!fromCustomerSide) return { ticket, created: false, events, outgoing: [] };
    if (mail.probablyAutomatic !== null) {
      // Probably a robot: the team reads it, but it is no answer, no rating, no reason to reopen.
      return { ticket, created: false, events: [...events, { type: 'probably_automatic', reason: mail.probablyAutomatic }], outgoing: notifyTeam(ticket, mail, false, policy) };
    }
    ticket = reachableAgain({ ...ticket, customerThread: [...ticket.customerThread.filter((id) => id !== mail.messageId), mail.messageId].slice(-50) }, received.from);
    if (ticket.erasureRequestedAt !== null && received.from === ticket.customerEmail && confirmsErasure(mail.visibleText)) {
      // Nothing is answered now: the daemon erases, then sends the last notice (app/privacyJobs.ts).
      return { ticket: { ...ticket, status: 'open' }, created: false, events: [...events, { type: 'erasure_confirmed' }], outgoing: [] };
    }
    const rating = ticket.status === 'resolved' ? readRating(mail.visibleText) : null;
    if (rating !== null) return rated(ticket, rating, events, now, policy);
    const reopened: OutgoingMail[] = [];
    if (ticket.status === 'resolved' || ticket.status === 'closed') {
      // The first round's answer time stays in the history, for the statistics.
      events.push({ type: 'ticket_reopened', previousStatus: ticket.status, previousFirstResponseAt: ticket.firstResponseAt?.toISOString() ?? null });
      const rules = policyOf(ticket, policy);
      const answerBy = rules.calendar.add(now, targetsAt(rules, now).firstResponse);
      // A new round: its deadlines count from now (clockStart), and the answer promised
      // below is kept like a first answer (reminder, escalation, SLA), at the same level.
      ticket = {
        ...ticket,
        status: 'open',
        resolvedAt: null,
        closedAt: null,
        cycleStartedAt: now,
        firstResponseAt: null,
        firstResponseDueAt: answerBy,
        remindedAt: null,
        slaBreachedAt: null,
      };
      // The customer is told their request is open again, and by when they hear from us.
      reopened.push(toCustomer(ticket, 'reopened', { answerBy }));
    }
    // The answer we were waiting for: the ticket is the team's again.
    if (ticket.status === 'waiting_customer') ticket = { ...ticket, status: 'open' };
    return { ticket, created: false, events, outgoing: [...reopened, ...notifyTeam(ticket, mail, false, policy), ...commandsFromNonAgent(ticket, mail, policy)] };
  }

  // Automatic mail that threads nowhere opens nothing: a ticket would demand a human answer to a machine.
  if (mail.automatic !== null) return { ticket: null, created: false, events: [received, ...refusals], outgoing: [], reason: `automatic mail (${mail.automatic}) that matches no ticket` };
  const agent = agentOf(mail, policy);
  if (agent) {
    const forged = forgedAgent(mail, agent, policy);
    // A forward opens a ticket for someone else and acknowledges them: only a real agent may do that.
    // The real agent hears of it, as when such a mail claims a ticket.
    const refused = (problem: CommandProblem): Decision => ({
      ticket: null,
      created: false,
      events: [received, { type: 'agent_mail_refused', agent: agent.email, errors: inEnglish([problem]) }],
      outgoing: [rejectionToAgent(agent, [problem], mail.visibleText, policy)],
      reason: problemText(problem, 'en'),
    });
    if (forged) return refused(forged.problem);
    if (!mail.forwarded && hasCommands(mail)) return refused({ code: 'no_ticket', agent: agent.email });
  }
  return opened(event, now, policy, [received, ...refusals], null);
}

/**
 * Spam is kept and never answered. New, it opens a ticket in the `spam` state: no
 * acknowledgement, no team mail, no timer; the team sees it in the daily count and
 * `#notspam` brings it back. Into a spam ticket it is only recorded. Into a live
 * ticket (the filter wrong about a customer's reply) the team reads it, and nothing
 * else happens: no reopening, no mail to the sender.
 */
function spamMail(event: InboundEvent, reason: SpamReason, received: DomainEvent, now: Date, policy: DecisionPolicy): Decision {
  const { mail, match } = event;
  const flagged: DomainEvent = { type: 'spam_received', reason, filter: mail.spam?.filter ?? null, score: mail.spam?.score ?? null, from: normaliseAddress(mail.from.address), subject: mail.subject };
  if (match.kind === 'join') {
    const ticket = { ...match.ticket, updatedAt: now };
    const told = ticket.status === 'spam' ? [] : notifyTeam(ticket, mail, false, policy);
    return { ticket, created: false, events: [received, flagged], outgoing: told };
  }
  const opened: Ticket = { ...newTicket(event, now, policy), status: 'spam', firstResponseDueAt: null };
  return { ticket: opened, created: true, events: [{ type: 'ticket_created', category: opened.category, orderNumber: opened.orderNumber }, received, flagged], outgoing: [] };
}

/** The configured agent whose address the mail is from, if any: a claim, until `forgedAgent` says otherwise. */
function agentOf(mail: InboundMail, policy: DecisionPolicy): Agent | undefined {
  const from = normaliseAddress(mail.from.address);
  return policy.agents.find((a) => normaliseAddress(a.email) === from);
}

/** The refusal of a mail that claims an agent's address without our servers vouching for it; null when it may act. */
function forgedAgent(mail: InboundMail, agent: Agent, policy: DecisionPolicy): { problem: CommandProblem; event: DomainEvent } | null {
  const trust = policy.agentAuthentication;
  if (!trust || senderAuthenticated(mail.trace, trust, mail.from.address, mail.verifiedHere)) return null;
  const problem: CommandProblem = { code: 'not_authenticated', agent: agent.email, checkedBy: [...trust.authservIds, ...(mail.verifiedHere ? ['guichet'] : [])] };
  return { problem, event: { type: 'agent_mail_refused', agent: agent.email, errors: inEnglish([problem]) } };
}

function hasCommands(mail: InboundMail): boolean {
  const parsed = parseCommands(mail.visibleText);
  return parsed.commands.length > 0 || parsed.errors.length > 0;
}

function reopenWindowPassed(ticket: Ticket, now: Date, policy: DecisionPolicy): boolean {
  const rules = policyOf(ticket, policy);
  const closedAt = ticket.closedAt ?? ticket.updatedAt;
  return rules.calendar.add(closedAt, rules.satisfaction.reopenWithin).getTime() < now.getTime();
}

/** A new ticket: acknowledged to the customer (unless rate-limited), announced to the team. */
function opened(event: InboundEvent, now: Date, policy: DecisionPolicy, before: DomainEvent[], linkedTo: string | null): Decision {
  const { mail } = event;
  const sender = normaliseAddress(mail.from.address);
  // An agent forwarded a customer's mail: the ticket is the customer's, not the agent's.
  const forwarder = mail.forwarded ? policy.agents.find((a) => normaliseAddress(a.email) === sender) : undefined;
  const customerMail = forwarder && mail.forwarded ? unwrapForward(mail, mail.forwarded) : mail;
  let ticket = { ...newTicket({ ...event, mail: customerMail }, now, policy), linkedReference: linkedTo };
  // We never saw the customer's own message: there is nothing of theirs to thread on yet.
  if (forwarder) ticket = { ...ticket, customerThread: [] };
  const events: DomainEvent[] = [
    { type: 'ticket_created', category: ticket.category, orderNumber: ticket.orderNumber },
    ...before,
    ...(forwarder ? [{ type: 'forwarded_by_agent', agent: forwarder.email } as const] : []),
    ...(linkedTo ? [{ type: 'linked_to_closed', previous: linkedTo } as const] : []),
  ];
  const outgoing: OutgoingMail[] = [];
  if (customerMail.probablyAutomatic !== null) {
    // Probably a robot's mail: opened for the team to see, never acknowledged (two robots talking is how loops start).
    events.push({ type: 'probably_automatic', reason: customerMail.probablyAutomatic });
  } else if ((event.recent.acknowledgements.get(ticket.customerEmail) ?? 0) >= policy.acknowledgementsPerWindow) {
    // Counted on the address that receives the acknowledgement: for a forward, the person forwarded, not the agent.
    events.push({ type: 'acknowledgement_rate_limited', to: ticket.customerEmail });
  } else {
    const ack = acknowledgement(ticket, customerMail);
    outgoing.push(forwarder ? { ...ack, inReplyTo: null, references: [] } : ack);
  }
  outgoing.push(...notifyTeam(ticket, customerMail, true, policy));
  if (!forwarder) outgoing.push(...commandsFromNonAgent(ticket, mail, policy));
  return { ticket, created: true, events, outgoing };
}

/** The seller answered: the team reads it first (never straight to the customer), and the chase stops. */
function sellerAnswer(ticket: Ticket, mail: InboundMail, seller: SellerContact, events: DomainEvent[], now: Date, policy: DecisionPolicy): Decision {
  const waited = ticket.sellerRequestedAt ? Math.round((now.getTime() - ticket.sellerRequestedAt.getTime()) / 1000) : null;
  const next: Ticket = ticket.status === 'waiting_seller' ? { ...ticket, status: 'open', sellerRequestedAt: null, sellerChases: 0, sellerLastChaseAt: null } : ticket;
  const variables = { sellerName: seller.name, sellerEmail: seller.email, text: forTheTeam(mail), attachmentNames: mail.attachments.map((a) => a.filename) };
  return {
    ticket: next,
    created: false,
    events: [...events, { type: 'seller_replied', sellerId: seller.id, afterSeconds: waited, chasesBefore: ticket.sellerChases }],
    outgoing: teamMail(next, next.level, 'seller-reply', policy, variables).map((m) => ({
      ...m,
      automatic: false,
      fromName: `${seller.name} via ${policy.supportName}`,
      attachments: mail.attachments,
    })),
  };
}

/** The customer rated a resolved ticket: thanks, closed; a low rating goes to level 3. */
function rated(ticket: Ticket, rating: number, events: DomainEvent[], now: Date, policy: DecisionPolicy): Decision {
  const closed: Ticket = { ...ticket, status: 'closed', rating, closedAt: now };
  const alert = rating <= policyOf(ticket, policy).satisfaction.alertAtOrBelow ? teamMail(closed, 3, 'low-rating', policy, { rating }, true) : [];
  return {
    ticket: closed,
    created: false,
    events: [...events, { type: 'rated', rating }, { type: 'closed', reason: 'rated' }],
    outgoing: [toCustomer(closed, 'satisfaction-thanks', { rating }), ...alert],
  };
}

function newTicket(event: InboundEvent, now: Date, policy: DecisionPolicy): Ticket {
  const { mail } = event;
  const recipients = [...mail.to, ...mail.cc].map((a) => a.address).concat(mail.deliveredTo);
  const customer = normaliseAddress(mail.from.address);
  const support = normaliseAddress(policy.supportAddress);
  const copied = mail.cc.map((a) => normaliseAddress(a.address)).filter((a) => a !== support && a !== customer);
  // The first address the mail went to that has a policy of its own; else the default.
  const addressed = recipients.map((r) => policy.policyAddresses[normaliseAddress(r)]).find((name) => name !== undefined);
  const category = classify({ subject: mail.subject, text: mail.text, recipients, topicAddresses: policy.topicAddresses, rules: policy.rules });
  const rules = policy.policies[addressed ?? policy.policyCategories[category] ?? policy.defaultPolicy]!;
  return {
    reference: event.newReference,
    status: 'open',
    level: 1,
    category,
    orderNumber: findOrderNumber(policy.orderPattern, mail.subject, mail.text),
    locale: detectLocale(mail.language, `${mail.subject}\n${mail.text}`, policy.defaultLocale),
    subject: cleanSubject(mail.subject, policy.referencePrefix),
    customerEmail: customer,
    customerName: mail.from.name,
    participants: [customer, ...new Set(copied)],
    customerThread: [mail.messageId],
    priority: 'normal',
    assignee: null,
    holdUntil: null,
    sellerId: null,
    openedAt: now,
    firstResponseDueAt: firstResponseDue(rules, now),
    firstResponseAt: null,
    updatedAt: now,
    policy: rules.name,
    ...NO_DEADLINE_HISTORY,
    record: { ...NO_DEADLINE_HISTORY.record, channel: channelOf(recipients, policy) },
  };
}

/** The first support address the mail went to (a topic or policy address, else the main one): the ticket's channel in reports. */
function channelOf(recipients: readonly string[], policy: DecisionPolicy): string {
  const support = normaliseAddress(policy.supportAddress);
  const ours = new Set([support, ...policy.mailboxes.map((m) => m.address), ...Object.keys(policy.topicAddresses), ...Object.keys(policy.policyAddresses)].map(normaliseAddress));
  return recipients.map(normaliseAddress).find((a) => ours.has(a)) ?? support;
}

/**
 * The team of the ticket's level is told of every mail from the customer's side, with
 * what the customer wrote and sent. From "<customer> via <support>" so the agent's
 * inbox shows who wrote; every notification of a ticket refers to one stable root
 * Message-ID, so mail clients thread a ticket's notifications together.
 */
function notifyTeam(ticket: Ticket, mail: InboundMail, isNew: boolean, policy: DecisionPolicy): OutgoingMail[] {
  const customer = mail.from.name ?? mail.from.address;
  const doubt = senderDoubt(ticket, mail, policy);
  // A doubtful sender shows their address in the inbox list too, not only a name anyone can write.
  const shown = doubt.nameBelongsTo || doubt.usualAddress ? `${customer} (${mail.from.address})` : customer;
  return teamRecipients(ticket, ticket.level, policy).map(
    (address): OutgoingMail => ({
      template: 'agent-notification',
      ...toStaff(ticket, address, policy),
      automatic: false,
      fromName: `${shown} via ${policy.supportName}`,
      attachments: mail.attachments,
      variables: {
        isNew,
        customerEmail: mail.from.address,
        senderName: customer,
        text: forTheTeam(mail),
        category: ticket.category,
        orderNumber: ticket.orderNumber,
        level: ticket.level,
        status: ticket.status,
        answerBy: ticket.firstResponseAt === null ? ticket.firstResponseDueAt : null,
        attachmentNames: mail.attachments.map((a) => a.filename),
        priority: ticket.priority,
        ...doubt,
      },
    }),
  );
}

/**
 * What the team should doubt about who wrote: a display name that belongs to someone
 * else of the ticket (its customer, an agent, a seller, the service itself) on another
 * address, or a mail into the ticket from an address that is not the customer's usual one.
 */
function senderDoubt(ticket: Ticket, mail: InboundMail, policy: DecisionPolicy): { nameBelongsTo: string | null; usualAddress: string | null } {
  const sender = normaliseAddress(mail.from.address);
  const name = mail.from.name?.trim().toLowerCase();
  const owners: [string | null, string][] = [
    [ticket.customerName, ticket.customerEmail],
    ...policy.agents.map((a): [string, string] => [a.name, a.email]),
    ...policy.sellers.map((s): [string, string] => [s.name, s.email]),
    [policy.supportName, policy.supportAddress],
  ];
  const owner = name ? owners.find(([n, address]) => n?.trim().toLowerCase() === name && normaliseAddress(address) !== sender) : undefined;
  return { nameBelongsTo: owner ? normaliseAddress(owner[1]) : null, usualAddress: sender !== ticket.customerEmail ? ticket.customerEmail : null };
}

/**
 * Someone who is not an agent wrote commands: they are not applied. The mail still
 * reaches the team as a customer mail; the team is also told plainly that its
 * commands were ignored, so an agent writing from the wrong address finds out.
 */
function commandsFromNonAgent(ticket: Ticket, mail: InboundMail, policy: DecisionPolicy): OutgoingMail[] {
  const parsed = parseCommands(mail.visibleText);
  const team = policy.teamAddresses[ticket.level];
  if ((parsed.commands.length === 0 && parsed.errors.length === 0) || team === undefined) return [];
  return [
    {
      template: 'command-error',
      ...toStaff(ticket, team, policy),
      automatic: true,
      variables: {
        agentName: mail.from.name ?? mail.from.address,
        errors: [problemText({ code: 'not_an_agent', sender: mail.from.address }, policy.defaultLocale)],
        wouldHaveSent: parsed.body,
      },
    },
  ];
}

/** The forwarded original seen as the customer's own mail: their address, their subject, their words. */
function unwrapForward(mail: InboundMail, forwarded: NonNullable<InboundMail['forwarded']>): InboundMail {
  return {
    ...mail,
    from: forwarded.from,
    to: [],
    cc: [],
    deliveredTo: [],
    subject: forwarded.subject || mail.subject,
    text: forwarded.body,
    visibleText: forwarded.body,
    language: null,
    probablyAutomatic: null,
    inReplyTo: [],
    references: [],
    forwarded: null,
  };
}

function acknowledgement(ticket: Ticket, mail: InboundMail): OutgoingMail {
  return {
    template: 'acknowledgement',
    to: { address: ticket.customerEmail, name: ticket.customerName },
    locale: ticket.locale,
    automatic: true,
    inReplyTo: mail.messageId,
    references: [...mail.references, mail.messageId],
    variables: { answerBy: ticket.firstResponseDueAt },
  };
}

/** What the team reads of an outside mail: the sender's text and their sign-off, so it sees who wrote. */
function forTheTeam(mail: InboundMail): string {
  return mail.signOff ? `${mail.visibleText}\n\n${mail.signOff}` : mail.visibleText;
}
