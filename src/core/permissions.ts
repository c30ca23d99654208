// Permission decisions, pure functions over a verified payload: what requireClaims and
// requireScopes decide, checked once at construction, tested directly with tables.
import { configError, describeValue, isRecord } from './options/validate.js';
import type { TokenPayload } from './types.js';

/** A claim value that `requireClaims` can compare: JSON's primitives. */
export type ClaimValue = string | number | boolean | null;

/**
 * Expected claim values, all required: a value (`{ admin: true }`) or an array meaning any
 * of them (`{ role: ['editor', 'admin'] }`). A token claim that is an array matches when
 * one of its elements does (`roles: ['a', 'b']` matches `{ roles: 'a' }`).
 */
export type ClaimsCheck = Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>;

/** A decision over a verified payload. */
export type PayloadRule = (payload: TokenPayload) => boolean;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); no space, `"` or `\`, so it
// also fits inside the quoted `scope` of the WWW-Authenticate challenge unescaped.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The object form of `requireClaims`, checked once: every listed claim must match. */
export function claimsRule(check: unknown): PayloadRule {
  const expected = resolveClaims(check);
  return (payload) => expected.every(([claim, values]) => claimMatches(payload, claim, values));
}

/** What `requireScopes` requires: every listed scope, and the RFC 6750 §3.1 challenge that names them. */
export interface ScopesRule {
  readonly required: readonly string[];
  readonly allows: PayloadRule;
  /** The `WWW-Authenticate` value for a Bearer token that lacks them. */
  readonly challenge: string;
}

/** The scopes of `requireScopes`, checked once: each a non-empty scope-token (RFC 6749 §3.3). */
export function scopesRule(scopes: readonly unknown[]): ScopesRule {
  if (scopes.length === 0) {
    throw configError(`requireScopes() needs at least one scope, e.g. requireScopes('items:write')`);
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      const hint = Array.isArray(scope) ? `; pass scopes as separate arguments: requireScopes(...list)` : '';
      throw configError(
        `requireScopes() takes scopes as non-empty strings without spaces, quotes or backslashes (got ${describeValue(scope)})${hint}`,
      );
    }
  }
  const required = Object.freeze([...new Set(scopes as string[])]);
  return Object.freeze({
    required,
    allows: (payload: TokenPayload) => {
      const granted = grantedScopes(payload);
      return required.every((scope) => granted.has(scope));
    },
    challenge: `Bearer error="insufficient_scope", scope="${required.join(' ')}"`,
  });
}

/** The object form checked once: at least one claim, each a primitive or a non-empty array of them. */
function resolveClaims(check: unknown): readonly (readonly [string, readonly ClaimValue[]])[] {
  if (!isRecord(check)) {
    throw configError(
      `requireClaims() needs an object of expected claims such as { admin: true } or a predicate (payload, req) => boolean (got ${describeValue(check)})`,
    );
  }
  const entries = Object.entries(check);
  if (entries.length === 0) throw configError(`requireClaims() got an empty object: name at least one claim, e.g. { admin: true }`);
  return Object.freeze(
    entries.map(([claim, value]) => {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (values.length === 0 || !values.every(isClaimValue)) {
        throw configError(
          `requireClaims() claim '${claim}' must be a string, number, boolean or null, or a non-empty array of them (got ${describeValue(value)}); use a predicate for anything else`,
        );
      }
      return [claim, Object.freeze(values)] as const;
    }),
  );
}

function isClaimValue(value: unknown): value is ClaimValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

/** Strict equality with any expected value; an array claim matches when any element does. Own claims only. */
function claimMatches(payload: TokenPayload, claim: string, expected: readonly ClaimValue[]): boolean {
  if (!Object.hasOwn(payload, claim)) return false;
  const actual = payload[claim];
  const candidates: readonly unknown[] = Array.isArray(actual) ? actual : [actual];
  return candidates.some((value) => expected.includes(value as ClaimValue));
}

/** Every scope the token grants: `scope` (a space-separated string, or an array), `scopes` and `permissions` (arrays). */
export function grantedScopes(payload: TokenPayload): ReadonlySet<string> {
  const granted = new Set<string>();
  for (const claim of ['scope', 'scopes', 'permissions']) {
    const value = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
    // RFC 8693 §4.2 / RFC 9068 §2.2.3: `scope` is a space-separated string; the arrays are common practice.
    const items: readonly unknown[] = claim === 'scope' && typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string' && item !== '') granted.add(item);
  }
  return granted;
}
