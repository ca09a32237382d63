/**
 * How mail clients quote the mail they answer, applied to a real mail guichet sent: the
 * shapes agents' clients produce that a quote stripper may not know. Each gives the
 * whole body of the reply: the answer on top, the quoted mail below.
 */
export interface Quoted {
  from: string;
  to: string;
  date: string;
  subject: string;
  text: string;
}

const wrap = (text: string, width: number) =>
  text.split('\n').flatMap((line) => {
    const out: string[] = [];
    let rest = line;
    while (rest.length > width) {
      const at = rest.lastIndexOf(' ', width);
      const cut = at > 0 ? at : width;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    out.push(rest);
    return out;
  });

export const QUOTING_STYLES: Record<string, (answer: string, q: Quoted) => string> = {
  'Outlook.com / Hotmail (rule line, then Date/Subject/From/To)': (a, q) =>
    `${a}\n\n________________________________\nDate: ${q.date}\nSubject: ${q.subject}\nFrom: ${q.from}\nTo: ${q.to}\n\n${q.text}`,
  'Windows Mail in Russian': (a, q) => `${a}\n\nОт: ${q.from}\nОтправлено: ${q.date}\nКому: ${q.to}\nТема: ${q.subject}\n\n${q.text}`,
  'Outlook with the header in bold': (a, q) => `${a}\n\n*From:* ${q.from}\n*Sent:* ${q.date}\n*To:* ${q.to}\n*Subject:* ${q.subject}\n\n${q.text}`,
  'From: X [mail] under a line of underscores': (a, q) =>
    `${a}\n\n_____________________________________________\nFrom: Service client [mailto:${q.from.replace(/.*<|>.*/g, '')}]\nSent: ${q.date}\nTo: ${q.to}\nSubject: ${q.subject}\n\n${q.text}`,
  'Spanish Mensaje original': (a, q) => `${a}\n\n-----Mensaje original-----\nDe: ${q.from}\nEnviado el: ${q.date}\nPara: ${q.to}\nAsunto: ${q.subject}\n\n${q.text}`,
  'German schrieb, wrapped > quote': (a, q) => `${a}\n\nAm ${q.date} schrieb ${q.from}:\n${wrap(q.text, 70).map((l) => `> ${l}`).join('\n')}`,
  'Polish napisał(a), re-wrapped without >': (a, q) => `${a}\n\nW dniu ${q.date} ${q.from} napisał(a):\n${wrap(q.text, 60).join('\n')}`,
  'pasted with no header at all': (a, q) => `${a}\n\n${q.text}`,
};
