/** Small statistics for noisy measurements: medians and spreads, never means. */

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** How many samples the spread is taken over. */
  n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  return { min: Math.min(...values), median: median(values), max: Math.max(...values), n: values.length };
}

/** Element-wise a[i] / b[i]: the ratio of each interleaved pair, so slow drift cancels within a pair. */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`unpaired samples: ${a.length} vs ${b.length}`);
  return a.map((value, i) => value / b[i]!);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
