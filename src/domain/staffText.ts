/**
 * Staff-only text must never reach a customer or a seller (DESIGN invariant 9). An
 * agent answers by replying to a mail guichet sent the team, and their client quotes it
 * below the answer in its own way: a quote header the stripper may not know, `>` or no
 * `>` at all, lines re-wrapped, HTML turned into text. guichet knows every mail it sent
 * for the ticket, so it does not have to guess: a line of the answer that comes from a
 * staff mail and that the customer has never seen is staff-only.
 */

/** What a ticket's history holds, split by who has seen it. */
export interface TicketTexts {
  /** Texts of mails to the team, agents, admins and sellers, and of sellers' mails. */
  staff: readonly string[];
  /** Texts the customer has seen: their own mails and guichet's mails to them. */
  customer: readonly string[];
}

/** A line shorter than this is too common ("Bonjour,", "Merci") to say where it came from. */
const MIN_LINE = 24;

/** How a line is compared: no quote marks, one space, lower case, no trailing punctuation. */
export function normaliseLine(line: string): string {
  return line
    .replace(/^[\s>|]+/, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/[\s.:;,!?*_-]+$/, '')
    .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1')
    .trim()
    .toLowerCase();
}

/** The staff texts as one searchable string per mail, and the customer's lines, normalised once. */
export interface StaffGuard {
  staff: string[];
  customer: string;
}

export function staffGuard(texts: TicketTexts): StaffGuard {
  const joined = (text: string) => text.split(/\r?\n/).map(normaliseLine).filter((l) => l !== '').join(' ');
  return { staff: texts.staff.map(joined), customer: texts.customer.map(joined).join('\n') };
}

/** Whether a line of an answer comes from a staff mail and not from anything the customer saw. */
function staffOnly(line: string, guard: StaffGuard): boolean {
  const normal = normaliseLine(line);
  if (normal.length < MIN_LINE) return false;
  return guard.staff.some((text) => text.includes(normal)) && !guard.customer.includes(normal);
}

/** A line of a quote header or separator, as clients write them above the quoted mail. */
const HEADER_LINE =
  /^(?:[-_=*\s]{3,}.*|.*(?:original message|forwarded message|message d'origine|message transféré|mensaje original|messaggio originale|ursprüngliche nachricht|oorspronkelijk bericht|mensagem original|wiadomość oryginalna|исходное сообщение).*|\*?(?:de|from|von|van|da|od|от|від|envoyé(?: le)?|sent|gesendet|enviado(?: el)?|fecha|inviato|verzonden|wysłano|отправлено|надіслано|date|datum|data|à|to|an|aan|a|para|do|кому|cc|objet|subject|betreff|onderwerp|asunto|oggetto|assunto|temat|тема)\s*\*?\s*:.*|.*(?:a écrit|wrote|schrieb|escribió|ha scritto|schreef|escreveu|napisał|написал|написав|пише)\s*:?\s*|.*<[^>\s]+@[^>\s]+>.*|.*\[mailto:[^\]]+\].*|)$/i;

/** Whether a line was in a mail of the ticket, whoever saw it: quoted history, not the agent's words. */
function fromHistory(normal: string, guard: StaffGuard): boolean {
  return guard.customer.includes(normal) || guard.staff.some((text) => text.includes(normal));
}

/**
 * The answer without a quote of a staff mail below it: from the quote's first staff-only
 * line down, with the quote header or separator lines right above it. A staff-only line
 * starts a quote when more than half of what follows it comes from the ticket's mails; one pasted
 * in the middle of the agent's own words is not cut (that would lose their words) but
 * left to `leakedLines`, which holds the answer back. Nothing is removed when the
 * answer quotes no staff mail.
 */
export function cutStaffQuote(text: string, guard: StaffGuard): string {
  const lines = text.split(/\r?\n/);
  for (let start = 0; start < lines.length; start++) {
    if (!staffOnly(lines[start]!, guard)) continue;
    const rest = lines.slice(start).map(normaliseLine).filter((l) => l.length >= MIN_LINE);
    if (rest.filter((l) => fromHistory(l, guard)).length * 2 <= rest.length) continue;
    let cut = start;
    while (cut > 0 && HEADER_LINE.test(lines[cut - 1]!.replace(/^[\s>|]+/, '').trim())) cut--;
    return lines.slice(0, cut).join('\n').trim();
  }
  return text;
}

/** The lines of an answer that would show the customer staff-only text, as written. */
export function leakedLines(text: string, guard: StaffGuard): string[] {
  return text.split(/\r?\n/).filter((line) => staffOnly(line, guard)).map((line) => line.trim());
}

/** One message of a ticket's history, as the store keeps it. */
export interface HistoryText {
  direction: 'in' | 'out';
  template: string | null;
  fromAddress: string;
  text: string | null;
}

/** guichet's mails that go to the customer; every other mail it sends goes to staff or a seller. */
const TO_CUSTOMER = new Set(['acknowledgement', 'agent-reply', 'hold-notice', 'escalation-notice', 'regular-update', 'seller-contact', 'resolved', 'satisfaction-thanks', 'closed', 'reopened']);

/**
 * guichet's answers to an agent about their own mail: they repeat the agent's words ("this
 * is what would have been sent"), which the agent will send again once corrected.
 */
const ECHO_TO_AGENT = new Set(['command-error', 'command-help']);

/**
 * Splits a ticket's history by who has seen it. A seller's mails are staff text. An
 * agent's own mails are neither: what they sent on is in guichet's mails already (an
 * answer to the customer, a note to the team), and a refused one (a forgery, a wrong
 * command) must not make the same words staff-only when the agent sends them rightly.
 */
export function ticketTexts(history: readonly HistoryText[], people: { agents: ReadonlySet<string>; sellers: ReadonlySet<string> }): TicketTexts {
  const staff: string[] = [];
  const customer: string[] = [];
  for (const m of history) {
    const from = m.fromAddress.toLowerCase();
    if (m.text === null || (m.template !== null && ECHO_TO_AGENT.has(m.template)) || (m.direction === 'in' && people.agents.has(from))) continue;
    const seenByCustomer = m.direction === 'out' ? m.template !== null && TO_CUSTOMER.has(m.template) : !people.sellers.has(from);
    (seenByCustomer ? customer : staff).push(m.text);
  }
  return { staff, customer };
}
