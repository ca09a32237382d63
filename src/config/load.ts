import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { GuichetError } from '../errors.js';
import { describeIssue, keyPath } from './issues.js';
import { loadPolicies } from './policies.js';
import { configSchema, inEveryLocale, type Config, type OAuth2Settings, type RawConfig } from './schema.js';

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
    // yaml's message repeats the position and ends with a colon before its excerpt: the position is already in front.
    const words = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
    throw new GuichetError('GUICHET_CONFIG_INVALID', `${at}: not valid YAML: ${words}`, {
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
  const secret = (section: string, value: { password?: string; password_env?: string }) => {
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
  const databaseUrl = (): string => {
    if (raw.database.url !== undefined) return raw.database.url;
    const name = raw.database.url_env!;
    const found = env[name];
    if (found === undefined || !/^(sqlite:|postgres(ql)?:\/\/)/.test(found)) {
      throw new GuichetError(
        'GUICHET_CONFIG_SECRET_MISSING',
        `${file}: database.url_env names ${name}, which is ${found === undefined ? 'not set in the environment' : 'not a sqlite: or postgres:// URL'}`,
        { details: { file, keys: ['database.url_env'] } },
      );
    }
    return found;
  };
  const fromEnv = (key: string, name: string | undefined, inline: string | undefined): string | undefined => {
    if (name === undefined) return inline;
    const found = env[name];
    if (found === undefined) {
      throw new GuichetError('GUICHET_CONFIG_SECRET_MISSING', `${file}: ${key} names ${name}, which is not set in the environment`, { details: { file, keys: [key] } });
    }
    return found;
  };
  const oauth = (section: string, a: RawConfig['imap']['auth']): OAuth2Settings | null => {
    if (!a) return null;
    const { client_secret_env, refresh_token_env, ...rest } = a;
    return {
      ...rest,
      client_secret: fromEnv(`${section}.auth.client_secret_env`, client_secret_env, a.client_secret),
      scope: a.scope,
      refresh_token: fromEnv(`${section}.auth.refresh_token_env`, refresh_token_env, a.refresh_token),
    };
  };
  const imapOf = (section: string, value: RawConfig['imap']): Config['imap'] => {
    const { password_env: _env, auth: _auth, ...rest } = value;
    return { ...rest, password: secret(section, value) ?? '', auth: oauth(section, value.auth) };
  };
  const { password_env: _imapEnv, auth: _imapAuth, ...imap } = raw.imap;
  const { password_env: _smtpEnv, auth: _smtpAuth, ...smtp } = raw.smtp;
  // Relative paths are read from the configuration file's own folder, wherever it is (/etc/guichet/…).
  const base = path.dirname(path.resolve(file));
  const config: Config = {
    ...raw,
    imap: imapOf('imap', raw.imap),
    smtp: { ...smtp, password: secret('smtp', raw.smtp), auth: oauth('smtp', raw.smtp.auth) },
    mailboxes: raw.mailboxes.map((m, i) => ({
      ...m,
      name: m.name ?? raw.support.name,
      names: m.name ? inEveryLocale(m.name) : raw.support.names,
      imap: imapOf(`mailboxes.${i}.imap`, m.imap),
    })),
    paths: {
      data: path.resolve(base, raw.paths.data),
      templates: raw.paths.templates === undefined ? SHIPPED_TEMPLATES : path.resolve(base, raw.paths.templates),
      policies: policiesDir(base, raw.paths.policies),
    },
    database: { url: resolveSqliteUrl(databaseUrl(), base) },
    source: path.resolve(file),
    policies: loadPolicies(policiesDir(base, raw.paths.policies), raw.support.timezone),
  };
  const named = [
    ['policy.default', raw.policy.default],
    ...Object.entries(raw.policy.addresses).map(([address, name]) => [`policy.addresses.${address}`, name]),
    ...Object.entries(raw.policy.categories).map(([category, name]) => [`policy.categories.${category}`, name]),
    ...(raw.report?.policy ? [['report.policy', raw.report.policy]] : []),
    ...raw.mailboxes.flatMap((m, i) => (m.policy ? [[`mailboxes.${i}.policy`, m.policy]] : [])),
  ];
  for (const [key, name] of named) {
    if (name! in config.policies) continue;
    throw new GuichetError(
      'GUICHET_CONFIG_INVALID',
      `${file}: ${key}: no policy named "${name}" in ${config.paths.policies} (there are: ${Object.keys(config.policies).join(', ') || 'none'})`,
      { details: { file, keys: [key] } },
    );
  }
  return deepFreeze(config);
}

/** What guichet ships, one level above both src/ and dist/. */
const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));
const SHIPPED_POLICIES = fileURLToPath(new URL('../../config/policies', import.meta.url));

/** The admin's folder if named (relative to the configuration file); else the presets shipped with guichet. */
function policiesDir(base: string, configured: string | undefined): string {
  return configured === undefined ? SHIPPED_POLICIES : path.resolve(base, configured);
}

/** `sqlite:data/x.sqlite` is relative to the configuration file's folder. */
function resolveSqliteUrl(url: string, base: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const target = url.slice('sqlite:'.length).replace(/^\/\//, '');
  if (target === ':memory:') return url;
  return `sqlite:${path.resolve(base, target)}`;
}

/** Plain data only: a policy's calendar keeps its own caches. */
function deepFreeze<T>(value: T): T {
  const plain = value && typeof value === 'object' && [Object.prototype, Array.prototype].includes(Object.getPrototypeOf(value));
  if (plain && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
