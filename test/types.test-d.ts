// What users write in handlers and options must type-check exactly.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  KeySetError,
  signToken,
  TokenError,
  tokenRequired,
  verifyToken,
  type ErrorEnvelope,
  type DpopOptions,
  type DpopProof,
  type JwksOptions,
  type ReplayStore,
  type Secret,
  type TokenErrorReason,
  type TokenPayload,
  type TokenRequiredOptions,
  type VerifyOptions,
} from '../src/index.js';

describe('types', () => {
  it('types req.auth and req.user in any handler after import', () => {
    const handler = (req: Request) => {
      expectTypeOf(req.auth).toEqualTypeOf<TokenPayload | undefined>();
      expectTypeOf(req.user).toEqualTypeOf<Express.User | undefined>();
      expectTypeOf(req.auth?.sub).toEqualTypeOf<string | undefined>();
      expectTypeOf(req.auth?.aud).toEqualTypeOf<string | string[] | undefined>();
      expectTypeOf(req.auth?.exp).toEqualTypeOf<number | undefined>();
      expectTypeOf(req.auth?.admin).toEqualTypeOf<unknown>();
    };
    expectTypeOf(handler).toBeFunction();
  });

  it('returns an Express RequestHandler', () => {
    expectTypeOf(tokenRequired).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(tokenRequired).parameter(0).toEqualTypeOf<TokenRequiredOptions>();
  });

  it('types the options and their hooks', () => {
    // `secret` or `keys`, exactly one: each is optional on its own.
    expectTypeOf<TokenRequiredOptions>().toHaveProperty('secret').toEqualTypeOf<Secret | undefined>();
    expectTypeOf<TokenRequiredOptions['loadUser']>().parameters.toEqualTypeOf<[TokenPayload, Request]>();
    expectTypeOf<TokenRequiredOptions['isRevoked']>().parameters.toEqualTypeOf<[TokenPayload, Request]>();
    expectTypeOf<TokenRequiredOptions['onError']>().parameters.toEqualTypeOf<[TokenError, Request, Response, NextFunction]>();
    expectTypeOf<TokenRequiredOptions['algorithms']>().toEqualTypeOf<
      | readonly (
          'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'
        )[]
      | undefined
    >();
    expectTypeOf<{ secret: string; algorithms: ['RS999'] }>().not.toExtend<TokenRequiredOptions>();
    // Exactly one key option: two of them do not type-check.
    expectTypeOf<{ secret: string; publicKey: string }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ publicKey: string; jwks: { keys: [] } }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ publicKey: string }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ jwks: { keys: [{ kty: 'EC'; crv: 'P-256'; x: string; y: string }] } }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{
      secret: string;
      methods: ['POST'];
      bearer: true;
      loadUser: (p: TokenPayload) => Promise<{ id: string } | null>;
    }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ algorithms: ['HS256'] }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ secret: (header: { kid?: string }) => Promise<string | undefined> }>().toExtend<VerifyOptions>();
  });

  it('types TokenError', () => {
    expectTypeOf<TokenError>().toExtend<Error>();
    expectTypeOf<TokenError['reason']>().toEqualTypeOf<TokenErrorReason>();
    expectTypeOf<TokenErrorReason>().toEqualTypeOf<
      | 'token_missing'
      | 'token_ambiguous'
      | 'token_invalid'
      | 'token_expired'
      | 'token_revoked'
      | 'user_not_found'
      | 'insufficient_permissions'
      | 'dpop_invalid'
      | 'dpop_replayed'
      | 'dpop_nonce_required'
    >();
    expectTypeOf<TokenError['status']>().toEqualTypeOf<400 | 401 | 403>();
    expectTypeOf<TokenError['statusCode']>().toEqualTypeOf<400 | 401 | 403>();
    expectTypeOf<TokenError['expose']>().toEqualTypeOf<true>();
    expectTypeOf<TokenError['name']>().toEqualTypeOf<'TokenError'>();
    expectTypeOf<TokenError['cause']>().toEqualTypeOf<unknown>();
    expectTypeOf<TokenError['toJSON']>().returns.toEqualTypeOf<ErrorEnvelope>();
  });

  it('types signToken and verifyToken', () => {
    expectTypeOf(signToken).returns.toEqualTypeOf<string>();
    expectTypeOf(verifyToken).returns.toEqualTypeOf<Promise<TokenPayload>>();
    expectTypeOf(signToken).toBeCallableWith({ sub: '1', admin: true }, { secret: 'x', expiresIn: '30m' });
  });

  it('types the remote key options: exactly one key option, discover with an issuer, jwksOptions with a remote set only', () => {
    expectTypeOf<{ jwksUri: string }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ jwksUri: URL; jwksOptions: { cooldown: '30s'; timeout: 0.5; maxKeys: 10 } }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ discover: true; issuer: string }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{ discover: true; issuer: string[]; audience: string; typ: 'at+jwt' }>().toExtend<VerifyOptions>();
    expectTypeOf<{ discover: true }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ jwksUri: string; secret: string }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ jwksUri: string; discover: true; issuer: string }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ secret: string; jwksOptions: JwksOptions }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ jwksUri: string; jwksOptions: { coolDown: 1 } }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<JwksOptions['fetch']>().toEqualTypeOf<((input: string, init: RequestInit) => Promise<globalThis.Response>) | undefined>();
  });

  it('types KeySetError', () => {
    expectTypeOf<KeySetError>().toExtend<Error>();
    expectTypeOf<KeySetError['name']>().toEqualTypeOf<'KeySetError'>();
    expectTypeOf<KeySetError['status']>().toEqualTypeOf<503>();
    expectTypeOf<KeySetError['statusCode']>().toEqualTypeOf<503>();
    expectTypeOf<KeySetError['expose']>().toEqualTypeOf<false>();
    expectTypeOf<KeySetError['cause']>().toEqualTypeOf<unknown>();
  });

  it('types the dpop option and req.dpop', () => {
    expectTypeOf<{ secret: string; dpop: { origin: string } }>().toExtend<TokenRequiredOptions>();
    expectTypeOf<{
      secret: string;
      dpop: { origin: string[]; required: true; algorithms: ['ES256', 'EdDSA']; nonce: { secret: string; rotate: '5m' } };
    }>().toExtend<VerifyOptions>();
    expectTypeOf<{ secret: string; dpop: true }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ secret: string; dpop: { required: true } }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<{ secret: string; dpop: { origin: string; algorithms: ['HS256'] } }>().not.toExtend<TokenRequiredOptions>();
    expectTypeOf<DpopOptions['replay']>().toEqualTypeOf<ReplayStore | undefined>();
    expectTypeOf<ReplayStore['claim']>().returns.toEqualTypeOf<boolean | Promise<boolean>>();
    const handler = (req: Request) => {
      expectTypeOf(req.dpop).toEqualTypeOf<DpopProof | undefined>();
      expectTypeOf(req.dpop?.jkt).toEqualTypeOf<string | undefined>();
      expectTypeOf(req.dpop?.claims.htu).toEqualTypeOf<string | undefined>();
    };
    expectTypeOf(handler).toBeFunction();
    expectTypeOf(verifyToken).toBeCallableWith(
      't',
      { secret: 's', dpop: { origin: 'https://a.example' } },
      { proof: 'p', method: 'GET', url: '/' },
    );
  });
});
