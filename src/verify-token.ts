import { TokenError } from './errors.js';
import { cleanToken } from './extract.js';
import { HookFailure } from './hook.js';
import { entryOptions, resolveVerifyOptions } from './options.js';
import type { TokenPayload, VerifyOptions } from './types.js';
import { createVerifier, type Verifier } from './verify.js';

// Resolving options builds key objects and checks everything: done once per options
// object, and again only when one of its values has been replaced.
const verifiers = new WeakMap<object, { readonly values: readonly unknown[]; readonly verify: Verifier }>();

function verifierFor(options: VerifyOptions): Verifier {
  const record = entryOptions(options, 'verifyToken()');
  const values = Object.values(record);
  const known = verifiers.get(record);
  if (known && known.values.length === values.length && known.values.every((value, i) => value === values[i])) {
    return known.verify;
  }
  const verify = createVerifier(resolveVerifyOptions(record));
  verifiers.set(record, { values, verify });
  return verify;
}

/**
 * Verifies a token exactly as `tokenRequired` does, for WebSocket upgrades, queue
 * consumers and tests. Resolves to the payload; rejects with a `TokenError` for a bad
 * token (an empty one: `token_missing`) or a `TypeError` for bad options.
 *
 * @example
 * const payload = await verifyToken(token, { secret: process.env.SECRET_KEY });
 */
export async function verifyToken(token: string | null | undefined, options: VerifyOptions): Promise<TokenPayload> {
  const verify = verifierFor(options);
  const clean = cleanToken(token);
  if (clean === undefined) throw new TokenError('token_missing');
  try {
    return await verify(clean);
  } catch (error) {
    throw error instanceof HookFailure ? error.error : error;
  }
}
