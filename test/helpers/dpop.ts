// DPoP proofs made by an independent implementation (jose), as a client would make them.
import { createHash, randomUUID, type KeyObject, type webcrypto } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export interface DpopKey {
  readonly alg: string;
  readonly privateKey: webcrypto.CryptoKey | KeyObject;
  /** The public JWK, as the proof's header carries it. */
  readonly jwk: JWK;
  /** Its RFC 7638 thumbprint: the token's `cnf.jkt`. */
  readonly jkt: string;
}

export async function makeDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** base64url(SHA-256(token)): a proof's `ath`. */
export const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface ProofOptions {
  readonly key: DpopKey;
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof is for (sets `ath`). */
  readonly token?: string;
  /** Claims added or replaced (`undefined` removes one). */
  readonly claims?: Record<string, unknown>;
  /** Header members added or replaced (`undefined` removes one). */
  readonly header?: Record<string, unknown>;
  /** Signs with this key instead (another key's proof). */
  readonly signWith?: webcrypto.CryptoKey | KeyObject | Uint8Array;
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
