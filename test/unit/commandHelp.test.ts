import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SYNTAX } from '../../src/domain/commands.js';
import { TemplateRenderer } from '../../src/templates/renderer.js';
import { sampleContext } from '../../src/templates/samples.js';

describe('#help', () => {
  const renderer = new TemplateRenderer(path.resolve('templates'), 'fr', 'Europe/Paris');
  const commands = COMMAND_SYNTAX.map((c) => c.split(' ')[0]!);

  it.each([
    ['fr', 'Exemple'],
    ['en', 'Example'],
  ] as const)('%s: explains every command in one item, with an example', (locale, example) => {
    const mail = renderer.render('command-help', locale, sampleContext('command-help', locale));
    const items = mail.html.split('<li>').slice(1).map((item) => item.replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim());
    for (const command of commands.filter((c) => c !== '#help')) {
      // "#seller" must not be found in "#seller-contact"'s item.
      const item = items.find((i) => i.startsWith(command) && /^[\s:]/.test(i.slice(command.length)));
      expect(item, command).toBeDefined();
      expect(item, command).toMatch(new RegExp(`${example}\\s?:`));
    }
    expect(mail.text).toContain('#help');
  });

  it('tells what #hold sends the customer, in both languages', () => {
    const fr = renderer.render('command-help', 'fr', sampleContext('command-help', 'fr')).text.replace(/\s+/g, ' ');
    const en = renderer.render('command-help', 'en', sampleContext('command-help', 'en')).text.replace(/\s+/g, ' ');
    expect(fr).toContain('le client est prévenu que nous revenons vers lui');
    expect(en).toContain('the customer is told we will come back to them');
  });
});
