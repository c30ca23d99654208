// The error of a remote key set that cannot be served: a fetch failed and there is no good set
// to fall back on. It is the provider's outage, not the client's fault, so never a 401: a 401
// would make clients throw away valid tokens and log in again in a storm.

/** How a KeySetError is built: the underlying error, when there is one. */
export interface KeySetErrorOptions {
  readonly cause?: unknown;
}

/**
 * A remote key set (`jwksUri`, or an issuer's by `discover`) could not be fetched and no earlier set may still be used.
 * Shaped for Express's error handler: `status` and `statusCode` 503, `expose: false` (the
 * message names the key set's URL, which is for logs, not for clients). Never holds a token.
 */
export class KeySetError extends Error {
  override readonly name = 'KeySetError';
  readonly status = 503;
  readonly statusCode = 503;
  /** The message is for logs: Express's default handler answers "Service Unavailable". */
  readonly expose = false;
  override readonly cause: unknown;

  constructor(message: string, options: KeySetErrorOptions = {}) {
    // During an outage every request may get one: a stack would cost more than it tells.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.cause = options.cause;
  }
}

/**
 * `<what> could not be fetched: <detail>`, the one message shape; `what` names the URL
 * (`the key set at https://…`, `the metadata of issuer https://… at https://…`), never a token.
 */
export function keySetError(what: string, detail: string, cause?: unknown): KeySetError {
  return new KeySetError(`express-token-required: ${what} could not be fetched: ${detail}`, { cause });
}
