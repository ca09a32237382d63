import EmailReplyParser from 'email-reply-parser';

/**
 * What the sender wrote in this mail, without the quoted history and the signature.
 * crisp-oss/email-reply-parser knows the reply headers of the common clients in
 * French and English ("Le … a écrit :", "On … wrote:", Outlook's "De : / Envoyé :"
 * and "From: / Sent:" blocks, "-----Original Message-----"), `>` quoting and mobile
 * signatures; it works on text, and mailparser gives us text for every mail (derived
 * from the HTML when there is no text part). When stripping would leave nothing, the
 * whole text is kept: losing a reply is worse than showing a quote.
 */
export function visibleText(text: string): string {
  return ownText(text).visible;
}

/**
 * The sender's own text, and apart from it their sign-off ("Cordialement,\nJeanne
 * Dupont", a "-- " block): the stripper counts a sign-off as signature, which an answer
 * to the customer must not repeat, but the team reads who wrote. A sign-off is kept
 * only while it looks like one: cut where a quote starts, at most six lines.
 */
export function ownText(text: string): { visible: string; signOff: string | null } {
  const inline = inlineAnswers(text);
  if (inline !== null) return { visible: tidy(inline), signOff: null };
  const email = new EmailReplyParser().read(text);
  const fragments = email.getFragments();
  const shown = fragments.filter((f) => !f.isHidden());
  const visible = withoutTrailingHeader(tidy(beforeHeaderBlock(beforeSeparator(email.getVisibleText()))));
  if (visible.length === 0) return { visible: text.trim(), signOff: null };
  const after = fragments[fragments.indexOf(shown[shown.length - 1]!) + 1];
  return { visible, signOff: after?.isSignature() ? signOffOf(after.getContent()) : null };
}

const SIGN_OFF_LINES = 6;

function signOffOf(fragment: string): string | null {
  const lines = tidy(beforeHeaderBlock(beforeSeparator(fragment))).split('\n');
  const end = lines.findIndex((l) => QUOTED.test(l) || HEADER_END.test(l.trim()));
  // Rules ("-- ", Outlook's underscores) only frame a signature.
  const kept = (end < 0 ? lines : lines.slice(0, end)).filter((l) => !/^[-_=*\s]+$/.test(l) || l.trim() === '').join('\n').trim();
  return kept === '' || kept.split('\n').length > SIGN_OFF_LINES ? null : kept;
}

/**
 * "---------- Forwarded message ---------" and "-----Original Message-----", in the
 * languages of our customers and agents: what follows is never the sender's own text.
 */
const SEPARATOR =
  /^\s*-{2,}\s*(?:forwarded message|original message|message transféré|message d'origine|mensaje (?:original|reenviado)|messaggio (?:originale|inoltrato)|ursprüngliche nachricht|weitergeleitete nachricht|oorspronkelijk bericht|doorgestuurd bericht|mensagem (?:original|encaminhada)|wiadomość (?:oryginalna|przekazana)|исходное сообщение|пересылаемое сообщение|пересланий лист)\s*-{2,}\s*$/im;

function beforeSeparator(text: string): string {
  const match = SEPARATOR.exec(text);
  return match && text.slice(0, match.index).trim() !== '' ? text.slice(0, match.index) : text;
}

/** A line of a mail header block as clients quote it: `From:`, `Gesendet:`, `От:`… in our languages, in bold or after `>`. */
const LABEL = /^\s*>?\s*\*?(?:from|de|von|van|da|od|от|від|sent|envoyé|gesendet|enviado|inviato|verzonden|wysłano|отправлено|надіслано|to|à|a|an|aan|para|do|кому|subject|objet|betreff|onderwerp|asunto|oggetto|assunto|temat|тема|date|datum|data|fecha|cc)\*?\s*:/i;
const SENDER_LABEL = /^\s*>?\s*\*?(?:from|de|von|van|da|od|от|від)\*?\s*:/i;

/**
 * A quoted mail's header block the stripper does not know (GMX's "Gesendet: / Von: /
 * An: / Betreff:", Outlook in other languages): three label lines among four, one of
 * them naming the sender, start the quote; the text ends above it.
 */
function beforeHeaderBlock(text: string): string {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (!LABEL.test(lines[i]!)) continue;
    const block = lines.slice(i, i + 4);
    if (block.filter((l) => LABEL.test(l)).length >= 3 && block.some((l) => SENDER_LABEL.test(l))) return lines.slice(0, i).join('\n');
  }
  return text;
}

/** How the quote headers the stripper does not know end: "… a écrit :", "… schrieb am …:", "… пише:", "… <address>:". */
const HEADER_END =
  /(?:\ba écrit|\bwrote|\bschrieb(?: am .*)?|\bescribió|\bha scritto|\bschreef|\bescreveu|\bnapisał(?:\(a\))?|написала?|написав|пишет|пише|\bpisze)\s*:?\s*$|<[^<>\s]+@[^<>\s]+>\s*:\s*$/i;

/**
 * A quote header left at the end, its quoted lines gone (German "schrieb am", Russian,
 * Ukrainian, ISO dates, a Gmail header wrapped over three lines): the last paragraph,
 * when it is at most three lines, ends like a header, and names an address or a time.
 */
function withoutTrailingHeader(text: string): string {
  const paragraphs = text.split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1]!;
  const lines = last.split('\n');
  if (paragraphs.length < 2 || lines.length > 3 || !HEADER_END.test(last.trim()) || !/@|\d{1,2}[:.h]\d{2}/.test(last)) return text;
  return paragraphs.slice(0, -1).join('\n\n').trim();
}

/**
 * Text made from HTML (Gmail and Outlook may send HTML only) has runs of blank lines
 * where the HTML had empty paragraphs, and Outlook's <hr> before the quoted header
 * becomes a line of dashes left at the end: neither is something the agent wrote.
 */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/(?:\n[-_=*]{3,})+\s*$/, '')
    .trim();
}

const QUOTED = /^\s*>/;

/**
 * Answers written between the quoted lines (`> question` then the answer, as people
 * answer a list of questions): the stripper would keep the answers without their
 * questions. When the sender's own text stands between two quoted passages, the text is
 * their lines with, above each of their passages, the last quoted line it answers; the
 * quote header above the first quote and the quote left at the end go.
 */
function inlineAnswers(text: string): string | null {
  // Most mails quote nothing with `>`: spare them the split and the classification.
  if (!text.includes('>')) return null;
  const lines = text.split(/\r?\n/);
  const kinds = lines.map((l) => (l.trim() === '' ? 'blank' : QUOTED.test(l) ? 'quote' : 'own'));
  // A quoted line the client re-wrapped leaves its end without `>`, between two quoted lines.
  for (let i = 1; i < lines.length - 1; i++) {
    if (kinds[i] === 'own' && kinds[i - 1] === 'quote' && kinds[i + 1] === 'quote' && lines[i - 1]!.length >= 60) kinds[i] = 'quote';
  }
  const firstQuote = kinds.indexOf('quote');
  if (firstQuote < 0) return null;
  // Own text between two quoted passages, or it is an ordinary top- or bottom-posted reply.
  const afterFirst = kinds.slice(firstQuote);
  const ownAt = afterFirst.indexOf('own');
  if (ownAt < 0 || !afterFirst.slice(ownAt).includes('quote')) return null;

  const out: string[] = lines.slice(0, firstQuote);
  while (out.length > 0 && (out[out.length - 1]!.trim() === '' || HEADER_END.test(out[out.length - 1]!.trim()))) out.pop();
  let lastQuoted: string | null = null;
  for (let i = firstQuote; i < lines.length; i++) {
    if (kinds[i] === 'quote') {
      const content = lines[i]!.replace(/^\s*(?:>\s?)+/, '').trim();
      if (content !== '') lastQuoted = content;
      continue;
    }
    if (kinds[i] === 'own' && lastQuoted !== null) {
      if (out.length > 0) out.push('');
      out.push(`> ${lastQuoted}`);
      lastQuoted = null;
    }
    out.push(lines[i]!);
  }
  return out.join('\n');
}

