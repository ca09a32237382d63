import { isMap, isNode, isScalar, type LineCounter, type parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';

/** The dotted path of the key a schema issue is about, e.g. `imap.port`. */
export function keyPath(issue: ZodIssue): string {
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const parts = [...issue.path.map(String), ...(unknown.length === 1 ? unknown : [])];
  return parts.join('.') || '(top level)';
}

/** `file:line:col: key: problem`, pointing at the deepest node that exists. */
export function describeIssue(issue: ZodIssue, doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): string {
  // Point at the deepest node that exists, so a missing key points at its parent.
  let node: unknown;
  for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) {
    node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth), true);
  }
  // An unknown key is pointed at itself, not at the section that holds it.
  const unknownKey =
    issue.code === 'unrecognized_keys' && isMap(node) ? node.items.find((pair) => isScalar(pair.key) && issue.keys.includes(String(pair.key.value)))?.key : undefined;
  const offset = isNode(unknownKey) ? unknownKey.range?.[0] : isNode(node) ? node.range?.[0] : undefined;
  const pos = offset === undefined ? undefined : lc.linePos(offset);
  const at = pos ? `${file}:${pos.line}:${pos.col}` : file;
  const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
  return `${at}: ${keyPath(issue)}: ${message}`;
}
