// The `dpop` option, resolved once: where proofs must be addressed, which algorithms they may
// use, how old they may be, where their `jti`s are claimed, and server nonces.
import { ALGORITHMS, isAlgorithm, PUBLIC_KEY_ALGORITHMS, algorithmList } from '../algorithms.js';
import type { DpopAlgorithm, DpopOptions, ReplayStore } from '../dpop-types.js';
import { parsePositiveDuration } from '../options/duration.js';
import { checkNames, configError, describeValue, isRecord, optionalBoolean, optionalNumber } from '../options/validate.js';
import { resolveOrigins } from './htu.js';
import { resolveNonce, type NonceIssuer } from './nonce.js';
import { MemoryReplayStore } from './replay.js';

/** The `dpop` option, resolved: frozen. */
export interface DpopConfig {
  /** Each as `URL.origin` writes it. */
  readonly origins: readonly string[];
  readonly required: boolean;
  readonly algorithms: readonly DpopAlgorithm[];
  /** Seconds. */
  readonly proofMaxAge: number;
  /** Seconds. */
  readonly clockTolerance: number;
  readonly replay: ReplayStore;
  readonly nonce: NonceIssuer | undefined;
  /** The challenge's `algs` parameter: the algorithms, in order, space-separated. */
  readonly algs: string;
}

const NAMES = {
  origin: 1,
  required: 1,
  algorithms: 1,
  proofMaxAge: 1,
  clockTolerance: 1,
  replay: 1,
  nonce: 1,
} as const satisfies Record<keyof DpopOptions, 1>;

const DEFAULT_ALGORITHMS: readonly DpopAlgorithm[] = ['ES256', 'EdDSA', 'RS256', 'PS256'];

// One in-process store for every guard that uses the default: a proof used on one guard is used on all.
let defaultStore: MemoryReplayStore | undefined;

export function resolveDpopOptions(value: unknown): DpopConfig | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    throw configError(`option 'dpop' must be an object with at least { origin } (got ${describeValue(value)}); there is no dpop: true`);
  }
  checkNames(value, `option 'dpop'`, Object.keys(NAMES));
  const named = Object.fromEntries(Object.entries(value).map(([name, v]) => [`dpop.${name}`, v]));
  const algorithms = resolveAlgorithms(value.algorithms);
  return Object.freeze({
    origins: resolveOrigins(value.origin),
    required: optionalBoolean(named, 'dpop.required', false),
    algorithms,
    proofMaxAge: parsePositiveDuration(value.proofMaxAge ?? '60s', 'dpop.proofMaxAge'),
    clockTolerance: optionalNumber(named, 'dpop.clockTolerance', 5, { min: 0, integer: false }),
    replay: resolveReplay(value.replay),
    nonce: resolveNonce(value.nonce),
    algs: algorithms.join(' '),
  });
}

/** Public-key algorithms only: a proof is signed by the client's own key, which the server never shares. */
function resolveAlgorithms(value: unknown): readonly DpopAlgorithm[] {
  if (value === undefined) return DEFAULT_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(`option 'dpop.algorithms' must be a non-empty array such as ['ES256', 'EdDSA'] (got ${describeValue(value)})`);
  }
  for (const name of value as unknown[]) {
    if (isAlgorithm(name) && ALGORITHMS[name].family === 'HMAC') {
      throw configError(
        `algorithm '${name}' in 'dpop.algorithms' is symmetric; a DPoP proof is signed with the client's private key: use ${algorithmList(PUBLIC_KEY_ALGORITHMS, "'")}`,
      );
    }
    if (!isAlgorithm(name)) {
      throw configError(
        `algorithm ${describeValue(name)} is not supported in 'dpop.algorithms'; use ${algorithmList(PUBLIC_KEY_ALGORITHMS, "'")}`,
      );
    }
  }
  return Object.freeze([...new Set(value as DpopAlgorithm[])]);
}

function resolveReplay(value: unknown): ReplayStore {
  if (value === undefined) return (defaultStore ??= new MemoryReplayStore());
  if (!isRecord(value) || typeof value.claim !== 'function') {
    throw configError(`option 'dpop.replay' must be a replay store, { claim(jti, expiresAt) } (got ${describeValue(value)})`);
  }
  return value as unknown as ReplayStore;
}
