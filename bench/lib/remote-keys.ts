// The remote section's keys: one RSA 2048 and one P-256 key, each with a `kid` and an `alg`, served
// as a JWKS by the bench; tokens signed by hand with node:crypto (public-keys.ts), never by our code.
import { randomBytes, type KeyObject } from 'node:crypto';
import { keyPair, signPublic } from './public-keys.js';
import { smallPayload } from './tokens.js';

/** Every token's `iss` and `aud`, and every guard's `issuer` and `audience`: all do the same checks. */
export const ISSUER = 'https://issuer.bench.test/';
export const AUDIENCE = 'https://api.bench.test';

/** The JWKS URI a server is given: each its own query, so that the JWKS server can tell whose fetch it saw. */
export const jwksUriFor = (base: string, server: string): string => `${base}?server=${server}`;

export const REMOTE_ALGORITHMS = ['RS256', 'ES256'] as const;
export type RemoteAlgorithm = (typeof REMOTE_ALGORITHMS)[number];

export interface RemoteKeys {
  /** What the JWKS endpoint serves: each public key as a JWK with `kid`, `alg` and `use: 'sig'`. */
  readonly jwks: { readonly keys: readonly object[] };
  /** A valid token per algorithm: its key's `kid`, `iss`, `aud`, `exp` a day ahead. */
  readonly tokens: Readonly<Record<RemoteAlgorithm, string>>;
  /** `count` valid-looking tokens signed with the RSA key of the set, each with a random `kid` it does not have. */
  unknownKid(count: number): string[];
}

const claims = (): Record<string, unknown> => ({ ...smallPayload(), iss: ISSUER, aud: AUDIENCE });

export function makeRemoteKeys(): RemoteKeys {
  const pairs = REMOTE_ALGORITHMS.map((alg) => ({ alg, kid: `bench-${alg.toLowerCase()}`, ...keyPair(alg) }));
  const jwk = (alg: RemoteAlgorithm, kid: string, key: KeyObject): object => ({ ...key.export({ format: 'jwk' }), kid, alg, use: 'sig' });
  const payload = claims();
  const rsa = pairs[0]!;
  return {
    jwks: { keys: pairs.map(({ alg, kid, publicKey }) => jwk(alg, kid, publicKey)) },
    tokens: Object.fromEntries(pairs.map(({ alg, kid, privateKey }) => [alg, signPublic(alg, privateKey, payload, { kid })])) as Record<
      RemoteAlgorithm,
      string
    >,
    unknownKid: (count) =>
      Array.from({ length: count }, () => signPublic('RS256', rsa.privateKey, payload, { kid: randomBytes(16).toString('base64url') })),
  };
}
