/**
 * What a failed send means, decided in one table rather than scattered ifs.
 * RFC 5321 §4.2.1: 4yz replies are transient, 5yz permanent. Two causes are not the
 * mail's fault and never make guichet give a mail up: the network (no reply code: the
 * relay may come back) and authentication (RFC 4954's 530/534/535/538: a wrong or
 * rotated password is the operator's to fix, and every mail would fail the same way).
 */
export type FailureKind = 'transient' | 'permanent' | 'network' | 'authentication';

const AUTHENTICATION_REPLIES = new Set([530, 534, 535, 538]);
const PERMANENT_NODEMAILER_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

export function classifySmtpError(error: unknown): FailureKind {
  const e = error as { responseCode?: number; code?: string };
  if (e.code === 'EAUTH' || (typeof e.responseCode === 'number' && AUTHENTICATION_REPLIES.has(e.responseCode))) return 'authentication';
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600 ? 'permanent' : 'transient';
  if (e.code !== undefined && PERMANENT_NODEMAILER_CODES.has(e.code)) return 'permanent';
  return 'network';
}

/** The enhanced status code (RFC 3463) in a server's reply, e.g. `5.1.1`; null when it gives none. */
export function enhancedStatus(error: unknown): string | null {
  const e = error as { response?: string; responseCode?: number };
  return e.response?.match(/\b[245]\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? (typeof e.responseCode === 'number' ? `${String(e.responseCode)[0]}.0.0` : null);
}
