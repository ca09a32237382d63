import type { DecisionPolicy, DomainEvent, OutgoingMail } from './decide.js';
import type { InboundMail } from './inbound.js';
import type { Ticket } from './ticket.js';

export interface Agent {
  name: string;
  email: string;
}

/** How many of the customer's Message-IDs an answer refers to: enough to thread, short enough for headers. */
const THREAD_DEPTH = 10;

/**
 * An agent answered from their own mail client: what they wrote (quotes and
 * signature already stripped) goes to the customer from the support address under
 * the agent's name, threaded in the customer's conversation. The customer never
 * sees the agent's own address. The first such answer is the ticket's first response.
 */
export function agentAnswer(
  ticket: Ticket,
  mail: InboundMail,
  agent: Agent,
  now: Date,
  policy: DecisionPolicy,
): { ticket: Ticket; events: DomainEvent[]; outgoing: OutgoingMail[] } {
  const text = mail.visibleText.trim();
  if (text === '') return { ticket, events: [{ type: 'agent_reply_empty', agent: agent.email }], outgoing: [] };
  const events: DomainEvent[] = [{ type: 'agent_replied', agent: agent.email, messageId: mail.messageId }];
  let answered = ticket;
  if (ticket.firstResponseAt === null) {
    answered = { ...ticket, firstResponseAt: now };
    events.push({ type: 'first_response', agent: agent.email, dueAt: ticket.firstResponseDueAt?.toISOString() ?? null });
  }
  const thread = ticket.customerThread.slice(-THREAD_DEPTH);
  return {
    ticket: answered,
    events,
    outgoing: [
      {
        template: 'agent-reply',
        to: { address: ticket.customerEmail, name: ticket.customerName },
        locale: ticket.locale,
        automatic: false,
        inReplyTo: thread[thread.length - 1] ?? null,
        references: thread,
        fromName: `${agent.name} – ${policy.supportName}`,
        attachments: mail.attachments,
        variables: { text, agentName: agent.name },
      },
    ],
  };
}
