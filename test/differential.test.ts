// verifyToken agrees with jsonwebtoken.verify, the reference, on random options and tokens (differential).
// Our verifier is our own node:crypto code. For random options and random tokens (claims of every type
// around every time boundary, hostile headers, other keys, one changed character), verifyToken must accept
// exactly what jsonwebtoken.verify plus our stricter checks accept, with the same payload, the same reason,
// and the same cause: jsonwebtoken's error class, message and date. Seeded: replay a failure with FC_SEED=<seed>.
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { algorithmsOf, type AlgorithmOf } from '../src/core/algorithms.js';
import { TokenError, verifyToken, type VerifyOptions } from '../src/index.js';

type Algorithm = AlgorithmOf<'HMAC'>;
import { frozenClockPerTest, NOW } from './helpers/clock.js';
import { makeToken, OTHER_SECRET, SECRET } from './helpers/tokens.js';

const SEED = Number(process.env.FC_SEED ?? 20261129);
const RUNS = Number(process.env.FC_RUNS ?? (process.env.STRYKER_MUTATOR_WORKER ? 200 : 3000));

const THIRD_SECRET = 'c'.repeat(64);
const JWT_ERRORS = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'];
// jsonwebtoken's refusals of a token's structure, before its claims are read.
const STRUCTURAL = ['jwt malformed', 'invalid token', 'invalid algorithm', 'invalid signature', 'jwt signature is required'];

interface Config {
  readonly secrets: readonly string[];
  readonly algorithms: readonly Algorithm[];
  readonly clockTolerance: number;
  readonly maxAge: number | undefined;
  readonly issuer: string | readonly string[] | undefined;
  readonly audience: string | readonly string[] | undefined;
  readonly subject: string | undefined;
  readonly requireExpiry: boolean;
}

/** A cause as jsonwebtoken's errors describe themselves: class, message and the date they carry. */
interface Cause {
  readonly name: string;
  readonly message: string;
  readonly date: number | undefined;
}

type Outcome = { readonly ok: unknown } | { readonly reason: string; readonly cause: Cause | undefined };

function describeCause(error: unknown): Cause | undefined {
  if (!(error instanceof Error)) return undefined;
  const { expiredAt, date } = error as { expiredAt?: Date; date?: Date };
  return { name: error.constructor.name, message: error.message, date: (expiredAt ?? date)?.getTime() };
}

/** What the previous verifier decided: jsonwebtoken.verify per key, then the checks it leaves out. */
function reference(token: string, config: Config): Outcome {
  // jsonwebtoken reads a payload that is not a JSON object as a string and checks claims on it,
  // naming whatever claim it then misses; we refuse it as malformed. Both are Invalid Token.
  if (!hasObjectPayload(token)) return { reason: 'token_invalid', cause: undefined };
  const options: jwt.VerifyOptions & { complete: true } = {
    complete: true,
    algorithms: [...config.algorithms],
    clockTolerance: config.clockTolerance,
    ...(config.issuer !== undefined && { issuer: config.issuer as string | [string] }),
    ...(config.audience !== undefined && { audience: config.audience as string | [string] }),
    ...(config.subject !== undefined && { subject: config.subject }),
    ...(config.maxAge !== undefined && { maxAge: config.maxAge }),
  };
  for (let i = 0; ; i++) {
    let decoded: { header: Record<string, unknown>; payload: unknown };
    try {
      decoded = jwt.verify(token, Buffer.from(config.secrets[i]!), options) as unknown as typeof decoded;
    } catch (error) {
      if (i + 1 < config.secrets.length && (error as Error).message === 'invalid signature') continue;
      return { reason: error instanceof jwt.TokenExpiredError ? 'token_expired' : 'token_invalid', cause: describeCause(error) };
    }
    const { header, payload } = decoded;
    const claims = payload as Record<string, unknown>;
    const stricter =
      'crit' in header ||
      (config.requireExpiry && claims.exp === undefined) ||
      (claims.iat !== undefined && typeof claims.iat !== 'number') ||
      (config.audience !== undefined &&
        !(typeof claims.aud === 'string' || (Array.isArray(claims.aud) && claims.aud.every((a) => typeof a === 'string'))));
    return stricter ? { reason: 'token_invalid', cause: undefined } : { ok: payload };
  }
}

function hasObjectPayload(token: string): boolean {
  try {
    const payload = (jwt.decode(token, { complete: true }) as { payload: unknown } | null)?.payload;
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  } catch {
    return false;
  }
}

async function ours(token: string, options: VerifyOptions): Promise<Outcome> {
  try {
    return { ok: await verifyToken(token, options) };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return { reason: error.reason, cause: describeCause(error.cause) };
  }
}

const oneOf = <const T extends readonly unknown[]>(...values: T): fc.Arbitrary<T[number]> => fc.constantFrom(...values);
// Every time claim lands around the boundaries that matter: now, the tolerance, maxAge.
const time = oneOf(
  NOW - 3601,
  NOW - 3600,
  NOW - 61,
  NOW - 60,
  NOW - 6,
  NOW - 5,
  NOW - 1,
  NOW,
  NOW + 1,
  NOW + 5,
  NOW + 6,
  NOW + 60,
  NOW + 61,
  NOW + 0.5,
);
const claimValue = (values: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: values }, { weight: 1, arbitrary: oneOf('1800000000', null, true, [NOW], {}) });

const config: fc.Arbitrary<Config> = fc.record({
  secrets: fc.oneof(oneOf([SECRET]), oneOf([OTHER_SECRET, SECRET], [SECRET, OTHER_SECRET])),
  algorithms: fc
    .subarray([...algorithmsOf('HMAC')], { minLength: 1 })
    .map((list) => (list.length === 1 && list[0] !== 'HS256' ? ['HS256' as const, ...list] : list)),
  clockTolerance: oneOf(0, 5, 60),
  maxAge: oneOf(undefined, 60, 3600),
  issuer: oneOf(undefined, undefined, 'auth', ['auth', 'sso']),
  audience: oneOf(undefined, undefined, 'api', ['api', 'admin']),
  subject: oneOf(undefined, undefined, '42'),
  requireExpiry: fc.boolean(),
});

const header = fc.oneof(
  { weight: 4, arbitrary: fc.record({ alg: oneOf('HS256', 'HS384', 'HS512'), typ: oneOf('JWT') }, { requiredKeys: ['alg'] }) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        alg: oneOf('HS256', 'HS384', 'HS512', 'none', 'RS256', 'hs256', 1, null),
        typ: oneOf('JWT', 'at+jwt'),
        kid: oneOf('k1', 7),
        crit: oneOf(['exp'], []),
      },
      { requiredKeys: [] },
    ),
  },
);

const payload = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record(
      {
        exp: claimValue(fc.oneof({ weight: 2, arbitrary: oneOf(NOW + 3600, NOW + 61) }, time)),
        nbf: claimValue(fc.oneof({ weight: 2, arbitrary: oneOf(NOW - 3600, NOW - 61) }, time)),
        iat: claimValue(fc.oneof({ weight: 2, arbitrary: oneOf(NOW - 30, NOW) }, time)),
        iss: claimValue(oneOf('auth', 'auth', 'sso', 'other')),
        aud: claimValue(oneOf('api', 'api', 'admin', 'web', ['web', 'api'], ['web'], ['api', 7])),
        sub: claimValue(oneOf('42', '42', '43', 42)),
        jti: fc.uuid(),
        data: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.string()) },
);

/** Signs with a chosen secret and hash (the header's, or another one), then maybe changes one character. */
const token = fc
  .record({
    header,
    payload,
    secret: oneOf(SECRET, SECRET, SECRET, SECRET, OTHER_SECRET, THIRD_SECRET),
    hash: oneOf(undefined, undefined, undefined, undefined, 'HS256', 'HS512'),
    change: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      fc.tuple(fc.oneof(fc.nat(), fc.constant(-1)), oneOf('A', 'Q', 'g', 'w', 'B', '-', '_', '.', '=', '+')),
    ),
  })
  .map(({ header, payload, secret, hash, change }) => {
    // The header as generated (no defaults added); signed with its alg's hash, HS256 for a foreign one, unless `hash` says.
    const signed = makeToken(payload, { rawHeader: header, secret, signWith: hash });
    if (change === null) return signed;
    // -1: the signature's last character, whose low bits base64url leaves unused.
    const at = change[0] === -1 ? signed.length - 1 : change[0] % signed.length;
    return signed.slice(0, at) + change[1] + signed.slice(at + 1);
  });

describe('verifyToken agrees with jsonwebtoken.verify', () => {
  frozenClockPerTest(NOW);

  it('on random options and tokens: the same payload, or the same reason and cause', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(config, token, async (settings, candidate) => {
        const expected = reference(candidate, settings);
        const options: VerifyOptions = {
          secret: settings.secrets.length === 1 ? settings.secrets[0]! : settings.secrets,
          algorithms: settings.algorithms,
          clockTolerance: settings.clockTolerance,
          requireExpiry: settings.requireExpiry,
          ...(settings.maxAge !== undefined && { maxAge: settings.maxAge }),
          ...(settings.issuer !== undefined && { issuer: settings.issuer }),
          ...(settings.audience !== undefined && { audience: settings.audience }),
          ...(settings.subject !== undefined && { subject: settings.subject }),
        };
        const actual = await ours(candidate, options);
        const outcome = 'ok' in expected ? 'ok' : `${expected.reason}/${String(expected.cause?.name)}`;
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        if ('ok' in expected) {
          expect(actual).toStrictEqual({ ok: expected.ok });
        } else {
          expect(actual).toMatchObject({ reason: expected.reason });
          // Past the signature, our cause is the error jsonwebtoken threw: class, message, date.
          // Before it, the two may name a broken token's first flaw differently (a payload that is
          // not an object and a foreign alg: 'jwt malformed' or 'invalid algorithm'); where
          // jsonwebtoken crashed (a SyntaxError, a TypeError) or passed the token to our stricter
          // checks, ours is a JsonWebTokenError of our own wording.
          const cause =
            JWT_ERRORS.includes(expected.cause?.name ?? '') && !STRUCTURAL.includes(expected.cause?.message ?? '')
              ? expected.cause
              : { name: 'JsonWebTokenError', message: expect.toSatisfy((text: string) => text !== '') as string, date: undefined };
          expect(actual).toStrictEqual({ reason: expected.reason, cause });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generators reach every kind of outcome, not only the easy refusals.
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining([
        'ok',
        'token_expired/TokenExpiredError',
        'token_invalid/JsonWebTokenError',
        'token_invalid/NotBeforeError',
        'token_invalid/undefined',
      ]),
    );
    expect(seen.get('ok')).toBeGreaterThan(RUNS / 40);
  }, 120_000);
});
