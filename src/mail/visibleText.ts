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
  const visible = new EmailReplyParser().read(text).getVisibleText().trim();
  return visible.length > 0 ? visible : text.trim();
}
