// Edges of the public-key rules: one spelling per RSA signature, RSA-PSS parameters that
// contradict the table, publicJwks's key options, DER keys, and errors that never echo a secret.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicJwks, signToken, tokenRequired, verifyToken, type TokenRequiredOptions } from '../../src/index.js';
import { KEYS, pkToken, spkiDer, withSignature } from '../helpers/keys.js';

/** A token of `alg` by hand whose signature starts with a zero byte (PSS signs randomly: try until one does). */
function tokenWithLeadingZero(alg: 'PS256' | 'RS256'): string {
  for (let i = 0; i < 5000; i++) {
    const token = pkToken(alg, KEYS.rsa.privateKey, { n: i });
    if (Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')[0] === 0) return token;
  }
  throw new Error('no signature with a leading zero byte in 5000 tries');
}

describe('an RSA signature is exactly as long as the modulus', () => {
  it('refuses a PS256 signature with its leading zero byte dropped (OpenSSL would take it), and takes the whole one', async () => {
    const token = tokenWithLeadingZero('PS256');
    const options = { publicKey: KEYS.rsa.publicKey, algorithms: ['PS256'] } as const;
    await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    expect(signature.length).toBe(256);
    const short = withSignature(token, signature.subarray(1));
    await expect(verifyToken(short, options)).rejects.toMatchObject({ reason: 'token_invalid', cause: { message: 'invalid signature' } });
    const long = withSignature(token, Buffer.concat([Buffer.from([0]), signature]));
    await expect(verifyToken(long, options)).rejects.toMatchObject({ reason: 'token_invalid', cause: { message: 'invalid signature' } });
  });
});

describe('RSA-PSS key parameters must fit RFC 7518 §3.5', () => {
  const pss = (options: { hashAlgorithm: string; mgf1HashAlgorithm: string; saltLength: number }) =>
    generateKeyPairSync('rsa-pss', { modulusLength: 2048, ...options, saltLength: options.saltLength as unknown as string });

  it.each([
    ['an MGF1 hash other than the hash', { hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha512', saltLength: 32 }],
    ['a minimum salt longer than the hash', { hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 64 }],
  ])('refuses %s with a TypeError, to verify and to sign', (_case, parameters) => {
    const pair = pss(parameters);
    const message = /is an RSA-PSS key whose parameters .* fit no PS algorithm: RFC 7518 §3\.5/;
    expect(() => tokenRequired({ publicKey: pair.publicKey })).toThrow(message);
    expect(() => signToken({}, { privateKey: pair.privateKey })).toThrow(TypeError);
    expect(() => signToken({}, { privateKey: pair.privateKey })).toThrow(message);
    expect(() => publicJwks({ privateKey: pair.privateKey })).toThrow(message);
  });

  it('takes a key whose parameters are PS384 exactly, for PS384 only', async () => {
    const token = signToken({ sub: 'p' }, { privateKey: KEYS.rsaPss384.privateKey });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'PS384' });
    await expect(verifyToken(token, { publicKey: KEYS.rsaPss384.publicKey })).resolves.toMatchObject({ sub: 'p' });
    expect(() => tokenRequired({ publicKey: KEYS.rsaPss384.publicKey, algorithms: ['PS256'] })).toThrow(
      /algorithm 'PS256' in 'algorithms' fits none/,
    );
  });
});

describe('publicJwks takes one key option, as signToken does', () => {
  const ring = { current: 'a', keys: { a: KEYS.p256.privateKey } };

  it('refuses privateKey and keys together, naming both', () => {
    const both = () => publicJwks({ privateKey: KEYS.p384.privateKey, keys: ring } as never);
    expect(both).toThrow(TypeError);
    expect(both).toThrow(/^express-token-required: options 'privateKey' and 'keys' are alternatives; pass one of them$/);
  });

  it('refuses keyid with keys, as signToken does', () => {
    expect(() => publicJwks({ keys: ring, keyid: 'x' } as never)).toThrow(/option 'keyid' cannot be used with 'keys'/);
    expect(() => signToken({}, { keys: ring, keyid: 'x' } as never)).toThrow(/option 'keyid' cannot be used with 'keys'/);
  });

  it('refuses neither', () => {
    expect(() => publicJwks({} as never)).toThrow(/^express-token-required: publicJwks\(\) needs 'privateKey' or 'keys'/);
  });
});

describe('DER-encoded keys', () => {
  it('are refused as a secret (key confusion), as PEM and JWK text are', () => {
    expect(() => tokenRequired({ secret: spkiDer(KEYS.rsa) })).toThrow(/^express-token-required: secret looks like a DER-encoded key/);
    expect(() => tokenRequired({ secret: KEYS.p256.privateKey.export({ type: 'pkcs8', format: 'der' }) })).toThrow(
      /looks like a DER-encoded key/,
    );
  });

  it('as publicKey, say how to pass them', () => {
    expect(() => tokenRequired({ publicKey: spkiDer(KEYS.p256) })).toThrow(
      /option 'publicKey' is a DER-encoded key; pass it as a PEM or a KeyObject/,
    );
  });
});

describe('key errors never echo a secret given in the wrong place', () => {
  const secret = 'super-secret-hmac-value-0123456789abcdef';
  it.each<[string, TokenRequiredOptions]>([
    ['a ring entry key', { keys: [{ kid: 'a', key: secret }] }],
    ['publicKey', { publicKey: secret }],
    ['a jwks entry', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: secret, y: secret }] } }],
  ])('%s', (_case, options) => {
    let message = '';
    try {
      tokenRequired(options);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^express-token-required: /);
    expect(message).not.toContain('super-secret');
  });
});
