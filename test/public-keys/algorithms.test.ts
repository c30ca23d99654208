// Every public-key algorithm signs and verifies round trip: through signToken, and through tokens
// made by independent implementations (jose, and node:crypto by hand in test/helpers/keys.ts).
// Seeded property tests: replay a failure with FC_SEED=<seed>.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken, tokenRequired, TokenError, verifyToken, type VerifyOptions } from '../../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import { now } from '../helpers/tokens.js';
import {
  headerOf,
  joseToken,
  KEYS,
  payloadOf,
  pkToken,
  SIGNATURE_BYTES,
  SIGNERS,
  verifiesByHand,
  type Pair,
  type SignerCase,
} from '../helpers/keys.js';

const SEED = Number(process.env.FC_SEED ?? 20261201);
const RUNS = Number(process.env.FC_RUNS ?? (process.env.STRYKER_MUTATOR_WORKER ? 10 : 25));

/** A new key pair of the same type and size or curve. */
function sameType({ privateKey }: Pair): Pair {
  const type = privateKey.asymmetricKeyType;
  if (type === 'rsa') return KEYS.rsaOther;
  if (type === 'ec') return generateKeyPairSync('ec', { namedCurve: privateKey.asymmetricKeyDetails!.namedCurve! });
  return type === 'ed448' ? generateKeyPairSync('ed448') : generateKeyPairSync('ed25519');
}

const verifyOptions = ({ alg, pair }: SignerCase): VerifyOptions => ({ publicKey: pair.publicKey, algorithms: [alg] });

describe.each(SIGNERS.map((signer) => [signer.name, signer] as const))('%s', (name, signer) => {
  const { alg, pair } = signer;

  it('signToken with the private key → verifyToken with the public key', async () => {
    const token = signToken({ sub: '42', role: 'reader' }, { privateKey: pair.privateKey, algorithm: alg });
    expect(headerOf(token)).toMatchObject({ alg, typ: 'JWT' });
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(SIGNATURE_BYTES[name]!);
    // An implementation independent of ours agrees that the signature is right.
    expect(verifiesByHand(token, alg, pair.publicKey)).toBe(true);
    const payload = await verifyToken(token, verifyOptions(signer));
    expect(payload).toEqual(payloadOf(token));
    expect(payload).toMatchObject({ sub: '42', role: 'reader' });
  });

  it('a token made by hand with node:crypto verifies', async () => {
    const token = pkToken(alg, pair.privateKey, { scope: 'read' });
    await expect(verifyToken(token, verifyOptions(signer))).resolves.toEqual(payloadOf(token));
  });

  it.skipIf(!signer.jose)('a token made by jose verifies, and jose verifies ours', async () => {
    const token = await joseToken(alg, pair.privateKey, { scope: 'read' });
    await expect(verifyToken(token, verifyOptions(signer))).resolves.toEqual(payloadOf(token));
    const ours = signToken({ sub: '42' }, { privateKey: pair.privateKey, algorithm: alg });
    const { payload, protectedHeader } = await jwtVerify(ours, pair.publicKey, { algorithms: [alg] });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload).toEqual(payloadOf(ours));
  });

  it('a token signed by another key of the same type is Invalid Token', async () => {
    const error = await verifyToken(pkToken(alg, sameType(pair).privateKey), verifyOptions(signer)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('token_invalid');
  });

  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it('signToken → 200 with req.auth; a token by hand → 200; no token → 400', async () => {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: pair.publicKey, algorithms: [alg] }));
      const token = signToken({ sub: '42' }, { privateKey: pair.privateKey, algorithm: alg });
      const res = await client.get('/protected').set('token', token).expect(200);
      expect(res.body.auth).toEqual(payloadOf(token));
      await client
        .get('/protected')
        .set('token', pkToken(alg, pair.privateKey, { sub: '7' }))
        .expect(200);
      expect(handled.map((req) => req.auth?.sub)).toEqual(['42', '7']);
      const missing = await client.get('/protected').expect(400);
      expect(missing.body).toEqual(ENVELOPE.missing);
    });

    it('an expired token is Token expired, a tampered one Invalid Token', async () => {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: pair.publicKey, algorithms: [alg] }));
      const expired = pkToken(alg, pair.privateKey, { exp: now() - 60 });
      const res = await client.get('/protected').set('token', expired).expect(401);
      expect(res.body).toEqual(ENVELOPE.expired);
      const good = pkToken(alg, pair.privateKey);
      const [header, , signature] = good.split('.') as [string, string, string];
      const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin', exp: 9999999999 })).toString('base64url')}.${signature}`;
      const tampered = await client.get('/protected').set('token', forged).expect(401);
      expect(tampered.body).toEqual(ENVELOPE.invalid);
      expect(handled).toHaveLength(0);
    });
  });
});

// Claim names the options write or check; a random payload leaves them to signToken.
const RESERVED = new Set(['iat', 'exp', 'nbf', 'jti', 'iss', 'aud', 'sub', '__proto__']);
const claimsArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !RESERVED.has(key)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 6 },
);

describe('property: random payloads round-trip', () => {
  it.each(SIGNERS.map((signer) => [signer.name, signer] as const))('%s', async (_name, signer) => {
    const options = verifyOptions(signer);
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }), async (claims, sub) => {
        const payload = JSON.parse(JSON.stringify({ ...claims, ...(sub !== undefined && { sub }) })) as Record<string, unknown>;
        const token = signToken(payload, { privateKey: signer.pair.privateKey, algorithm: signer.alg });
        const verified = await verifyToken(token, options);
        expect(verified).toEqual(payloadOf(token));
        expect(verified).toMatchObject(payload);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
const MUTATED = SIGNERS.filter((signer) => ['RS256', 'ES256 (P-256)', 'EdDSA (Ed25519)'].includes(signer.name));

/** The token with the character at `index` replaced by a different one of the alphabet (or '.'). */
const changeOne = (token: string, index: number, pick: number): string => {
  const at = index % token.length;
  const choices = BASE64URL.replace(token[at]!, '');
  return token.slice(0, at) + choices[pick % choices.length]! + token.slice(at + 1);
};

describe('property: any one-character change is 401', () => {
  it.each(MUTATED.map((signer) => [signer.name, signer] as const))('%s, through verifyToken', async (_name, signer) => {
    const options = verifyOptions(signer);
    const token = signToken({ sub: '42' }, { privateKey: signer.pair.privateKey, algorithm: signer.alg });
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), async (index, pick) => {
        const error = await verifyToken(changeOne(token, index, pick), options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TokenError);
        expect((error as TokenError).status).toBe(401);
        expect((error as TokenError).reason).toBe('token_invalid');
      }),
      { seed: SEED, numRuns: RUNS * 8 },
    );
  });

  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it.each(MUTATED.map((signer) => [signer.name, signer] as const))('%s', async (_name, signer) => {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: signer.pair.publicKey }));
      const token = signToken({ sub: '42' }, { privateKey: signer.pair.privateKey });
      await client.get('/protected').set('token', token).expect(200);
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.nat(), async (index, pick) => {
          const res = await client.get('/protected').set('token', changeOne(token, index, pick));
          expect([res.status, res.body]).toEqual([401, ENVELOPE.invalid]);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(handled).toHaveLength(1);
    });
  });
});
