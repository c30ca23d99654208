// tokenRequired's options, resolved once: the verification options (core) and what only the
// middleware takes (where the token is, which methods, the hooks).
import { METHODS } from 'node:http';
import { MIDDLEWARE_ONLY_OPTIONS, entryOptions } from '../core/options/option-names.js';
import { configError, describeValue, optionalBoolean, optionalFunction, optionalString, suggest } from '../core/options/validate.js';
import { resolveVerifyOptions, type VerifyConfig } from '../core/options/verify-options.js';
import type { MiddlewareOptions } from './types.js';

// The core's list of middleware-only option names must be exactly the type's names: a
// compile error otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type MiddlewareNamesAreExact = Assert<Same<keyof MiddlewareOptions, (typeof MIDDLEWARE_ONLY_OPTIONS)[number]>>;

/** A hook of `tokenRequired`, as its option types it, once resolved. */
type Hook<Name extends keyof MiddlewareOptions> = NonNullable<MiddlewareOptions[Name]> | undefined;

/** The middleware's options, resolved once. */
export interface MiddlewareConfig {
  readonly verify: VerifyConfig;
  /** Lower-cased, as Node stores incoming header names. */
  readonly header: string;
  readonly bearer: boolean;
  readonly getToken: Hook<'getToken'>;
  readonly optional: boolean;
  /** Upper-cased; `undefined` guards every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly isRevoked: Hook<'isRevoked'>;
  readonly loadUser: Hook<'loadUser'>;
  readonly onError: Hook<'onError'>;
}

export function resolveMiddlewareOptions(options: unknown): MiddlewareConfig {
  const record = entryOptions(options, 'tokenRequired()');
  const verify = resolveVerifyOptions(record);
  if (verify.dpop?.required && record.optional === true) {
    throw configError(
      `options 'optional' and 'dpop.required' contradict each other: a request without a token cannot both pass and be refused`,
    );
  }
  return Object.freeze({
    verify,
    header: resolveHeader(record),
    bearer: optionalBoolean(record, 'bearer', false),
    getToken: optionalFunction<MiddlewareConfig['getToken']>(record, 'getToken'),
    optional: optionalBoolean(record, 'optional', false),
    methods: resolveMethods(record.methods),
    isRevoked: optionalFunction<MiddlewareConfig['isRevoked']>(record, 'isRevoked'),
    loadUser: optionalFunction<MiddlewareConfig['loadUser']>(record, 'loadUser'),
    onError: optionalFunction<MiddlewareConfig['onError']>(record, 'onError'),
  });
}

// RFC 9110 §5.1: a field name is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function resolveHeader(record: Readonly<Record<string, unknown>>): string {
  const header = optionalString(record, 'header') ?? 'token';
  if (!TOKEN.test(header)) {
    throw configError(
      `option 'header' must be an HTTP header name: letters, digits and !#$%&'*+-.^_\`|~, no spaces or colons (got ${describeValue(header)})`,
    );
  }
  const name = header.toLowerCase();
  if (name === 'authorization') {
    throw configError(`option 'header' cannot be 'authorization'; for Authorization: Bearer <token> use bearer: true instead`);
  }
  return name;
}

/**
 * The guarded methods, upper-cased. Each must be one Node knows: a typo such as 'DELTE' would
 * otherwise leave the method it meant unguarded. GET brings HEAD with it, since Express runs
 * GET handlers for HEAD requests (their headers would leak unguarded).
 */
function resolveMethods(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(
      `option 'methods' must be a non-empty array of HTTP methods such as ['POST', 'PUT', 'DELETE'] (got ${describeValue(value)})`,
    );
  }
  const methods = new Set<string>();
  for (const entry of value as unknown[]) {
    const method = typeof entry === 'string' ? entry.toUpperCase() : undefined;
    if (method === undefined || !METHODS.includes(method)) throw configError(`option 'methods' ${unknownMethod(entry)}`);
    methods.add(method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

function unknownMethod(entry: unknown): string {
  const what = `has ${describeValue(entry)}, which is not an HTTP method`;
  if (entry === '*' || (typeof entry === 'string' && entry.toUpperCase() === 'ALL')) {
    return `${what}; to guard every method, leave 'methods' out`;
  }
  if (typeof entry === 'string' && entry.includes(',')) return `${what}; list each method as its own entry, e.g. ['POST', 'PUT']`;
  const hint = typeof entry === 'string' ? suggest(entry.trim(), METHODS) : undefined;
  return `${what}${hint ?? `; use one of Node's http.METHODS, such as 'GET', 'POST', 'PUT', 'PATCH' or 'DELETE'`}`;
}
