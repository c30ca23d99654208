// Failures of the app's own code (getToken, a secret resolver, isRevoked, loadUser, onError)
// go to the app's error handler untouched; they must never be mistaken for a bad token.

/** Carries a hook's failure through the verification path, apart from TokenErrors. */
export class HookFailure extends Error {
  constructor(readonly error: Error) {
    super('a hook failed', { cause: error });
  }
}

/**
 * The thrown value as an Error. A falsy or non-Error rejection must still reach the error
 * handler: `next(undefined)` would run the route, and `next('route')` would skip to the next one.
 */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error('express-token-required: a hook failed with a value that is not an Error', { cause: thrown });
}

/** Calls a sync or async hook; whatever it throws or rejects with becomes a HookFailure. */
export async function callHook<T>(hook: () => T | Promise<T>): Promise<T> {
  try {
    return await hook();
  } catch (thrown) {
    throw new HookFailure(asError(thrown));
  }
}
