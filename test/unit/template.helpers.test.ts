import { describe, expect, it } from 'vitest';
import { formatDate, formatDeadline, frenchOf, statusLabel } from '../../src/templates/helpers.js';

describe('template helpers', () => {
  it('write deadlines as a French marketplace would, in the service time zone', () => {
    // 16:00 UTC is 17:00 in Paris in November.
    expect(formatDeadline(new Date('2026-11-24T16:00:00Z'), 'fr', 'Europe/Paris')).toBe('avant le mardi 24 novembre à 17\u00a0h');
    expect(formatDeadline(new Date('2026-11-24T16:30:00Z'), 'fr', 'Europe/Paris')).toBe('avant le mardi 24 novembre à 17\u00a0h\u00a030');
    expect(formatDeadline(new Date('2026-11-24T16:00:00Z'), 'en', 'Europe/Paris')).toBe('by Tuesday 24 November at 5:00 pm CET');
    // Summer time: 15:00 UTC is 17:00 in Paris in July.
    expect(formatDeadline(new Date('2026-07-14T15:00:00Z'), 'fr', 'Europe/Paris')).toBe('avant le mardi 14 juillet à 17\u00a0h');
    expect(formatDeadline(new Date('2026-07-01T15:00:00Z'), 'en', 'Europe/Paris')).toBe('by Wednesday 1 July at 5:00 pm CEST');
    expect(formatDeadline(new Date('2026-07-01T15:00:00Z'), 'fr', 'Europe/Paris')).toBe('avant le mercredi 1er juillet à 17\u00a0h');
  });

  it('write a moment in full with the same time of day as the deadlines: one format per language', () => {
    expect(formatDate(new Date('2026-11-23T08:15:00Z'), 'fr', 'Europe/Paris')).toBe('lundi 23 novembre 2026 à 9\u00a0h\u00a015');
    expect(formatDate(new Date('2026-11-24T16:00:00Z'), 'fr', 'Europe/Paris')).toBe('mardi 24 novembre 2026 à 17\u00a0h');
    expect(formatDate(new Date('2026-11-24T16:00:00Z'), 'en', 'Europe/Paris')).toBe('Tuesday 24 November 2026 at 5:00 pm CET');
  });

  it('elide "de" before a vowel', () => {
    expect(frenchOf('Jeanne Dupont')).toBe('de Jeanne Dupont');
    expect(frenchOf('Élodie Martin')).toBe('d’Élodie Martin');
    expect(frenchOf('oliver.smith@example.test')).toBe('d’oliver.smith@example.test');
  });

  it('name statuses in the reader\'s language', () => {
    expect(statusLabel('waiting_seller', 'fr')).toBe('en attente du vendeur');
    expect(statusLabel('on_hold', 'en')).toBe('on hold');
  });
});

describe('plural and duration', () => {
  it('counts in the recipient\'s language: French takes 0 and 1 as singular', async () => {
    const { plural, formatDuration } = await import('../../src/templates/helpers.js');
    expect(plural(0, 'relance', 'relances', 'fr')).toBe('0 relance');
    expect(plural(1, 'relance', 'relances', 'fr')).toBe('1 relance');
    expect(plural(3, 'relance', 'relances', 'fr')).toBe('3 relances');
    expect(plural(0, 'reminder', 'reminders', 'en')).toBe('0 reminders');
    expect(formatDuration(2 * 86400 + 3 * 3600, 'fr').replace(/\s/g, ' ')).toBe('2 jours et 3 heures');
    expect(formatDuration(90 * 60, 'en').replace(/\s/g, ' ')).toBe('1 hour and 30 minutes');
    expect(formatDuration(20, 'fr')).toBe('moins d’une minute');
  });
});
