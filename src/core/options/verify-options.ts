// The verification options of tokenRequired and verifyToken, resolved once into a frozen config.
import { ALGORITHMS, ALGORITHM_LIST, DEFAULT_ALGORITHM, isAlgorithm, type Algorithm } from '../algorithms.js';
import type { HookTimeout } from '../hooks.js';
import { resolveKeyOption, type Keys } from '../keys/key-option.js';
import { parsePositiveDuration } from './duration.js';
import {
  checkNames,
  configError,
  describeValue,
  isRecord,
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStrings,
} from './validate.js';

/** The verification options, resolved once: defaults applied, keys built, everything checked. */
export interface VerifyConfig {
  readonly keys: Keys;
  readonly algorithms: readonly Algorithm[];
  /** Any of these, when given (one string becomes a list of one). */
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly subject: string | undefined;
  /** Seconds. */
  readonly maxAge: number | undefined;
  /** Seconds. */
  readonly clockTolerance: number;
  readonly requireExpiry: boolean;
  readonly maxTokenLength: number;
  /** Off when undefined. */
  readonly cache: { readonly max: number } | undefined;
  /** Milliseconds; `false`: hooks may take as long as they like. */
  readonly hookTimeout: HookTimeout;
}

export function resolveVerifyOptions(record: Readonly<Record<string, unknown>>): VerifyConfig {
  const algorithms = resolveAlgorithms(record.algorithms);
  const strongest = algorithms.reduce((a, b) => (ALGORITHMS[b].minKeyBytes > ALGORITHMS[a].minKeyBytes ? b : a));
  const maxAge = record.maxAge === undefined ? undefined : parsePositiveDuration(record.maxAge, 'maxAge');
  return Object.freeze({
    keys: resolveKeyOption(record, strongest),
    algorithms,
    issuer: asList(optionalStrings(record, 'issuer')),
    audience: asList(optionalStrings(record, 'audience')),
    subject: optionalString(record, 'subject'),
    maxAge,
    clockTolerance: optionalNumber(record, 'clockTolerance', 0, { min: 0, integer: false }),
    requireExpiry: optionalBoolean(record, 'requireExpiry', true),
    maxTokenLength: optionalNumber(record, 'maxTokenLength', 8192, { min: 1, integer: true }),
    cache: resolveCache(record.cache),
    hookTimeout: resolveHookTimeout(record.hookTimeout),
  });
}

// setTimeout's longest delay; a longer one would fire at once.
const MAX_TIMEOUT = 2 ** 31 - 1;

function resolveHookTimeout(value: unknown): HookTimeout {
  if (value === undefined) return 10_000;
  if (value === false) return false;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT) {
    throw configError(
      `option 'hookTimeout' must be a whole number of milliseconds from 1 to ${String(MAX_TIMEOUT)}, or false for no limit (got ${describeValue(value)})`,
    );
  }
  return value;
}

function resolveCache(value: unknown): { readonly max: number } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { max: 1000 };
  if (isRecord(value)) {
    checkNames(value, `option 'cache'`, ['max']);
    return { max: optionalNumber(value, 'max', 1000, { min: 1, integer: true }) };
  }
  throw configError(`option 'cache' must be true, false or { max: number } (got ${describeValue(value)})`);
}

function resolveAlgorithms(value: unknown): readonly Algorithm[] {
  if (value === undefined) return [DEFAULT_ALGORITHM];
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(`option 'algorithms' must be a non-empty array such as ['HS256'] (got ${describeValue(value)})`);
  }
  for (const name of value as unknown[]) {
    if (!isAlgorithm(name)) throw configError(`algorithm ${describeValue(name)} is not supported in 'algorithms'; use ${ALGORITHM_LIST}`);
  }
  return Object.freeze([...new Set(value as Algorithm[])]);
}

function asList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof value === 'string' ? [value] : value;
}
