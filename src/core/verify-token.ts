// verifyToken: the middleware's verification for code outside a route (WebSocket upgrades,
// queue consumers, tests), on the same verifier.
import { TokenError } from './errors.js';
import { HookFailure } from './hooks.js';
import { entryOptions } from './options/option-names.js';
import { resolveVerifyOptions } from './options/verify-options.js';
import { cleanToken } from './token-from-headers.js';
import type { VerifyOptions } from './option-types.js';
import type { TokenPayload } from './types.js';
import { createVerifier, type Verifier } from './verifier.js';

interface Resolved {
  /** The options' own property names and their values when they were resolved. */
  readonly names: readonly string[];
  readonly values: readonly unknown[];
  readonly verify: Verifier;
}

// Resolving options builds key objects and checks everything: done once per options
// object, and again only when one of its values has been replaced, added or removed.
const resolved = new WeakMap<object, Resolved>();

function verifierFor(options: VerifyOptions): Verifier {
  const known = resolved.get(options);
  if (known && unchanged(options as unknown as Record<string, unknown>, known)) return known.verify;
  const record = entryOptions(options, 'verifyToken()');
  const verify = createVerifier(resolveVerifyOptions(record));
  resolved.set(record, { names: Object.keys(record), values: Object.values(record), verify });
  return verify;
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
 * @example
 * const payload = await verifyToken(token, { secret: process.env.SECRET_KEY });
 */
export function verifyToken(token: string | null | undefined, options: VerifyOptions): Promise<TokenPayload> {
  try {
    const verify = verifierFor(options);
    const clean = cleanToken(token);
    if (clean === undefined) throw new TokenError('token_missing');
    const result = verify(clean);
    return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(unwrap(error))) : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(unwrap(error));
  }
}
