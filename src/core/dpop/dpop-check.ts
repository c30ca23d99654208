// The DPoP steps of one request (RFC 9449 §4.3, §7.1), around the access token's verification:
// the proof first, then the token and its binding to the proof's key, then the proof's `jti`
// claimed (after every check of the proof and the token, so a request they refuse never uses up
// its `jti`; `isRevoked` and `loadUser` come after). Shared by the middleware and verifyToken.
import type { DpopProof } from '../dpop-types.js';
import { invalid } from '../claims.js';
import { HookFailure, asError, callHook, isThenable, type HookTimeout } from '../hooks.js';
import { configError } from '../options/validate.js';
import type { FoundToken } from '../token-from-headers.js';
import type { MaybePromise, TokenPayload } from '../types.js';
import type { Verifier } from '../verifier.js';
import type { DpopConfig } from './options.js';
import { ProofVerifier, boundKey, type ProofRequest, type VerifiedProof } from './proof.js';

/** The request as DPoP sees it: method, target, and every `DPoP` header line. */
export interface DpopRequestView extends ProofRequest {
  readonly proofs: readonly string[];
}

/** A request that passed: the token's payload, the proof when there was one, headers to send. */
export interface DpopOutcome {
  readonly payload: TokenPayload;
  readonly proof: DpopProof | undefined;
  /** `DPoP-Nonce` with the current nonce, when the proof carried the previous one. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

export class DpopCheck {
  readonly #config: DpopConfig;
  readonly #hookTimeout: HookTimeout;
  readonly #proofs: ProofVerifier;
  /** What a refused access token sent with the DPoP scheme is answered with (RFC 9449 §7.1). */
  readonly tokenChallenge: Readonly<Record<string, string>>;

  constructor(config: DpopConfig, hookTimeout: HookTimeout) {
    this.#config = config;
    this.#hookTimeout = hookTimeout;
    this.#proofs = new ProofVerifier(config);
    this.tokenChallenge = { 'WWW-Authenticate': `DPoP error="invalid_token", algs="${config.algs}"` };
  }

  /**
   * `undefined` when there is no token and DPoP is not required (the caller answers as without
   * DPoP); else the outcome, or a TokenError. A token bound to a key (`cnf.jkt`) passes only with
   * the DPoP scheme and a proof by that key: sent any other way it is Invalid Token (no downgrade).
   */
  run(found: FoundToken | undefined, request: DpopRequestView, verify: Verifier): MaybePromise<DpopOutcome | undefined> {
    if (found?.source !== 'dpop') {
      if (this.#config.required) throw this.#proofs.refuse('dpop.required: the request does not use the DPoP scheme');
      if (found === undefined) return undefined;
      if (found.source === 'bearer' && request.proofs.length > 0) throw this.#proofs.refuse('a DPoP header beside the Bearer scheme');
      return then(verify(found.token), (payload) => {
        if (boundKey(payload) !== undefined) throw invalid('a DPoP-bound token sent without the DPoP scheme');
        return { payload, proof: undefined, headers: undefined };
      });
    }
    if (request.proofs.length !== 1) {
      throw this.#proofs.refuse(request.proofs.length === 0 ? 'no DPoP header' : 'more than one DPoP header');
    }
    const proof = this.#proofs.verify(request.proofs[0]!, request, found.token);
    return then(verify(found.token), (payload) => this.#bind(payload, proof));
  }

  /** The token's binding to the proof's key, then the `jti` claimed: synchronous with a synchronous store. */
  #bind(payload: TokenPayload, proof: VerifiedProof): MaybePromise<DpopOutcome> {
    if (boundKey(payload) !== proof.jkt) throw this.#proofs.refuse("the token's cnf.jkt is not the proof's key");
    const { jti, iat } = proof.claims;
    const { replay, proofMaxAge, clockTolerance } = this.#config;
    let claimed: unknown;
    try {
      claimed = replay.claim(jti, iat + proofMaxAge + clockTolerance);
    } catch (error) {
      throw new HookFailure(asError(error));
    }
    if (!isThenable(claimed)) return this.#outcome(payload, proof, claimed);
    return callHook('dpop.replay.claim', () => claimed, this.#hookTimeout).then((fresh) => this.#outcome(payload, proof, fresh));
  }

  #outcome(payload: TokenPayload, proof: VerifiedProof, fresh: unknown): DpopOutcome {
    if (fresh === false) throw this.#proofs.refuse('the proof was used before', 'dpop_replayed');
    if (fresh !== true) throw new HookFailure(configError(`dpop.replay.claim must return true or false (got ${typeof fresh})`));
    return {
      payload,
      proof: { jkt: proof.jkt, claims: proof.claims },
      headers: proof.nonce === 'previous' ? this.#proofs.freshNonce() : undefined,
    };
  }
}

/** `next` on a value, or on a promise of one: synchronous stays synchronous. */
function then<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
