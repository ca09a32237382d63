import type { ReportJson } from '../app/report.js';

/** A week of a small shop's desk, for previewing and checking `report.hbs`. */
export const SAMPLE_REPORT: ReportJson = {
  period: { from: '2026-11-23', to: '2026-11-29', by: 'day', timezone: 'Europe/Paris', policy: null, category: null, generated_at: '2026-11-30T07:00:00.000Z' },
  volumes: {
    tickets: 42,
    buckets: [{ label: '2026-11-23', start: '2026-11-22T23:00:00.000Z', tickets: 42, by_category: { livraison: 25, produit: 10, facturation: 7 } }],
    by_category: [
      { category: 'livraison', tickets: 25, previous: 20, trend: 0.25 },
      { category: 'produit', tickets: 10, previous: 12, trend: -0.167 },
      { category: 'facturation', tickets: 7, previous: 0, trend: null },
    ],
    by_channel: [{ channel: 'support@example.test', tickets: 42 }],
  },
  first_response: {
    answered: 40,
    unanswered: 2,
    business_minutes: { median: 150, p90: 610 },
    elapsed_minutes: { median: 190, p90: 1450 },
    promised: 40,
    within_promise: 37,
    within_promise_share: 0.925,
    promise_business_hours: 24,
    business_hour_bands: [
      { band: '< 1 h', tickets: 8 },
      { band: '< 2 h', tickets: 9 },
      { band: '< 4 h', tickets: 7 },
      { band: '< 8 h', tickets: 6 },
      { band: '< 16 h', tickets: 5 },
      { band: '< 24 h', tickets: 2 },
      { band: '< 48 h', tickets: 2 },
      { band: '≥ 48 h', tickets: 1 },
    ],
  },
  resolution: {
    solved: 35,
    business_minutes: { median: 600, p90: 2400 },
    elapsed_minutes: { median: 1500, p90: 6000 },
    within_target: 33,
    within_target_share: 0.943,
    by_level: [
      { level: 1, solved: 30, share: 0.857 },
      { level: 2, solved: 4, share: 0.114 },
      { level: 3, solved: 1, share: 0.029 },
    ],
    escalated: 5,
    escalation_rate: 0.119,
  },
  first_contact: { solved: 21, share: 0.6 },
  satisfaction: {
    ratings: 18,
    average: 4.33,
    distribution: { 1: 1, 2: 0, 3: 2, 4: 5, 5: 10 },
    response_rate: 0.514,
    low: [{ reference: 'SAV-Q4ZP7M', rating: 1, category: 'livraison', rated_at: '2026-11-27T10:00:00.000Z' }],
  },
  reopen: { reopened: 2, rate: 0.057 },
  holds: { tickets: 3, median_minutes: 2880, p90_minutes: 4320 },
  retention: { customers: 40, returning: 6, share: 0.15, previous_rated_4_or_5: 4, previous_rated_1_to_3: 1, previous_unrated: 1 },
  sellers: [{ seller: 'S-1', name: 'Boutique Exemple', requests: 4, answers: 3, median_answer_minutes: 300, answered_before_first_chase_share: 0.667, strikes: 0, restricted: false }],
  agents: [{ agent: 'camille@example.test', name: 'Camille', answers: 51, first_answers: 40, median_first_answer_business_minutes: 150, solved: 35, average_rating: 4.33 }],
  backlog: {
    open: 9,
    by_status: { open: 6, waiting_customer: 3 },
    by_level: { 1: 8, 2: 1 },
    by_category: { livraison: 6, produit: 3 },
    by_age: [{ band: '< 1 d', tickets: 4 }],
    overdue: { total: 1, oldest: [{ reference: 'SAV-T8WK2C', status: 'open', level: 2, category: 'livraison', opened_at: '2026-11-20T09:00:00.000Z', due_at: '2026-11-21T09:00:00.000Z', late: 'first_answer' }] },
    first_answers_due_today: 2,
    oldest_unanswered: { reference: 'SAV-T8WK2C', opened_at: '2026-11-20T09:00:00.000Z' },
  },
};

/** The charts of the sample, as the mail refers to them (images the preview does not carry). */
export const SAMPLE_CHARTS = {
  volumes: 'cid:volumes@guichet',
  firstResponse: 'cid:first-response@guichet',
  resolution: 'cid:resolution@guichet',
  satisfaction: 'cid:satisfaction@guichet',
  backlog: 'cid:backlog@guichet',
};
