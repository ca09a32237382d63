import path from 'node:path';
import { loadPolicies } from '../../src/config/policies.js';
import type { DecisionPolicy } from '../../src/domain/decision.js';
import { NO_DEADLINE_HISTORY, type Ticket } from '../../src/domain/ticket.js';

/** The presets shipped in config/policies, on the Paris calendar, loaded once for the unit tests. */
export const PRESETS = loadPolicies(path.resolve('config/policies'), 'Europe/Paris');

/** A decision policy for unit tests, on the marketplace preset unless told otherwise. */
export function domainPolicy(overrides: Partial<DecisionPolicy> = {}): DecisionPolicy {
  return {
    referencePrefix: 'SAV',
    defaultLocale: 'fr',
    policies: PRESETS,
    defaultPolicy: 'marketplace',
    policyAddresses: {},
    policyCategories: { donnees_personnelles: 'personal-data' },
    mailboxes: [],
    sellers: [{ id: 'S-1', name: 'Boutique', email: 'seller1@example.test', phone: '+33 1 23 45 67 89' }],
    admins: ['admin@example.test'],
    orderPattern: '\\b((?:CMD|ORD)-\\d{5,})\\b',
    rules: [],
    topicAddresses: {},
    supportAddress: 'support@example.test',
    supportName: 'Service client',
    acknowledgementsPerWindow: 3,
    loopBudget: { windowMinutes: 60, perTicket: 30, perRecipient: 20 },
    teamAddresses: { 1: 'level1@example.test', 2: 'level2@example.test', 3: 'level3@example.test' },
    agents: [{ name: 'Camille', email: 'agent1@example.test' }],
    agentAuthentication: null,
    spamScoreThreshold: null,
    ...overrides,
  };
}

/** A ticket opened at `openedAt` under the marketplace policy, with nothing done yet. */
export function openTicket(openedAt: Date, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 1,
    reference: 'SAV-7M3Q9F',
    status: 'open',
    level: 1,
    category: 'livraison',
    orderNumber: 'CMD-884512',
    locale: 'fr',
    subject: 'Colis jamais reçu',
    customerEmail: 'customer@example.test',
    customerName: 'Jeanne Dupont',
    participants: ['customer@example.test'],
    customerThread: ['<first@client.example>'],
    priority: 'normal',
    assignee: null,
    holdUntil: null,
    sellerId: 'S-1',
    openedAt,
    firstResponseDueAt: null,
    firstResponseAt: null,
    updatedAt: openedAt,
    policy: 'marketplace',
    ...NO_DEADLINE_HISTORY,
    lastCustomerUpdateAt: openedAt,
    ...overrides,
  };
}
