import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGuichetError } from '../../src/errors.js';
import { TemplateRenderer } from '../../src/templates/renderer.js';

function templates(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-tpl-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

describe('template rendering', () => {
  const answerBy = new Date('2026-11-24T16:00:00Z');

  it('renders subject and HTML, and derives the text part from the HTML', () => {
    const dir = templates({ 'fr/ack.hbs': '---\nsubject: "[{{reference}}] {{subject}}"\n---\n<p>Bonjour <b>{{name}}</b>,</p><p>réponse {{deadline answerBy}}.</p>' });
    const mail = new TemplateRenderer(dir, 'fr', 'Europe/Paris').render('ack', 'fr', { reference: 'SAV-123458', subject: 'Colis & cie', name: '<Jeanne>', answerBy });
    expect(mail.subject).toBe('[SAV-123458] Colis & cie');
    expect(mail.html).toContain('<b>&lt;Jeanne&gt;</b>');
    expect(mail.text).toBe('Bonjour <Jeanne>,\n\nréponse avant le mardi 24 novembre à 17\u00a0h.');
  });

  it('uses <name>.txt.hbs for the text part when the admin wrote one, unescaped', () => {
    const dir = templates({
      'fr/ack.hbs': '---\nsubject: "[{{reference}}]"\n---\n<p>{{name}}</p>',
      'fr/ack.txt.hbs': 'Bonjour {{name}} & co',
    });
    const mail = new TemplateRenderer(dir, 'fr', 'Europe/Paris').render('ack', 'fr', { reference: 'SAV-123458', name: '<Jeanne>' });
    expect(mail.text).toBe('Bonjour <Jeanne> & co');
  });

  it('falls back to the default locale, and names the file of a strict-mode error', () => {
    const dir = templates({ 'fr/ack.hbs': '---\nsubject: "[{{reference}}]"\n---\n<p>{{unknownVariable}}</p>' });
    const renderer = new TemplateRenderer(dir, 'fr', 'Europe/Paris');
    try {
      renderer.render('ack', 'en', { reference: 'SAV-123458' });
      expect.unreachable();
    } catch (error) {
      expect(isGuichetError(error, 'GUICHET_TEMPLATE_INVALID')).toBe(true);
      expect((error as Error).message).toContain(`${path.join(dir, 'fr', 'ack.hbs')}:4:6: "unknownVariable" not defined`);
    }
  });

  it('names an unknown helper where it is used, and renders a known helper and a variable that shares a helper name', () => {
    const dir = templates({
      'fr/ack.hbs': '---\nsubject: "[{{reference}}]"\n---\n<p>Bonjour</p>\n<p>{{shout customerName}}</p>',
      'fr/ok.hbs': '---\nsubject: "{{tag reference}} {{status status}} ({{this.status}})"\n---\n<p>{{#each names}}{{this}}{{#unless @last}}, {{/unless}}{{/each}} {{lookup this "customerName"}}</p>',
    });
    const renderer = new TemplateRenderer(dir, 'fr', 'Europe/Paris');
    expect(() => renderer.render('ack', 'fr', { reference: 'SAV-123458', customerName: 'Jeanne' })).toThrow(
      `${path.join(dir, 'fr', 'ack.hbs')}:5:4: unknown helper "shout"`,
    );
    const mail = renderer.render('ok', 'fr', { reference: 'SAV-123458', status: 'waiting_seller', names: ['a.pdf', 'b.jpg'], customerName: 'Jeanne' });
    expect(mail.subject).toBe('[SAV-123458] en attente du vendeur (waiting_seller)');
    expect(mail.html).toBe('<p>a.pdf, b.jpg Jeanne</p>');
  });

  it('keeps the last good version when an edit breaks a template, and reports the broken version once', () => {
    const dir = templates({ 'fr/ack.hbs': '---\nsubject: "[{{reference}}] Reçu"\n---\n<p>Version 1</p>' });
    const file = path.join(dir, 'fr', 'ack.hbs');
    const renderer = new TemplateRenderer(dir, 'fr', 'Europe/Paris', { recheckMs: 0 });
    const broken: string[] = [];
    renderer.onBroken = (_file, error) => broken.push(error.message);
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');

    writeFileSync(file, '---\nsubject: "[{{reference}}] Reçu"\n---\n<p>Version 2\n{{#if reference}}</p>');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');
    expect(broken).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: Parse error`))]);

    writeFileSync(file, '---\nsubject: "[{{reference}}] Reçu"\n---\n<p>Version 3 {{> footer}}</p>');
    utimesSync(file, new Date(), new Date(Date.now() + 10000));
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');
    expect(broken[1]).toBe(`${file}:4:1: The partial footer could not be found`);

    writeFileSync(file, '---\nsubject: "[{{reference}}] Reçu"\n---\n<p>Version 4</p>');
    utimesSync(file, new Date(), new Date(Date.now() + 15000));
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 4');
  });

  it('wraps mails in the shared layout from templates/partials, re-read when edited, and inlines a <style> block', () => {
    const dir = templates({
      'fr/ack.hbs': '---\nsubject: "[{{reference}}] Reçu"\n---\n{{#> layout}}<p class="x">Bonjour</p>{{/layout}}',
      'partials/layout.hbs': '<style>.x { color: red }</style>{{> @partial-block}}<p>{{> footer}}</p>',
      'partials/footer.hbs': 'Réf. {{reference}}',
    });
    const renderer = new TemplateRenderer(dir, 'fr', 'Europe/Paris', { recheckMs: 0 });
    const first = renderer.render('ack', 'fr', { reference: 'SAV-123458' });
    expect(first.html).toContain('<p class="x" style="color: red;">Bonjour</p>');
    expect(first.html).not.toContain('<style>');
    expect(first.text).toBe('Bonjour\n\nRéf. SAV-123458');
    const footer = path.join(dir, 'partials', 'footer.hbs');
    writeFileSync(footer, 'Référence {{reference}}');
    utimesSync(footer, new Date(), new Date(Date.now() + 5000));
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Bonjour\n\nRéférence SAV-123458');
  });

  it('looks at the files again only after recheckMs, so an edit is used from then on', () => {
    const dir = templates({ 'fr/ack.hbs': '---\nsubject: "[{{reference}}]"\n---\n<p>Version 1</p>', 'partials/footer.hbs': 'Réf.' });
    const file = path.join(dir, 'fr', 'ack.hbs');
    let now = 0;
    const renderer = new TemplateRenderer(dir, 'fr', 'Europe/Paris', { recheckMs: 1000, clock: () => now });
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');
    writeFileSync(file, '---\nsubject: "[{{reference}}]"\n---\n<p>Version 2 {{> footer}}</p>');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    now = 999;
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 1');
    now = 1000;
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 2 Réf.');
    // A new text part and a new partial are found the same way.
    writeFileSync(path.join(dir, 'fr', 'ack.txt.hbs'), 'Texte {{reference}}');
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Version 2 Réf.');
    now = 2500;
    expect(renderer.render('ack', 'fr', { reference: 'SAV-123458' }).text).toBe('Texte SAV-123458');
  });

  it('takes extra headers from the front matter', () => {
    const dir = templates({ 'fr/ack.hbs': '---\nsubject: "[{{reference}}] Reçu"\nheaders:\n  X-Campaign: "sav-{{reference}}"\n---\n<p>Bonjour</p>' });
    expect(new TemplateRenderer(dir, 'fr', 'Europe/Paris').render('ack', 'fr', { reference: 'SAV-123458' }).headers).toEqual({ 'X-Campaign': 'sav-SAV-123458' });
  });
});

describe('the shipped agent notification', () => {
  it('warns the team, in its language, when the sender uses a name that is not theirs', async () => {
    const { SAMPLES, COMMON_SAMPLE } = await import('../../src/templates/samples.js');
    const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
    const doubtful = { ...COMMON_SAMPLE, ...SAMPLES['agent-notification'], customerEmail: 'intruder@example.test', nameBelongsTo: 'jeanne.dupont@example.test', usualAddress: 'jeanne.dupont@example.test' };
    const fr = renderer.render('agent-notification', 'fr', doubtful);
    expect(fr.text.replace(/\s+/g, ' ')).toContain('ATTENTION : le nom « Jeanne Dupont » est celui de jeanne.dupont@example.test, mais ce message vient de intruder@example.test.');
    expect(fr.html).toContain('<strong>Attention&nbsp;:</strong>');
    const en = renderer.render('agent-notification', 'en', { ...doubtful, nameBelongsTo: null });
    expect(en.text.replace(/\s+/g, ' ')).toContain("WARNING: this message comes from intruder@example.test, not from the customer's usual address (jeanne.dupont@example.test).");
  });
});
