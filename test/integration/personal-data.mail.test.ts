import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerShow } from '../../src/app/customerShow.js';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { isGuichetError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { auditEntries } from '../../src/store/auditLog.js';
import { select } from '../../src/store/sqlRows.js';
import { AGENT, SUPPORT, TEAM1 } from '../harness/config.js';
import { waitForMails, type ReadMail } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const LEA = 'lea.martin@example.test';
const ADMIN = 'admin@example.test';
const PRIVACY = 'privacy@example.test';
const NOW = new Date('2026-11-23T10:00:00+01:00');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
/** Incompressible, so that her archive is larger than the relay takes in one mail. */
const PHOTO = randomBytes(150_000);

function mail(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/**
 * The whole request by mail, on real Dovecot and SMTP and both databases: a customer
 * writes to the privacy address, the admins (not the level-1 team) are told, under the
 * legal month; an admin's #export sends her archive in parts the relay accepts;
 * #erase asks her to confirm, an ordinary reply erases nothing, her confirmation
 * erases her and she gets a last notice that quotes nothing of hers.
 */
describe.each(['sqlite', 'postgres'] as const)('a personal-data request handled by mail (%s)', (dialect) => {
  let world: World;
  let reference: string;
  const run = async (minutes: number) => (await world.daemon(() => at(minutes))).runOnce();
  const db = async () => (await world.daemon()).ctx.db;
  const answer = (from: string, lines: string[]) =>
    world.deliver(mail([`From: ${from}`, `To: ${SUPPORT}`, `Subject: Re: [${reference}] Mes donnees`, `Message-ID: <${randomBytes(6).toString('hex')}@example.test>`, '', ...lines]), SUPPORT, from);
  const mailsOf = (user: string, count: number) => waitForMails(world.dovecot.imapPort, user, count);

  beforeAll(async () => {
    world = await createWorld(
      dialect,
      {
        admins: [ADMIN],
        agents: [
          { name: 'Camille', email: AGENT, level: 1 },
          { name: 'Alex', email: ADMIN, level: 3 },
        ],
        policy: { default: 'marketplace', categories: { donnees_personnelles: 'personal-data' } },
        smtp: { max_message_bytes: 100_000 },
      },
      [LEA, ADMIN],
    );
    await world.deliver(
      mail([
        'From: Lea Martin <' + LEA + '>',
        `To: ${PRIVACY}`,
        'Subject: Mes donnees',
        'Message-ID: <lea-1@example.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour, je voudrais recevoir une copie de mes donnees, puis qu on les efface. Voici la photo de ma carte de fidelite. Lea Martin',
        '--b',
        'Content-Type: image/jpeg; name="carte.jpg"',
        'Content-Disposition: attachment; filename="carte.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        ...(PHOTO.toString('base64').match(/.{1,76}/g) ?? []),
        '--b--',
      ]),
      SUPPORT,
      LEA,
    );
    await run(0);
    reference = (await ticketSummaries(await db()))[0]!.reference;
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('opens a personal-data ticket under the legal month, told to the admins, not the level-1 team', async () => {
    const detail = await ticketDetail(await db(), reference);
    expect(detail).toMatchObject({ category: 'donnees_personnelles', status: 'open' });
    const [row] = await select<{ policy: string }>(await db(), undefined, 'SELECT "policy" FROM "tickets"', []);
    expect(row!.policy).toBe('personal-data');
    // Three calendar days for the first answer, whatever the day.
    expect(detail.first_response_due_at).toBe(at(3 * 24 * 60).toISOString());
    const [notification] = await mailsOf(ADMIN, 1);
    expect(notification!.parsed.subject).toContain(reference);
    expect(await waitForMails(world.dovecot.imapPort, TEAM1, 0)).toEqual([]);
  });

  it('refuses #export from an agent who is not an admin, and for another address', async () => {
    await answer(AGENT, ['#export']);
    await answer(ADMIN, ['#export paul.martin@example.test']);
    expect((await run(10)).privacy).toBe(0);
    const [refused] = await mailsOf(AGENT, 1);
    expect(refused!.parsed.text!.replace(/\s+/g, ' ')).toContain('#export : seul un administrateur');
    const refusals = (await mailsOf(ADMIN, 2)).filter((m) => m.parsed.text?.replace(/\s+/g, ' ').includes('jamais traitée automatiquement'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.parsed.text!.replace(/\s+/g, ' ')).toContain(`cette demande vient de ${LEA}`);
  });

  it("sends her archive on an admin's #export, in parts the relay takes, and keeps no copy", async () => {
    await answer(ADMIN, ['#export']);
    expect((await run(20)).privacy).toBe(1);
    // Sent side by side, they may arrive in any order: the subject numbers them.
    const number = (m: ReadMail) => Number(/\((\d+) sur/.exec(m.parsed.subject ?? '')?.[1]);
    const parts = (await mailsOf(LEA, 2)).filter((m) => m.parsed.subject?.includes('Vos données personnelles')).sort((a, b) => number(a) - number(b));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.raw.length).toBeLessThanOrEqual(100_000);
    expect(parts.map((p) => p.parsed.subject)).toEqual(parts.map((_, i) => `[${reference}] Vos données personnelles (${i + 1} sur ${parts.length})`));
    expect(parts[0]!.parsed.text).toContain(`cat donnees-${reference}.zip.0*`);
    // Joined in order, the parts are one archive another zip reader opens.
    const folder = mkdtempSync(path.join(tmpdir(), 'guichet-export-'));
    const zip = path.join(folder, 'joined.zip');
    writeFileSync(zip, Buffer.concat(parts.map((p) => p.parsed.attachments[0]!.content)));
    const names = JSON.parse(execFileSync('python3', ['-c', 'import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', zip]).toString()) as string[];
    expect(names).toEqual(expect.arrayContaining(['README.txt', 'data.json', `messages/${reference}/001-received.eml`, `messages/${reference}/001-1-carte.jpg`]));
    expect(existsSync(path.join(world.config.paths.data, 'exports')) ? readdirSync(path.join(world.config.paths.data, 'exports')) : []).toEqual([]);
    const outbox = await select<{ n: number }>(await db(), undefined, `SELECT COUNT(*) AS "n" FROM "outbox" WHERE "kind" = 'personal-data-export'`, []);
    expect(Number(outbox[0]!.n)).toBe(0);
  });

  it('asks her to confirm an #erase, and an ordinary reply erases nothing', async () => {
    await answer(ADMIN, ['#erase']);
    await run(30);
    const confirm = (await mailsOf(LEA, 1)).find((m) => m.parsed.subject?.includes("Confirmez l'effacement"));
    expect(confirm!.parsed.text).toContain('CONFIRMER sur la première ligne');
    expect((await ticketDetail(await db(), reference)).status).toBe('waiting_customer');
    await answer(LEA, ['Attendez, je voudrais d abord relire mes messages.']);
    expect((await run(40)).privacy).toBe(0);
    expect((await customerShow(world.config, await db(), createLogger('silent'), LEA, 'cli:test', at(41))).tickets).toHaveLength(1);
  });

  it('erases her when she confirms, and tells her in a last mail that quotes nothing of hers', async () => {
    const before = (await mailsOf(LEA, 1)).length;
    await answer(LEA, ['Confirmer', '', 'Merci. Lea Martin']);
    expect((await run(50)).privacy).toBe(1);
    await expect(customerShow(world.config, await db(), createLogger('silent'), LEA, 'cli:test', at(51))).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_CUSTOMER_NOT_FOUND'));
    const all: ReadMail[] = await mailsOf(LEA, before + 1);
    const last = all.at(-1)!;
    expect(last.parsed.subject).toBe(`[${reference}] Vos données ont été effacées`);
    for (const trace of ['Lea', 'Martin', 'carte', 'fidelite']) expect(last.parsed.text).not.toContain(trace);
    const rows = await select<{ n: number }>(await db(), undefined, `SELECT COUNT(*) AS "n" FROM "outbox" WHERE "recipient" = '${LEA}'`, []);
    expect(Number(rows[0]!.n)).toBe(0);
    const audit = await auditEntries(await db(), null);
    expect(audit.map((a) => [a.command, a.actor])).toEqual(
      expect.arrayContaining([
        ['export', `mail:${ADMIN}`],
        ['erase', `mail:${ADMIN}, confirmed by the customer`],
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('lea');
  });
});
