import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { compile as compileHtmlToText } from 'html-to-text';
import { parse as parseYaml } from 'yaml';
import type { Category, Locale } from '../config/schema.js';
import { GuichetError } from '../errors.js';
import { categoryLabel, formatDate, formatDeadline, frenchOf, statusLabel } from './helpers.js';
import type { TicketStatus } from '../domain/ticket.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Compiled once: html-to-text builds its selector tree per call otherwise (measured: ~1 ms a mail). */
const htmlToText = compileHtmlToText({
  wordwrap: 78,
  selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }],
});

interface CompiledTemplate {
  mtimeMs: number;
  subject: HandlebarsTemplateDelegate;
  body: HandlebarsTemplateDelegate;
}

/**
 * Renders `templates/<locale>/<name>.hbs`: YAML front matter for the subject, a
 * Handlebars body in HTML, the text part derived from it. Compiled templates are
 * cached by modification time, so an admin's edit is used for the next mail.
 * Strict mode: a misspelt variable is an error, not an empty hole in a customer's mail.
 */
export class TemplateRenderer {
  private readonly cache = new Map<string, CompiledTemplate>();
  private readonly textCache = new Map<string, { mtimeMs: number; body: HandlebarsTemplateDelegate }>();
  private readonly handlebars = Handlebars.create();

  constructor(
    private readonly directory: string,
    private readonly defaultLocale: Locale,
    private readonly timeZone: string,
  ) {}

  render(name: string, locale: Locale, context: Record<string, unknown>): RenderedMail {
    const file = this.resolve(name, locale);
    const template = this.load(file);
    const usedLocale = path.basename(path.dirname(file)) as Locale;
    const data = { ...context, locale: usedLocale };
    const helpers = this.helpersFor(usedLocale);
    const textTemplate = this.loadText(file.replace(/\.hbs$/, '.txt.hbs'));
    try {
      const html = template.body(data, { helpers });
      return {
        subject: template.subject(data, { helpers }).replace(/\s+/g, ' ').trim(),
        html,
        // An admin's own text part when there is one (and html-to-text is not run: it is
        // most of a render's cost); otherwise derived from the HTML.
        text: textTemplate ? textTemplate(data, { helpers }) : htmlToText(html),
      };
    } catch (cause) {
      throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}: ${(cause as Error).message}`, { cause, details: { file } });
    }
  }

  private resolve(name: string, locale: Locale): string {
    for (const candidate of [locale, this.defaultLocale]) {
      const file = path.join(this.directory, candidate, `${name}.hbs`);
      try {
        statSync(file);
        return file;
      } catch {
        // fall back to the default locale
      }
    }
    throw new GuichetError('GUICHET_TEMPLATE_NOT_FOUND', `no template ${name}.hbs in ${this.directory}/${locale} nor /${this.defaultLocale}`);
  }

  /** `<name>.txt.hbs`, if the admin wrote one: plain text, so nothing is HTML-escaped. */
  private loadText(file: string): HandlebarsTemplateDelegate | null {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    const cached = this.textCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.body;
    const body = this.handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    this.textCache.set(file, { mtimeMs, body });
    return body;
  }

  private load(file: string): CompiledTemplate {
    const { mtimeMs } = statSync(file);
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const source = readFileSync(file, 'utf8');
    const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(source);
    if (!match) throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:1:1: missing front matter (--- subject: … ---)`);
    const front = parseYaml(match[1]!) as { subject?: unknown } | null;
    if (typeof front?.subject !== 'string') {
      throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:2:1: the front matter needs a subject`);
    }
    try {
      const compiled: CompiledTemplate = {
        mtimeMs,
        subject: this.handlebars.compile(front.subject, { strict: true, noEscape: true }),
        body: this.handlebars.compile(match[2]!, { strict: true }),
      };
      this.cache.set(file, compiled);
      return compiled;
    } catch (cause) {
      throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}: ${(cause as Error).message}`, { cause, details: { file } });
    }
  }

  private helpersFor(locale: Locale): Record<string, Handlebars.HelperDelegate> {
    return {
      deadline: (date: unknown) => formatDeadline(new Date(date as string), locale, this.timeZone),
      category: (key: unknown) => categoryLabel(key as Category, locale),
      status: (key: unknown) => statusLabel(key as TicketStatus, locale),
      de: (name: unknown) => frenchOf(String(name)),
      // Plain text shown in HTML: escaped, line breaks kept (html-to-text turns <br> back into them).
      lines: (text: unknown) =>
        new Handlebars.SafeString(Handlebars.escapeExpression(String(text ?? '')).replace(/\r?\n/g, '<br>\n')),
      date: (date: unknown) => formatDate(new Date(date as string), locale, this.timeZone),
      eq: (a: unknown, b: unknown) => a === b,
      lte: (a: unknown, b: unknown) => Number(a) <= Number(b),
    };
  }
}
