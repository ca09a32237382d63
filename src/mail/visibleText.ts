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
  const visible = tidy(new EmailReplyParser().read(text).getVisibleText());
  return visible.length > 0 ? visible : text.trim();
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
