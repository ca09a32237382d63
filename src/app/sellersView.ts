import type { Config } from '../config/schema.js';
import type { Database } from '../store/db.js';
import { sellerActivity } from '../store/sellers.js';

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
  const { records, openRequests: openBy, answerSeconds: waits } = await sellerActivity(db);
  const record = new Map(records.map((r) => [r.seller_id, r]));
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
