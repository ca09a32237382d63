import type { LedgerOutcome } from '../store/ledger.js';

/** What the inbound pipeline is given, and what it says of each mail (the ledger's outcome). */
export type IngestOutcome = LedgerOutcome | 'duplicate';

export interface IngestResult {
  outcome: IngestOutcome;
  sha256: string;
  reference?: string;
  created?: boolean;
  reason?: string;
  /** For a duplicate: what became of the first copy (decides which folder it is moved to). */
  previous?: IngestOutcome;
}

export interface RawMail {
  raw: Buffer;
  /** Where it came from, for the ledger: `imap:INBOX:<uidvalidity>:<uid>`, `ingest:<file>`. */
  source: string;
}
