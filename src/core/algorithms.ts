// Everything known about each JWS algorithm, in one table (RFC 7518 §3.1, RFC 8037 §3.1): the
// `Algorithm` type, option checks, key binding, signing, the command's `--alg` and the test
// helpers all derive from it. Adding an algorithm means a row here and, for a new family, an
// implementation of it in signatures.ts, nothing else.

/** node:crypto's name for a hash. */
export type Hash = 'sha256' | 'sha384' | 'sha512';

/** One row: how an algorithm signs, with which hash, and what its keys must be. */
export type AlgorithmSpec =
  /** RFC 7518 §3.2: a shared secret at least as long as the hash output. */
  | { readonly family: 'HMAC'; readonly hash: Hash; readonly minKeyBytes: number }
  /** RFC 7518 §3.3: RSASSA-PKCS1-v1_5. */
  | { readonly family: 'RSASSA-PKCS1-v1_5'; readonly hash: Hash }
  /** RFC 7518 §3.5: RSASSA-PSS, MGF1 with the same hash, a salt as long as the hash. */
  | { readonly family: 'RSASSA-PSS'; readonly hash: Hash; readonly saltLength: number }
  /** RFC 7518 §3.4: ECDSA on one curve, the signature as the fixed-length `R || S`. */
  | { readonly family: 'ECDSA'; readonly hash: Hash; readonly curve: 'P-256' | 'P-384' | 'P-521'; readonly signatureBytes: number }
  /** RFC 8037 §3.1: Ed25519 or Ed448; the curve is the key's. */
  | { readonly family: 'EdDSA' };

export const ALGORITHMS = {
  HS256: { family: 'HMAC', hash: 'sha256', minKeyBytes: 32 },
  HS384: { family: 'HMAC', hash: 'sha384', minKeyBytes: 48 },
  HS512: { family: 'HMAC', hash: 'sha512', minKeyBytes: 64 },
  RS256: { family: 'RSASSA-PKCS1-v1_5', hash: 'sha256' },
  RS384: { family: 'RSASSA-PKCS1-v1_5', hash: 'sha384' },
  RS512: { family: 'RSASSA-PKCS1-v1_5', hash: 'sha512' },
  PS256: { family: 'RSASSA-PSS', hash: 'sha256', saltLength: 32 },
  PS384: { family: 'RSASSA-PSS', hash: 'sha384', saltLength: 48 },
  PS512: { family: 'RSASSA-PSS', hash: 'sha512', saltLength: 64 },
  ES256: { family: 'ECDSA', hash: 'sha256', curve: 'P-256', signatureBytes: 64 },
  ES384: { family: 'ECDSA', hash: 'sha384', curve: 'P-384', signatureBytes: 96 },
  ES512: { family: 'ECDSA', hash: 'sha512', curve: 'P-521', signatureBytes: 132 },
  EdDSA: { family: 'EdDSA' },
} as const satisfies Readonly<Record<string, AlgorithmSpec>>;

/** The algorithms this library signs and verifies with. */
export type Algorithm = keyof typeof ALGORITHMS;

/** The algorithms of one family, e.g. `AlgorithmOf<'HMAC'>` is `'HS256' | 'HS384' | 'HS512'`. */
export type AlgorithmOf<F extends AlgorithmSpec['family']> = {
  [A in Algorithm]: (typeof ALGORITHMS)[A]['family'] extends F ? A : never;
}[Algorithm];

/** Every algorithm's name, in the table's order. */
export const ALGORITHM_NAMES = Object.freeze(Object.keys(ALGORITHMS)) as readonly Algorithm[];

/** The algorithms of one family, in the table's order. */
export function algorithmsOf<F extends AlgorithmSpec['family']>(family: F): readonly AlgorithmOf<F>[] {
  return ALGORITHM_NAMES.filter((name) => ALGORITHMS[name].family === family) as AlgorithmOf<F>[];
}

/** The algorithms of public (asymmetric) keys: every family but HMAC. */
export const PUBLIC_KEY_ALGORITHMS: readonly Algorithm[] = Object.freeze(
  ALGORITHM_NAMES.filter((name) => ALGORITHMS[name].family !== 'HMAC'),
);

/** What signToken signs with and the verifier accepts for a secret when `algorithm(s)` is not given. */
export const DEFAULT_ALGORITHM: Algorithm = 'HS256';

/** The names for people: `HS256, HS384 or HS512`, each in `quote`. */
export function algorithmList(names: readonly Algorithm[] = ALGORITHM_NAMES, quote = ''): string {
  const quoted = names.map((name) => `${quote}${name}${quote}`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

/** The names for messages: `'HS256', 'HS384', … or 'EdDSA'`. */
export const ALGORITHM_LIST = algorithmList(ALGORITHM_NAMES, "'");

/** Whether a value (e.g. a token's `alg`, untrusted) names a row of the table; never a prototype key. */
export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === 'string' && Object.hasOwn(ALGORITHMS, name);
}
