import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TemplateName } from '../../src/domain/decision.js';
import { TemplateRenderer } from '../../src/templates/renderer.js';
import { COMMON_SAMPLE, SAMPLES, sampleContext } from '../../src/templates/samples.js';

/**
 * Every mail in both languages, rendered from the samples and compared with the
 * reviewed snapshots in test/snapshots/templates/. A template change shows up as a
 * diff to read; `npx vitest -u` records it once reviewed.
 */
describe('every mail, as it reads', () => {
  const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
  for (const locale of ['fr', 'en'] as const) {
    for (const name of Object.keys(SAMPLES) as TemplateName[]) {
      it(`${locale}/${name}`, async () => {
        const mail = renderer.render(name, locale, sampleContext(name, locale));
        const base = path.resolve('test/snapshots/templates', locale, name);
        await expect(`Subject: ${mail.subject}\n\n${mail.text}\n`).toMatchFileSnapshot(`${base}.txt`);
        await expect(mail.html).toMatchFileSnapshot(`${base}.html`);
      });
    }
  }
});

describe('the regular update', () => {
  const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
  it.each([
    ['fr', 'nous attendons votre réponse à notre dernier message'],
    ['en', 'we are waiting for your answer to our last message'],
  ] as const)('%s: asks for the customer\'s answer while the ticket waits for it', (locale, phrase) => {
    const waiting = renderer.render('regular-update', locale, { ...COMMON_SAMPLE, ...SAMPLES['regular-update'], status: 'waiting_customer' });
    expect(waiting.text.replace(/\s+/g, ' ')).toContain(phrase);
    const open = renderer.render('regular-update', locale, { ...COMMON_SAMPLE, ...SAMPLES['regular-update'] });
    expect(open.text.replace(/\s+/g, ' ')).not.toContain(phrase);
  });
});

describe('the hold notice', () => {
  const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
  const hold = (locale: 'fr' | 'en', extra: Record<string, unknown>) =>
    renderer.render('hold-notice', locale, { ...sampleContext('hold-notice', locale), ...extra }).text.replace(/\s+/g, ' ');

  it.each([
    ['fr', 'Bonjour Jeanne Dupont,', 'notamment auprès du vendeur'],
    ['en', 'Hello Jeanne Dupont,', 'including with the seller'],
  ] as const)('%s: greets the customer when the agent wrote nothing, and names the seller only when there is one', (locale, greeting, seller) => {
    expect(hold(locale, {})).toContain(greeting);
    expect(hold(locale, {})).not.toContain(seller);
    expect(hold(locale, { withSeller: true })).toContain(seller);
    // The agent's own text comes instead of the greeting: they greet as they wish.
    const answered = hold(locale, { text: 'Bonjour Jeanne, le transporteur enquête.' });
    expect(answered).toContain('Bonjour Jeanne, le transporteur enquête.');
    expect(answered).not.toContain(greeting);
  });
});

describe('the text part of every mail', () => {
  const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
  for (const locale of ['fr', 'en'] as const) {
    it(`${locale}: starts with the mail's own words, and draws the line the customer is asked to reply above`, () => {
      for (const name of Object.keys(SAMPLES) as TemplateName[]) {
        const context = sampleContext(name, locale);
        const text = renderer.render(name, locale, context).text;
        // The HTML's letterhead is no line of the text.
        expect(text.trimStart().split('\n')[0], name).not.toBe(context.supportName);
        const footer = text.split('\n').findIndex((l) => /^(Référence de votre demande|Your request reference)/.test(l));
        if (footer < 0) continue;
        const above = text.split('\n').slice(0, footer).filter((l) => l.trim() !== '');
        expect(above[above.length - 1], name).toMatch(/^-{20,}$/);
      }
    });
  }
});
