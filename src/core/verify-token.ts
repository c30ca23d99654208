// verifyToken: the middleware's verification for code outside a route (WebSocket upgrades,
// queue consumers, tests), on the same verifier.
import { DpopCheck } from './dpop/dpop-check.js';
import type { DpopRequest } from './dpop-types.js';
import { TokenError } from './errors.js';
import { HookFailure } from './hooks.js';
import { entryOptions } from './options/option-names.js';
import { configError } from './options/validate.js';
import { resolveVerifyOptions } from './options/verify-options.js';
import { cleanToken, type FoundToken } from './token-from-headers.js';
import type { VerifyOptions } from './option-types.js';
import type { TokenPayload } from './types.js';
import { createVerifier, type Verifier } from './verifier.js';

interface Resolved {
  /** The options' own property names and their values when they were resolved. */
  readonly names: readonly string[];
  readonly values: readonly unknown[];
  readonly verify: Verifier;
  readonly dpop: DpopCheck | undefined;
}

// Resolving options builds key objects and checks everything: done once per options
// object, and again only when one of its values has been replaced, added or removed.
const resolved = new WeakMap<object, Resolved>();

function verifierFor(options: VerifyOptions): Resolved {
  const known = resolved.get(options);
  if (known && unchanged(options as unknown as Record<string, unknown>, known)) return known;
  const record = entryOptions(options, 'verifyToken()');
  const config = resolveVerifyOptions(record);
  const verify = createVerifier(config);
  const dpop = config.dpop && new DpopCheck(config.dpop, config.hookTimeout);
  const entry = { names: Object.keys(record), values: Object.values(record), verify, dpop };
  resolved.set(record, entry);
  return entry;
}

// Runs on every call, so it allocates nothing: a count of own names, then each value by identity.
function unchanged(options: Record<string, unknown>, { names, values }: Resolved): boolean {
  let count = 0;
  for (const name in options) if (Object.hasOwn(options, name)) count++;
  if (count !== names.length) return false;
  for (let i = 0; i < names.length; i++) if (options[names[i]!] !== values[i]) return false;
  return true;
}

// Everything thrown here is a TokenError, a TypeError or a HookFailure carrying the hook's Error.
const unwrap = (error: unknown): Error => (error instanceof HookFailure ? error.error : (error as Error));

/**
 * Verifies a token exactly as `tokenRequired` does, for WebSocket upgrades, queue
 * consumers and tests. Resolves to the payload; rejects with a `TokenError` for a bad
 * token (an empty one: `token_missing`) or a `TypeError` for bad options.
 * Options are resolved once per options object: pass the same object on every call.
 *
 * With the `dpop` option, `request` is what the proof must match: with a `proof` (the `DPoP`
 * header), the token is checked as one sent with `Authorization: DPoP`; without one, as one
 * sent as Bearer (so a DPoP-bound token is refused, and `dpop.required` refuses every call).
 *
 * @example
 * const payload = await verifyToken(token, { secret: process.env.SECRET_KEY });
 */
export function verifyToken(token: string | null | undefined, options: VerifyOptions, request?: DpopRequest): Promise<TokenPayload> {
  try {
    const { verify, dpop } = verifierFor(options);
    const clean = cleanToken(token);
    if (dpop !== undefined) return verifyWithDpop(dpop, verify, clean, request);
    // A proof checked against nothing would look like protection and be none.
    if (request !== undefined)
      throw configError(`verifyToken() was given a DPoP request (a third argument) but its options have no 'dpop'`);
    if (clean === undefined) throw new TokenError('token_missing');
    const result = verify(clean);
    return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(unwrap(error))) : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(unwrap(error));
  }
}

async function verifyWithDpop(
  dpop: DpopCheck,
  verify: Verifier,
  token: string | undefined,
  request: DpopRequest | undefined,
): Promise<TokenPayload> {
  const proof = request?.proof;
  const proofs = proof === undefined ? [] : typeof proof === 'string' ? [proof] : [...proof];
  const found: FoundToken | undefined = token === undefined ? undefined : { token, source: proof === undefined ? 'custom' : 'dpop' };
  try {
    const outcome = await dpop.run(found, { method: request?.method ?? '', url: request?.url ?? '', proofs }, verify);
    if (outcome === undefined) throw new TokenError('token_missing');
    return outcome.payload;
  } catch (error) {
    throw unwrap(error);
  }
}
