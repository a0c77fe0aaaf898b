import type { Spread } from './stats';

/** One line of the results table. A `check` target has no threshold: it is reported, and must hold. */
export interface Figure {
  key: string;
  label: string;
  value: number;
  digits: number;
  target: { op: '<=' | '>=' | '='; limit: number } | { op: 'check'; ok: boolean; text: string };
  /** A further condition the figure must meet, printed after its target (e.g. the other roles' bound). */
  also?: { ok: boolean; text: string };
  spread: Spread;
}

export function passes(figure: Figure): boolean {
  const { target, value } = figure;
  if (figure.also && !figure.also.ok) return false;
  if (target.op === 'check') return target.ok;
  if (target.op === '=') return value === target.limit;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}

export function targetText(figure: Figure): string {
  const { target } = figure;
  const main = target.op === 'check' ? target.text : `${{ '<=': '≤', '>=': '≥', '=': '=' }[target.op]} ${target.limit}`;
  return figure.also ? `${main}; ${figure.also.text}` : main;
}

/** Prints the table; returns whether every figure meets its target. */
export function printTable(figures: readonly Figure[]): boolean {
  const rows = figures.map((f) => [
    f.key,
    f.value.toFixed(f.digits),
    targetText(f),
    passes(f) ? 'pass' : 'FAIL',
    f.spread.min.toFixed(f.digits),
    f.spread.median.toFixed(f.digits),
    f.spread.max.toFixed(f.digits),
    String(f.spread.n),
    f.label,
  ]);
  const header = ['figure', 'value', 'target', 'result', 'min', 'median', 'max', 'n', 'what'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 8 || i === 2 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
  return figures.every(passes);
}
