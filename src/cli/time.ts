// Dates of a token's time claims, for people: an ISO date and how far from now.

const UNITS: readonly (readonly [Intl.RelativeTimeFormatUnit, number])[] = [
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "in 59 minutes", "3 days ago": the largest unit that fits at least twice, else seconds. */
export function fromNow(seconds: number, nowMs: number): string {
  const delta = seconds - nowMs / 1000;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(delta) >= 2 * size) ?? ['second', 1];
  return relative.format(Math.round(delta / size), unit);
}

/**
 * A NumericDate claim (RFC 7519 §2) as "2030-01-01T00:00:00.000Z (in 3 days)", or why it
 * cannot be read as one. For `exp`, a time now or past is marked expired, as jsonwebtoken counts it.
 */
export function describeTime(value: unknown, nowMs: number, isExpiry = false): string {
  if (typeof value !== 'number') return `not a number of seconds (${JSON.stringify(value)})`;
  const date = new Date(value * 1000);
  if (Number.isNaN(date.getTime())) return `out of range (${String(value)})`;
  const expired = isExpiry && value <= nowMs / 1000 ? ', expired' : '';
  return `${date.toISOString()} (${fromNow(value, nowMs)}${expired})`;
}
