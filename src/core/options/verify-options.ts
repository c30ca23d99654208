// The verification options of tokenRequired and verifyToken, resolved once into a frozen config.
import { ALGORITHM_LIST, ALGORITHM_NAMES, isAlgorithm, type Algorithm } from '../algorithms.js';
import { resolveDpopOptions, type DpopConfig } from '../dpop/options.js';
import type { HookTimeout } from '../hooks.js';
import { knownKeys, resolveKeyOption } from '../keys/key-option.js';
import type { Keys } from '../keys/keys.js';
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
  /** Normalised: lower case, without `application/`. */
  readonly typ: string | undefined;
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
  /** Off when undefined. */
  readonly dpop: DpopConfig | undefined;
}

export function resolveVerifyOptions(record: Readonly<Record<string, unknown>>): VerifyConfig {
  const configured = resolveAlgorithms(record.algorithms);
  const keys = resolveKeyOption(record, configured);
  const maxAge = record.maxAge === undefined ? undefined : parsePositiveDuration(record.maxAge, 'maxAge');
  return Object.freeze({
    keys,
    algorithms: acceptedAlgorithms(keys, configured),
    issuer: asList(optionalStrings(record, 'issuer')),
    audience: asList(optionalStrings(record, 'audience')),
    subject: optionalString(record, 'subject'),
    typ: mediaType(optionalString(record, 'typ')),
    maxAge,
    clockTolerance: optionalNumber(record, 'clockTolerance', 0, { min: 0, integer: false }),
    requireExpiry: optionalBoolean(record, 'requireExpiry', true),
    maxTokenLength: optionalNumber(record, 'maxTokenLength', 8192, { min: 1, integer: true }),
    cache: resolveCache(record.cache),
    hookTimeout: resolveHookTimeout(record.hookTimeout),
    dpop: resolveDpopOptions(record.dpop),
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

/**
 * What a token's `alg` may be at all, checked before any key is looked at: what the keys known
 * at start-up may verify together (each listed algorithm must be one of them: a typo or a
 * mismatch is a TypeError), or what a resolver's or a remote set's keys may.
 */
function acceptedAlgorithms(keys: Keys, configured: readonly Algorithm[] | undefined): readonly Algorithm[] {
  if (keys.kind === 'resolver' || keys.kind === 'remote') return keys.algorithms;
  const accepted = new Set(knownKeys(keys).flatMap((key) => key.algorithms));
  const unused = configured?.find((alg) => !accepted.has(alg));
  if (unused !== undefined) {
    throw configError(
      `algorithm '${unused}' in 'algorithms' fits none of the configured keys, so no token could use it (a typo, or a key of another type?)`,
    );
  }
  return Object.freeze(ALGORITHM_NAMES.filter((alg) => accepted.has(alg)));
}

/** RFC 7515 §4.1.9: a `typ` is a media type, compared without case and without `application/`. */
export function mediaType(typ: string | undefined): string | undefined {
  const lower = typ?.toLowerCase();
  return lower?.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** The `algorithms` option, or `undefined` when not given (each key then verifies its own default). */
function resolveAlgorithms(value: unknown): readonly Algorithm[] | undefined {
  if (value === undefined) return undefined;
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
