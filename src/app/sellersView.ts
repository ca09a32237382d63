import type { Config } from '../config/schema.js';
import type { Database } from '../store/db.js';
import { select } from '../store/sqlRows.js';

/** One line of `guichet sellers list --json`; the shape is documented in docs/cli.md. */
export interface SellerJson {
  id: string;
  name: string;
  email: string;
  status: 'active' | 'restricted';
  strikes: number;
  restricted_at: string | null;
  /** Tickets waiting for this seller now. */
  open_requests: number;
  /** Answers received, and the median time from our request to the answer. */
  answers: number;
  median_answer_seconds: number | null;
}

/** How responsive each configured seller is: what marketplaces need to flag sellers who ghost customers. */
export async function sellersView(db: Database, config: Config): Promise<SellerJson[]> {
  const records = await select<{ seller_id: string; strikes: number; restricted_at: unknown }>(db, undefined, 'SELECT "seller_id", "strikes", "restricted_at" FROM "sellers"', []);
  const open = await select<{ seller_id: string; n: number | string }>(
    db,
    undefined,
    `SELECT "seller_id", COUNT(*) AS n FROM "tickets" WHERE "status" = 'waiting_seller' AND "seller_id" IS NOT NULL GROUP BY "seller_id"`,
    [],
  );
  const replies = await select<{ data: string }>(db, undefined, `SELECT "data" FROM "events" WHERE "type" = 'seller_replied'`, []);
  const waits = new Map<string, number[]>();
  for (const row of replies) {
    const event = JSON.parse(row.data) as { sellerId: string; afterSeconds: number | null };
    if (event.afterSeconds === null) continue;
    waits.set(event.sellerId, [...(waits.get(event.sellerId) ?? []), event.afterSeconds]);
  }
  const record = new Map(records.map((r) => [r.seller_id, r]));
  const openBy = new Map(open.map((r) => [r.seller_id, Number(r.n)]));
  return config.sellers.map((seller) => {
    const r = record.get(seller.id);
    const restrictedAt = r?.restricted_at ? new Date(r.restricted_at as string).toISOString() : null;
    const times = waits.get(seller.id) ?? [];
    return {
      id: seller.id,
      name: seller.name,
      email: seller.email,
      status: restrictedAt ? 'restricted' : 'active',
      strikes: Number(r?.strikes ?? 0),
      restricted_at: restrictedAt,
      open_requests: openBy.get(seller.id) ?? 0,
      answers: times.length,
      median_answer_seconds: median(times),
    };
  });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function formatSellers(rows: SellerJson[]): string {
  const hours = (s: number | null) => (s === null ? '-' : `${(s / 3600).toFixed(1)} h`);
  const lines = rows.map(
    (s) => `${s.id.padEnd(10)} ${s.status.padEnd(10)} strikes ${s.strikes}  open ${s.open_requests}  answers ${s.answers}  median ${hours(s.median_answer_seconds)}  ${s.name} <${s.email}>`,
  );
  return `${[...lines, `${rows.length} seller(s)`].join('\n')}\n`;
}
