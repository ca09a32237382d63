import type { Locale } from './vocabulary.js';

/**
 * Why an agent's mail, or one of its commands, was refused: data, phrased by
 * `problemText` in the language of whoever reads it. The agent's mail is in the
 * team's language; the ticket's history and the logs keep the English phrasing.
 * `written` is the command as the agent wrote it, quoted back to them.
 */
export type CommandProblem =
  | { code: 'unknown_command'; written: string; commands: string[] }
  | { code: 'no_argument'; written: string; command: string }
  | { code: 'hold_days'; written: string }
  | { code: 'assign_who'; written: string }
  | { code: 'level_value'; written: string }
  | { code: 'unknown_category'; written: string; categories: string[] }
  | { code: 'priority_value'; written: string; priorities: string[] }
  | { code: 'unknown_agent'; written: string }
  | { code: 'unknown_seller'; written: string; sellers: string[] }
  | { code: 'no_seller_yet'; written: string }
  | { code: 'seller_restricted'; written: string; since: string }
  | { code: 'seller_text_missing'; written: string }
  | { code: 'not_spam'; written: string }
  | { code: 'no_seller_for_contact'; written: string }
  | { code: 'admin_only'; written: string }
  | { code: 'not_personal_data'; written: string; category: string }
  | { code: 'someone_else'; written: string; customer: string; command: string }
  | { code: 'spam_ticket' }
  | { code: 'staff_lines'; lines: string[] }
  | { code: 'nothing_applied' }
  | { code: 'no_text' }
  | { code: 'no_ticket'; agent: string }
  | { code: 'not_authenticated'; agent: string; checkedBy: string[] }
  | { code: 'not_an_agent'; sender: string };

type Code = CommandProblem['code'];
type Phrases = { [C in Code]: (p: Extract<CommandProblem, { code: C }>) => string };

const quoted = (lines: string[], open: string, close: string) => lines.map((l) => `${open}${l}${close}`).join(', ');

const ENGLISH: Phrases = {
  unknown_command: (p) => `${p.written}: unknown command; the commands are ${p.commands.join(', ')}`,
  no_argument: (p) => `${p.written}: ${p.command} takes no argument`,
  hold_days: (p) => `${p.written}: expected a number of days, such as #hold 15d`,
  assign_who: (p) => `${p.written}: expected an agent, such as #assign camille@example.test`,
  level_value: (p) => `${p.written}: expected 1, 2 or 3`,
  unknown_category: (p) => `${p.written}: unknown category; one of ${p.categories.join(', ')}`,
  priority_value: (p) => `${p.written}: expected ${p.priorities.join(', ')}`,
  unknown_agent: (p) => `${p.written}: no agent has this address or name`,
  unknown_seller: (p) => `${p.written}: no seller has this id; the sellers are ${p.sellers.join(', ') || 'none'}`,
  no_seller_yet: (p) => `${p.written}: this ticket has no seller yet; write #seller <seller id>`,
  seller_restricted: (p) =>
    `${p.written}: this seller is restricted since ${p.since} for not answering; it is not asked again. Escalate the case (#escalate) or give the customer its details (#seller-contact)`,
  seller_text_missing: (p) => `${p.written}: write below the command what the seller should do; that text is sent to the seller`,
  not_spam: (p) => `${p.written}: this ticket is not marked as spam`,
  no_seller_for_contact: (p) => `${p.written}: this ticket has no seller; write #seller <seller id> first`,
  admin_only: (p) => `${p.written}: only an admin (admins in the configuration) may send or erase a customer's data`,
  not_personal_data: (p) => `${p.written}: this ticket is not a personal-data request (category ${p.category}); if it is one, write #category donnees_personnelles first`,
  someone_else: (p) =>
    `${p.written}: this request comes from ${p.customer}; data is only ever sent to, or erased for, the person who asks from their own address. A request about someone else's data is never served automatically: check who asks, then use guichet customer ${p.command}`,
  spam_ticket: () => 'this ticket is spam: nothing goes to its sender; write #notspam at the top to open it and answer',
  staff_lines: (p) => `these lines come from the team's own mails and were held back: ${quoted(p.lines, '"', '"')}`,
  nothing_applied: () => 'nothing was sent and no command was applied: reply again with your answer alone (and your commands)',
  no_text: () => 'no text of yours was found in this mail: nothing was sent to the customer',
  no_ticket: (p) => `${p.agent} wrote commands in a mail that belongs to no ticket: reply to a ticket's mail, or put its reference in the subject`,
  not_authenticated: (p) => `this mail from ${p.agent} did not pass DKIM/DMARC at ${p.checkedBy.join(', ') || 'any server of ours'}: nothing was done`,
  not_an_agent: (p) => `${p.sender} is not a configured agent: its commands were not applied`,
};

// French typography: a non-breaking space before ":" and ";", as in the templates.
const FRENCH: Phrases = {
  unknown_command: (p) => `${p.written}\u00a0: commande inconnue\u00a0; les commandes sont ${p.commands.join(', ')}`,
  no_argument: (p) => `${p.written}\u00a0: ${p.command} ne prend pas d’argument`,
  hold_days: (p) => `${p.written}\u00a0: il faut un nombre de jours, par exemple #hold 15d`,
  assign_who: (p) => `${p.written}\u00a0: il faut un agent, par exemple #assign camille@example.test`,
  level_value: (p) => `${p.written}\u00a0: le niveau est 1, 2 ou 3`,
  unknown_category: (p) => `${p.written}\u00a0: catégorie inconnue\u00a0; les catégories sont ${p.categories.join(', ')}`,
  priority_value: (p) => `${p.written}\u00a0: la priorité est ${p.priorities.join(', ')}`,
  unknown_agent: (p) => `${p.written}\u00a0: aucun agent n’a cette adresse ni ce nom`,
  unknown_seller: (p) => `${p.written}\u00a0: aucun vendeur n’a cet identifiant\u00a0; les vendeurs sont ${p.sellers.join(', ') || 'aucun'}`,
  no_seller_yet: (p) => `${p.written}\u00a0: ce dossier n’a pas encore de vendeur\u00a0; écrivez #seller <identifiant du vendeur>`,
  seller_restricted: (p) =>
    `${p.written}\u00a0: ce vendeur est restreint depuis le ${p.since} faute d’avoir répondu\u00a0; il n’est plus sollicité. Escaladez le dossier (#escalate) ou donnez ses coordonnées au client (#seller-contact)`,
  seller_text_missing: (p) => `${p.written}\u00a0: écrivez sous la commande ce que le vendeur doit faire\u00a0; ce texte lui est envoyé`,
  not_spam: (p) => `${p.written}\u00a0: ce dossier n’est pas marqué comme indésirable`,
  no_seller_for_contact: (p) => `${p.written}\u00a0: ce dossier n’a pas de vendeur\u00a0; écrivez d’abord #seller <identifiant du vendeur>`,
  admin_only: (p) => `${p.written}\u00a0: seul un administrateur (admins dans la configuration) peut envoyer ou effacer les données d’un client`,
  not_personal_data: (p) =>
    `${p.written}\u00a0: ce dossier n’est pas une demande sur des données personnelles (catégorie ${p.category})\u00a0; si c’en est une, écrivez d’abord #category donnees_personnelles`,
  someone_else: (p) =>
    `${p.written}\u00a0: cette demande vient de ${p.customer}\u00a0; des données ne sont envoyées ou effacées que pour la personne qui les demande depuis sa propre adresse. Une demande sur les données d’un autre n’est jamais traitée automatiquement\u00a0: vérifiez qui la fait, puis utilisez guichet customer ${p.command}`,
  spam_ticket: () => 'ce dossier est indésirable\u00a0: rien ne part vers son expéditeur\u00a0; écrivez #notspam en tête pour l’ouvrir et répondre',
  staff_lines: (p) => `ces lignes viennent des courriels de l’équipe et ont été retenues\u00a0: ${quoted(p.lines, '«\u00a0', '\u00a0»')}`,
  nothing_applied: () => 'rien n’a été envoyé et aucune commande n’a été appliquée\u00a0: répondez de nouveau avec votre seule réponse (et vos commandes)',
  no_text: () => 'aucun texte de votre main n’a été trouvé dans ce courriel\u00a0: rien n’a été envoyé au client',
  no_ticket: (p) => `${p.agent} a écrit des commandes dans un courriel qui n’appartient à aucun dossier\u00a0: répondez à un courriel du dossier, ou mettez sa référence dans l’objet`,
  not_authenticated: (p) =>
    `ce courriel envoyé par ${p.agent} n’a pas passé DKIM/DMARC chez ${p.checkedBy.join(', ') || 'aucun de nos serveurs'}\u00a0: rien n’a été fait`,
  not_an_agent: (p) => `${p.sender} n’est pas un agent configuré\u00a0: ses commandes n’ont pas été appliquées`,
};

const PHRASES: Record<Locale, Phrases> = { en: ENGLISH, fr: FRENCH };

/** One problem in one language. */
export function problemText(problem: CommandProblem, locale: Locale): string {
  return (PHRASES[locale][problem.code] as (p: CommandProblem) => string)(problem);
}

/** The ticket's history and the logs keep one language, whatever the team's. */
export function inEnglish(problems: CommandProblem[]): string[] {
  return problems.map((p) => problemText(p, 'en'));
}
