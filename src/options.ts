import { METHODS } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import {
  checkNames,
  configError,
  describe,
  isRecord,
  optionalBoolean,
  optionalFunction,
  optionalNumber,
  optionalString,
  optionalStrings,
  suggest,
} from './check.js';
import { parsePositiveDuration } from './duration.js';
import type { TokenError } from './errors.js';
import type { HookTimeout } from './hook.js';
import { ALGORITHMS, MIN_KEY_BYTES, resolveKeyOption, type Keys } from './secret.js';
import type { Algorithm, MaybePromise, TokenPayload } from './types.js';

const VERIFY_OPTIONS = [
  'secret', 'keys', 'algorithms', 'issuer', 'audience', 'subject', 'maxAge', 'clockTolerance', 'requireExpiry', 'maxTokenLength',
  'cache', 'hookTimeout',
] as const;
const MIDDLEWARE_OPTIONS = [
  ...VERIFY_OPTIONS, 'header', 'bearer', 'getToken', 'optional', 'methods', 'isRevoked', 'loadUser', 'onError',
] as const;
export const SIGN_OPTIONS = [
  'secret', 'keys', 'algorithm', 'expiresIn', 'notBefore', 'issuer', 'audience', 'subject', 'jwtid', 'keyid',
] as const;

const NAMES = {
  'tokenRequired()': MIDDLEWARE_OPTIONS,
  'verifyToken()': VERIFY_OPTIONS,
  'signToken()': SIGN_OPTIONS,
} as const;

/** The options of one entry point as a record, every name checked; a name that belongs to another one says so. */
export function entryOptions(options: unknown, entry: keyof typeof NAMES): Readonly<Record<string, unknown>> {
  if (!isRecord(options)) throw configError(`${entry} needs an options object with a 'secret' (or 'keys') (got ${describe(options)})`);
  const { [entry]: known, ...others } = NAMES;
  checkNames(options, entry, known, others);
  return options;
}

/** The verification options, resolved once: defaults applied, keys built, everything checked. */
export interface VerifyConfig {
  readonly keys: Keys;
  readonly algorithms: readonly Algorithm[];
  /** Any of these, when given (one string becomes a list of one). */
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly subject: string | undefined;
  /** Seconds. */
  readonly maxAge: number | undefined;
  /** Seconds. */
  readonly clockTolerance: number;
  readonly requireExpiry: boolean;
  readonly maxTokenLength: number;
  /** Off when undefined. */
  readonly cache: { readonly max: number } | undefined;
  /** Milliseconds; `false`: hooks may take as long as they like. */
  readonly hookTimeout: HookTimeout;
}

export function resolveVerifyOptions(record: Readonly<Record<string, unknown>>): VerifyConfig {
  const algorithms = resolveAlgorithms(record.algorithms);
  const strongest = algorithms.reduce((a, b) => (MIN_KEY_BYTES[b] > MIN_KEY_BYTES[a] ? b : a));
  const maxAge = record.maxAge === undefined ? undefined : parsePositiveDuration(record.maxAge, 'maxAge');
  return Object.freeze({
    keys: resolveKeyOption(record, strongest),
    algorithms,
    issuer: asList(optionalStrings(record, 'issuer')),
    audience: asList(optionalStrings(record, 'audience')),
    subject: optionalString(record, 'subject'),
    maxAge,
    clockTolerance: optionalNumber(record, 'clockTolerance', 0, { min: 0, integer: false }),
    requireExpiry: optionalBoolean(record, 'requireExpiry', true),
    maxTokenLength: optionalNumber(record, 'maxTokenLength', 8192, { min: 1, integer: true }),
    cache: resolveCache(record.cache),
    hookTimeout: resolveHookTimeout(record.hookTimeout),
  });
}

// setTimeout's longest delay; a longer one would fire at once.
const MAX_TIMEOUT = 2 ** 31 - 1;

function resolveHookTimeout(value: unknown): HookTimeout {
  if (value === undefined) return 10_000;
  if (value === false) return false;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT) {
    throw configError(`option 'hookTimeout' must be a whole number of milliseconds from 1 to ${String(MAX_TIMEOUT)}, or false for no limit (got ${describe(value)})`);
  }
  return value;
}

function resolveCache(value: unknown): { readonly max: number } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { max: 1000 };
  if (isRecord(value)) {
    checkNames(value, `option 'cache'`, ['max']);
    return { max: optionalNumber(value, 'max', 1000, { min: 1, integer: true }) };
  }
  throw configError(`option 'cache' must be true, false or { max: number } (got ${describe(value)})`);
}

function resolveAlgorithms(value: unknown): readonly Algorithm[] {
  if (value === undefined) return ['HS256'];
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(`option 'algorithms' must be a non-empty array such as ['HS256'] (got ${describe(value)})`);
  }
  for (const name of value) {
    if (!ALGORITHMS.includes(name as Algorithm)) {
      throw configError(`algorithm ${describe(name)} is not supported in 'algorithms'; use 'HS256', 'HS384' or 'HS512'`);
    }
  }
  return Object.freeze([...new Set(value as Algorithm[])]);
}

/** The middleware's options, resolved once. */
export interface MiddlewareConfig {
  readonly verify: VerifyConfig;
  /** Lower-cased, as Node stores incoming header names. */
  readonly header: string;
  readonly bearer: boolean;
  readonly getToken: ((req: Request) => MaybePromise<string | null | undefined>) | undefined;
  readonly optional: boolean;
  /** Upper-cased; `undefined` guards every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly isRevoked: ((payload: TokenPayload, req: Request) => MaybePromise<unknown>) | undefined;
  readonly loadUser: ((payload: TokenPayload, req: Request) => MaybePromise<Express.User | null | undefined>) | undefined;
  readonly onError: ((err: TokenError, req: Request, res: Response, next: NextFunction) => unknown) | undefined;
}

export function resolveMiddlewareOptions(options: unknown): MiddlewareConfig {
  const record = entryOptions(options, 'tokenRequired()');
  return Object.freeze({
    verify: resolveVerifyOptions(record),
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
    throw configError(`option 'header' must be an HTTP header name: letters, digits and !#$%&'*+-.^_\`|~, no spaces or colons (got ${describe(header)})`);
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
    throw configError(`option 'methods' must be a non-empty array of HTTP methods such as ['POST', 'PUT', 'DELETE'] (got ${describe(value)})`);
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
  const what = `has ${describe(entry)}, which is not an HTTP method`;
  if (entry === '*' || (typeof entry === 'string' && entry.toUpperCase() === 'ALL')) {
    return `${what}; to guard every method, leave 'methods' out`;
  }
  if (typeof entry === 'string' && entry.includes(',')) return `${what}; list each method as its own entry, e.g. ['POST', 'PUT']`;
  const hint = typeof entry === 'string' ? suggest(entry.trim(), METHODS) : undefined;
  return `${what}${hint ?? `; use one of Node's http.METHODS, such as 'GET', 'POST', 'PUT', 'PATCH' or 'DELETE'`}`;
}

function asList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof value === 'string' ? [value] : value;
}
