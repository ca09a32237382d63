import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT, CUSTOMER, SELLER, SUPPORT } from '../harness/config.js';
import { readFolder, type ReadMail } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const ADMIN = 'admin@example.test';
const LEVEL2 = 'level2@example.test';
const LEVEL3 = 'level3@example.test';
/** Three more customers whose orders went through the same seller. */
const BUYERS = ['other@example.test', 'paul.bernard@example.test', 'oliver.smith@example.test'];
const T0 = new Date('2026-11-23T09:00:00+01:00');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000).toISOString();

/** Runs the real `guichet start --once --now T` in its own process, as an admin would to see what fires. */
function guichet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/guichet.js', ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function mail(from: string, subject: string, body: string, id: string): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`,
  );
}

/**
 * Issue 4 on real Dovecot + SMTP: `guichet start --once --now T` at successive times
 * walks marketplace tickets through escalation, a silent seller through chases,
 * strikes and restriction, and a resolved ticket through a low rating.
 */
describe.each(['sqlite', 'postgres'] as const)('deadlines that are kept (%s)', (dialect) => {
  let world: World;
  let config: string;
  const subjects = async (user: string) => (await readFolder(world.dovecot.imapPort, user)).map((m: ReadMail) => m.parsed.subject ?? '');
  const runAt = async (hours: number) => {
    const run = await guichet(['--config', config, 'start', '--once', '--now', at(hours)]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as { timers: { fired: number } };
  };
  const referenceOf = async (user: string) => /\[(SAV-[0-9A-Z]{6})\]/.exec((await subjects(user))[0] ?? '')?.[1] ?? '';

  beforeAll(async () => {
    world = await createWorld(dialect, { admins: [ADMIN] }, [ADMIN]);
    config = world.config.source;
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('a marketplace ticket reaches level 2 at 24 h and level 3 at 48 h, with the dossier to each team and word to the customer', async () => {
    await world.deliver(mail(`Jeanne Dupont <${CUSTOMER}>`, 'Colis jamais reçu CMD-884512', 'Bonjour, mon colis CMD-884512 n\'est jamais arrivé.', 'a1'), SUPPORT, CUSTOMER);
    for (const [i, buyer] of BUYERS.entries()) await world.deliver(mail(buyer, `Article défectueux CMD-90000${i}`, 'L\'article est arrivé cassé.', `b${i}`), SUPPORT, buyer);
    await runAt(0);
    expect(await subjects(CUSTOMER)).toEqual([expect.stringMatching(/^\[SAV-[0-9A-Z]{6}\] Colis jamais reçu/)]);

    expect((await runAt(23)).timers.fired).toBe(4); // the first-response reminders, 4 h before the deadline
    await runAt(24);
    const level2 = await readFolder(world.dovecot.imapPort, LEVEL2);
    expect(level2.map((m) => m.parsed.subject)).toEqual(Array(4).fill(expect.stringMatching(/Dossier transmis au niveau 2/)));
    expect(level2.some((m) => (m.parsed.text ?? '').includes("mon colis CMD-884512 n'est jamais arrivé"))).toBe(true);
    const customer = await subjects(CUSTOMER);
    expect(customer[1]).toMatch(/équipe spécialisée/);
    const notice = (await readFolder(world.dovecot.imapPort, CUSTOMER))[1]!.parsed.text ?? '';
    expect(notice).toMatch(/avant le mercredi 25 novembre à 9\sh/);

    await runAt(48);
    expect((await subjects(LEVEL3)).filter((s) => /niveau 3/.test(s))).toHaveLength(4);
    expect(await subjects(CUSTOMER)).toHaveLength(3);
  });

  it('a seller is chased three times, gets a strike, and is restricted at the threshold; the admins are told', async () => {
    for (const buyer of BUYERS) {
      const reference = await referenceOf(buyer);
      await world.deliver(mail(AGENT, `RE: [${reference}] Article défectueux`, '#seller S-1\nBonjour, l\'article est arrivé cassé. Pouvez-vous proposer un échange ?', `s-${reference}`), SUPPORT, AGENT);
    }
    await runAt(49);
    expect((await subjects(SELLER)).filter((s) => /Demande d'un client/.test(s))).toHaveLength(3);
    // Asked at 49 h: chased at 97 h, 121 h and 145 h (48 h, then every 24 h), struck at 169 h.
    await runAt(96);
    expect((await subjects(SELLER)).filter((s) => /Relance/.test(s))).toHaveLength(0);
    for (const hours of [97, 121, 145]) await runAt(hours);
    const chases = (await subjects(SELLER)).filter((s) => /Relance/.test(s));
    expect(chases.filter((s) => /Relance 1\/3/.test(s))).toHaveLength(3);
    expect(chases.filter((s) => /Relance 3\/3/.test(s))).toHaveLength(3);
    await runAt(169);
    expect((await subjects(SELLER)).filter((s) => /Avertissement/.test(s))).toHaveLength(3);
    expect((await subjects(ADMIN)).filter((s) => /Vendeur restreint : Boutique/.test(s))).toHaveLength(1);
    const sellers = await guichet(['--config', config, 'sellers', 'list', '--json']);
    expect(JSON.parse(sellers.stdout)).toEqual([expect.objectContaining({ id: 'S-1', status: 'restricted', strikes: 3, open_requests: 0 })]);

    // A restricted seller is not asked again: the agent is told why and what to do instead.
    const reference = await referenceOf(BUYERS[0]!);
    await world.deliver(mail(AGENT, `RE: [${reference}] Article défectueux`, '#seller S-1\nUne dernière fois : pouvez-vous répondre ?', `again-${reference}`), SUPPORT, AGENT);
    await runAt(169.5);
    expect((await subjects(SELLER)).filter((s) => /Demande d'un client/.test(s))).toHaveLength(3);
    const refusal = (await readFolder(world.dovecot.imapPort, AGENT)).map((m) => m.parsed).find((m) => m.subject?.includes(reference) && /refus/i.test(m.subject));
    expect(refusal?.text?.replace(/\s+/g, ' ')).toMatch(/#seller S-1 : ce vendeur est restreint depuis le \d{4}-\d{2}-\d{2}/);
  });

  it('a resolved ticket rated 2 by reply alerts level 3 and closes', async () => {
    const reference = await referenceOf(CUSTOMER);
    await world.deliver(mail(AGENT, `RE: [${reference}] Colis jamais reçu`, '#resolve\nLe remboursement de votre commande est effectué.', 'resolve-a'), SUPPORT, AGENT);
    await runAt(170);
    const resolved = (await readFolder(world.dovecot.imapPort, CUSTOMER)).at(-1)!;
    expect(resolved.parsed.subject).toMatch(/résolue/);
    expect(resolved.parsed.text?.replace(/\s+/g, ' ')).toMatch(/de 1 \(très insatisfait\) à 5/);
    await world.deliver(mail(`Jeanne Dupont <${CUSTOMER}>`, `RE: [${reference}] Votre demande est résolue`, '2\n\nBof.', 'rating-a'), SUPPORT, CUSTOMER);
    await runAt(171);
    expect((await subjects(CUSTOMER)).at(-1)).toMatch(/Merci pour votre avis/);
    expect((await subjects(LEVEL3)).filter((s) => s.includes(reference) && /Note basse : 2\/5/.test(s))).toHaveLength(1);
    const show = await guichet(['--config', config, 'tickets', 'show', reference, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'closed' });
  });
});

/**
 * Deadlines as people read them, on real Dovecot + SMTP with `start --once --now T`: a
 * cashback mail on a Saturday evening and a shop mail on the Friday night before the
 * spring clock change. What is checked is what the customer and the team receive.
 */
describe('deadlines read on the day they fall (sqlite)', () => {
  const runIn = async (config: string, iso: string) => {
    const run = await guichet(['--config', config, 'start', '--once', '--now', iso]);
    expect(run.code, run.stderr).toBe(0);
  };
  /** A world of its own under `policy`, stopped whatever the walk does. */
  const walkUnder = async (policy: string, walk: (world: World, config: string) => Promise<void>) => {
    const world = await createWorld('sqlite', { policy: { default: policy } });
    try {
      await walk(world, world.config.source);
    } finally {
      await world.stop();
    }
  };
  const texts = async (world: World, user: string) => (await readFolder(world.dovecot.imapPort, user)).map((m: ReadMail) => ({ subject: m.parsed.subject ?? '', text: (m.parsed.text ?? '').replace(/\s+/g, ' ') }));

  it('cashback from Saturday evening: promised Tuesday at 17 h, and the team reminded Tuesday at 13:00 with four working hours left', async () => {
    await walkUnder('cashback', async (world, config) => {
      await world.deliver(mail(`Jeanne Dupont <${CUSTOMER}>`, 'Cashback non crédité', "Bonjour, mon cashback n'est pas crédité.", 'cb1'), SUPPORT, CUSTOMER);
      await runIn(config, '2026-10-17T18:56:00+02:00');
      const [ack] = await texts(world, CUSTOMER);
      expect(ack!.text).toMatch(/avant le mardi 20 octobre à 17 h/);
      const reminders = async () => (await texts(world, 'level1@example.test')).filter((m) => /Rappel : première réponse attendue/.test(m.subject));
      // Under the old rule the reminder came at 05:00 on the day of a 09:00 deadline.
      await runIn(config, '2026-10-20T12:59:00+02:00');
      expect(await reminders()).toHaveLength(0);
      await runIn(config, '2026-10-20T13:00:00+02:00');
      const [reminder] = await reminders();
      expect(reminder?.text).toMatch(/promise avant le mardi 20 octobre à 17 h/);
    });
  });

  it('shop across the spring clock change: level 2 takes the ticket Tuesday 02:16, and the customer is promised a day without drift', async () => {
    await walkUnder('shop', async (world, config) => {
      await world.deliver(mail(`Jeanne Dupont <${CUSTOMER}>`, 'Commande CMD-771201 incomplète', 'Bonjour, il manque un article dans ma commande CMD-771201.', 'sp1'), SUPPORT, CUSTOMER);
      await runIn(config, '2026-03-27T02:16:00+01:00');
      const notices = async () => (await texts(world, CUSTOMER)).filter((m) => /équipe spécialisée/.test(m.subject));
      // 2 business days from Friday 02:16: Tuesday 02:16 summer time, not 03:16.
      await runIn(config, '2026-03-31T02:15:00+02:00');
      expect(await notices()).toHaveLength(0);
      await runIn(config, '2026-03-31T02:16:00+02:00');
      const [notice] = await notices();
      // 7 business days, Easter Monday closed: Wednesday 8 April, at the minute the mail came.
      expect(notice?.text).toMatch(/avant le mercredi 8 avril à 2 h 16/);
    });
  });
});
