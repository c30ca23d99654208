/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** a ÷ b as the median over rounds of a[i] ÷ b[i]: both measured in the same round, so a slow patch moves both. */
export function sameRoundRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

/** A markdown table; numbers are already formatted by the caller. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  // Numeric columns are right-aligned; `n/a` and `–` (not measured) do not make a column text.
  const right = headers.map((_, i) => rows.every((row) => /^([\d.,×x\s%µ+\-KMiB]*|n\/a|–)$/.test(row[i] ?? '')));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map((_, i) => (right[i] ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** 12345.6 -> "12,346"; small numbers keep some digits. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 100 ? formatNumber(value, 0) : value >= 10 ? formatNumber(value, 1) : formatNumber(value, 2)}×`;
}

export function formatBytes(bytes: number, signed = false): string {
  const sign = bytes < 0 ? '-' : signed ? '+' : '';
  const abs = Math.abs(bytes);
  return abs >= 1024 * 1024 ? `${sign}${formatNumber(abs / 1024 / 1024, 2)} MB` : `${sign}${formatNumber(abs / 1024, 0)} KB`;
}

/** autocannon's per-status-code counts as a Map from status to count. */
export function statusCounts(stats: Readonly<Record<string, { count?: number }>> | undefined): Map<number, number> {
  return new Map(Object.entries(stats ?? {}).map(([code, { count }]) => [Number(code), count ?? 0]));
}
