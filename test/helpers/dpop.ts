// DPoP proofs (RFC 9449 §4.2) made by jose, independent of the code under test, as a client
// makes them: a client's key, and a `dpop+jwt` signed with it, its public key in the `jwk` header.
import { createHash, KeyObject, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, generateKeyPair, type JWK } from 'jose';

export interface DpopKey {
  readonly alg: string;
  readonly privateKey: KeyObject;
  /** The public JWK, as the proof's `jwk` header carries it. */
  readonly jwk: JWK;
  /** The private JWK (with `d`): what a proof must never carry. */
  readonly privateJwk: JWK;
  /** Its RFC 7638 thumbprint, as jose computes it: the `cnf.jkt` of tokens bound to it. */
  readonly jkt: string;
}

export async function makeDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const privateKey = KeyObject.from(pair.privateKey);
  const jwk = KeyObject.from(pair.publicKey).export({ format: 'jwk' }) as JWK;
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { alg, privateKey, jwk, privateJwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** base64url(SHA-256(token)): a proof's `ath`. */
export const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface ProofOptions {
  readonly key: DpopKey;
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof goes with (sets `ath`). */
  readonly token?: string | undefined;
  /** Claims added or replaced (`undefined` removes one). */
  readonly claims?: Record<string, unknown> | undefined;
  /** Header members added or replaced (`undefined` removes one). */
  readonly header?: Record<string, unknown> | undefined;
  /** Signs with this key instead (another key's proof). */
  readonly signWith?: KeyObject | Uint8Array | undefined;
}

/** A fresh proof: `typ` dpop+jwt, the key's `alg` and public `jwk`, a random `jti`, `iat` now. */
export function makeProof({ key, htm, htu, token, claims = {}, header = {}, signWith }: ProofOptions): Promise<string> {
  const payload = withoutUndefined({
    jti: randomUUID(),
    htm,
    htu,
    iat: Math.floor(Date.now() / 1000),
    ...(token === undefined ? {} : { ath: ath(token) }),
    ...claims,
  });
  const protectedHeader = withoutUndefined({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header });
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(signWith ?? key.privateKey);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
