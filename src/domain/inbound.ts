import type { AutomaticReason, ProbableRobot } from './automatic.js';
import type { TraceHeader } from './senderAuth.js';
import type { DeliveryAction } from './vocabulary.js';

export interface MailAddress {
  address: string;
  name: string | null;
}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Content address of the file under data/attachments. */
  sha256: string;
}

/** The original mail inside a forward: who wrote it, about what, and the forwarder's own words above it. */
export interface ForwardedMail {
  from: MailAddress;
  subject: string;
  body: string;
  note: string;
}

/** One recipient's line of a report. */
export interface ReportedRecipient {
  address: string | null;
  action: DeliveryAction;
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`; null when the report gives none. */
  status: string | null;
  /** The remote server's own words, e.g. `smtp; 550 5.1.1 User unknown`. */
  diagnostic: string | null;
}

/** A delivery report found in an incoming mail; matched to what we sent by the app. */
export interface DeliveryReport {
  /** Message-IDs the report is about: the original's, from its attached headers or quoted in its text. */
  originalMessageIds: string[];
  recipients: ReportedRecipient[];
}

/** How a recipient's address stands after a failure: `permanent` stops automatic mail to it. */
export type Undeliverable = 'permanent' | 'temporary';

/** What the receiving MTA's spam filter said of a mail (mail/spamVerdict.ts). */
export interface SpamVerdict {
  filter: 'spamassassin' | 'rspamd' | 'unknown';
  /** The filter's own yes. */
  flagged: boolean;
  score: number | null;
}

/** An incoming mail reduced to what the domain needs; made from mailparser's output by mail/toInbound.ts. */
export interface InboundMail {
  messageId: string;
  inReplyTo: string[];
  references: string[];
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** Where the mail was actually delivered (Delivered-To / X-Original-To), to catch topic addresses in Bcc. */
  deliveredTo: string[];
  subject: string;
  text: string;
  /** What the sender wrote in this mail: the text without quoted history nor signature. */
  visibleText: string;
  /** The sign-off the stripper cut ("Cordialement,\nJeanne Dupont"): the team reads who wrote; answers never repeat it. */
  signOff?: string | null;
  html: string | null;
  date: Date | null;
  language: string | null;
  automatic: AutomaticReason | null;
  /** No header says a machine wrote it, but its words do (an out-of-office without headers): see `probableRobot`. */
  probablyAutomatic: ProbableRobot | null;
  /** The original mail, when this one forwards it. */
  forwarded: ForwardedMail | null;
  /** Received and Authentication-Results headers (RFC 8601), top first: who vouched for the sender, and where. */
  trace: TraceHeader[];
  /** guichet's own DKIM/DMARC verdict, as an Authentication-Results value, when it checked the mail itself (mail/verifySender.ts). */
  verifiedHere: string | null;
  attachments: StoredAttachment[];
  /** What a bounce or a feedback report says about a mail, when this automatic mail is one (mail/deliveryReport.ts). */
  deliveryReport: DeliveryReport | null;
  /** The spam filter's verdict, when one left its headers. */
  spam: SpamVerdict | null;
}
