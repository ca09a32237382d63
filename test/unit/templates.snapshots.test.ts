import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TemplateName } from '../../src/domain/decision.js';
import { TemplateRenderer } from '../../src/templates/renderer.js';
import { COMMON_SAMPLE, SAMPLES } from '../../src/templates/samples.js';

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
        const mail = renderer.render(name, locale, { ...COMMON_SAMPLE, ...SAMPLES[name] });
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
