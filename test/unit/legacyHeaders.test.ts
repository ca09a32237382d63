import { describe, expect, it } from 'vitest';
import { withUtf8Headers } from '../../src/mail/legacyHeaders.js';
import { inboundFixture } from '../harness/fixtures.js';

describe('headers written raw in a legacy charset', () => {
  it.each([
    ['new-script-fr-raw-8bit-windows1252-headers.eml', 'Problème de facture – commande CMD-7781234', 'Renée Léger', 'CMD-7781234'],
    ['new-ru-raw-8bit-koi8r-headers.eml', 'Заказ CMD-7781299 не доставлен', 'Иван Петров', 'CMD-7781299'],
    ['new-cn-raw-8bit-gb18030-headers-undeclared.eml', '我的订单还没有到货，请帮忙查询一下物流信息', '王小明', 'CMD-7781300'],
  ])('%s is read in its charset, not as U+FFFD', async (name, subject, sender, order) => {
    const mail = await inboundFixture(name);
    expect(mail.subject).toBe(subject);
    expect(mail.from.name).toBe(sender);
    expect(mail.text).toContain(order);
    expect(`${mail.subject}${mail.from.name}${mail.text}`).not.toContain('\ufffd');
  });

  it('leaves ASCII and UTF-8 headers as they are, byte for byte', () => {
    const utf8 = Buffer.from('Subject: Problème\r\n\r\nbody é', 'utf8');
    expect(withUtf8Headers(utf8)).toBe(utf8);
    const ascii = Buffer.from('Subject: hello\r\n\r\n\xe9', 'latin1');
    expect(withUtf8Headers(ascii)).toBe(ascii);
  });
});
