import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { ZodIssue } from 'zod';
import { GuichetError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

/** Where `guichet` looks when no --config is given: the admin's file, else the built-in defaults. */
export const DEFAULT_CONFIG_FILES = ['config/guichet.yaml', 'config/default.yaml'];

export function defaultConfigPath(cwd: string): string {
  for (const candidate of DEFAULT_CONFIG_FILES) {
    const full = path.resolve(cwd, candidate);
    try {
      readFileSync(full);
      return full;
    } catch {
      // try the next candidate; the last one is reported below if none exists
    }
  }
  return path.resolve(cwd, DEFAULT_CONFIG_FILES[DEFAULT_CONFIG_FILES.length - 1]!);
}

/**
 * Reads, validates and freezes the configuration. The only place that reads the
 * environment: `*_env` keys are resolved here, and `env` is passed in so that
 * tests do not depend on the process.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GuichetError('GUICHET_CONFIG_NOT_FOUND', `${file}: cannot read the configuration file`, { cause });
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0];
    const at = where ? `${file}:${where.line}:${where.col}` : file;
    throw new GuichetError('GUICHET_CONFIG_INVALID', `${at}: not valid YAML: ${first.message.split('\n')[0]}`, {
      cause: first,
      details: { file },
    });
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, file));
    throw new GuichetError('GUICHET_CONFIG_INVALID', lines.join('\n'), {
      cause: result.error,
      details: { file, keys: result.error.issues.map((issue) => keyPath(issue)) },
    });
  }
  const raw = result.data;
  const secret = (section: 'imap' | 'smtp', value: { password?: string; password_env?: string }) => {
    if (value.password_env === undefined) return value.password;
    const found = env[value.password_env];
    if (found === undefined) {
      throw new GuichetError(
        'GUICHET_CONFIG_SECRET_MISSING',
        `${file}: ${section}.password_env names ${value.password_env}, which is not set in the environment`,
        { details: { file, keys: [`${section}.password_env`] } },
      );
    }
    return found;
  };
  const { password_env: _imapEnv, ...imap } = raw.imap;
  const { password_env: _smtpEnv, ...smtp } = raw.smtp;
  const base = path.dirname(path.dirname(path.resolve(file)));
  const config: Config = {
    ...raw,
    imap: { ...imap, password: secret('imap', raw.imap) ?? '' },
    smtp: { ...smtp, password: secret('smtp', raw.smtp) },
    paths: {
      data: path.resolve(base, raw.paths.data),
      templates: path.resolve(base, raw.paths.templates),
    },
    database: { url: resolveSqliteUrl(raw.database.url, base) },
    source: path.resolve(file),
  };
  return deepFreeze(config);
}

/** `sqlite:data/x.sqlite` is relative to the project folder (the parent of config/). */
function resolveSqliteUrl(url: string, base: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const target = url.slice('sqlite:'.length).replace(/^\/\//, '');
  if (target === ':memory:') return url;
  return `sqlite:${path.resolve(base, target)}`;
}

function keyPath(issue: ZodIssue): string {
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const parts = [...issue.path.map(String), ...(unknown.length === 1 ? unknown : [])];
  return parts.join('.') || '(top level)';
}

function describeIssue(issue: ZodIssue, doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): string {
  // Point at the deepest node that exists, so a missing key points at its parent.
  let node: unknown;
  for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) {
    node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth), true);
  }
  const offset = isNode(node) ? node.range?.[0] : undefined;
  const pos = offset === undefined ? undefined : lc.linePos(offset);
  const at = pos ? `${file}:${pos.line}:${pos.col}` : file;
  const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
  return `${at}: ${keyPath(issue)}: ${message}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
