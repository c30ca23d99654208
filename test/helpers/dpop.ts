// DPoP proofs (RFC 9449 §4.2) made by jose, independent of the code under test: a client's key
// and a `dpop+jwt` signed with it, its public key in the `jwk` header.
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';

/** A client's DPoP key: ES256 (P-256) or EdDSA (Ed25519). */
export interface DpopKey {
  readonly alg: 'ES256' | 'EdDSA';
  readonly privateKey: KeyObject;
  /** The public JWK, as the proof's `jwk` header carries it. */
  readonly jwk: JWK;
  /** The private JWK (with `d`): what a proof must never carry. */
  readonly privateJwk: JWK;
  /** Its RFC 7638 thumbprint, as jose computes it: the `cnf.jkt` of tokens bound to it. */
  readonly jkt: string;
}

export async function makeDpopKey(alg: DpopKey['alg'] = 'ES256'): Promise<DpopKey> {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const privateJwk = pair.privateKey.export({ format: 'jwk' }) as JWK;
  return { alg, privateKey: pair.privateKey, jwk, privateJwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** base64url SHA-256 of an access token: a proof's `ath`. */
export const athOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface ProofClaims {
  readonly key: DpopKey;
  /** The access token the proof goes with: sets `ath`. */
  readonly token?: string | undefined;
  readonly htm: string;
  readonly htu: string;
  /** Claims over the defaults (`jti` a random UUID, `iat` now, `ath`); `undefined` removes one. */
  readonly [claim: string]: unknown;
}

/** A proof signed by `key`, header `{ alg, typ: 'dpop+jwt', jwk }` with `header` over it. */
export async function makeProof({ key, token, ...claims }: ProofClaims, header: Record<string, unknown> = {}): Promise<string> {
  const payload = {
    jti: randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ...(token !== undefined && { ath: athOf(token) }),
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header }).sign(key.privateKey);
}
