import { readdirSync, readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import juice from 'juice';
import path from 'node:path';
import Handlebars from 'handlebars';
import { compile as compileHtmlToText } from 'html-to-text';
import { parse as parseYaml } from 'yaml';
import type { Category, Locale } from '../domain/vocabulary.js';
import { GuichetError } from '../errors.js';
import { categoryLabel, formatDate, formatDay, formatDeadline, formatDuration, formatMinutes, formatShare, formatTrend, frenchOf, plural, statusLabel } from './helpers.js';
import type { TicketStatus } from '../domain/ticket.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** Extra headers from the front matter (`headers:`), rendered like the subject. */
  headers: Record<string, string>;
}

/** Compiled once: html-to-text builds its selector tree per call otherwise. */
const htmlToText = compileHtmlToText({
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // A letterhead (the service's name in colour above the text) is the HTML's; in plain text it is a stray line.
    { selector: '.html-only', format: 'skip' },
    // The footer's "reply above this line" needs a line in the text part too.
    { selector: 'hr', options: { length: 40 } },
  ],
});

interface CompiledTemplate {
  mtimeMs: number;
  subject: HandlebarsTemplateDelegate;
  body: HandlebarsTemplateDelegate;
  headers: Record<string, HandlebarsTemplateDelegate>;
  /** The line of the file where the body starts: Handlebars counts lines from the body. */
  bodyLine: number;
  source: string;
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

/** Told once per broken version of a file, with the error located in it. */
export type BrokenTemplateListener = (file: string, error: GuichetError) => void;

export interface RendererOptions {
  /**
   * How long a look at the files (modification times, the partials folder) is trusted.
   * Checking them on every render was ~10 system calls a mail, a tenth of ingest's time
   * on bench/ingest; an admin's edit is used within a second either way.
   */
  recheckMs?: number;
  /** Milliseconds from any origin; a test passes its own. */
  clock?: () => number;
}

/**
 * Renders `templates/<locale>/<name>.hbs`: YAML front matter for the subject, a
 * Handlebars body in HTML, the text part derived from it. Compiled templates are
 * cached by modification time, looked at again after `recheckMs`, so an admin's edit
 * is used for the mails rendered from a second after saving.
 * Strict mode: a misspelt variable is an error, not an empty hole in a customer's mail.
 *
 * An edit that does not compile or render never stops mail: the last version that
 * worked keeps being used, and the listener hears of the broken one once, with
 * `file:line:column`. Only a template that never worked is an error for the caller.
 */
export class TemplateRenderer {
  private readonly cache = new Map<string, CompiledTemplate>();
  private readonly lastGood = new Map<string, CompiledTemplate>();
  private readonly reported = new Set<string>();
  /** Partial file -> the modification time registered. */
  private readonly partials = new Map<string, number>();
  private readonly textCache = new Map<string, { mtimeMs: number; body: HandlebarsTemplateDelegate }>();
  private readonly handlebars = Handlebars.create();
  /** File -> its modification time (null: no such file) and when that was looked at. */
  private readonly looked = new Map<string, { mtimeMs: number | null; at: number }>();
  private partialFiles: { names: string[]; at: number } | null = null;
  /** `<locale>/<name>` -> the file used (the locale's own or the default locale's), and when that was decided. */
  private readonly resolved = new Map<string, { file: string; at: number }>();
  private readonly helpers = new Map<Locale, Record<string, Handlebars.HelperDelegate>>();
  private readonly recheckMs: number;
  private readonly clock: () => number;
  /**
   * Strict: a misspelt variable is an error. Every helper is known (ours and
   * Handlebars' own; an admin cannot add one), so the compiled template calls helpers
   * directly and looks any other name up in the data alone, instead of trying each
   * `{{name}}` as a helper first, at every use. An unknown helper is an error, located
   * like any other.
   */
  private readonly compileOptions: CompileOptions;
  onBroken: BrokenTemplateListener | null = null;

  constructor(
    private readonly directory: string,
    private readonly defaultLocale: Locale,
    private readonly timeZone: string,
    options: RendererOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 1000;
    this.clock = options.clock ?? (() => performance.now());
    const helperNames = Object.keys(this.helpersFor(defaultLocale));
    this.compileOptions = { strict: true, knownHelpersOnly: true, knownHelpers: Object.fromEntries(helperNames.map((name) => [name, true])) };
  }

  render(name: string, locale: Locale, context: Record<string, unknown>): RenderedMail {
    return this.renderFile(this.resolve(name, locale), context);
  }

  /** Renders one file, falling back to its last good version if the current one is broken. */
  renderFile(file: string, context: Record<string, unknown>): RenderedMail {
    this.refreshPartials();
    let current: CompiledTemplate | null = null;
    try {
      current = this.load(file);
      const rendered = this.renderWith(file, current, context);
      this.lastGood.set(file, current);
      return rendered;
    } catch (error) {
      const located = error instanceof GuichetError ? error : new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}: ${(error as Error).message}`, { cause: error });
      const good = this.lastGood.get(file);
      if (!good || good === current) throw located;
      const version = `${file}@${current?.mtimeMs ?? this.mtime(file)}`;
      if (!this.reported.has(version)) {
        this.reported.add(version);
        this.onBroken?.(file, located);
      }
      return this.renderWith(file, good, context);
    }
  }

  private renderWith(file: string, template: CompiledTemplate, context: Record<string, unknown>): RenderedMail {
    const usedLocale = path.basename(path.dirname(file)) as Locale;
    const data = { ...context, locale: usedLocale };
    const helpers = this.helpersFor(usedLocale);
    const textFile = file.replace(/\.hbs$/, '.txt.hbs');
    const textTemplate = this.loadText(textFile);
    let html: string;
    let subject: string;
    let headers: Record<string, string>;
    try {
      html = template.body(data, { helpers });
      // An admin who styles with a <style> block gets it inlined: many mail clients drop <style>.
      if (html.includes('<style')) html = juice(html);
      subject = template.subject(data, { helpers }).replace(/\s+/g, ' ').trim();
      headers = Object.fromEntries(Object.entries(template.headers).map(([name, value]) => [name, value(data, { helpers }).replace(/\s+/g, ' ').trim()]));
    } catch (cause) {
      throw located(file, cause, template.bodyLine, template.source);
    }
    try {
      // An admin's own text part when there is one (and html-to-text is not run: it is
      // most of a render's cost); otherwise derived from the HTML.
      return { subject, html, headers, text: textTemplate ? textTemplate(data, { helpers }) : htmlToText(html) };
    } catch (cause) {
      throw located(textFile, cause, 1, readFileSync(textFile, 'utf8'));
    }
  }

  /**
   * `templates/partials/<name>.hbs` (layout, header, signature, footer), registered by
   * name and re-read when changed. A partial that does not parse keeps its previous
   * version, and is reported like a template.
   */
  private refreshPartials(): void {
    const now = this.clock();
    // Within the interval nothing is looked at again, so nothing can have changed.
    if (this.partialFiles && now - this.partialFiles.at < this.recheckMs) return;
    const dir = path.join(this.directory, 'partials');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.hbs'));
    } catch {
      // no partials folder: templates that use none still render
    }
    this.partialFiles = { names, at: now };
    for (const name of names) {
      const file = path.join(dir, name);
      const mtimeMs = this.mtime(file) ?? 0;
      if (this.partials.get(file) === mtimeMs) continue;
      this.partials.set(file, mtimeMs);
      const source = readFileSync(file, 'utf8');
      try {
        this.handlebars.parse(source);
        this.handlebars.registerPartial(name.slice(0, -'.hbs'.length), source);
      } catch (cause) {
        const error = located(file, cause, 1, source);
        if (!this.handlebars.partials[name.slice(0, -'.hbs'.length)]) throw error;
        this.onBroken?.(file, error);
      }
    }
  }

  private resolve(name: string, locale: Locale): string {
    const key = `${locale}/${name}`;
    const now = this.clock();
    const known = this.resolved.get(key);
    if (known && now - known.at < this.recheckMs) return known.file;
    for (const candidate of [locale, this.defaultLocale]) {
      const file = path.join(this.directory, candidate, `${name}.hbs`);
      if (this.mtime(file) !== null) {
        this.resolved.set(key, { file, at: now });
        return file;
      }
    }
    throw new GuichetError('GUICHET_TEMPLATE_NOT_FOUND', `no template ${name}.hbs in ${this.directory}/${locale} nor /${this.defaultLocale}`);
  }

  /** `<name>.txt.hbs`, if the admin wrote one: plain text, so nothing is HTML-escaped. */
  private loadText(file: string): HandlebarsTemplateDelegate | null {
    const mtimeMs = this.mtime(file);
    if (mtimeMs === null) return null;
    const cached = this.textCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.body;
    const source = readFileSync(file, 'utf8');
    try {
      this.handlebars.parse(source);
    } catch (cause) {
      throw located(file, cause, 1, source);
    }
    const body = this.handlebars.compile(source, { ...this.compileOptions, noEscape: true });
    this.textCache.set(file, { mtimeMs, body });
    return body;
  }

  private load(file: string): CompiledTemplate {
    const mtimeMs = this.mtime(file);
    if (mtimeMs === null) throw new GuichetError('GUICHET_TEMPLATE_NOT_FOUND', `${file} is gone`, { details: { file } });
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const source = readFileSync(file, 'utf8');
    const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(source);
    if (!match) throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:1:1: missing front matter (--- subject: … ---)`, { details: { file } });
    const front = parseYaml(match[1]!) as { subject?: unknown; headers?: unknown } | null;
    if (typeof front?.subject !== 'string') {
      throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:2:1: the front matter needs a subject`, { details: { file } });
    }
    const headerSources = front.headers ?? {};
    if (typeof headerSources !== 'object' || Array.isArray(headerSources) || Object.entries(headerSources).some(([name, v]) => typeof v !== 'string' || !/^[A-Za-z0-9-]+$/.test(name))) {
      throw new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:2:1: headers must map header names to text, such as "X-Campaign: sav"`, { details: { file } });
    }
    const bodyLine = match[1]!.split('\n').length + 3;
    try {
      // Handlebars compiles lazily: parse now so that a syntax error is found at load, with its line.
      this.handlebars.parse(match[2]!);
    } catch (cause) {
      throw located(file, cause, bodyLine, source);
    }
    const compiled: CompiledTemplate = {
      mtimeMs,
      subject: this.handlebars.compile(front.subject, { ...this.compileOptions, noEscape: true }),
      body: this.handlebars.compile(match[2]!, this.compileOptions),
      headers: Object.fromEntries(Object.entries(headerSources as Record<string, string>).map(([name, v]) => [name, this.handlebars.compile(v, { ...this.compileOptions, noEscape: true })])),
      bodyLine,
      source,
    };
    this.cache.set(file, compiled);
    return compiled;
  }

  /** The file's modification time, or null if there is none; looked at again after `recheckMs`. */
  private mtime(file: string): number | null {
    const now = this.clock();
    const seen = this.looked.get(file);
    if (seen && now - seen.at < this.recheckMs) return seen.mtimeMs;
    // throwIfNoEntry: a missing optional file (.txt.hbs, a locale) is common, and an exception costs a stack trace.
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null;
    this.looked.set(file, { mtimeMs, at: now });
    return mtimeMs;
  }

  /** Built once per locale: the helpers close over the locale and the time zone only. */
  private helpersFor(locale: Locale): Record<string, Handlebars.HelperDelegate> {
    let helpers = this.helpers.get(locale);
    if (!helpers) this.helpers.set(locale, (helpers = this.buildHelpers(locale)));
    return helpers;
  }

  private buildHelpers(locale: Locale): Record<string, Handlebars.HelperDelegate> {
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
      plural: (count: unknown, one: unknown, other: unknown) => plural(Number(count), String(one), String(other), locale),
      duration: (seconds: unknown) => formatDuration(Number(seconds), locale),
      // The tag replies are threaded by: [SAV-7K3Q9D].
      tag: (reference: unknown) => `[${String(reference)}]`,
      lte: (a: unknown, b: unknown) => Number(a) <= Number(b),
      // The report's figures (docs/report.md): minutes as a wait, shares as percentages, "YYYY-MM-DD" as a day.
      minutes: (value: unknown) => formatMinutes(value === null ? null : Number(value)),
      percent: (share: unknown) => formatShare(share === null ? null : Number(share), locale),
      trend: (share: unknown) => formatTrend(share === null ? null : Number(share), locale),
      day: (isoDate: unknown) => formatDay(String(isoDate), locale),
      decimal: (value: unknown) => (value === null ? '–' : Number(value).toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 })),
    };
  }
}

/**
 * A Handlebars error as `file:line:column: message`. Handlebars gives "Parse error on
 * line N" or "- N:C" counted from the start of the body; a missing partial has no
 * position, so its first use in the file is named.
 */
export function located(file: string, cause: unknown, bodyLine: number, source: string): GuichetError {
  const message = String((cause as Error)?.message ?? cause).replace(/You specified knownHelpersOnly, but used the unknown helper (\S+)/, 'unknown helper "$1"');
  let line = 0;
  let column = 1;
  const parse = /Parse error on line (\d+)/.exec(message);
  const position = / - (\d+):(\d+)$/.exec(message);
  const partial = /The partial (\S+) could not be found/.exec(message);
  if (parse) line = Number(parse[1]);
  else if (position) {
    line = Number(position[1]);
    column = Number(position[2]) + 1;
  } else if (partial) {
    const index = source.split('\n').findIndex((l) => l.includes(`{{> ${partial[1]}`) || l.includes(`{{>${partial[1]}`));
    if (index >= 0) return new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}:${index + 1}:1: ${oneLine(message)}`, { cause, details: { file } });
  }
  const where = line > 0 ? `:${line + bodyLine - 1}:${column}` : '';
  return new GuichetError('GUICHET_TEMPLATE_INVALID', `${file}${where}: ${oneLine(message)}`, { cause, details: { file } });
}

function oneLine(message: string): string {
  return message.replace(/ - \d+:\d+$/, '').replace(/ in (\[object Object\]|undefined)/g, '').split('\n').filter((l) => !/^[-.]*\^?$/.test(l.trim())).join(' ').replace(/\s+/g, ' ').trim();
}
