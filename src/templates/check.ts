import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { LOCALES, type Locale } from '../domain/vocabulary.js';
import type { TemplateName } from '../domain/decision.js';
import { TemplateRenderer } from './renderer.js';
import { COMMON_SAMPLE, SAMPLES, sampleContext } from './samples.js';

export interface CheckReport {
  checked: number;
  /** One `file:line:column: message` per problem. */
  problems: string[];
}

/**
 * What `guichet templates check` does: every template of every locale is compiled and
 * rendered with a realistic sample in strict mode (an unknown variable, helper or
 * partial is an error), its subject must carry the reference tag, and every locale
 * must define the same mails.
 */
export function checkTemplates(directory: string, defaultLocale: Locale, timeZone: string): CheckReport {
  const locales = LOCALES.filter((l) => existsSync(path.join(directory, l)));
  const names = new Map<Locale, Set<string>>();
  for (const locale of locales) {
    const files = readdirSync(path.join(directory, locale)).filter((f) => f.endsWith('.hbs') && !f.endsWith('.txt.hbs'));
    names.set(locale, new Set(files.map((f) => f.slice(0, -'.hbs'.length))));
  }
  const problems: string[] = [];
  let checked = 0;
  for (const locale of locales) {
    for (const name of [...names.get(locale)!].sort()) {
      const file = path.join(directory, locale, `${name}.hbs`);
      checked++;
      for (const other of locales) {
        if (!names.get(other)!.has(name)) problems.push(`${file}:1:1: this mail has no ${other} version (${path.join(directory, other, `${name}.hbs`)} is missing)`);
      }
      const sample = SAMPLES[name as TemplateName];
      if (!sample) {
        problems.push(`${file}:1:1: guichet sends no mail called "${name}" (the mails are ${Object.keys(SAMPLES).join(', ')})`);
        continue;
      }
      // A fresh renderer for each file: no last good version to fall back on.
      const renderer = new TemplateRenderer(directory, defaultLocale, timeZone);
      try {
        const mail = renderer.renderFile(file, sampleContext(name as TemplateName, locale));
        if (!mail.subject.includes(`[${COMMON_SAMPLE.reference}]`)) {
          problems.push(`${file}:2:1: the subject does not carry the reference tag: start it with "[{{reference}}]"`);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return { checked, problems };
}
