import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../src/app/report.js';
import { launchChromium } from '../harness/browser.js';
import { AGENT, CUSTOMER, SELLER, SUPPORT } from '../harness/config.js';
import { readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

function guichet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/guichet.js', ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let sequence = 0;
function mail(from: string, subject: string, body: string): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <report-${++sequence}@example.test>\r\nDate: Mon, 2 Nov 2026 09:00:00 +0100\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`,
  );
}

const OTHER = 'other@example.test';
const MARC = 'marc.lefevre@example.test';
const ELODIE = 'elodie.martin@example.test';
const OLIVER = 'oliver.smith@example.test';
const PAUL = 'paul.bernard@example.test';
const MANAGER = 'manager@example.test';

/**
 * "Correct to the minute": a fortnight of a cashback desk (Mon-Fri 9:00-17:00, French
 * holidays: Wednesday 11 November 2026 is one) played with `guichet start --once --now T`
 * on real Dovecot and SMTP, then `guichet report --format json`. Every expected figure
 * below is worked out by hand in its comment, in Paris time (UTC+1 in November).
 */
describe.each(['sqlite', 'postgres'] as const)('report figures on a worked history (%s)', (dialect) => {
  let world: World;
  let config: string;
  let report: ReportJson;

  const runAt = async (local: string) => {
    const run = await guichet(['--config', config, 'start', '--once', '--now', `${local}+01:00`]);
    expect(run.code, run.stderr).toBe(0);
  };
  const send = async (local: string, from: string, subject: string, body: string) => {
    await world.deliver(mail(from, subject, body), SUPPORT, from);
    await runAt(local);
  };
  /** The reference of a customer's nth ticket, from the acknowledgement they received. */
  const reference = async (customer: string, nth = 0) => {
    const subjects = (await readFolder(world.dovecot.imapPort, customer)).map((m) => m.parsed.subject ?? '');
    const refs = [...new Set(subjects.map((s) => /\[(SAV-[0-9A-Z]{6})\]/.exec(s)?.[1]).filter(Boolean))];
    return refs[nth]!;
  };
  const answer = async (local: string, customer: string, text: string, nth = 0) => send(local, AGENT, `RE: [${await reference(customer, nth)}] réponse`, text);
  const reply = async (local: string, customer: string, text: string) => send(local, customer, `RE: [${await reference(customer)}] réponse`, text);

  beforeAll(async () => {
    world = await createWorld(dialect, { policy: { default: 'cashback' }, report: { schedule: '0 8 * * 1', to: [MANAGER], locale: 'fr' } }, [MANAGER]);
    config = world.config.source;

    await send('2026-11-02T09:30:00', ELODIE, 'Remboursement attendu', 'Bonjour, j\'attends mon remboursement.'); // D
    await send('2026-11-02T10:00:00', CUSTOMER, 'Colis jamais reçu', 'Bonjour, mon colis n\'est jamais arrivé.'); // A
    await send('2026-11-02T11:00:00', OLIVER, 'Colis perdu', 'Le transporteur a perdu mon colis.'); // F
    await answer('2026-11-02T14:00:00', CUSTOMER, '#resolve\nBonjour, le colis a été retrouvé et livré ce matin.'); // A solved
    await reply('2026-11-03T10:00:00', CUSTOMER, '5'); // A rated 5
    await send('2026-11-06T16:00:00', OTHER, 'Colis toujours pas livré', 'Mon colis n\'est toujours pas livré.'); // B
    await send('2026-11-07T10:00:00', PAUL, 'Mot de passe oublié', 'Je ne peux plus me connecter, mot de passe oublié.'); // G, a Saturday
    await answer('2026-11-08T20:00:00', PAUL, 'Bonjour, un lien de réinitialisation vient de vous être envoyé.'); // G answered on a Sunday evening
    await answer('2026-11-09T10:00:00', OTHER, 'Bonjour, nous relançons le transporteur.'); // B first answer; D escalates (due 09:30)
    await runAt('2026-11-09T12:00:00'); // F escalates (due 11:00)
    await answer('2026-11-09T13:00:00', PAUL, '#seller S-1\nBonjour, le client ne reçoit pas le lien de son compte vendeur, pouvez-vous vérifier ?'); // G: the seller is asked
    await send('2026-11-10T09:00:00', SELLER, `RE: [${await reference(PAUL)}] demande`, 'Bonjour, c\'est corrigé de notre côté.'); // 20 hours later, before the first chase
    await answer('2026-11-10T10:00:00', ELODIE, '#resolve\nBonjour, le remboursement est parti ce matin.'); // D solved at level 2
    await answer('2026-11-10T11:00:00', OTHER, '#resolve\nBonjour, le colis a été livré.'); // B solved
    await send('2026-11-10T18:00:00', MARC, 'Facture en double', 'J\'ai reçu deux fois la même facture.'); // C, after hours before a holiday
    await reply('2026-11-11T09:00:00', ELODIE, '2 - bien trop long'); // D rated 2
    await reply('2026-11-11T10:00:00', OTHER, 'Toujours rien reçu, le colis n\'est pas là.'); // B reopened, on the holiday
    await send('2026-11-12T10:00:00', CUSTOMER, 'Article défectueux', 'L\'article reçu est défectueux.'); // E: the customer of A comes back
    await answer('2026-11-12T11:30:00', MARC, '#hold 1d\nBonjour, nous vérifions auprès de la comptabilité.'); // C answered and put on hold
    await runAt('2026-11-13T12:00:00'); // C's hold ends (due Fri 11:30)
    await runAt('2026-11-16T08:00:00');

    const run = await guichet(['--config', config, 'report', '--from', '2026-11-02', '--to', '2026-11-15', '--format', 'json', '--now', '2026-11-16T08:00:00+01:00']);
    expect(run.code, run.stderr).toBe(0);
    report = JSON.parse(run.stdout) as ReportJson;
  }, 300_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('counts new tickets by week, category and address, against the fortnight before', () => {
    expect(report.period).toMatchObject({ from: '2026-11-02', to: '2026-11-15', by: 'week', timezone: 'Europe/Paris' });
    expect(report.volumes.tickets).toBe(7);
    // Week 45 (2-8 Nov): D, A, F, B, G. Week 46: C, E.
    expect(report.volumes.buckets).toEqual([
      { label: '2026-W45', start: '2026-11-01T23:00:00.000Z', tickets: 5, by_category: { livraison: 3, facturation: 1, compte: 1 } },
      { label: '2026-W46', start: '2026-11-08T23:00:00.000Z', tickets: 2, by_category: { facturation: 1, produit: 1 } },
    ]);
    expect(report.volumes.by_category).toEqual([
      { category: 'livraison', tickets: 3, previous: 0, trend: null },
      { category: 'facturation', tickets: 2, previous: 0, trend: null },
      { category: 'compte', tickets: 1, previous: 0, trend: null },
      { category: 'produit', tickets: 1, previous: 0, trend: null },
    ]);
    expect(report.volumes.by_channel).toEqual([{ channel: SUPPORT, tickets: 7 }]);
  });

  it('measures first answers in open minutes and in elapsed minutes, and the promise made', () => {
    // Open minutes: A Mon 10:00-14:00 = 240; B Fri 16:00-17:00 + Mon 09:00-10:00 = 120;
    // C Tue 18:00, Wed holiday, Thu 09:00-11:30 = 150; D Mon 2 09:30 to Tue 10 10:00 =
    // 450 + 4 x 480 + 480 + 60 = 2910; G Saturday to Sunday evening = 0.
    // Sorted 0, 120, 150, 240, 2910: median (3rd of 5) 150, p90 (5th) 2910.
    expect(report.first_response).toMatchObject({ answered: 5, unanswered: 2, business_minutes: { median: 150, p90: 2910 } });
    // Elapsed: A 240, G 34 h = 2040, C 41 h 30 = 2490, B 66 h = 3960, D 8 d 30 min = 11550.
    expect(report.first_response.elapsed_minutes).toEqual({ median: 2490, p90: 11550 });
    // Promised two business days: D's answer was due Wed 4 Nov 09:30 and came on the 10th.
    expect(report.first_response).toMatchObject({ promised: 5, within_promise: 4, within_promise_share: 0.8, promise_business_hours: 16 });
  });

  it('measures resolution, levels, escalations, first-contact resolution, reopening and holds', () => {
    // Solved: A at 240 open min (240 elapsed), B Fri 60 + Mon 480 + Tue 120 = 660
    // (91 h = 5460 elapsed), D 2910 (11550 elapsed); all within 10 business days.
    expect(report.resolution).toMatchObject({
      solved: 3,
      business_minutes: { median: 660, p90: 2910 },
      elapsed_minutes: { median: 5460, p90: 11550 },
      within_target: 3,
      within_target_share: 1,
      escalated: 2, // D and F, five business days after their first mail
      escalation_rate: 0.286,
    });
    expect(report.resolution.by_level).toEqual([
      { level: 1, solved: 2, share: 0.667 },
      { level: 2, solved: 1, share: 0.333 },
      { level: 3, solved: 0, share: 0 },
    ]);
    // A only: B took two answers (and was reopened), D was solved at level 2.
    expect(report.first_contact).toEqual({ solved: 1, share: 0.333 });
    expect(report.reopen).toEqual({ reopened: 1, rate: 0.333 });
    // C: on hold Thu 12 11:30, woken by the run of Fri 13 12:00 = 24 h 30.
    expect(report.holds).toEqual({ tickets: 1, median_minutes: 1470, p90_minutes: 1470 });
  });

  it('reports satisfaction with the low ratings, and the customer who came back', () => {
    expect(report.satisfaction).toMatchObject({ ratings: 2, average: 3.5, distribution: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 }, response_rate: 0.667 });
    expect(report.satisfaction.low).toEqual([{ reference: expect.stringMatching(/^SAV-/), rating: 2, category: 'facturation', rated_at: '2026-11-11T08:00:00.000Z' }]);
    // Six customers; the one of A wrote again (E), and A was rated 5.
    expect(report.retention).toEqual({ customers: 6, returning: 1, share: 0.167, previous_rated_4_or_5: 1, previous_rated_1_to_3: 0, previous_unrated: 0 });
  });

  it('counts the seller\'s answer, before any chase', () => {
    expect(report.sellers).toEqual([{ seller: 'S-1', name: 'Boutique', requests: 1, answers: 1, median_answer_minutes: 20 * 60, answered_before_first_chase_share: 1, strikes: 0, restricted: false }]);
  });

  it('credits the agent with answers, first answers, solutions and ratings', () => {
    // Answers: A 1, G 1, B 2, D 1, C 1. First answers 0, 120, 150, 240, 2910 (median 150).
    expect(report.agents).toEqual([
      { agent: AGENT, name: 'Camille', answers: 6, first_answers: 5, median_first_answer_business_minutes: 150, solved: 3, average_rating: 3.5 },
    ]);
  });

  it('shows the backlog as of Monday 16 at 08:00', () => {
    // Open: B (reopened), C (woken), E, F (level 2), G (answered, waiting for the customer).
    expect(report.backlog.open).toBe(5);
    expect(report.backlog.by_level).toEqual({ 1: 4, 2: 1 });
    // Ages: E 3.9 d; C 5.6 d, G 8.9 d, B 9.7 d; F 13.9 d.
    expect(report.backlog.by_age).toEqual([
      { band: '< 1 d', tickets: 0 },
      { band: '1-2 d', tickets: 0 },
      { band: '2-5 d', tickets: 1 },
      { band: '5-10 d', tickets: 3 },
      { band: '10-30 d', tickets: 1 },
      { band: '≥ 30 d', tickets: 0 },
    ]);
    // Overdue: F's first answer was due Wed 4 Nov 11:00 (10:00 UTC); B's new round, reopened
    // on the holiday, owed an answer two business days from Thu 12 09:00, which is Mon 16
    // 09:00, read as the closing before it: Fri 13 17:00 (calendar.ts, closingBefore).
    // E's answer is due today at 10:00.
    expect(report.backlog.overdue.total).toBe(2);
    expect(report.backlog.overdue.oldest).toEqual([
      expect.objectContaining({ level: 2, category: 'livraison', opened_at: '2026-11-02T10:00:00.000Z', due_at: '2026-11-04T10:00:00.000Z', late: 'first_answer' }),
      expect.objectContaining({ level: 1, category: 'livraison', opened_at: '2026-11-06T15:00:00.000Z', due_at: '2026-11-13T16:00:00.000Z', late: 'first_answer' }),
    ]);
    expect(report.backlog.first_answers_due_today).toBe(1);
    expect(report.backlog.oldest_unanswered).toEqual({ reference: expect.stringMatching(/^SAV-/), opened_at: '2026-11-02T10:00:00.000Z' });
  });

  it('gives the team its morning figures in guichet status', async () => {
    const run = await guichet(['--config', config, 'status', '--json', '--now', '2026-11-16T08:00:00+01:00']);
    expect(run.code, run.stderr).toBe(0);
    // F opened Mon 2 11:00 and was never answered: 13 days 21 hours on Monday 16 at 08:00.
    expect(JSON.parse(run.stdout).today).toEqual({
      overdue: 2,
      first_answers_due_today: 1,
      oldest_unanswered: { reference: expect.stringMatching(/^SAV-/), opened_at: '2026-11-02T10:00:00.000Z', waiting_minutes: 13 * 1440 + 21 * 60 },
    });
    const text = await guichet(['--config', config, 'status', '--now', '2026-11-16T08:00:00+01:00']);
    expect(text.stdout).toMatch(/^today: 2 overdue, 1 first answer\(s\) due today, oldest unanswered SAV-\w+ \(waiting 333 h 00\)$/m);
  });

  it('narrows to a category or a policy, and names what exists when asked for what does not', async () => {
    const args = ['--config', config, 'report', '--from', '2026-11-02', '--to', '2026-11-15', '--format', 'json', '--now', '2026-11-16T08:00:00+01:00'];
    const billing = JSON.parse((await guichet([...args, '--category', 'facturation'])).stdout) as ReportJson;
    // C and D: D solved at level 2 in 2910 open minutes and rated 2; C answered in 150 and on hold.
    expect(billing.volumes.tickets).toBe(2);
    expect(billing.first_response).toMatchObject({ answered: 2, business_minutes: { median: 150, p90: 2910 } });
    expect(billing.resolution.by_level.map((l) => l.solved)).toEqual([0, 1, 0]);
    expect(billing.backlog.open).toBe(1);
    const byPolicy = await guichet([...args, '--policy', 'marketplace']);
    expect(byPolicy.code, byPolicy.stderr).toBe(0);
    const marketplace = JSON.parse(byPolicy.stdout) as ReportJson;
    expect(marketplace.volumes.tickets).toBe(0);
    const cashback = JSON.parse((await guichet([...args, '--policy', 'cashback', '--category', 'livraison'])).stdout) as ReportJson;
    expect(cashback.volumes.buckets.map((b) => b.by_category)).toEqual([{ livraison: 3 }, {}]);
    const wrong = await guichet([...args, '--category', 'colis']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--category colis: no such category; the categories are .*livraison/);
    const badDay = await guichet([...args.slice(0, 3), '--from', '2/11/2026']);
    expect(badDay.stderr).toMatch(/--from 2\/11\/2026: not a date; write YYYY-MM-DD/);
  });

  it('prints the same figures as a table and as CSV', async () => {
    const args = ['--config', config, 'report', '--from', '2026-11-02', '--to', '2026-11-15', '--now', '2026-11-16T08:00:00+01:00'];
    const table = await guichet(args);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/median, p90 \(business hours\)\s+2 h 30, 48 h 30/);
    expect(table.stdout).toMatch(/within the promise made\s+80\.0 % \(4 of 5\)/);
    const csv = await guichet([...args, '--format', 'csv']);
    expect(csv.stdout).toContain('first_response.business_minutes.median,150\r\n');
    expect(csv.stdout).toContain('volumes.by_category[livraison].tickets,3\r\n');
    expect(csv.stdout).toContain('resolution.by_level[2].solved,1\r\n');
  });

  it.runIf(dialect === 'sqlite')('draws every chart of the HTML report in a real browser, from one file that fetches nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-report-'));
    const browser = await launchChromium();
    try {
      const file = path.join(dir, 'report.html');
      const run = await guichet(['--config', config, 'report', '--from', '2026-11-02', '--to', '2026-11-15', '--by', 'day', '--format', 'html', '--out', file, '--now', '2026-11-16T08:00:00+01:00']);
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(file, 'utf8')).not.toMatch(/<(script|link|img)\b/i);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      expect(requests).toEqual([`file://${file}`]);
      const charts = await page.$$eval('figure[data-chart]', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg')!;
          const box = svg.getBoundingClientRect();
          // vega draws marks as paths; count those with an area on screen.
          const marks = [...svg.querySelectorAll('g.mark-rect path, g.mark-rule line, g.mark-rect rect')].filter((m) => {
            const r = (m as SVGGraphicsElement).getBoundingClientRect();
            return r.width > 0 && r.height > 0;
          });
          const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent ?? '');
          return { name: f.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length, texts };
        }),
      );
      expect(charts.map((c) => c.name)).toEqual(['volumes', 'first-response', 'resolution', 'satisfaction', 'backlog']);
      for (const chart of charts) {
        expect(chart.width, chart.name!).toBeGreaterThan(400);
        expect(chart.height, chart.name!).toBeGreaterThan(150);
        expect(chart.marks, chart.name!).toBeGreaterThan(0);
      }
      // The promise line and its label, and every category as a legend entry.
      expect(charts[1]!.texts).toContain('promise: 16 h');
      expect(charts[0]!.texts).toEqual(expect.arrayContaining(['livraison', 'facturation', 'compte', 'produit']));
      const text = await page.innerText('body');
      expect(text).toContain('80.0 %');
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mails the manager the report each Monday at 8:00, once, with the charts as inline PNG images', async () => {
    // The schedule starts with the first run (Mon 2, 09:30); Monday 9 and Monday 16 each send one.
    const read = await readFolder(world.dovecot.imapPort, MANAGER);
    const mails = read.map((m) => m.parsed);
    expect(mails.map((m) => m.subject)).toEqual([
      'Rapport du service client : 5 demandes du lundi 2 novembre 2026 au dimanche 8 novembre 2026',
      'Rapport du service client : 2 demandes du lundi 9 novembre 2026 au dimanche 15 novembre 2026',
    ]);
    const last = mails[1]!;
    expect(last.headers.get('auto-submitted')).toBe('auto-replied');
    // Week 46 (C and E), worked out above: C answered in 150 open minutes, within its promise; nothing solved.
    expect(last.text).toMatch(/Nouvelles demandes \.+ 2\n/);
    expect(last.text).toMatch(/Première réponse, médiane \(heures ouvrées\)\s+2 h 30/);
    expect(last.text).toMatch(/Réponses dans le délai promis \.+ 100,0\u00a0% \(1 sur 1\)/);
    expect(last.text).toMatch(/Ouvertes maintenant \/ en retard \.+ 5 \/ 2/);
    const images = last.attachments.filter((a) => a.contentType === 'image/png');
    expect(images.map((a) => a.filename)).toEqual(['volumes.png', 'first-response.png', 'resolution.png', 'satisfaction.png', 'backlog.png']);
    for (const image of images) {
      expect(image.content.subarray(1, 4).toString()).toBe('PNG');
      expect(image.content.readUInt32BE(16)).toBe(1120); // drawn at twice the 560 pixels the mail shows
      expect(image.related).toBe(true);
      expect(read[1]!.raw.toString()).toContain(`Content-ID: <${image.cid}>`);
    }
    // mailparser puts each image in place of the cid: it names: every one was found.
    expect(last.html).not.toContain('cid:');
    expect(String(last.html).match(/<img src="data:image\/png;base64,/g)).toHaveLength(5);
    expect(last.html).not.toMatch(/<svg/i);
  });
});
