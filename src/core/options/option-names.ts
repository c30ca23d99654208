// The option names of each entry point, tied to the option types: a name added to a type and
// forgotten here (or left here after it left the type) is a compile error.
import type { PublicJwksOptions } from '../key-types.js';
import type { SignOptions, VerifyOptions } from '../option-types.js';
import { checkNames, configError, describeValue, isRecord } from './validate.js';

/** Every property name of every member of a union of object types. */
type NameOf<T> = T extends unknown ? keyof T : never;

// Objects, not arrays, so that `satisfies` finds a missing name as well as an extra one.
const VERIFY = {
  secret: 1,
  publicKey: 1,
  jwks: 1,
  keys: 1,
  jwksUri: 1,
  discover: 1,
  jwksOptions: 1,
  algorithms: 1,
  issuer: 1,
  audience: 1,
  subject: 1,
  typ: 1,
  maxAge: 1,
  clockTolerance: 1,
  requireExpiry: 1,
  maxTokenLength: 1,
  cache: 1,
  hookTimeout: 1,
  dpop: 1,
} as const satisfies Record<NameOf<VerifyOptions>, 1>;

const SIGN = {
  secret: 1,
  privateKey: 1,
  keys: 1,
  algorithm: 1,
  expiresIn: 1,
  notBefore: 1,
  issuer: 1,
  audience: 1,
  subject: 1,
  jwtid: 1,
  keyid: 1,
} as const satisfies Record<NameOf<SignOptions>, 1>;

const PUBLIC_JWKS = { privateKey: 1, keys: 1, keyid: 1, algorithm: 1 } as const satisfies Record<NameOf<PublicJwksOptions>, 1>;

/**
 * The options only `tokenRequired` takes. Its types live with the Express adapter, which
 * checks at compile time that this list names them exactly.
 */
export const MIDDLEWARE_ONLY_OPTIONS = ['header', 'bearer', 'getToken', 'optional', 'methods', 'isRevoked', 'loadUser', 'onError'] as const;

const NAMES = {
  'tokenRequired()': [...Object.keys(VERIFY), ...MIDDLEWARE_ONLY_OPTIONS],
  'verifyToken()': Object.keys(VERIFY),
  'signToken()': Object.keys(SIGN),
  'publicJwks()': Object.keys(PUBLIC_JWKS),
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** An entry point, as error messages name it. */
export type Entry = keyof typeof NAMES;

/** The options of one entry point as a record, every name checked; a name that belongs to another one says so. */
export function entryOptions(options: unknown, entry: Entry): Readonly<Record<string, unknown>> {
  if (!isRecord(options)) throw configError(`${entry} needs an options object with a 'secret' (or 'keys') (got ${describeValue(options)})`);
  const { [entry]: known, ...others } = NAMES;
  checkNames(options, entry, known, others);
  return options;
}
