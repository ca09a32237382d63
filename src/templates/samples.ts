import type { TemplateName } from '../domain/decision.js';
import type { Locale } from '../domain/vocabulary.js';
import { NO_DEADLINE_HISTORY, type Ticket } from '../domain/ticket.js';
import { SAMPLE_CHARTS, SAMPLE_REPORT } from './reportSample.js';

/**
 * A realistic context for every mail guichet sends: what `templates check` renders
 * each template with (strict: a variable missing here or misspelt there is an error)
 * and what `templates preview --sample` shows. Each entry lists exactly what the
 * domain passes (see docs/templates.md).
 */
const AT = new Date('2026-11-24T16:00:00Z');
const LATER = new Date('2026-11-25T08:00:00Z');
const history = [
  { direction: 'in', from: 'jeanne.dupont@example.test', fromName: 'Jeanne Dupont', subject: 'Colis jamais reçu CMD-884512', text: "Bonjour,\nmon colis n'est jamais arrivé.", template: null, at: new Date('2026-11-23T08:15:00Z') },
  { direction: 'out', from: 'support@example.test', fromName: 'Service client', subject: '[SAV-7M3Q9F] Colis jamais reçu', text: 'Nous avons bien reçu votre message.', template: 'acknowledgement', at: new Date('2026-11-23T08:15:01Z') },
];
const staff = { level: 2, status: 'open', category: 'livraison', orderNumber: 'CMD-884512', customerEmail: 'jeanne.dupont@example.test' };
const customer = { level: 2, status: 'open' };
const seller = { sellerName: 'Boutique Exemple', customerName: 'Jeanne Dupont', orderNumber: 'CMD-884512', subject: 'Colis jamais reçu' };
const sellerFacts = { sellerName: 'Boutique Exemple', sellerEmail: 'vendeur@example.test', strikes: 3, threshold: 3, restricted: true, chases: 3, removed: false };

export const COMMON_SAMPLE = {
  reference: 'SAV-7M3Q9F',
  subject: 'Colis jamais reçu',
  customerName: 'Jeanne Dupont',
  supportName: 'Service client',
  supportAddress: 'support@example.test',
};

export const SAMPLES: Record<TemplateName, Record<string, unknown>> = {
  acknowledgement: { answerBy: AT },
  'agent-notification': {
    isNew: true,
    customerEmail: 'jeanne.dupont@example.test',
    senderName: 'Jeanne Dupont',
    text: "Bonjour,\nmon colis n'est jamais arrivé.",
    category: 'livraison',
    orderNumber: 'CMD-884512',
    level: 1,
    status: 'open',
    answerBy: AT,
    attachmentNames: ['facture.pdf'],
    priority: 'normal',
    nameBelongsTo: null,
    usualAddress: null,
  },
  'agent-reply': { ...customer, text: 'Bonjour Jeanne,\n\nLe colis est reparti ce matin.', agentName: 'Camille', until: null },
  'hold-notice': { ...customer, text: '', agentName: 'Camille', until: LATER, withSeller: false },
  'internal-note': { text: 'Le vendeur ne répond pas, à voir en niveau 2.', agentName: 'Camille' },
  'command-error': { agentName: 'Camille', errors: ['#hold demain: expected a number of days, such as #hold 15d'], wouldHaveSent: 'Bonjour, c’est réglé.' },
  'command-help': { agentName: 'Camille', commands: ['#resolve', '#hold 15d', '#note'] },
  'first-response-reminder': { ...staff, answerBy: AT },
  'escalation-dossier': { ...staff, from: 1, reason: 'deadline', promiseBy: LATER, agentName: null, history },
  'escalation-notice': { ...customer, promiseBy: LATER },
  'sla-breach': { ...staff, dueAt: AT, policy: 'marketplace', history },
  'regular-update': { ...customer, resolutionBy: LATER },
  'hold-ended': { ...staff, since: AT },
  'erasure-confirm': { ...customer },
  'erasure-done': {},
  'personal-data-export': { ...customer, file: 'donnees-SAV-7M3Q9F.zip', part: 1, parts: 2, inParts: true },
  'seller-request': { ...seller, text: 'Le client n’a pas reçu la commande. Pouvez-vous vérifier ?', agentName: 'Camille', answerBy: LATER },
  'seller-chase': { ...seller, chase: 2, maxChases: 3, answerBy: LATER, askedAt: AT },
  'seller-strike': { ...seller, ...sellerFacts },
  'seller-silent': { ...staff, ...sellerFacts, level: 3, from: 2, history },
  'seller-restricted': { ...staff, ...sellerFacts },
  'seller-reply': { ...staff, sellerName: 'Boutique Exemple', sellerEmail: 'vendeur@example.test', text: 'Le colis a été renvoyé hier.', attachmentNames: [] },
  'seller-contact': { ...customer, text: '', agentName: 'Camille', until: null, seller: { name: 'Boutique Exemple', email: 'vendeur@example.test', phone: '+33 1 23 45 67 89', website: null } },
  resolved: { ...customer, text: 'Le remboursement est effectué.', agentName: 'Camille', until: null, closeBy: LATER },
  'satisfaction-thanks': { ...customer, rating: 2 },
  'low-rating': { ...staff, rating: 2, history },
  closed: { ...customer },
  reopened: { ...customer, status: 'open', answerBy: AT },
  'loop-suspected': { ...staff, mails: 30, recipient: null, windowMinutes: 60 },
  'admin-alert': {
    kind: 'quarantine',
    mails: [{ id: 7, source: 'INBOX:1795422961:42', reason: 'GUICHET_MAIL_UNPARSEABLE: cannot parse the mail: parsing took longer than 30000 ms', at: AT, release: 'guichet quarantine release 7' }],
    rows: [],
    minutes: 12,
    lastPollAt: AT,
    oldestUnsentAt: AT,
    error: null,
  },
  'spam-digest': {
    count: 2,
    since: AT,
    mails: [
      { reference: 'SAV-Q4ZP7M', from: 'promo@deals.example', subject: 'Gagnez un iPhone', reason: 'filter', score: 12.4 },
      { reference: 'SAV-T8WK2C', from: 'spammer@example.net', subject: 'Re: offre', reason: 'blocked_sender', score: null },
    ],
  },
  report: { report: SAMPLE_REPORT, charts: SAMPLE_CHARTS },
  'delivery-failure': {
    ...staff,
    customerUnreachable: true,
    closeHeld: false,
    failures: [
      {
        mail: 'acknowledgement',
        to: 'jeanne.dupont@example.test',
        customer: true,
        action: 'failed',
        permanent: true,
        code: '5.1.1',
        diagnostic: 'smtp; 550 5.1.1 <jeanne.dupont@example.test>: Recipient address rejected: User unknown',
      },
    ],
  },
};

const ENGLISH_COMMON = { subject: 'Parcel never received', supportName: 'Customer service' };
const englishHistory = [
  { ...history[0]!, subject: 'Parcel never received ORD-884512', text: 'Hello,\nmy parcel never arrived.' },
  { ...history[1]!, fromName: 'Customer service', subject: '[SAV-7M3Q9F] Parcel never received', text: 'We have received your message.' },
];

/** What an English mail's sample says in English: every text a person would have written. */
const ENGLISH: Partial<Record<TemplateName, Record<string, unknown>>> = {
  'agent-notification': { text: 'Hello,\nmy parcel never arrived.' },
  'agent-reply': { text: 'Hello Jeanne,\n\nThe parcel went out again this morning.' },
  'internal-note': { text: 'The seller does not answer; one for level 2.' },
  'command-error': { errors: ['#hold tomorrow: expected a number of days, such as #hold 15d'], wouldHaveSent: 'Hello, it is sorted.' },
  'escalation-dossier': { history: englishHistory },
  'sla-breach': { history: englishHistory },
  'seller-silent': { history: englishHistory },
  'low-rating': { history: englishHistory },
  'seller-request': { subject: 'Parcel never received', text: 'The customer has not received the order. Could you check?' },
  'seller-chase': { subject: 'Parcel never received' },
  'seller-strike': { subject: 'Parcel never received' },
  'seller-reply': { text: 'The parcel was sent again yesterday.' },
  resolved: { text: 'The refund has been made.' },
};

/** Who receives each mail: a preview addresses it as it would be. */
export type Audience = 'customer' | 'team' | 'seller' | 'agent' | 'admins';
export const AUDIENCE: Record<TemplateName, Audience> = {
  acknowledgement: 'customer',
  'agent-notification': 'team',
  'agent-reply': 'customer',
  'hold-notice': 'customer',
  'internal-note': 'team',
  'command-error': 'agent',
  'command-help': 'agent',
  'first-response-reminder': 'team',
  'escalation-dossier': 'team',
  'escalation-notice': 'customer',
  'sla-breach': 'team',
  'regular-update': 'customer',
  'hold-ended': 'team',
  'seller-request': 'seller',
  'seller-chase': 'seller',
  'seller-strike': 'seller',
  'seller-silent': 'team',
  'seller-restricted': 'admins',
  'seller-reply': 'team',
  'seller-contact': 'customer',
  resolved: 'customer',
  'satisfaction-thanks': 'customer',
  'low-rating': 'team',
  closed: 'customer',
  reopened: 'customer',
  'loop-suspected': 'team',
  'delivery-failure': 'team',
  'admin-alert': 'admins',
  'spam-digest': 'team',
  report: 'admins',
  'erasure-confirm': 'customer',
  'erasure-done': 'customer',
  'personal-data-export': 'customer',
};

/** The whole context of one mail's sample, in the language it is rendered in. */
export function sampleContext(name: TemplateName, locale: Locale): Record<string, unknown> {
  return locale === 'en' ? { ...COMMON_SAMPLE, ...ENGLISH_COMMON, ...SAMPLES[name], ...ENGLISH[name] } : { ...COMMON_SAMPLE, ...SAMPLES[name] };
}

/** The ticket the samples speak of: Jeanne Dupont's parcel, opened now under the marketplace policy. */
export function sampleTicket(now: Date): Ticket {
  return {
    reference: COMMON_SAMPLE.reference,
    status: 'open',
    level: 1,
    category: 'livraison',
    orderNumber: 'CMD-884512',
    locale: 'fr',
    subject: COMMON_SAMPLE.subject,
    customerEmail: 'jeanne.dupont@example.test',
    customerName: COMMON_SAMPLE.customerName,
    participants: ['jeanne.dupont@example.test'],
    customerThread: [],
    priority: 'normal',
    assignee: null,
    holdUntil: null,
    sellerId: null,
    openedAt: now,
    firstResponseDueAt: null,
    firstResponseAt: null,
    updatedAt: now,
    policy: 'marketplace',
    ...NO_DEADLINE_HISTORY,
  };
}
