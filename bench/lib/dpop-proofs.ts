// The DPoP section's client: one P-256 key, an HS256 access token bound to it (`cnf.jkt`) and an
// unbound one of the same length for the Bearer row, and DPoP proofs signed by hand with
// node:crypto (public-keys.ts), never by our code or jose, so that thousands are made in a blink.
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import type { PerRequestHeaders } from '../http.js';
import { keyPair, signPublic } from './public-keys.js';
import { sign, smallPayload } from './tokens.js';

/** Every server's `dpop.origin`; with the route's path `/`, every proof's `htu`. */
export const DPOP_ORIGIN = 'https://api.bench.test';
const HTU = `${DPOP_ORIGIN}/`;

/** How many proofs a run gets: the fastest rate seen so far, × this, × the run's seconds. */
const HEADROOM = 1.5;

export interface DpopClient {
  /** `Authorization: DPoP <token>`: the small payload and `cnf: { jkt }` of the client's key. */
  readonly token: string;
  /** The same claims with `cnf` renamed `cnx`: as long, and not bound (a bound token is refused as Bearer). */
  readonly bearerToken: string;
  /** The RFC 7638 thumbprint of the client's public key. */
  readonly jkt: string;
  /** `count` fresh proofs for `GET /` with `token`: each its own `jti`, `iat` now. */
  proofs(count: number): string[];
}

/** RFC 7638: SHA-256 of the required members of an EC key, in lexicographic order, no whitespace. */
function ecThumbprint(publicKey: KeyObject): string {
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

export function makeDpopClient(): DpopClient {
  const { publicKey, privateKey } = keyPair('ES256');
  const jkt = ecThumbprint(publicKey);
  const payload = smallPayload();
  const token = sign({ ...payload, cnf: { jkt } });
  const bearerToken = sign({ ...payload, cnx: { jkt } });
  // RFC 9449 §4.2: the public key in the header, `ath` the hash of the access token.
  const header = { typ: 'dpop+jwt', jwk: publicKey.export({ format: 'jwk' }) };
  const ath = createHash('sha256').update(token).digest('base64url');
  return {
    token,
    bearerToken,
    jkt,
    proofs: (count) => {
      const iat = Math.floor(Date.now() / 1000);
      return Array.from({ length: count }, () =>
        signPublic('ES256', privateKey, { jti: randomUUID(), htm: 'GET', htu: HTU, iat, ath }, header),
      );
    },
  };
}

/** What a row's proofs came to over the whole section. */
export interface ProofCounts {
  /** Proofs signed before the runs. */
  readonly made: number;
  /** Requests autocannon built, each with a proof of its own. */
  readonly used: number;
  /** Proofs signed during a run because its pool ran out (0 when the pools were big enough). */
  readonly signedDuringRuns: number;
}

/**
 * One row's `Authorization: DPoP` and `DPoP` headers, a fresh proof for every request. Before each
 * run, proofs for the fastest rate seen so far, and at least `leastRate`, × 1.5 × the run's
 * seconds are signed, with `iat` now; a request past the pool gets one signed on the spot
 * (counted). No proof is handed out twice.
 */
export class ProofSupply implements PerRequestHeaders {
  readonly #client: DpopClient;
  readonly #authorization: string;
  /**
   * The rate a pool is sized for at the least: a cold warm-up is slower than the runs after it,
   * and a pool sized from it alone would run out in the first round.
   */
  readonly #leastRate: number;
  #fastest = 0;
  #pool: string[] = [];
  #next = 0;
  #seconds = 0;
  #made = 0;
  #used = 0;
  #late = 0;

  constructor(client: DpopClient, leastRate: number) {
    this.#client = client;
    this.#authorization = `DPoP ${client.token}`;
    this.#leastRate = leastRate;
  }

  prepare(seconds: number): () => Record<string, string> {
    // The requests of the last run over its seconds: the rate this row reached.
    if (this.#seconds > 0) this.#fastest = Math.max(this.#fastest, this.#next / this.#seconds);
    const count = Math.ceil(Math.max(this.#fastest, this.#leastRate) * seconds * HEADROOM);
    this.#pool = this.#client.proofs(count);
    this.#made += count;
    this.#next = 0;
    this.#seconds = seconds;
    return () => {
      const i = this.#next++;
      this.#used++;
      let proof = this.#pool[i];
      if (proof === undefined) {
        proof = this.#client.proofs(1)[0]!;
        this.#late++;
      }
      return { authorization: this.#authorization, dpop: proof };
    };
  }

  counts(): ProofCounts {
    return { made: this.#made, used: this.#used, signedDuringRuns: this.#late };
  }
}

/**
 * The Bearer row's headers, sent through the same per-request path as the proofs, with an
 * `x-pad` header as long as a proof: the client builds and sends the same work and the same
 * bytes for both rows, so their quotient is the server's cost of a proof, not the load
 * generator's (which shares this machine's cores with the server).
 */
export class PaddedBearer implements PerRequestHeaders {
  readonly #headers: Record<string, string>;

  constructor(client: DpopClient) {
    this.#headers = { authorization: `Bearer ${client.bearerToken}`, 'x-pad': 'p'.repeat(client.proofs(1)[0]!.length) };
  }

  prepare(): () => Record<string, string> {
    return () => ({ ...this.#headers });
  }
}
