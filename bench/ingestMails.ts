import { SUPPORT } from '../test/harness/config.js';

/** A realistic mix: new requests from many customers, follow-ups on the same orders, some HTML, some auto-replies. */
export function benchMail(i: number): Buffer {
  const customer = `client${i % 1500}@example.test`;
  const order = `CMD-${300000 + (i % 2500)}`;
  const auto = i % 25 === 24 ? 'Auto-Submitted: auto-replied\r\n' : '';
  const text = `Bonjour,\r\n\r\nJe n'ai pas reçu ma commande ${order}. Le suivi ne bouge plus depuis cinq jours.\r\nPouvez-vous vérifier auprès du transporteur ?\r\n\r\nMerci d'avance,\r\nClient ${i % 1500}\r\n`;
  const html = `<div dir="ltr"><p>Bonjour,</p><p>Je n'ai pas reçu ma commande ${order}. Le suivi ne bouge plus depuis cinq jours.</p><p>Merci d'avance,<br>Client ${i % 1500}</p></div>`;
  return Buffer.from(
    `From: Client ${i % 1500} <${customer}>\r\nTo: ${SUPPORT}\r\nSubject: =?UTF-8?Q?Colis_non_re=C3=A7u_${order}?=\r\n` +
      `Message-ID: <bench-${i}@example.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n${auto}` +
      `Content-Type: multipart/alternative; boundary="b${i}"\r\n\r\n` +
      `--b${i}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n` +
      `--b${i}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}\r\n--b${i}--\r\n`,
  );
}

