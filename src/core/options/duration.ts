import { configError, describeValue } from './validate.js';

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
  w: 604_800,
  week: 604_800,
  weeks: 604_800,
  y: 31_557_600,
  yr: 31_557_600,
  yrs: 31_557_600,
  year: 31_557_600,
  years: 31_557_600,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

/**
 * Seconds from a number of seconds or a string with a unit (`'90s'`, `'30m'`, `'1h'`, `'7 days'`).
 * A bare numeric string is refused: jsonwebtoken reads `'60'` as 60 milliseconds, a classic surprise.
 */
export function parseDuration(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    const unit = match?.[2]!.toLowerCase();
    // Own units only: `'1 constructor'` must not find Object.prototype.constructor (a NaN maxAge would check nothing).
    const perUnit = unit !== undefined && Object.hasOwn(SECONDS_PER_UNIT, unit) ? SECONDS_PER_UNIT[unit] : undefined;
    if (match && perUnit) return Number(match[1]) * perUnit;
  }
  throw configError(
    `option '${name}' must be a number of seconds or a string with a unit such as '30m', '1h' or '7d' (got ${describeValue(value)})`,
  );
}

/** A duration that must be more than 0 seconds (a lifetime or a maximum age). */
export function parsePositiveDuration(value: unknown, name: string): number {
  const seconds = parseDuration(value, name);
  if (seconds === 0) throw configError(`option '${name}' must be more than 0 seconds`);
  return seconds;
}
