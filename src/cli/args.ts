// Argument parsing with node:util parseArgs; every mistake becomes a one-line UsageError.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Env } from './io.js';

/** A flag takes a value (some may be repeated), or is a switch such as `--jwk`. */
type Options = Readonly<Record<string, { readonly type: 'string'; readonly multiple?: boolean } | { readonly type: 'boolean' }>>;

type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

/** Bad usage: answered with the message and the usage on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` was asked for: the command's usage on stdout, exit code 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses one subcommand's arguments (strict: unknown flags are errors) and checks that
 * exactly the named positionals are there, e.g. `['TOKEN']`.
 */
export function parseCommand<const O extends Options>(
  args: readonly string[],
  options: O,
  positionalNames: readonly string[] = [],
): { values: Values<O>; positionals: string[] } {
  const config: ParseArgsConfig = { args: [...args], options: { ...options, ...HELP }, allowPositionals: true, strict: true };
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    // parseArgs explains at length over several lines; the first sentence says it all.
    const first = (error as Error).message.split(/\.(?:\s|$)/)[0]!;
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1));
  }
  const { help, ...values } = parsed.values;
  if (help === true) throw new HelpRequested();
  const { positionals } = parsed;
  const missing = positionalNames.find((_, i) => (positionals[i] ?? '').trim() === '');
  if (missing !== undefined) throw new UsageError(`missing ${missing}`);
  if (positionals.length > positionalNames.length) {
    // Not echoed: a stray argument may well be a secret typed in the wrong place.
    const extra = positionals.length - positionalNames.length;
    throw new UsageError(`${String(extra)} unexpected argument${extra === 1 ? '' : 's'}`);
  }
  return { values: values as Values<O>, positionals };
}

/** The secret from `--secret`, else from `SECRET_KEY`. Its strength is checked by the core. */
export function secretFrom(flag: string | undefined, env: Env): string {
  const secret = flag || env.SECRET_KEY;
  if (!secret) throw new UsageError('missing secret: pass --secret or set SECRET_KEY');
  return secret;
}

/** `--exp 3600` means seconds, as a user expects; the core reads only numbers as seconds. */
export function durationFrom(value: string | undefined): string | number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : value;
}

/** `--aud` may be repeated: one value stays a string, none is not passed. */
export function oneOrMany(values: readonly string[] | undefined): string | readonly string[] | undefined {
  return values?.length === 1 ? values[0] : values?.length === 0 ? undefined : values;
}

/**
 * `--claim key=value` pairs as a payload. A value that parses as JSON (42, true, null,
 * ["a","b"], {"k":1}) is that value; anything else is the string as typed.
 */
export function claimsFrom(pairs: readonly string[] = []): Record<string, unknown> {
  const entries = pairs.map((pair): [string, unknown] => {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--claim needs key=value (got ${JSON.stringify(pair)})`);
    const value = pair.slice(at + 1);
    return [pair.slice(0, at), parseJson(value, value)];
  });
  const keys = entries.map(([key]) => key);
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated !== undefined) throw new UsageError(`--claim ${JSON.stringify(repeated)} is given twice`);
  // fromEntries defines own properties: a `__proto__` claim stays a claim.
  return Object.fromEntries(entries);
}

/** The JSON value of `text`, or `fallback` when it is not JSON. */
export function parseJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

const CORE_PREFIX = 'express-token-required: ';

/** The flag that sets each option of signToken and verifyToken, for error messages. */
const FLAG_OF: Readonly<Record<string, string>> = {
  secret: '--secret',
  expiresIn: '--exp',
  subject: '--sub',
  issuer: '--iss',
  audience: '--aud',
  algorithm: '--alg',
  algorithms: '--alg',
  keyid: '--kid',
  jwks: '--jwks',
  jwksUri: '--jwks-uri',
  discover: '--discover',
};

/**
 * The core's option errors (TypeError) as usage errors that speak of flags, not option
 * names (`names` adds or overrides some, e.g. `privateKey` as `the --key file`); any other
 * error is returned as it is. The caller throws the result.
 */
export function asUsageError(error: unknown, names: Readonly<Record<string, string>> = {}): unknown {
  if (!(error instanceof TypeError) || !error.message.startsWith(CORE_PREFIX)) return error;
  const message = error.message
    .slice(CORE_PREFIX.length)
    // `option 'issuer[1]'`: one of a repeated flag's values.
    .replace(/option '(\w+)(?:\[\d+\])?'/g, (text, name: string) => names[name] ?? FLAG_OF[name] ?? text)
    .replace(/; generate one with: .*$/, '; generate one with: express-token-required secret');
  return new UsageError(message);
}
