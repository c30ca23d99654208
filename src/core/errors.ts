/** Why a request was refused. Stable: branch on it, never on `message`. */
export type TokenErrorReason =
  | 'token_missing'
  | 'token_ambiguous'
  | 'token_invalid'
  | 'token_expired'
  | 'token_revoked'
  | 'user_not_found'
  | 'insufficient_permissions'
  | 'dpop_invalid'
  | 'dpop_replayed'
  | 'dpop_nonce_required';

/** The HTTP status of a refusal: 400 (no usable token), 401 (a bad token), 403 (a good token, not allowed). */
export type TokenErrorStatus = 400 | 401 | 403;

/** The JSON body of every refusal, as the Flask original answers. */
export interface ErrorEnvelope {
  /** The HTTP status as a string, e.g. `"401"`. */
  readonly code: string;
  /** The HTTP reason phrase, e.g. `"Unauthorized"`. */
  readonly status: string;
  /** A fixed message, e.g. `"Token expired"`. Never holds the token. */
  readonly message: string;
}

const REASONS: Readonly<Record<TokenErrorReason, { readonly status: TokenErrorStatus; readonly message: string }>> = {
  token_missing: { status: 400, message: 'Token header is required' },
  token_ambiguous: { status: 400, message: 'Token must be sent in one place' },
  token_invalid: { status: 401, message: 'Invalid Token' },
  token_expired: { status: 401, message: 'Token expired' },
  token_revoked: { status: 401, message: 'Token revoked' },
  user_not_found: { status: 401, message: 'User not found' },
  insufficient_permissions: { status: 403, message: 'Insufficient permissions' },
  dpop_invalid: { status: 401, message: 'Invalid DPoP proof' },
  // A replayed proof gets the answer of any bad proof: the client's fix is the same, a fresh proof.
  dpop_replayed: { status: 401, message: 'Invalid DPoP proof' },
  dpop_nonce_required: { status: 401, message: 'DPoP nonce required' },
};

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' } as const;

export interface TokenErrorOptions {
  /** The underlying error, for logs; never sent to the client. */
  readonly cause?: unknown;
  /** Response headers that belong with this refusal (`WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A refused request: missing, invalid, expired or revoked token, no such user, or a
 * token without the permissions a guard (`requireClaims`, `requireScopes`) asks for.
 * Shaped for Express's error handler (`status`, `statusCode`, `expose`, `headers`),
 * so `onError: (err, req, res, next) => next(err)` works as is.
 */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly reason: TokenErrorReason;
  readonly status: TokenErrorStatus;
  readonly statusCode: TokenErrorStatus;
  /** The message is fixed and safe to send to the client. */
  readonly expose = true;
  readonly headers: Readonly<Record<string, string>>;
  override readonly cause: unknown;

  constructor(reason: TokenErrorReason, options: TokenErrorOptions = {}) {
    const { status, message } = REASONS[reason];
    // A refusal is an expected answer, not a bug: capturing a stack would cost more than
    // verifying the token (the underlying error, if any, is in `cause`).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.reason = reason;
    this.status = status;
    this.statusCode = status;
    this.headers = options.headers ?? {};
    this.cause = options.cause;
  }

  /** The response body: `{"code":"401","status":"Unauthorized","message":"Invalid Token"}`. */
  toJSON(): ErrorEnvelope {
    return { code: String(this.status), status: STATUS_TEXT[this.status], message: this.message };
  }
}
