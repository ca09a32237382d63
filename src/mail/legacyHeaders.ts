import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

/**
 * chardet and iconv-lite are loaded on the first mail that needs them: most mails have
 * ASCII headers, and each parsing thread would otherwise load both at start.
 */
const load = createRequire(import.meta.url);
let decoders: { chardet: typeof import('chardet'); iconv: typeof import('iconv-lite') } | null = null;
const legacyDecoders = () => (decoders ??= { chardet: load('chardet'), iconv: load('iconv-lite') });

/**
 * Headers written raw in a legacy charset (RFC 5322 asks for ASCII and encoded words;
 * old clients and scripts write `Subject: Problème` in windows-1252 or KOI8-R anyway):
 * mailparser reads raw header bytes as UTF-8, and every such letter became U+FFFD. When
 * the header block is not valid UTF-8, it is decoded from the charset the mail declares
 * for its body, else from the one chardet detects (windows-1252, ISO-8859-x, KOI8-R,
 * GB18030, Shift_JIS, EUC-KR…), and handed to the parser as UTF-8. Only the parser's
 * copy changes: the mail is still known by the SHA-256 of its own bytes.
 */
export function withUtf8Headers(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end);
  // Native, and true for ASCII: the common case costs one pass over the header bytes in C++.
  if (isUtf8(head)) return raw;
  const { chardet, iconv } = legacyDecoders();
  const declared = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset="?([\w.:-]+)/im.exec(head.toString('latin1'))?.[1];
  const usable = (name: string | null | undefined): name is string => !!name && !/^(?:utf-?8|us-ascii)$/i.test(name) && iconv.encodingExists(name);
  const detected = chardet.detect(head);
  const charset = usable(declared) ? declared : usable(detected) ? detected : 'windows-1252';
  return Buffer.concat([Buffer.from(iconv.decode(head, charset), 'utf8'), raw.subarray(end)]);
}

const CRLF_END = Buffer.from('\r\n\r\n');
const LF_END = Buffer.from('\n\n');

/** Where the header block ends: at the first empty line (RFC 5322 §2.1), or the whole mail. */
function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf(CRLF_END);
  // A bare-LF mail ends its headers at "\n\n"; looked for only before the CRLF end, not through the body.
  const lf = raw.subarray(0, crlf >= 0 ? crlf : raw.length).indexOf(LF_END);
  return lf >= 0 ? lf : crlf >= 0 ? crlf : raw.length;
}
