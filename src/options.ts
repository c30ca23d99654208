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
} from './check.js';
import { parsePositiveDuration } from './duration.js';
import type { TokenError } from './errors.js';
import { ALGORITHMS, MIN_KEY_BYTES, resolveKeyOption, type Keys } from './secret.js';
import type { Algorithm, MaybePromise, TokenPayload } from './types.js';

const VERIFY_OPTIONS = [
  'secret', 'keys', 'algorithms', 'issuer', 'audience', 'subject', 'maxAge', 'clockTolerance', 'requireExpiry', 'maxTokenLength',
  'cache',
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
  });
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
    header: (optionalString(record, 'header') ?? 'token').toLowerCase(),
    bearer: optionalBoolean(record, 'bearer', false),
    getToken: optionalFunction<MiddlewareConfig['getToken']>(record, 'getToken'),
    optional: optionalBoolean(record, 'optional', false),
    methods: resolveMethods(record.methods),
    isRevoked: optionalFunction<MiddlewareConfig['isRevoked']>(record, 'isRevoked'),
    loadUser: optionalFunction<MiddlewareConfig['loadUser']>(record, 'loadUser'),
    onError: optionalFunction<MiddlewareConfig['onError']>(record, 'onError'),
  });
}

function resolveMethods(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((m) => typeof m === 'string' && m !== '')) {
    throw configError(`option 'methods' must be a non-empty array of HTTP methods such as ['POST', 'PUT', 'DELETE'] (got ${describe(value)})`);
  }
  return new Set((value as string[]).map((method) => method.toUpperCase()));
}

function asList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof value === 'string' ? [value] : value;
}
