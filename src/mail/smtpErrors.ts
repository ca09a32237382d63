/**
 * Transient or permanent, decided in one table rather than scattered ifs.
 * RFC 5321 §4.2.1: 4yz replies are transient, 5yz permanent. Network errors and
 * timeouts have no reply code and are transient: the server may come back.
 */
export type FailureKind = 'transient' | 'permanent';

const PERMANENT_NODEMAILER_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

export function classifySmtpError(error: unknown): FailureKind {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600 ? 'permanent' : 'transient';
  if (e.code !== undefined && PERMANENT_NODEMAILER_CODES.has(e.code)) return 'permanent';
  return 'transient';
}
