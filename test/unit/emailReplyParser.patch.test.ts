import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * patches/email-reply-parser+2.3.7.patch (applied by `npm install` through
 * patch-package) rewrites two of the library's methods for speed. These tests hold the
 * patched methods to the library's own algorithms, kept here as written upstream, so
 * that the patch can change the cost and nothing else.
 */
const libraryFile = createRequire(import.meta.url).resolve('email-reply-parser').replace(/emailreplyparser\.js$/, 'parser/emailparser.js');
// The package exports only its entry point; its parser is reached by file.
const { default: EmailParser } = (await import(pathToFileURL(libraryFile).href)) as { default: new () => { stringReverse(t: string): string; isQuoteHeader(l: string): boolean } };
const { default: RegexList } = (await import(pathToFileURL(libraryFile.replace(/parser\/emailparser\.js$/, 'regex.js')).href)) as { default: { quoteHeadersRegex: RegExp[] } };

/** email-reply-parser 2.3.7's stringReverse, unpatched. */
function upstreamReverse(text: string): string {
  let s = '';
  let i = text.length;
  while (i > 0) {
    s += text.substring(i - 1, i);
    i--;
  }
  return s;
}

/** email-reply-parser 2.3.7's isQuoteHeader, unpatched. */
function upstreamIsQuoteHeader(line: string): boolean {
  let hasHeader = false;
  RegexList.quoteHeadersRegex.forEach((regex) => {
    if (regex.test(upstreamReverse(line))) hasHeader = true;
  });
  return hasHeader;
}

describe('the email-reply-parser patch', () => {
  it('is applied (npm install runs patch-package)', () => {
    expect(readFileSync(libraryFile, 'utf8')).toContain('guichet: the line reversed once');
  });

  it('reverses by UTF-16 code units, as upstream does, surrogate pairs and lone halves included', () => {
    const parser = new EmailParser();
    for (const text of ['', 'a', 'Le 23 nov. 2026 à 10:00, Service client <support@example.test> a écrit :', 'emoji 😀 et é composé e\u0301', '\ud800 seul', 'ligne\navec\r\nfins']) {
      expect(parser.stringReverse(text)).toBe(upstreamReverse(text));
    }
  });

  it('finds the same quote headers as upstream', () => {
    const parser = new EmailParser();
    const lines = [
      'Le lun. 23 nov. 2026 à 10:00, Service client <support@example.test> a écrit :',
      'On Mon, Nov 23, 2026 at 10:00 AM Support <support@example.test> wrote:',
      'De : Service client <support@example.test>',
      'From: Support [mailto:support@example.test]',
      '-----Original Message-----',
      '-------- Message d\'origine --------',
      'Bonjour, je n\'ai pas reçu ma commande CMD-301234.',
      '> cité',
      '',
    ];
    // The parser works on reversed text: it asks about lines as they are stored, reversed.
    for (const line of lines.map(upstreamReverse)) {
      expect(parser.isQuoteHeader(line)).toBe(upstreamIsQuoteHeader(line));
    }
    expect(lines.map(upstreamReverse).filter((l) => upstreamIsQuoteHeader(l)).length).toBeGreaterThanOrEqual(5);
  });
});
