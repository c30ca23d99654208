// keygen, jwks, and sign/verify with key files, run in-process: what each prints, checked with jose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, importJWK, importPKCS8, type JWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLIC_KEY_ALGORITHMS } from '../../src/core/algorithms.js';
import { call } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'etr-keys-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** `text` in a new file of the temporary folder, and its path. */
function file(text: string): string {
  const path = join(dir, `f${String(files++)}`);
  writeFileSync(path, text);
  return path;
}

async function ok(argv: string[], env: Record<string, string> = {}, stdin?: string): Promise<string> {
  const result = await call(argv, env, stdin);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

const header = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());

describe('keygen', () => {
  it('prints a PKCS#8 PEM of a P-256 key by default', async () => {
    const pem = await ok(['keygen']);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(createPublicKey(pem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(await ok(['keygen'])).not.toBe(pem);
  });

  it.each([
    ['ES256', 'ec', { namedCurve: 'prime256v1' }],
    ['ES384', 'ec', { namedCurve: 'secp384r1' }],
    ['ES512', 'ec', { namedCurve: 'secp521r1' }],
    ['EdDSA', 'ed25519', {}],
    ['RS256', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
    ['PS256', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
  ])('--alg %s makes a %s key', async (alg, type, details) => {
    const key = createPublicKey(await ok(['keygen', '--alg', alg]));
    expect(key.asymmetricKeyType).toBe(type);
    expect(key.asymmetricKeyDetails).toEqual(details);
  });

  it.each([['3072'], ['4096']])(
    '--bits %s sets the RSA key size',
    async (bits) => {
      expect(createPublicKey(await ok(['keygen', '--alg', 'PS384', '--bits', bits])).asymmetricKeyDetails?.modulusLength).toBe(
        Number(bits),
      );
    },
    60_000,
  );

  it('--jwk prints a private JWK with alg and the RFC 7638 thumbprint as kid', async () => {
    const jwk = JSON.parse(await ok(['keygen', '--jwk'])) as JWK;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'd', 'kid', 'kty', 'x', 'y']);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('--jwk --kid ID writes that kid', async () => {
    const jwk = JSON.parse(await ok(['keygen', '--alg', 'EdDSA', '--jwk', '--kid', '2026-01'])) as JWK;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: '2026-01' });
    expect(await calculateJwkThumbprint(jwk)).not.toBe('2026-01');
  });

  it('--alg PS256 --jwk is an RSA JWK that signs PS256, as verify and jose check', async () => {
    const jwk = await ok(['keygen', '--alg', 'PS256', '--jwk']);
    expect(JSON.parse(jwk)).toMatchObject({ kty: 'RSA', alg: 'PS256' });
    const key = file(jwk);
    const token = (await ok(['sign', '--key', key, '--sub', '1'])).trimEnd();
    expect(header(token)).toEqual({ alg: 'PS256', typ: 'JWT', kid: (JSON.parse(jwk) as JWK).kid });
    expect(JSON.parse(await ok(['verify', token, '--key', key]))).toMatchObject({ sub: '1' });
    const { kty, n, e } = JSON.parse(jwk) as JWK;
    const publicJwk = { kty: kty!, n: n!, e: e! };
    await expect(compactVerify(token, await importJWK(publicJwk, 'PS256'))).resolves.toMatchObject({ protectedHeader: { alg: 'PS256' } });
  });
});

describe.each(PUBLIC_KEY_ALGORITHMS)('keygen --alg %s, round trip', (alg) => {
  // A PEM of an RSA key is a plain RSA key, which signs RS256 unless told: sign, jwks and verify get --alg.
  const pemFlags = alg.startsWith('RS') || alg.startsWith('PS') ? ['--alg', alg] : [];
  it.each([
    ['PEM', [], pemFlags],
    ['JWK', ['--jwk'], []],
  ])(
    'as a %s: sign --key, then verify --key and --jwks, and jose agrees',
    async (form, keygenFlags, flags) => {
      const text = await ok(['keygen', '--alg', alg, ...keygenFlags]);
      const key = file(text);
      const token = (await ok(['sign', '--key', key, '--sub', 'u1', '--iss', 'me', ...flags])).trimEnd();
      const jwks = JSON.parse(await ok(['jwks', '--key', key, ...flags])) as { keys: JWK[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ alg, use: 'sig' });
      expect(jwks.keys[0]!.d).toBeUndefined();
      expect(header(token)).toEqual({ alg, typ: 'JWT', kid: jwks.keys[0]!.kid });
      const payload = await ok(['verify', token, '--key', key, '--iss', 'me', ...flags]);
      expect(JSON.parse(payload)).toMatchObject({ sub: 'u1', iss: 'me' });
      expect(await ok(['verify', token, '--jwks', file(JSON.stringify(jwks))])).toBe(payload);
      const { payload: bytes } = await compactVerify(token, createLocalJWKSet(jwks as never));
      expect(JSON.parse(Buffer.from(bytes).toString())).toMatchObject({ sub: 'u1' });
      if (form === 'PEM') await expect(importPKCS8(text, alg)).resolves.toBeDefined();
    },
    30_000,
  );
});

it.each([['RS384'], ['PS256']])(
  'an RSA PEM from keygen --alg %s signs RS256 without --alg, and verify --key takes it so',
  async (alg) => {
    const key = file(await ok(['keygen', '--alg', alg]));
    const token = (await ok(['sign', '--key', key])).trimEnd();
    expect(header(token)).toMatchObject({ alg: 'RS256' });
    expect((await call(['verify', token, '--key', key])).code).toBe(0);
    expect(await call(['verify', token, '--key', key, '--alg', alg])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Invalid Token: invalid algorithm\n',
    });
  },
  30_000,
);
