import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const SUPPORT = 'support@example.test';
export const CUSTOMER = 'customer@example.test';
export const AGENT = 'agent1@example.test';
export const SELLER = 'seller1@example.test';
export const TEAM1 = 'level1@example.test';
/** Every mailbox the tests deliver to: our side, and the senders of the fixtures. */
export const ALL_USERS = [
  SUPPORT,
  CUSTOMER,
  AGENT,
  SELLER,
  TEAM1,
  'level2@example.test',
  'level3@example.test',
  'other@example.test',
  'marc.lefevre@example.test',
  'elodie.martin@example.test',
  'oliver.smith@example.test',
  'paul.bernard@example.test',
];

/**
 * A configuration for tests, written as YAML and read through the real loader so
 * that the tests exercise validation and defaults as an admin's file would.
 */
export function testConfig(options: { imapPort: number; smtpPort: number; databaseUrl: string; overrides?: Record<string, unknown> }): Config {
  const root = mkdtempSync(path.join(tmpdir(), 'guichet-app-'));
  const base: Record<string, unknown> = {
    support: { address: SUPPORT, name: 'Service client', locale: 'fr', timezone: 'Europe/Paris' },
    imap: { host: '127.0.0.1', port: options.imapPort, secure: false, user: SUPPORT, password: 'secret', poll_seconds: 1 },
    smtp: { host: '127.0.0.1', port: options.smtpPort, secure: false },
    database: { url: options.databaseUrl },
    reference: { prefix: 'SAV' },
    agents: [{ name: 'Camille', email: AGENT, level: 1 }],
    teams: { 1: { address: TEAM1 }, 2: { address: 'level2@example.test' }, 3: { address: 'level3@example.test' } },
    sellers: [{ id: 'S-1', name: 'Boutique', email: SELLER }],
    classification: { addresses: { 'privacy@example.test': 'donnees_personnelles' } },
    outbox: { poll_seconds: 0.2 },
    paths: { data: path.join(root, 'data'), templates: path.resolve('templates'), policies: path.resolve('config/policies') },
    log: { level: 'silent' },
  };
  // Overrides merge into their section, so a test can change one key of `imap`.
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    const current = base[key];
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    base[key] = isObject(current) && isObject(value) ? { ...(current as object), ...(value as object) } : value;
  }
  const yaml = stringify(base);
  // Written to disk too, so a test can start `guichet` as a separate process on it.
  const file = path.join(root, 'config', 'guichet.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  return parseConfig(yaml, file, {});
}
