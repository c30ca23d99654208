// Configuration checks shared by every entry point: they run once, when options are
// resolved, and throw a TypeError that says what to fix.

export function configError(message: string): TypeError {
  return new TypeError(`express-token-required: ${message}`);
}

/** A short description of a configuration value for error messages; long strings are cut. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  return `a ${typeof value}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks every name of an options record against `known`; `others` maps other places
 * (e.g. `signToken()`) to their names, for a "belongs to" hint. `undefined` values count
 * as not passed, so `{ issuer: process.env.ISSUER }` is fine.
 */
export function checkNames(
  record: Readonly<Record<string, unknown>>,
  where: string,
  known: readonly string[],
  others: Readonly<Record<string, readonly string[]>> = {},
): void {
  for (const name of Object.keys(record)) {
    if (known.includes(name) || record[name] === undefined) continue;
    const owner = Object.keys(others).find((other) => others[other]?.includes(name));
    const hint = suggest(name, known) ?? (owner ? `; it belongs to ${owner}` : '');
    throw configError(`unknown option '${name}' for ${where}${hint}`);
  }
}

/** `; did you mean '…'?` with the closest known name within two edits, ignoring case. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best && `; did you mean '${best}'?`;
}

/** Levenshtein distance, for option names only (short strings). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function optionalBoolean(record: Readonly<Record<string, unknown>>, name: string, fallback: boolean): boolean {
  const value = record[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw configError(`option '${name}' must be true or false (got ${describeValue(value)})`);
  return value;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the hook's type
export function optionalFunction<F>(record: Readonly<Record<string, unknown>>, name: string): F | undefined {
  const value = record[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw configError(`option '${name}' must be a function (got ${describeValue(value)})`);
  return value as F;
}

export function optionalString(record: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = record[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw configError(`option '${name}' must be a non-empty string (got ${describeValue(value)})`);
  return value;
}

/** A non-empty string, or a non-empty array of them (frozen copy). */
export function optionalStrings(record: Readonly<Record<string, unknown>>, name: string): string | readonly string[] | undefined {
  const value = record[name];
  if (!Array.isArray(value)) return optionalString(record, name);
  if (value.length === 0 || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw configError(`option '${name}' must be a non-empty string or a non-empty array of them`);
  }
  return Object.freeze([...(value as string[])]);
}

export function optionalNumber(
  record: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
  { min, integer }: { min: number; integer: boolean },
): number {
  const value = record[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw configError(
      `option '${name}' must be ${integer ? 'an integer' : 'a number'} of at least ${String(min)} (got ${describeValue(value)})`,
    );
  }
  return value;
}
