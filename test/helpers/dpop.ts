// DPoP proofs (RFC 9449 §4.2) made with jose, independent of the code under test: a client key
// and its thumbprint (the token's `cnf.jkt`), and a proof for one request.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { now } from './tokens.js';

export interface DpopKey {
  readonly alg: string;
  readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  /** The public key, as the proof's `jwk` header carries it. */
  readonly jwk: JWK;
  /** Its RFC 7638 thumbprint: what a bound token's `cnf.jkt` names. */
  readonly jkt: string;
}

/** A fresh client key pair; ES256 unless told. */
export async function makeDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

export interface MakeProof {
  readonly key: DpopKey;
  /** The access token the proof goes with: `ath` is its base64url SHA-256. */
  readonly token: string;
  /** Defaults to `'GET'`. */
  readonly htm?: string;
  /** The full URI, e.g. `'http://api.test/protected'`. */
  readonly htu: string;
  /** Header parameters over `{ alg, typ: 'dpop+jwt', jwk }`. */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Any other claim, or one over the defaults (`jti` random, `iat` now, `ath`); `undefined` leaves it out. */
  readonly [claim: string]: unknown;
}

/** A signed DPoP proof for one request. */
export function makeProof({ key, token, htm = 'GET', htu, header = {}, ...claims }: MakeProof): Promise<string> {
  const ath = createHash('sha256').update(token).digest('base64url');
  return new SignJWT({ jti: randomUUID(), htm, htu, iat: now(), ath, ...claims })
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header })
    .sign(key.privateKey);
}
