// Everything known about each JWS algorithm, in one table (RFC 7518 §3.1): the `Algorithm`
// type, option checks, signing, the command's `--alg` and the test helpers all derive from it.
// Adding an algorithm means a row here and an implementation of its family, nothing else.

/** One row: how an algorithm signs, with which hash, and what its keys must be. */
export interface AlgorithmSpec {
  /** The signature scheme, implemented once per family (`hmac.ts` for HMAC). */
  readonly family: 'HMAC';
  /** node:crypto's name for the hash. */
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
  readonly minKeyBytes: number;
}

export const ALGORITHMS = {
  HS256: { family: 'HMAC', hash: 'sha256', minKeyBytes: 32 },
  HS384: { family: 'HMAC', hash: 'sha384', minKeyBytes: 48 },
  HS512: { family: 'HMAC', hash: 'sha512', minKeyBytes: 64 },
} as const satisfies Readonly<Record<string, AlgorithmSpec>>;

/** The algorithms this library signs and verifies with. */
export type Algorithm = keyof typeof ALGORITHMS;

/** Every algorithm's name, in the table's order. */
export const ALGORITHM_NAMES = Object.freeze(Object.keys(ALGORITHMS)) as readonly Algorithm[];

/** What signToken signs with and the verifier accepts when `algorithm(s)` is not given. */
export const DEFAULT_ALGORITHM: Algorithm = 'HS256';

/** The names for people: `HS256, HS384 or HS512`, each in `quote`. */
export function algorithmList(quote = ''): string {
  const quoted = ALGORITHM_NAMES.map((name) => `${quote}${name}${quote}`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

/** The names for messages: `'HS256', 'HS384' or 'HS512'`. */
export const ALGORITHM_LIST = algorithmList("'");

/** Whether a value (e.g. a token's `alg`, untrusted) names a row of the table; never a prototype key. */
export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === 'string' && Object.hasOwn(ALGORITHMS, name);
}
