import { compile } from 'html-to-text';

/**
 * Compiled once (html-to-text builds its selector tree per call otherwise). Lines are
 * not wrapped: the quote stripper reads the lines as the sender's client made them.
 * Images are dropped (a signature logo is no text), blockquotes keep their `>` so a
 * quote made in HTML is stripped like one made in text.
 */
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
  ],
});

/**
 * A text part that says nothing but "this mail is in HTML" (webmails, mailing tools):
 * a few short lines naming HTML, and no more.
 */
function placeholder(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length <= 3 && text.length < 300 && /\bhtml\b/i.test(text);
}

/**
 * The text of a mail, for customers, agents and sellers alike. mailparser derives text
 * from HTML only when the HTML part is the root of the mail: a `multipart/related` mail
 * (Outlook's HTML with a signature logo, Thunderbird in HTML only) comes back with none.
 * When the text part is missing, empty or a placeholder, the text comes from the HTML.
 */
export function bodyText(text: string, html: string | null): string {
  if (html === null || html.trim() === '') return text;
  if (text.trim() !== '' && !placeholder(text)) return text;
  return htmlToText(html).replace(/\u00a0/g, ' ').trim();
}
