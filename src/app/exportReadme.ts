import type { Locale } from '../domain/vocabulary.js';

/** The README of a personal-data archive, in the person's language: what each file is, in plain words. */
export function exportReadme(locale: Locale, address: string, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  if (locale === 'en') {
    return [
      `Your data held by our customer service, for ${address}, as of ${day}.`,
      '',
      'data.json        everything we hold about you, in a machine-readable form (JSON):',
      '                 your requests, their messages both ways, the events of their handling,',
      '                 your ratings, and where each file below comes from.',
      'messages/        each message as a mail file (.eml), by request number: the mails you',
      '                 sent us as we received them, and the mails we sent you.',
      '                 Any mail program opens them (Thunderbird, Outlook, Apple Mail).',
      '                 The attachments are beside their message.',
      'mails/           mails of yours that we received but that belong to no request.',
      '',
      'You may ask us to correct or erase this data by replying to our mail.',
      '',
    ].join('\n');
  }
  return [
    `Vos données détenues par notre service client, pour ${address}, au ${day}.`,
    '',
    'data.json        tout ce que nous détenons sur vous, dans un format lisible par une machine',
    '                 (JSON) : vos demandes, leurs messages dans les deux sens, les étapes de',
    '                 leur traitement, vos notes, et l\'origine de chaque fichier ci-dessous.',
    'messages/        chaque message sous forme de fichier courriel (.eml), par numéro de',
    '                 demande : les courriels reçus de vous tels quels, et ceux que nous vous',
    '                 avons envoyés. Tout logiciel de messagerie les ouvre (Thunderbird,',
    '                 Outlook, Apple Mail). Les pièces jointes sont à côté de leur message.',
    'mails/           vos courriels reçus qui ne se rattachent à aucune demande.',
    '',
    'Vous pouvez nous demander de corriger ou d\'effacer ces données en répondant à notre courriel.',
    '',
  ].join('\n');
}
