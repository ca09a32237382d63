import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerErase } from '../../src/app/customerErase.js';
import { customerExport } from '../../src/app/customerExport.js';
import { customerCorrect } from '../../src/app/customerCorrect.js';
import { ticketDetail } from '../../src/app/ticketView.js';
import { status } from '../../src/app/status.js';
import { customerShow } from '../../src/app/customerShow.js';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { isGuichetError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { renderReport } from '../../src/report/render.js';
import { auditEntries } from '../../src/store/auditLog.js';
import { compactDatabase } from '../../src/store/compaction.js';
import { select } from '../../src/store/sqlRows.js';
import { eraseCustomerRows } from '../../src/store/customerErasure.js';
import { inTransaction } from '../../src/store/db.js';
import { erasureScrubbed, startErasure, unfinishedErasures } from '../../src/store/erasures.js';
import { AGENT, SUPPORT } from '../harness/config.js';
import { POSTGRES_ADMIN_URL } from '../harness/databases.js';
import { readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const MARIE = 'marie.dupont@example.test';
const PAUL = 'paul.martin@example.test';
/** What must be nowhere after the erasure: her address, her name, a sentence of hers, her invoice's content. */
const TRACES = [MARIE, 'Marie Dupont', 'Ma bouilloire fuit par le couvercle depuis mardi', 'FACTURE-778-SECRETE'];
const logger = createLogger('silent');
const NOW = new Date('2026-11-23T10:00:00+01:00');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function mail(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

const marieFirst = mail([
  `From: Marie Dupont <${MARIE}>`,
  `To: ${SUPPORT}`,
  'Subject: Bouilloire defectueuse, commande 447188',
  'Message-ID: <marie-1@example.test>',
  'Date: Mon, 23 Nov 2026 09:50:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour,',
  'Ma bouilloire fuit par le couvercle depuis mardi. Je joins la facture.',
  'Marie Dupont',
  '--b1',
  'Content-Type: application/pdf; name="facture-marie.pdf"',
  'Content-Disposition: attachment; filename="facture-marie.pdf"',
  '',
  '%PDF-1.4 FACTURE-778-SECRETE pour Marie Dupont',
  '--b1--',
]);

const paulFirst = mail([
  `From: Paul Martin <${PAUL}>`,
  `To: ${SUPPORT}`,
  'Subject: Colis en retard',
  'Message-ID: <paul-1@example.test>',
  'Date: Mon, 23 Nov 2026 09:55:00 +0100',
  '',
  'Bonjour, mon colis a une semaine de retard. Paul Martin',
]);

/** Her mail over the size limit: never downloaded, it stays in the Quarantine folder. */
const marieTooLarge = mail([
  `From: Marie Dupont <${MARIE}>`,
  `To: ${SUPPORT}`,
  'Subject: Photos de la bouilloire',
  'Message-ID: <marie-big@example.test>',
  '',
  'Ma bouilloire fuit par le couvercle depuis mardi, voici les photos.',
  ...Array.from({ length: 400 }, () => 'x'.repeat(76)),
]);

const agentAnswer = (reference: string, text: string) =>
  mail([
    `From: Camille <${AGENT}>`,
    `To: ${SUPPORT}`,
    `Subject: Re: [${reference}] Bouilloire defectueuse, commande 447188`,
    `Message-ID: <agent-${Math.random().toString(36).slice(2)}@example.test>`,
    'In-Reply-To: <marie-1@example.test>',
    '',
    text,
    '',
    `Le 23/11/2026 a 09:50, Marie Dupont <${MARIE}> a ecrit :`,
    '> Ma bouilloire fuit par le couvercle depuis mardi. Je joins la facture.',
  ]);

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Which traces each file holds, as bytes (UTF-8 and Latin-1 spellings alike are ASCII here). */
function tracesIn(files: string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file).toString('latin1').toLowerCase();
    for (const trace of TRACES) if (bytes.includes(trace.toLowerCase())) hits.push(`${path.basename(file)}: ${trace}`);
  }
  return hits;
}

describe.each(['sqlite', 'postgres'] as const)('a customer asks for their data to be erased (%s)', (dialect) => {
  let world: World;
  let reference: string;
  const run = async (minutes: number) => (await world.daemon(() => at(minutes))).runOnce();
  const db = async () => (await world.daemon()).ctx.db;

  beforeAll(async () => {
    world = await createWorld(dialect, { limits: { max_mail_bytes: 20_000 } }, [MARIE, PAUL]);
    await world.deliver(marieFirst, SUPPORT, MARIE);
    await world.deliver(paulFirst, SUPPORT, PAUL);
    await world.deliver(marieTooLarge, SUPPORT, MARIE);
    expect((await run(0)).inbox).toMatchObject({ seen: 3, processed: 2, quarantined: 1 });
    reference = (await ticketSummaries(await db())).find((t) => t.customer.email === MARIE)!.reference;
    await world.deliver(agentAnswer(reference, 'Bonjour Marie Dupont, nous vous envoyons une bouilloire neuve.'), SUPPORT, AGENT);
    await run(30);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('shows everything held about her, and where it lives', async () => {
    const shown = await customerShow(world.config, await db(), logger, ` ${MARIE.toUpperCase()} `, 'cli:test', at(40));
    expect(shown.address).toBe(MARIE);
    expect(shown.names).toEqual(['Marie Dupont']);
    expect(shown.tickets.map((t) => [t.reference, t.order_number])).toEqual([[reference, '447188']]);
    // Her mail, the team's notification, the acknowledgement, the agent's mail, its relay to her.
    expect(shown.messages.filter((m) => m.direction === 'in').map((m) => m.from)).toEqual([MARIE, AGENT]);
    expect(shown.messages.find((m) => m.from === MARIE)!.attachments).toEqual([expect.objectContaining({ filename: 'facture-marie.pdf', where: expect.stringMatching(/^attachments\//) })]);
    expect(shown.raw_mails).toHaveLength(2);
    expect(shown.raw_mails.every((r) => r.where.startsWith('database'))).toBe(true);
    expect(shown.imap.map((m) => m.folder).sort()).toEqual(['Processed', 'Processed', 'Quarantine']);
    expect(shown.outbox.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(shown)).not.toContain(PAUL);
  });

  it('exports it all as a zip: data.json, each mail as .eml, the attachments, a README in her language', async () => {
    const out = path.join(world.dovecot.dir, 'marie.zip');
    const report = await customerExport(world.config, await db(), logger, MARIE, out, 'cli:test', at(40));
    expect(report).toMatchObject({ locale: 'fr', counts: { tickets: 1, messages: 5 } });
    const listing = unzip(out);
    const names = Object.keys(listing).sort();
    expect(names).toEqual(
      [
        'README.txt',
        'data.json',
        `messages/${reference}/001-received.eml`,
        `messages/${reference}/001-1-facture-marie.pdf`,
        `messages/${reference}/002-sent.eml`,
        `messages/${reference}/003-sent.eml`,
        `messages/${reference}/004-received.eml`,
        `messages/${reference}/005-sent.eml`,
        'mails/quarantine-1.eml',
      ].sort(),
    );
    expect(listing['README.txt']).toContain('Vos données détenues par notre service client');
    expect(listing[`messages/${reference}/001-received.eml`]).toContain('Ma bouilloire fuit par le couvercle depuis mardi');
    expect(listing[`messages/${reference}/001-1-facture-marie.pdf`]).toBe('%PDF-1.4 FACTURE-778-SECRETE pour Marie Dupont');
    const sent = Object.entries(listing).filter(([name]) => name.endsWith('-sent.eml')).map(([, text]) => text);
    expect(sent.some((text) => text.includes(`To: Marie Dupont <${MARIE}>`) && /^Message-ID: </m.test(text) && text.includes('Date: Mon, 23 Nov 2026 09:00:00 +0000'))).toBe(true);
    expect(Object.entries(listing).find(([name]) => name.startsWith('mails/'))![1]).toContain('voici les photos');
    const data = JSON.parse(listing['data.json']!);
    expect(data).toMatchObject({ schema: 'guichet.personal-data.v1', address: MARIE, names: ['Marie Dupont'], tickets: [{ reference, order_number: '447188' }] });
    expect(data.messages[0]).toMatchObject({ direction: 'in', file: `messages/${reference}/001-received.eml`, text: expect.stringContaining('Ma bouilloire fuit') });
    expect(listing['data.json']).not.toContain(PAUL);
  });

  it('refuses an unknown customer, a bad address, and a ticket still open, saying why', async () => {
    await expect(customerShow(world.config, await db(), logger, 'nobody@example.test', 'cli:test', at(41))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_NOT_FOUND'));
    await expect(customerErase(world.config, await db(), logger, 'marie.dupont', options(41))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_INVALID'));
    await expect(customerErase(world.config, await db(), logger, MARIE, options(41))).rejects.toThrow(new RegExp(`${reference} \\(\\w+\\) is still open`));
    const dry = await customerErase(world.config, await db(), logger, MARIE, { ...options(42), dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, refusal: expect.stringContaining(reference), tickets: [reference], counts: { tickets: 1, attachments: 1, raw_mails: 2 }, imap_mails: 3 });
    expect((await customerShow(world.config, await db(), logger, MARIE, 'cli:test', at(43))).messages.length).toBeGreaterThan(0);
  });

  it('erases her everywhere, keeps the report figures, and leaves Paul alone', async () => {
    await world.deliver(agentAnswer(reference, '#close'), SUPPORT, AGENT);
    await run(60);
    const reportOf = async () => renderReport(await db(), world.config, { by: 'week', from: '2026-11-23', to: '2026-11-29' }, at(70), 'json');
    const before = await reportOf();

    const report = await customerErase(world.config, await db(), logger, MARIE, { ...options(70), keepStatistics: true });
    expect(report).toMatchObject({ dry_run: false, tickets: [reference], counts: { tickets: 1, attachments: 1, files: 1 }, imap_mails: 4, resumed: false });
    expect(report.pseudonym).toMatch(/^erased-[0-9a-f]{12}@erased\.invalid$/);
    expect(await reportOf()).toBe(before);
    await expect(customerShow(world.config, await db(), logger, MARIE, 'cli:test', at(71))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_NOT_FOUND'));

    const paul = (await ticketSummaries(await db())).find((t) => t.customer.email === PAUL)!;
    expect(paul.subject).toBe('Colis en retard');
    expect((await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).map((m) => m.parsed.from?.value[0]?.address)).toEqual([PAUL]);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toEqual([]);

    // The audit log says who did what and how much, and never names her.
    const audit = await auditEntries(await db(), null);
    expect(audit.map((a) => `${a.command} ${a.outcome}`)).toEqual(['show done', 'export done', 'erase refused', 'erase dry-run', 'show done', 'erase done']);
    expect(audit.at(-1)).toMatchObject({ actor: 'cli:test', subject: report.pseudonym, counts: { tickets: 1, messages: 7, attachments: 1, events: 8, outbox: 4, raw_mails: 3, files: 1, imap_mails: 4 } });
    expect(JSON.stringify(audit)).not.toContain('marie');
  });

  it('leaves no trace of her in the database files, the data folder or the IMAP folders', async () => {
    const database = await db();
    const compaction = await compactDatabase(database);
    expect(compaction.done).toBe(true);
    const mailbox = path.join(world.dovecot.dir, 'mail', SUPPORT);
    expect(filesUnder(mailbox).length).toBeGreaterThan(0);
    // Dovecot keeps the headers of expunged mails in its index cache until it purges it:
    // the server's own housekeeping, which docs/personal-data.md tells the operator to run.
    const conf = path.join(world.dovecot.dir, 'dovecot.conf');
    execFileSync('doveadm', ['-c', conf, 'mailbox', 'cache', 'purge', '-u', SUPPORT, 'Processed', 'Quarantine', 'INBOX']);
    const places = [...filesUnder(world.config.paths.data), ...filesUnder(mailbox)];
    if (dialect === 'sqlite') {
      const file = world.database.url.slice('sqlite:'.length);
      places.push(...[file, `${file}-wal`, `${file}-shm`].filter(existsSync));
      expect(tracesIn(places)).toEqual([]);
    } else {
      const name = new URL(world.database.url).pathname.slice(1);
      const dump = execFileSync('pg_dump', ['--data-only', world.database.url]).toString('latin1');
      expect(TRACES.filter((t) => dump.toLowerCase().includes(t.toLowerCase()))).toEqual([]);
      expect(dump).toContain('Colis en retard');
      // The database's own files (tables and indexes), as the server keeps them after VACUUM FULL.
      const [row] = await database.sequelize.query<{ dir: string }>(
        `SELECT current_setting('data_directory') || '/base/' || oid AS dir FROM pg_database WHERE datname = :name`,
        { replacements: { name }, type: 'SELECT' as never },
      );
      expect(tracesIn([...places, ...filesUnder(row!.dir)])).toEqual([]);
      expect(POSTGRES_ADMIN_URL).toBeTruthy();
    }
  });

  it('opens a new ticket when she writes again, even naming the erased reference', async () => {
    await world.deliver(
      mail([`From: Marie Dupont <${MARIE}>`, `To: ${SUPPORT}`, `Subject: Re: [${reference}] encore moi`, 'Message-ID: <marie-2@example.test>', '', 'Je reviens vers vous.']),
      SUPPORT,
      MARIE,
    );
    await run(90);
    const hers = (await ticketSummaries(await db())).filter((t) => t.customer.email === MARIE);
    expect(hers).toHaveLength(1);
    expect(hers[0]!.reference).not.toBe(reference);
  });

  it('finishes an erasure interrupted after the database part, and says it unfinished until then', async () => {
    const database = await db();
    const erasure = await startErasure(database, MARIE, 'erased-000000000001@erased.invalid', at(100));
    const person = { address: MARIE, names: ['Marie Dupont'], pseudonym: erasure.pseudonym };
    await inTransaction(database, async (transaction) => {
      const erased = await eraseCustomerRows(database, transaction, person, { keepStatistics: false, ticketless: [], now: at(100) });
      await erasureScrubbed(database, transaction, erasure.id, erased.files, { ...erased.counts });
    });
    // The crash: the mail's IMAP copy and its files were not removed.
    expect((await unfinishedErasures(database)).map((e) => e.pseudonym)).toEqual([erasure.pseudonym]);
    expect((await status(database, world.config, at(100))).unfinished_erasures).toEqual([{ pseudonym: erasure.pseudonym, stage: 'database', started_at: at(100).toISOString() }]);
    const report = await customerErase(world.config, database, logger, MARIE, options(101));
    expect(report).toMatchObject({ resumed: true, pseudonym: erasure.pseudonym, imap_mails: 1 });
    expect(await unfinishedErasures(database)).toEqual([]);
    expect((await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).map((m) => m.parsed.from?.value[0]?.address)).toEqual([PAUL]);
  });

  it('says an erasure that stopped right after it was recorded is unfinished, and finishes it when run again', async () => {
    await world.deliver(mail([`From: Marie Dupont <${MARIE}>`, `To: ${SUPPORT}`, 'Subject: Encore une question', 'Message-ID: <marie-3@example.test>', '', 'Une question encore.']), SUPPORT, MARIE);
    await run(120);
    const database = await db();
    const crash = new Error('the process died here');
    await expect(customerErase(world.config, database, logger, MARIE, { ...options(121), force: true, onStarted: async () => Promise.reject(crash) })).rejects.toBe(crash);
    const [unfinished] = await unfinishedErasures(database);
    expect(unfinished).toMatchObject({ stage: 'started' });
    expect((await customerShow(world.config, database, logger, MARIE, 'cli:test', at(122))).unfinished_erasure).toBe(true);
    const report = await customerErase(world.config, database, logger, MARIE, { ...options(123), force: true });
    expect(report).toMatchObject({ resumed: true, pseudonym: unfinished!.pseudonym, counts: { tickets: 1 } });
    expect(await unfinishedErasures(database)).toEqual([]);
  });

  it('lets a mail of hers that arrives during the erasure wait, then opens a new ticket with it: nothing half-erased', async () => {
    await world.deliver(mail([`From: Marie Dupont <${MARIE}>`, `To: ${SUPPORT}`, 'Subject: Derniere question', 'Message-ID: <marie-4@example.test>', '', 'Ma derniere question.']), SUPPORT, MARIE);
    await run(130);
    const erased = (await ticketSummaries(await db())).find((t) => t.customer.email === MARIE)!.reference;
    await world.deliver(
      mail([`From: Marie Dupont <${MARIE}>`, `To: ${SUPPORT}`, `Subject: Re: [${erased}] Derniere question`, 'Message-ID: <marie-5@example.test>', '', 'Ecrit pendant l effacement.']),
      SUPPORT,
      MARIE,
    );
    // Another instance processes her mail while the erasure's transaction is open: it waits on the erasure's locks.
    const other = await world.daemon(() => at(131));
    let inbound: Promise<unknown> = Promise.resolve();
    const report = await customerErase(world.config, await db(), logger, MARIE, {
      ...options(131),
      force: true,
      keepStatistics: true,
      withinTransaction: async () => {
        inbound = other.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 1500));
      },
    });
    await inbound;
    expect(report.tickets).toEqual([erased]);
    const hers = (await ticketSummaries(await db())).filter((t) => t.customer.email === MARIE);
    expect(hers).toHaveLength(1);
    expect(hers[0]!.reference).not.toBe(erased);
    const texts = (await ticketDetail(await db(), hers[0]!.reference)).messages.map((m) => m.subject);
    expect(texts[0]).toContain('Derniere question');
    const kept = await select<{ n: number }>(await db(), undefined, `SELECT COUNT(*) AS "n" FROM "messages" m JOIN "tickets" t ON t."id" = m."ticket_id" WHERE t."reference" = '${erased}'`, []);
    expect(Number(kept[0]!.n)).toBe(0);
  });

  it("corrects a customer's name and address, records it on the ticket and in the audit log", async () => {
    const database = await db();
    await expect(customerCorrect(database, PAUL, {}, 'cli:test', at(110))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_INVALID'));
    await expect(customerCorrect(database, PAUL, { newAddress: 'not an address' }, 'cli:test', at(110))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_INVALID'));
    await expect(customerCorrect(database, 'nobody@example.test', { name: 'X' }, 'cli:test', at(110))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_NOT_FOUND'));
    const paul = (await ticketSummaries(database)).find((t) => t.customer.email === PAUL)!.reference;
    expect(await customerCorrect(database, PAUL, { name: 'Paul Martin-Roux', newAddress: 'Paul.Roux@example.test' }, 'cli:test', at(111))).toEqual({ tickets: [paul] });
    const detail = await ticketDetail(database, paul);
    expect(detail.customer).toEqual({ name: 'Paul Martin-Roux', email: 'paul.roux@example.test' });
    expect(detail.events.at(-1)).toMatchObject({ type: 'customer_corrected', data: { fields: ['name', 'address'] } });
    const corrections = (await auditEntries(database, null)).filter((a) => a.command === 'correct');
    expect(corrections.map((a) => `${a.actor} ${a.outcome} ${JSON.stringify(a.counts)}`)).toEqual(['cli:test done {"tickets":1,"fields":2}']);
  });
});

/** An archive's files and their contents, read by Python's zipfile: another implementation than the one that wrote it. */
function unzip(file: string): Record<string, string> {
  const script = 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: z.read(n).decode("latin-1") for n in z.namelist()}))';
  const json = JSON.parse(execFileSync('python3', ['-c', script, file], { maxBuffer: 64 * 1024 * 1024 }).toString()) as Record<string, string>;
  return Object.fromEntries(Object.entries(json).map(([name, text]) => [name, Buffer.from(text, 'latin1').toString('utf8')]));
}

function options(minutes: number) {
  return { dryRun: false, keepStatistics: false, force: false, actor: 'cli:test', now: at(minutes) };
}
