import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TICKET_STATUSES } from './domain/ticket.js';
import { LOCALES } from './domain/vocabulary.js';
import { defaultConfigPath, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { describeError, GuichetError } from './errors.js';
import { VERSION } from './version.js';
import { createLogger, type Logger } from './logger.js';
import { configSecrets, redactor, redactUrls } from './secrets.js';
import type { Database } from './store/db.js';
import type { TicketDetailJson } from './app/ticketView.js';
import type { StatusJson } from './app/status.js';
import { REPORT_FORMATS, type ReportFormat } from './report/formats.js';
import type { ReportGrain } from './domain/reportPeriod.js';

/**
 * The `guichet` command. Every subcommand reads the configuration once, here, and
 * hands the typed object down; nothing below reads the environment.
 */
const program = new Command('guichet')
  .description('Email-first help desk')
  .version(VERSION, '-V, --version', 'print the version')
  .option('-c, --config <file>', 'configuration file (default: $GUICHET_CONFIG, else config/guichet.yaml, else config/default.yaml)')
  .showHelpAfterError();

/** sysexits.h, as MTAs read them: EX_DATAERR bounces the mail, EX_TEMPFAIL keeps it queued and retries. */
const EX_DATAERR = 65;
const EX_TEMPFAIL = 75;

/** Everything printed goes through this; once the configuration is read it hides its passwords too (secrets.ts). */
let redact: (text: string) => string = redactUrls;
const out = (text: string) => process.stdout.write(redact(text));
const err = (text: string) => process.stderr.write(redact(text));

function config(): Config {
  const file = program.opts<{ config?: string }>().config ?? process.env.GUICHET_CONFIG ?? defaultConfigPath(process.cwd());
  const cfg = loadConfig(file, process.env);
  redact = redactor(configSecrets(cfg));
  return cfg;
}

function parseGrain(value: string): ReportGrain {
  if (value === 'day' || value === 'week' || value === 'month') return value;
  throw new InvalidArgumentError('expected day, week or month');
}

function parseFormat(value: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new InvalidArgumentError(`expected ${REPORT_FORMATS.join(', ')}`);
}

function parseNow(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-24T09:00:00+01:00');
  return date;
}

program
  .command('start')
  .description('run the help desk: watch the mailbox, deliver the outbox')
  .option('--once', 'process what is in the inbox, deliver the outbox, then exit')
  .option('--now <time>', 'run as if it were this time (ISO 8601)', parseNow)
  .action(async (options: { once?: boolean; now?: Date }) => {
    const cfg = config();
    const logger = createLogger(cfg.log.level, redact);
    const sandbox = cfg.sandbox.enabled ? await (await import('./app/sandbox.js')).startSandbox(cfg, logger) : null;
    // --now shifts the clock, it does not stop it: a daemon started "as if it were
    // Monday 9:00" is at 9:05 five minutes later, so its timers keep falling due.
    const shift = options.now ? options.now.getTime() - Date.now() : 0;
    const clock = options.once && options.now ? () => options.now! : () => new Date(Date.now() + shift);
    const daemon = await (await import('./app/daemon.js')).Daemon.open(cfg, logger, clock);
    if (options.once) {
      try {
        const report = await daemon.runOnce();
        out(`${JSON.stringify(report)}\n`);
      } finally {
        await daemon.stop();
        await sandbox?.stop();
      }
      return;
    }
    try {
      await daemon.start();
    } catch (error) {
      // The metrics port taken, say: nothing may keep the process alive half started.
      await daemon.stop();
      await sandbox?.stop();
      throw error;
    }
    // Ctrl-C reaches every process of the terminal's group, and `npm start`'s tsx passes
    // it on to this one as well: the signal comes twice. Once stopping, a repeat is
    // ignored; with a one-time listener, Node's default for the second one killed the
    // process in the middle of its stop (SQLite left unclosed, the sandbox cut off).
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      await daemon.stop();
      await sandbox?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    // Under npm or npx a shell stands between them and guichet and does not pass their
    // SIGTERM on: it dies, guichet is re-parented and would run on, holding its ports.
    // Started that way, guichet stops when its parent goes (production runs it directly).
    if (process.env.npm_execpath) {
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) void shutdown('parent exited');
      }, 500).unref();
    }
  });

program
  .command('ingest')
  .description('feed one raw mail (a file, or - for standard input) through the pipeline, like an MTA pipe')
  .argument('<file>', 'path to an .eml file, or - for standard input')
  .option('--now <time>', 'process as if it were this time (ISO 8601)', parseNow)
  .action(async (file: string, options: { now?: Date }) => {
    const raw = file === '-' ? readFileSync(0) : readFileSync(file);
    // An MTA pipe reads the exit code (sysexits.h): 0 the mail is safe in the ledger
    // (processed or quarantined), 65 it can never be processed and was not kept, 75 try
    // again later (database, disk or configuration unavailable): the MTA keeps the mail.
    if (raw.length === 0) {
      err('guichet ingest: the input is empty: there is no mail to keep\n');
      process.exitCode = EX_DATAERR;
      return;
    }
    try {
      await withStore(async (cfg, db, logger) => {
        const result = await (await import('./app/ingest.js')).ingestRaw((await import('./app/context.js')).createContext(cfg, db, logger), raw, file === '-' ? 'ingest:stdin' : `ingest:${file}`, options.now ?? new Date());
        out(`${JSON.stringify(result)}\n`);
      });
    } catch (error) {
      err(`guichet: ${said(error)}; the mail was not kept: try again later\n`);
      process.exitCode = EX_TEMPFAIL;
    }
  });

const tickets = program.command('tickets').description('look at tickets');
tickets
  .command('list')
  .description('every ticket, oldest first, with its status, level, category and customer')
  .addOption(new Option('--status <status>', 'only tickets with this status').choices(TICKET_STATUSES))
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (options: { status?: string; json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const rows = await (await import('./app/ticketView.js')).ticketSummaries(db, options.status);
      if (options.json) return void out(`${JSON.stringify(rows, null, 2)}\n`);
      for (const t of rows) {
        out(`${t.reference}  ${t.status.padEnd(16)} L${t.level}  ${t.category.padEnd(22)} ${t.customer.email}  ${t.subject}\n`);
      }
      out(`${rows.length} ticket(s)\n`);
    });
  });
tickets
  .command('show')
  .description('one ticket: its facts, every message and event in order, its outbox rows')
  .argument('<reference>')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (reference: string, options: { json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const detail = await (await import('./app/ticketView.js')).ticketDetail(db, reference);
      out(options.json ? `${JSON.stringify(detail, null, 2)}\n` : formatDetail(detail));
    });
  });

const templates = program.command('templates').description('the mail templates in templates/<locale>/');
templates
  .command('check')
  .description('compile and render every template with a sample, strictly; print file:line:column for each problem')
  .action(async () => {
    const cfg = config();
    const report = (await import('./templates/check.js')).checkTemplates(cfg.paths.templates, cfg.support.locale, cfg.support.timezone);
    for (const problem of report.problems) err(`${problem}\n`);
    out(`${report.checked} template(s) checked in ${cfg.paths.templates}: ${report.problems.length} problem(s)\n`);
    if (report.problems.length > 0) process.exitCode = 1;
  });

templates
  .command('preview')
  .description('render one mail as it would be sent, from the sample context or a real ticket')
  .argument('<name>', 'the mail, e.g. acknowledgement')
  .addOption(new Option('--locale <locale>', "the mail's language (default: the ticket's, or the sample's)").choices(LOCALES))
  .option('--ticket <reference>', 'use this ticket\'s facts')
  .option('--sample', 'use the sample context (the default)')
  .option('--raw', 'print the message as sent (MIME, encoded), not its decoded headers and text part')
  .option('--out <file>', 'write FILE.eml (the whole message) or FILE.html (its HTML part); default: the headers and text part on standard output')
  .action(async (name: string, options: { locale?: 'fr' | 'en'; ticket?: string; out?: string; raw?: boolean }) => {
    await withStore(async (cfg, db, logger) => {
      const { eml, html, readable } = await (await import('./app/preview.js')).preview((await import('./app/context.js')).createContext(cfg, db, logger), { name, ...options });
      if (options.out) writeFileSync(options.out, options.out.endsWith('.html') ? html : eml);
      else process.stdout.write(options.raw ? eml : readable);
    });
  });

program
  .command('sellers')
  .description('sellers')
  .command('list')
  .description("each seller's status, strikes, open requests and median answer time")
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (options: { json?: boolean }) => {
    await withStore(async (cfg, db) => {
      const { formatSellers, sellersView } = await import('./app/sellersView.js');
      const rows = await sellersView(db, cfg);
      out(options.json ? `${JSON.stringify(rows, null, 2)}\n` : formatSellers(rows));
    });
  });

program
  .command('report')
  .description('are our promises kept? answer times, resolution, satisfaction, backlog (docs/report.md)')
  .option('--from <date>', 'first day, YYYY-MM-DD in the policy\'s time zone (default: four weeks ago, a Monday)')
  .option('--to <date>', 'last day, included (default: today, or the end of this week without --from)')
  .option('--by <grain>', 'volumes by day, week or month', parseGrain, 'week')
  .option('--policy <name>', 'only tickets opened under this policy (also gives the calendar and time zone)')
  .option('--category <category>', 'only tickets of this category')
  .option('--format <format>', 'table, json, csv or html', parseFormat, 'table')
  .option('--out <file>', 'write to this file instead of the terminal')
  .option('--now <time>', 'the report as of this time (ISO 8601), for past reviews and tests', parseNow)
  .action(async (options: { from?: string; to?: string; by: ReportGrain; policy?: string; category?: string; format: ReportFormat; out?: string; now?: Date }) => {
    await withStore(async (cfg, db) => {
      const text = await (await import('./report/render.js')).renderReport(db, cfg, options, options.now ?? new Date(), options.format);
      if (options.out) writeFileSync(options.out, text);
      else out(text);
    });
  });

program
  .command('status')
  .description('last mailbox poll and error, outbox and quarantine, and what is overdue or due today, at a glance')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .option('--now <time>', 'judge deadlines as of this time (ISO 8601)', parseNow)
  .action(async (options: { json?: boolean; now?: Date }) => {
    await withStore(async (cfg, db) => {
      const report = await (await import('./app/status.js')).status(db, cfg, options.now ?? new Date());
      out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    });
  });

const quarantine = program.command('quarantine').description('mails that could not be processed');
quarantine
  .command('list')
  .description('every quarantined mail with its id and reason, newest first')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (options: { json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const list = await (await import('./app/quarantineRelease.js')).quarantineList(db);
      if (options.json) out(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) out('quarantine is empty\n');
      else for (const q of list) out(`${q.id}  ${q.received_at}  ${q.source}  ${q.reason ?? ''}\n`);
    });
  });
quarantine
  .command('release')
  .description('after a fix: put quarantined mails back in the inbox, to be processed afresh')
  .argument('[ids...]', 'ids from guichet quarantine list')
  .option('--all', 'every quarantined mail')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (ids: string[], options: { all?: boolean; json?: boolean }) => {
    const numbers = idsOf('quarantine release', 'guichet quarantine list', ids, options.all);
    await withStore(async (cfg, db, logger) => {
      const report = await (await import('./app/quarantineRelease.js')).releaseQuarantine(cfg, db, logger, options.all ? 'all' : numbers);
      if (options.json) return void out(`${JSON.stringify(report, null, 2)}\n`);
      for (const r of report.released) out(`released ${r.id} (${r.source}) to ${cfg.imap.inbox}\n`);
      for (const m of report.missing) out(`not in ${cfg.imap.quarantine}: ${m.id} (${m.source}); left as it is\n`);
      if (report.released.length + report.missing.length === 0) out('nothing to release\n');
    });
  });

const outbox = program.command('outbox').description('mail waiting to go out, or given up');
outbox
  .command('list')
  .description('mails not sent: failed ones, and those waiting after a failed try, with the last error')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (options: { json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const rows = await (await import('./store/outbox.js')).unsentRows(db);
      if (options.json) return void out(`${JSON.stringify(rows, null, 2)}\n`);
      if (rows.length === 0) return void out('every mail went out\n');
      for (const r of rows) {
        const next = r.status === 'failed' ? 'given up' : `next try ${r.next_attempt_at.toISOString()}`;
        out(`${r.id}  ${r.status.padEnd(7)} ${r.kind} to ${r.recipient}${r.reference ? ` (${r.reference})` : ''}, ${r.attempts} attempt(s), ${next}\n      ${r.last_error ?? ''}\n`);
      }
    });
  });
outbox
  .command('retry')
  .description('after a fix: send failed mails again (their Message-ID stays the same)')
  .argument('[ids...]', 'ids from guichet outbox list')
  .option('--all', 'every failed mail')
  .action(async (ids: string[], options: { all?: boolean }) => {
    const numbers = idsOf('outbox retry', 'guichet outbox list', ids, options.all);
    await withStore(async (_cfg, db) => {
      const retried = await (await import('./store/outbox.js')).retryFailed(db, options.all ? 'all' : numbers, new Date());
      const missing = numbers.filter((n) => !retried.includes(n));
      out(retried.length > 0 ? `${retried.length} mail(s) queued again: ${retried.join(', ')}; the daemon sends them at its next pass\n` : 'no failed mail to send again\n');
      if (missing.length > 0) {
        err(`guichet outbox retry: not failed, or no such mail: ${missing.join(', ')}\n`);
        process.exitCode = 1;
      }
    });
  });

const senders = program.command('senders').description('senders blocked as spammers (an agent\'s #spam, or here)');
senders
  .command('list')
  .description('every blocked sender, with who blocked it and on which ticket')
  .option('--json', 'machine-readable output (see docs/cli.md)')
  .action(async (options: { json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const rows = await (await import('./store/blockedSenders.js')).blockedSenders(db);
      if (options.json) return void out(`${JSON.stringify(rows, null, 2)}\n`);
      if (rows.length === 0) return void out('no sender is blocked\n');
      for (const r of rows) out(`${r.address}  blocked ${r.blocked_at.toISOString()} by ${r.blocked_by}${r.reference ? ` on ${r.reference}` : ''}\n`);
    });
  });
for (const [name, blocked] of [['block', true], ['unblock', false]] as const) {
  senders
    .command(name)
    .description(blocked ? 'take every later mail of these addresses for spam: kept, never answered' : 'let these addresses write again')
    .argument('<addresses...>')
    .action(async (addresses: string[]) => {
      const wrong = addresses.filter((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
      if (wrong.length > 0) program.error(`guichet senders ${name}: not an address: ${wrong.join(', ')}`);
      await withStore(async (_cfg, db) => {
        const list = addresses.map((a) => ({ address: a.toLowerCase(), blocked, by: 'guichet senders', reference: null }));
        const { applySenderBlocks } = await import('./store/blockedSenders.js');
        await (await import('./store/db.js')).inTransaction(db, (transaction) => applySenderBlocks(db, transaction, list, new Date()));
        out(`${blocked ? 'blocked' : 'unblocked'}: ${list.map((l) => l.address).join(', ')}\n`);
      });
    });
}

const customer = program.command('customer').description("a person's data: see, export, correct, erase it (docs/personal-data.md)");
customer
  .command('show')
  .description('everything guichet holds about this address, and where it lives')
  .argument('<email>')
  .option('--json', 'machine-readable output (see docs/personal-data.md)')
  .action(async (email: string, options: { json?: boolean }) => {
    await withStore(async (cfg, db, logger) => {
      const { customerShow, formatCustomer } = await import('./app/customerShow.js');
      const shown = await customerShow(cfg, db, logger, email, operator(), new Date());
      out(options.json ? `${JSON.stringify(shown, null, 2)}\n` : formatCustomer(shown));
    });
  });
customer
  .command('export')
  .description('write everything guichet holds about this address as a zip: data.json, each mail as .eml, the attachments, a README')
  .argument('<email>')
  .requiredOption('--out <file.zip>', 'the archive to write')
  .action(async (email: string, options: { out: string }) => {
    await withStore(async (cfg, db, logger) => {
      const report = await (await import('./app/customerExport.js')).customerExport(cfg, db, logger, email, options.out, operator(), new Date());
      out(`wrote ${report.file}: ${report.counts.tickets} ticket(s), ${report.counts.messages} message(s), ${report.counts.files} file(s), ${report.counts.bytes} bytes (README in ${report.locale})\n`);
    });
  });
customer
  .command('correct')
  .description("correct a person's name or address on every ticket of theirs (recorded on each ticket and in the audit log)")
  .argument('<email>')
  .option('--name <name>', 'the name as they want it written')
  .option('--new-address <email>', 'the address to write to from now on')
  .action(async (email: string, options: { name?: string; newAddress?: string }) => {
    await withStore(async (_cfg, db) => {
      const { tickets } = await (await import('./app/customerCorrect.js')).customerCorrect(db, email, options, operator(), new Date());
      out(`corrected ${tickets.length} ticket(s): ${tickets.join(', ')}\n`);
    });
  });
customer
  .command('erase')
  .description("erase a person's mails, messages, attachments and outbox rows, in the database, the data folder and the IMAP folders")
  .argument('<email>')
  .option('--dry-run', 'say what would be erased, erase nothing')
  .option('--keep-statistics', 'keep their tickets under a pseudonym, without their words, so that report figures do not change')
  .option('--force', 'also erase tickets still open (they are closed without a word to the customer)')
  .option('--json', 'machine-readable output (see docs/personal-data.md)')
  .action(async (email: string, options: { dryRun?: boolean; keepStatistics?: boolean; force?: boolean; json?: boolean }) => {
    await withStore(async (cfg, db, logger) => {
      const report = await (await import('./app/customerErase.js')).customerErase(cfg, db, logger, email, {
        dryRun: options.dryRun ?? false,
        keepStatistics: options.keepStatistics ?? false,
        force: options.force ?? false,
        actor: operator(),
        now: new Date(),
      });
      if (options.json) return void out(`${JSON.stringify(report, null, 2)}\n`);
      const counts = Object.entries(report.counts).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ');
      out(report.dry_run ? `would erase: ${counts}; tickets ${report.tickets.join(', ') || 'none'}${report.refusal ? `\nbut would refuse: ${report.refusal}` : ''}\n` : `erased: ${counts}${report.pseudonym && options.keepStatistics ? `; tickets kept as ${report.pseudonym}` : ''}\n`);
      if (report.compaction) out(`free space: ${report.compaction.detail}\n`);
    });
  });

program
  .command('audit')
  .description('who looked at, exported, corrected or erased personal data')
  .command('list')
  .option('--since <date>', 'from this day on (YYYY-MM-DD)')
  .option('--json', 'machine-readable output (see docs/personal-data.md)')
  .action(async (options: { since?: string; json?: boolean }) => {
    await withStore(async (_cfg, db) => {
      const entries = await (await import('./store/auditLog.js')).auditEntries(db, options.since ? parseNow(options.since) : null);
      if (options.json) return void out(`${JSON.stringify(entries, null, 2)}\n`);
      if (entries.length === 0) return void out('the audit log is empty\n');
      for (const e of entries) {
        out(`${e.at.toISOString()}  ${e.actor}  ${e.command} ${e.outcome}${e.subject ? ` ${e.subject}` : ''}  ${Object.entries(e.counts).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
      }
    });
  });

const db = program.command('db').description('database maintenance');
db.command('migrate')
  .description('apply pending schema migrations (also done at every start)')
  .action(async () => {
    await withStore(async () => undefined);
    out('database is up to date\n');
  });
db.command('compact')
  .description("rewrite the database without its free space, where erased data may linger (PostgreSQL: VACUUM FULL, which locks each table in turn)")
  .action(async () => {
    await withStore(async (_cfg, database) => {
      const result = await (await import('./store/compaction.js')).compactDatabase(database);
      out(`${result.detail}\n`);
    });
  });

program
  .command('config')
  .description('configuration')
  .command('check')
  .description('validate the configuration file and say what is wrong')
  .action(() => {
    const cfg = config();
    const policies = Object.keys(cfg.policies).map((name) => (name === cfg.policy.default ? `${name} (default)` : name));
    out(`${cfg.source}: OK (support ${cfg.support.address}, database ${cfg.database.url.split(':')[0]}, policies ${policies.join(', ')})\n`);
    // Where everything is, resolved: relative paths are read from the file's own folder.
    out(`  database   ${redactUrls(cfg.database.url)}\n  data       ${cfg.paths.data}\n  templates  ${cfg.paths.templates}\n  policies   ${cfg.paths.policies}\n`);
  });

/** An error as a person reads it after "guichet: ": its words, with its kind only when it says something ("TypeError"). */
function said(error: unknown): string {
  if (error instanceof GuichetError) return error.message;
  if (error instanceof Error && error.name === 'Error') return error.message;
  return describeError(error);
}

/** Who runs a command, for the audit log: the system account, never a customer. */
function operator(): string {
  return `cli:${userInfo().username}`;
}

/** The numeric ids a command was given, or its usage error: none without --all, or one that is not a number. */
function idsOf(command: string, lister: string, ids: string[], all: boolean | undefined): number[] {
  if (!all && ids.length === 0) program.error(`guichet ${command}: give the ids, or --all`);
  return ids.map((id) => {
    if (!/^\d+$/.test(id)) program.error(`guichet ${command}: ${id} is not an id (${lister} shows them)`);
    return Number(id);
  });
}

/** Opens the configured database (migrating it), runs `work`, and closes it whatever happens. */
async function withStore(work: (cfg: Config, db: Database, logger: Logger) => Promise<void>): Promise<void> {
  const cfg = config();
  const logger = createLogger(cfg.log.level, redact);
  const db = await (await import('./store/openStore.js')).openStore(cfg, logger);
  try {
    await work(cfg, db, logger);
  } finally {
    await db.close();
  }
}

function formatStatus(s: StatusJson): string {
  const counts = (c: Record<string, number>) => Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const lines = s.mailboxes.map(
    (m) => `mailbox ${m.mailbox}: last poll ${m.last_poll_at ?? 'never'}${m.last_error ? `; last error ${m.last_error_at}: ${m.last_error}` : ''}`,
  );
  if (lines.length === 0) lines.push('mailbox: never polled');
  lines.push(`tickets: ${counts(s.tickets)}`, `outbox: ${counts(s.outbox)}`, `inbound mail: ${counts(s.inbound)}`);
  for (const q of s.quarantine) lines.push(`quarantined ${q.received_at} ${q.source}: ${q.reason}`);
  const oldest = s.today.oldest_unanswered;
  lines.push(
    `today: ${s.today.overdue} overdue, ${s.today.first_answers_due_today} first answer(s) due today, oldest unanswered ${oldest ? `${oldest.reference} (waiting ${Math.floor(oldest.waiting_minutes / 60)} h ${String(oldest.waiting_minutes % 60).padStart(2, '0')})` : 'none'}`,
  );
  for (const t of s.trouble) lines.push(`TROUBLE ${t.kind}: ${t.detail}`);
  for (const e of s.unfinished_erasures) lines.push(`UNFINISHED ERASURE ${e.pseudonym} (started ${e.started_at}, stage ${e.stage}): run guichet customer erase with the person's address again`);
  return `${lines.join('\n')}\n`;
}

function deliveryNote(delivery: TicketDetailJson['messages'][number]['delivery']): string {
  if (!delivery) return '';
  const what = delivery.action === 'complaint' ? 'reported as spam by its recipient' : delivery.action === 'delayed' ? 'delayed' : 'not delivered';
  return `  ** ${what}${delivery.status ? ` ${delivery.status}` : ''}${delivery.diagnostic ? `: ${delivery.diagnostic}` : ''}`;
}

function formatDetail(t: TicketDetailJson): string {
  const lines = [
    `${t.reference}  ${t.subject}`,
    `  status ${t.status}${t.hold_until ? ` until ${t.hold_until}` : ''}, level ${t.level}, priority ${t.priority}, assignee ${t.assignee ?? '-'}, category ${t.category}, order ${t.order_number ?? '-'}, locale ${t.locale}`,
    `  customer ${t.customer.name ?? ''} <${t.customer.email}>; opened ${t.opened_at}; answer due ${t.first_response_due_at ?? '-'}`,
    '',
  ];
  const timeline = [
    ...t.messages.map((m) => ({ at: m.at, line: `${m.direction === 'in' ? '<-' : '->'} ${m.from} -> ${m.to.join(', ')}: ${m.subject}${m.automatic ? ` (automatic: ${m.automatic})` : ''}${m.attachments.length ? ` [${m.attachments.length} attachment(s)]` : ''}${deliveryNote(m.delivery)}` })),
    ...t.events.map((e) => ({ at: e.at, line: `   ${e.type} ${JSON.stringify(e.data)}` })),
  ];
  for (const [address, how] of Object.entries(t.undeliverable)) lines.splice(3, 0, `  ${address}: our mail does not arrive (${how}${how === 'permanent' ? ': no automatic mail goes there' : ''})`);
  for (const entry of timeline.sort((a, b) => a.at.localeCompare(b.at))) lines.push(`${entry.at}  ${entry.line}`);
  for (const o of t.outbox) lines.push(`outbox ${o.kind} to ${o.to}: ${o.status} (${o.attempts} attempt(s))${o.last_error ? ` ${o.last_error}` : ''}`);
  return `${lines.join('\n')}\n`;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  err(`guichet: ${said(error)}\n`);
  process.exitCode = error instanceof GuichetError && error.code.startsWith('GUICHET_CONFIG') ? 2 : 1;
});
