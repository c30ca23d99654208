// One DPoP proof checked (RFC 9449 §4.3): a `dpop+jwt` signed with the public key in its own
// `jwk` header, bound to the request (method, URI), fresh, and bound to the access token
// (`ath`). Its key is bound to an algorithm exactly as an access token's key is.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../algorithms.js';
import type { DpopProofClaims } from '../dpop-types.js';
import { TokenError, type TokenErrorReason } from '../errors.js';
import { decodeSegment, splitJws } from '../jws.js';
import { asymmetricAlgorithms, narrowByJwk } from '../keys/bind.js';
import { hasPrivateMembers, isJwk } from '../keys/key-input.js';
import { thumbprint } from '../keys/thumbprint.js';
import { isRecord } from '../options/validate.js';
import { verifySignature } from '../signatures.js';
import { TwoGenerationMap } from '../two-generation-map.js';
import { requestUri, normaliseUri } from './htu.js';
import type { NonceCheck } from './nonce.js';
import type { DpopConfig } from './options.js';

/** A proof's key: public, of a type and size an access token's key may be. */
interface ProofKey {
  readonly key: KeyObject;
  readonly algorithms: readonly Algorithm[];
  /** RFC 7638 thumbprint: what the token's `cnf.jkt` names. */
  readonly jkt: string;
}

/** A proof header that passed its checks: the algorithm, and the key it is bound to. */
interface ProofHeader {
  readonly alg: Algorithm;
  readonly key: ProofKey;
}

export interface VerifiedProof {
  readonly jkt: string;
  readonly claims: DpopProofClaims;
  /** How its nonce compared, when nonces are on. */
  readonly nonce: NonceCheck | undefined;
}

/** The request a proof must match. */
export interface ProofRequest {
  readonly method: string;
  /** The request target: path and query (`req.originalUrl`). */
  readonly url: string;
}

const MAX_JTI_LENGTH = 256;

/** Checks DPoP proofs for one `dpop` configuration. */
export class ProofVerifier {
  readonly #config: DpopConfig;
  /**
   * Headers by their base64url text, checked once: a client signs every proof with one key, so
   * its header (typ, alg, jwk) repeats, and is neither parsed nor imported again. A header
   * that fails keeps why, as a string.
   */
  readonly #headers = new TwoGenerationMap<string, ProofHeader | string>(1000);
  /** A request target's path → the `htu` each origin makes of it; a claimed `htu` → normalised. */
  readonly #targets = new TwoGenerationMap<string, readonly (string | undefined)[]>(1000);
  readonly #claimed = new TwoGenerationMap<string, string | null>(1000);
  readonly #badProof: Readonly<Record<string, string>>;

  constructor(config: DpopConfig) {
    this.#config = config;
    this.#badProof = { 'WWW-Authenticate': `DPoP error="invalid_dpop_proof", algs="${config.algs}"` };
  }

  /** A bad proof: 401 Invalid DPoP proof with the `invalid_dpop_proof` challenge; `why` goes to the cause, for logs. */
  refuse(why: string, reason: Extract<TokenErrorReason, 'dpop_invalid' | 'dpop_replayed'> = 'dpop_invalid'): TokenError {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new TokenError(reason, { cause: new Error(why), headers: this.#badProof });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** The proof's key thumbprint and claims, or a TokenError (a bad proof, or a nonce to use). */
  verify(proof: string, request: ProofRequest, accessToken: string): VerifiedProof {
    const config = this.#config;
    const segments = splitJws(proof);
    if (segments === undefined) throw this.refuse(MALFORMED);
    const header = this.#headerOf(segments.header);
    if (typeof header === 'string') throw this.refuse(header);
    const payload = decodeSegment(segments.payload);
    if (payload === undefined) throw this.refuse(MALFORMED);
    const { signatureDot } = segments;
    if (!verifySignature(header.alg, header.key.key, proof.slice(0, signatureDot), proof.slice(signatureDot + 1))) {
      throw this.refuse('invalid signature');
    }
    const { jti, htm, htu, iat, ath } = payload;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
      throw this.refuse('jti is not a string of 1 to 256 characters');
    if (htm !== request.method) throw this.refuse('htm is not the request method');
    if (typeof htu !== 'string' || !this.#addressesThis(htu, request.url)) throw this.refuse('htu is not this request URI');
    // The exact time, not the second: a proof is accepted up to the very moment its `jti` may be
    // forgotten (`iat + proofMaxAge + clockTolerance`), never a fraction of a second past it.
    const now = Date.now() / 1000;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw this.refuse('iat is not a number');
    if (iat < now - config.proofMaxAge - config.clockTolerance) throw this.refuse('iat is older than dpop.proofMaxAge');
    if (iat > now + config.clockTolerance) throw this.refuse('iat is in the future');
    if (ath !== createHash('sha256').update(accessToken).digest('base64url')) throw this.refuse('ath is not the hash of the access token');
    let nonce: NonceCheck | undefined;
    if (config.nonce !== undefined) {
      nonce = config.nonce.check(payload.nonce, now);
      if (nonce === 'wrong') throw this.#nonceRequired(now);
    }
    return { jkt: header.key.jkt, claims: Object.freeze({ ...payload }) as DpopProofClaims, nonce };
  }

  /** The `DPoP-Nonce` header to send with a success whose proof used the previous nonce. */
  freshNonce(): Readonly<Record<string, string>> {
    return { 'DPoP-Nonce': this.#config.nonce!.current(Date.now() / 1000) };
  }

  #nonceRequired(now: number): TokenError {
    const headers = {
      'WWW-Authenticate': `DPoP error="use_dpop_nonce", algs="${this.#config.algs}"`,
      'DPoP-Nonce': this.#config.nonce!.current(now),
    };
    return new TokenError('dpop_nonce_required', { headers });
  }

  /** RFC 9449 §4.3 check 9: `htu` without query and fragment is one origin plus the request's path. */
  #addressesThis(htu: string, target: string): boolean {
    let claimed = this.#claimed.get(htu);
    if (claimed === undefined) this.#claimed.set(htu, (claimed = normaliseUri(htu) ?? null));
    if (claimed === null) return false;
    const end = target.search(/[?#]/);
    const path = end === -1 ? target : target.slice(0, end);
    let expected = this.#targets.get(path);
    if (expected === undefined) this.#targets.set(path, (expected = this.#config.origins.map((origin) => requestUri(origin, path))));
    return expected.includes(claimed);
  }

  /** The checks of a proof's header (RFC 9449 §4.3 checks 4–7 but the signature), once per header text. */
  #headerOf(segment: string): ProofHeader | string {
    let checked = this.#headers.get(segment);
    if (checked === undefined) this.#headers.set(segment, (checked = checkHeader(decodeSegment(segment), this.#config)));
    return checked;
  }
}

const MALFORMED = 'not a compact JWS with JSON header and payload';

/** A header's algorithm and key, or why it is refused: `typ`, `alg`, no `crit`, a public `jwk` bound to that `alg`. */
function checkHeader(header: Readonly<Record<string, unknown>> | undefined, config: DpopConfig): ProofHeader | string {
  if (header === undefined) return MALFORMED;
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') return 'typ is not dpop+jwt';
  const alg = header.alg as Algorithm;
  if (!config.algorithms.includes(alg as never)) return 'alg is not one of dpop.algorithms';
  if ('crit' in header) return 'crit is not supported';
  if (!isJwk(header.jwk)) return 'no jwk header';
  const key = readProofKey(header.jwk);
  if (key === null) return 'the jwk is not a public key this library verifies with';
  if (!key.algorithms.includes(alg)) return 'alg does not fit the jwk';
  return { alg, key };
}

/** `null` for a key that may not sign a proof: private or secret, unreadable, too weak, another curve. */
function readProofKey(jwk: Readonly<Record<string, unknown>>): ProofKey | null {
  if (jwk.kty === 'oct' || hasPrivateMembers(jwk)) return null;
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    const name = 'the DPoP proof jwk';
    const { allowed } = narrowByJwk(asymmetricAlgorithms(key, name), { key, jwk: jwk }, 'verify', name);
    return { key, algorithms: allowed, jkt: thumbprint(key) };
  } catch {
    return null;
  }
}

/** Whether a token's payload binds it to a DPoP key (`cnf.jkt`, RFC 9449 §6.1). */
export function boundKey(payload: Readonly<Record<string, unknown>>): string | undefined {
  const { cnf } = payload;
  return isRecord(cnf) && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
}
