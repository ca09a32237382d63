/**
 * The report's arithmetic (docs/report.md): exact percentiles from distributions, shares,
 * trends. Pure, so that the table, JSON, CSV, HTML and the weekly mail show the same
 * numbers, computed once.
 */

/** value -> how many; a distribution as the database returns it. */
export type Distribution = ReadonlyArray<readonly [number, number]>;

/**
 * The nearest-rank percentile: the smallest value such that at least `p` of the items
 * are at or under it. A median of 2 h means "half were answered within 2 h"; nothing is
 * interpolated, so every figure is one a ticket really had. Null for no items.
 */
export function percentile(distribution: Distribution, p: number): number | null {
  const sorted = [...distribution].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [value, n] of sorted) {
    seen += n;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
}

/** The median and the 90th percentile, the pair every duration of the report gives. */
export function spread(distribution: Distribution): { median: number | null; p90: number | null; count: number } {
  return { median: percentile(distribution, 0.5), p90: percentile(distribution, 0.9), count: distribution.reduce((s, [, n]) => s + n, 0) };
}

/** part / whole, rounded to a tenth of a percent; null when there is nothing to share. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
}

/** The change from the previous period, as a fraction (0.25: a quarter more); null if there was none before. */
export function trend(now: number, before: number): number | null {
  return before === 0 ? null : Math.round(((now - before) / before) * 1000) / 1000;
}

/** Counts of a distribution grouped into bands by upper bound (exclusive); the last band takes the rest. */
export function bands(distribution: Distribution, upperBounds: readonly number[]): number[] {
  const counts = new Array<number>(upperBounds.length + 1).fill(0);
  for (const [value, n] of distribution) {
    const band = upperBounds.findIndex((bound) => value < bound);
    counts[band === -1 ? upperBounds.length : band]! += n;
  }
  return counts;
}
