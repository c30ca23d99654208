// Failures of the app's own code (getToken, a secret resolver, isRevoked, loadUser, onError,
// a guard's predicate) go to the app's error handler untouched; they must never be mistaken
// for a bad token. A hook that never settles is given up on after `hookTimeout`.

/** Carries a hook's failure through the verification path, apart from TokenErrors. */
export class HookFailure extends Error {
  constructor(readonly error: Error) {
    super('a hook failed', { cause: error });
  }
}

/** Milliseconds a hook may take before the request goes to the error handler; `false`: no limit. */
export type HookTimeout = number | false;

/**
 * The thrown value as an Error. A falsy or non-Error rejection must still reach the error
 * handler: `next(undefined)` would run the route, and `next('route')` would skip to the next one.
 */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error('express-token-required: a hook failed with a value that is not an Error', { cause: thrown });
}

/**
 * Calls a sync or async hook; whatever it throws or rejects with becomes a HookFailure, and so
 * does a result that has not settled within `timeout` ms (its message names the hook). The
 * timer is armed only for a promise, cleared when the hook settles, and never keeps the
 * process alive. A hook that settles after its timeout is ignored.
 */
export function callHook<T>(name: string, hook: () => T | PromiseLike<T>, timeout: HookTimeout = false): Promise<T> {
  let result: T | PromiseLike<T>;
  try {
    result = hook();
  } catch (thrown) {
    return Promise.reject(new HookFailure(asError(thrown)));
  }
  const settled = Promise.resolve(result);
  if (timeout === false || !isThenable(result)) return settled.catch(fail);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new HookFailure(new Error(`express-token-required: ${name} did not settle within ${String(timeout)} ms (hookTimeout)`)));
    }, timeout);
    timer.unref();
    settled.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (thrown: unknown) => {
        clearTimeout(timer);
        reject(new HookFailure(asError(thrown)));
      },
    );
  });
}

function fail(thrown: unknown): never {
  throw new HookFailure(asError(thrown));
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
