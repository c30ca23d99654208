// What users write with the guards, keys and the revocation store must type-check exactly.
import type { Request, RequestHandler } from 'express';
import { createClient } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';
import {
  requireClaims,
  requireScopes,
  signToken,
  tokenRequired,
  verifyToken,
  type ClaimsCheck,
  type ClaimsPredicate,
  type KeyRing,
  type RevocationStore,
  type RevokeOptions,
  type SignOptions,
  type TokenPayload,
  type TokenRequiredOptions,
  type VerifyOptions,
} from '../src/index.js';
import { RedisRevocationStore, type IoRedisClientLike, type RedisClientLike } from '../src/redis.js';

// An app declares its own claims once, by module augmentation (here on the source entry point;
// apps write `declare module 'express-token-required'`, which the package test checks).
declare module '../src/index.js' {
  interface TokenPayload {
    tenant?: string;
    roles?: string[];
  }
}

describe('guard types', () => {
  it('returns Express RequestHandlers', () => {
    expectTypeOf(requireClaims({ admin: true })).toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireScopes('a', 'b')).toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireClaims).parameter(0).toEqualTypeOf<ClaimsCheck | ClaimsPredicate>();
    expectTypeOf(requireScopes).parameters.toEqualTypeOf<string[]>();
  });

  it('gives a predicate the payload type the app declared, and the request', () => {
    requireClaims((payload, req) => {
      expectTypeOf(payload).toEqualTypeOf<TokenPayload>();
      expectTypeOf(payload.tenant).toEqualTypeOf<string | undefined>();
      expectTypeOf(payload.roles).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(req).toEqualTypeOf<Request>();
      return payload.tenant === req.params.tenant;
    });
    requireClaims(async (payload) => Promise.resolve(payload.roles?.includes('admin') === true));
    // The augmented claim keeps its type on req.auth too.
    expectTypeOf<Request['auth']>().toEqualTypeOf<TokenPayload | undefined>();
    expectTypeOf<NonNullable<Request['auth']>['tenant']>().toEqualTypeOf<string | undefined>();
  });

  it('accepts expected values and any-of arrays, and refuses what cannot be compared', () => {
    expectTypeOf(requireClaims).toBeCallableWith({ admin: true, role: ['editor', 'admin'], level: 3, deletedAt: null });
    expectTypeOf<{ org: { id: string } }>().not.toExtend<ClaimsCheck>();
    expectTypeOf<(p: TokenPayload) => string>().not.toExtend<ClaimsPredicate>();
    expectTypeOf(requireScopes).toBeCallableWith('items:read', 'items:write');
    // @ts-expect-error: scopes are separate arguments, not an array
    requireScopes(['items:read']);
    // @ts-expect-error: an augmented claim keeps its type in a predicate
    requireClaims((payload) => payload.tenant === 1);
  });
});

describe('keys and revocation types', () => {
  it('takes secret or keys, never both, never neither', () => {
    const ring: KeyRing = { current: 'k2', keys: { k1: 'x', k2: Buffer.from('y') } };
    expectTypeOf(ring).toExtend<KeyRing>();
    expectTypeOf<[{ kid: 'k1'; secret: string }]>().toExtend<KeyRing>();
    expectTypeOf<{ keys: KeyRing; bearer: true }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ keys: KeyRing }>().toExtend<VerifyOptions>();
    expectTypeOf<{ keys: KeyRing; expiresIn: '15m' }>().toExtend<SignOptions>();
    expectTypeOf<{ secret: string; keys: KeyRing }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ secret: string; keys: KeyRing }>().not.toExtend<VerifyOptions>();
    expectTypeOf<{ keys: KeyRing; keyid: 'k1' }>().not.toExtend<SignOptions>();
    expectTypeOf<{ bearer: true }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ keys: { current: string } }>().not.toExtend<VerifyOptions>();
    expectTypeOf(tokenRequired).toBeCallableWith({ keys: [{ kid: 'k1', secret: 'x' }] });
    expectTypeOf(verifyToken).toBeCallableWith('t', { keys: ring });
  });

  it('types jwtid: a string, false, or left out', () => {
    expectTypeOf(signToken).toBeCallableWith({}, { secret: 'x', jwtid: false });
    expectTypeOf(signToken).toBeCallableWith({}, { secret: 'x', jwtid: 'id' });
    expectTypeOf<{ secret: string; jwtid: true }>().not.toExtend<SignOptions>();
  });

  it('plugs a store into isRevoked', () => {
    expectTypeOf<RevocationStore['revoke']>().toEqualTypeOf<(payload: TokenPayload, options?: RevokeOptions) => Promise<void>>();
    expectTypeOf<RevokeOptions>().toEqualTypeOf<{ readonly clockTolerance?: number | undefined }>();
    expectTypeOf<RevocationStore['isRevoked']>().toEqualTypeOf<(payload: TokenPayload) => Promise<boolean>>();
    const store = new RedisRevocationStore(createClient());
    expectTypeOf(store).toExtend<RevocationStore>();
    expectTypeOf<{ secret: string; isRevoked: typeof store.isRevoked }>().toExtend<TokenRequiredOptions>();
  });

  it('accepts node-redis clients as they are, and ioredis by its shape', () => {
    expectTypeOf(createClient()).toExtend<RedisClientLike>();
    expectTypeOf<IoRedisClientLike>().toExtend<RedisClientLike>();
    expectTypeOf<{ set(key: string, value: string): Promise<string> }>().not.toExtend<RedisClientLike>();
    expectTypeOf(RedisRevocationStore).toBeConstructibleWith(createClient(), { prefix: 'app:revoked:', timeout: 500 });
    expectTypeOf(RedisRevocationStore).constructorParameters.toEqualTypeOf<
      [RedisClientLike, ({ prefix?: string | undefined; timeout?: number | undefined; clockTolerance?: number | undefined } | undefined)?]
    >();
  });
});
