// What the server reads at start for public-key tokens: TOKEN_ALG, SIGNING_KEY_FILE, PUBLIC_URL, the private key file.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { issuerOf, readSigningConfig, wellKnownUrl } from '../../examples/api/signing-config.js';
import { loadSigningKey, SIGNING_KEY_FILE } from '../../examples/api/signing-key-file.js';
import { tempDir } from './helpers.js';

const temp = tempDir();
afterAll(() => {
  temp.remove();
});

const TOKEN_ALG_MESSAGE = (got: string) => `TOKEN_ALG must be HS256, ES256, RS256, PS256 or EdDSA (got ${JSON.stringify(got)})`;

describe('readSigningConfig', () => {
  it('defaults to HS256, as does an empty TOKEN_ALG; PUBLIC_URL is not used then', () => {
    expect(readSigningConfig({})).toEqual({ algorithm: 'HS256' });
    expect(readSigningConfig({ TOKEN_ALG: '' })).toEqual({ algorithm: 'HS256' });
    expect(readSigningConfig({ TOKEN_ALG: 'HS256', PUBLIC_URL: 'https://api.example.com' })).toEqual({ algorithm: 'HS256' });
  });

  it.each([['ES256'], ['RS256'], ['PS256'], ['EdDSA']])(
    'reads TOKEN_ALG=%s, with SIGNING_KEY_FILE (resolved) and PUBLIC_URL (as given)',
    (alg) => {
      expect(readSigningConfig({ TOKEN_ALG: alg })).toEqual({ algorithm: alg });
      expect(readSigningConfig({ TOKEN_ALG: alg, SIGNING_KEY_FILE: 'keys/signing.pem', PUBLIC_URL: 'https://api.example.com/' })).toEqual({
        algorithm: alg,
        keyFile: resolve('keys/signing.pem'),
        publicUrl: 'https://api.example.com/',
      });
    },
  );

  it.each([['HS384'], ['HS512'], ['ES999'], ['es256'], ['RS512'], ['none']])('refuses TOKEN_ALG=%s', (alg) => {
    expect(() => readSigningConfig({ TOKEN_ALG: alg })).toThrow(new Error(TOKEN_ALG_MESSAGE(alg)));
  });

  it('refuses SIGNING_KEY_FILE in the HS256 mode rather than leave the key unused', () => {
    expect(() => readSigningConfig({ SIGNING_KEY_FILE: '/keys/signing.pem' })).toThrow(
      new Error(
        'SIGNING_KEY_FILE is set, but TOKEN_ALG is HS256, which signs with SECRET_KEY; set TOKEN_ALG to ES256, RS256, PS256 or EdDSA',
      ),
    );
  });

  it.each([
    ['api.example.com'],
    ['ftp://api.example.com'],
    ['https://api.example.com/?x=1'],
    ['https://api.example.com/#top'],
    ['https://user:pw@api.example.com'],
  ])('refuses PUBLIC_URL=%s', (url) => {
    expect(() => readSigningConfig({ TOKEN_ALG: 'ES256', PUBLIC_URL: url })).toThrow(
      new Error(
        `PUBLIC_URL must be the http:// or https:// URL clients reach the API at, without query or fragment, e.g. https://api.example.com (got ${JSON.stringify(url)})`,
      ),
    );
  });
});

describe('issuerOf and wellKnownUrl', () => {
  it('the issuer is PUBLIC_URL exactly, else http://127.0.0.1 on the bound port', () => {
    expect(issuerOf('https://api.example.com/', 3000)).toBe('https://api.example.com/');
    expect(issuerOf('https://example.com/api', 3000)).toBe('https://example.com/api');
    expect(issuerOf(undefined, 41234)).toBe('http://127.0.0.1:41234');
  });

  it('well-known documents are under the issuer without its trailing slash', () => {
    expect(wellKnownUrl('https://api.example.com/', 'jwks.json')).toBe('https://api.example.com/.well-known/jwks.json');
    expect(wellKnownUrl('https://example.com/api', 'jwks.json')).toBe('https://example.com/api/.well-known/jwks.json');
    expect(wellKnownUrl('http://127.0.0.1:3000', 'openid-configuration')).toBe('http://127.0.0.1:3000/.well-known/openid-configuration');
  });
});

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;
const sameKey = (a: KeyObject, b: KeyObject): boolean => createPublicKey(a).equals(createPublicKey(b));

describe('loadSigningKey', () => {
  it.each([
    ['ES256', 'ec', { namedCurve: 'prime256v1' }],
    ['RS256', 'rsa', { modulusLength: 2048 }],
    ['PS256', 'rsa', { modulusLength: 2048 }],
    ['EdDSA', 'ed25519', {}],
  ] as const)('%s: generates a %s key once, as a 0600 PKCS#8 PEM in the data folder, and reads it back later', (alg, type, details) => {
    const dir = join(temp.dir, `generated-${alg}`);
    mkdirSync(dir);
    const file = join(dir, SIGNING_KEY_FILE);
    const first = loadSigningKey(alg, undefined, dir);
    expect(first).toEqual({ privateKey: expect.anything(), file, created: true, generated: true });
    expect(first.privateKey.type).toBe('private');
    expect(first.privateKey.asymmetricKeyType).toBe(type);
    expect(first.privateKey.asymmetricKeyDetails).toMatchObject(details);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(pkcs8(first.privateKey));
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);

    const again = loadSigningKey(alg, undefined, dir);
    expect(again).toEqual({ privateKey: expect.anything(), file, created: false, generated: true });
    expect(sameKey(again.privateKey, first.privateKey)).toBe(true);
  });

  it('uses SIGNING_KEY_FILE when given, and writes nothing in the data folder', () => {
    const dir = join(temp.dir, 'given');
    mkdirSync(dir);
    const file = join(dir, 'my-key.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // A SEC1 PEM (BEGIN EC PRIVATE KEY), as `openssl ecparam -genkey` writes, is read too.
    writeFileSync(file, privateKey.export({ type: 'sec1', format: 'pem' }));
    const data = join(temp.dir, 'given-data');
    mkdirSync(data);
    const loaded = loadSigningKey('ES256', file, data);
    expect(loaded).toEqual({ privateKey: expect.anything(), file, created: false, generated: false });
    expect(sameKey(loaded.privateKey, privateKey)).toBe(true);
    expect(() => statSync(join(data, SIGNING_KEY_FILE))).toThrow(/ENOENT/);
  });

  const ed25519 = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const publicPem = ed25519.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const NO_PRIVATE_KEY = 'holds no private key; it must be an unencrypted PEM private key, e.g. from openssl genpkey (BEGIN PRIVATE KEY)';

  it.each([
    ['a public key', 'EdDSA', publicPem, NO_PRIVATE_KEY],
    ['a secret', 'ES256', 'k'.repeat(64), NO_PRIVATE_KEY],
    ['an empty file', 'ES256', '', NO_PRIVATE_KEY],
    [
      'an Ed25519 key for ES256',
      'ES256',
      pkcs8(ed25519.privateKey),
      'holds an Ed25519 key, but TOKEN_ALG ES256 signs with an EC P-256 key; use such a key or another TOKEN_ALG',
    ],
    [
      'a P-384 key for ES256',
      'ES256',
      pkcs8(p384.privateKey),
      'holds an EC P-384 key, but TOKEN_ALG ES256 signs with an EC P-256 key; use such a key or another TOKEN_ALG',
    ],
    [
      'an RSA key for EdDSA',
      'EdDSA',
      pkcs8(rsa.privateKey),
      'holds an RSA key, but TOKEN_ALG EdDSA signs with an Ed25519 key; use such a key or another TOKEN_ALG',
    ],
    [
      'an RSA-PSS key for PS256',
      'PS256',
      pkcs8(pss.privateKey),
      'holds an RSA-PSS key, but TOKEN_ALG PS256 signs with an RSA key; use such a key or another TOKEN_ALG',
    ],
  ] as const)('refuses SIGNING_KEY_FILE holding %s, naming the file and never showing its content', (name, alg, content, message) => {
    const file = join(temp.dir, `${name.replaceAll(' ', '-')}.pem`);
    writeFileSync(file, content);
    expect(() => loadSigningKey(alg, file, temp.dir)).toThrow(new Error(`SIGNING_KEY_FILE ${file} ${message}`));
  });

  it('refuses an RSA key shorter than 2048 bits', () => {
    const file = join(temp.dir, 'short-rsa.pem');
    writeFileSync(file, pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey));
    expect(() => loadSigningKey('RS256', file, temp.dir)).toThrow(
      new Error(`SIGNING_KEY_FILE ${file} holds a 1024-bit RSA key; RSA keys need at least 2048 bits`),
    );
  });

  it('refuses a SIGNING_KEY_FILE it cannot read, naming it', () => {
    const missing = join(temp.dir, 'no-such-key.pem');
    expect(() => loadSigningKey('ES256', missing, temp.dir)).toThrow(new Error(`cannot read SIGNING_KEY_FILE ${missing} (ENOENT)`));
    expect(() => loadSigningKey('ES256', temp.dir, temp.dir)).toThrow(new Error(`cannot read SIGNING_KEY_FILE ${temp.dir} (EISDIR)`));
  });

  it('fails on a kept key it cannot use, rather than replacing it (a key of another TOKEN_ALG, a folder)', () => {
    const dir = join(temp.dir, 'switched');
    mkdirSync(dir);
    const { file } = loadSigningKey('ES256', undefined, dir);
    expect(() => loadSigningKey('RS256', undefined, dir)).toThrow(
      new Error(`${file} holds an EC P-256 key, but TOKEN_ALG RS256 signs with an RSA key; use such a key or another TOKEN_ALG`),
    );
    const folder = join(temp.dir, 'folder');
    mkdirSync(join(folder, SIGNING_KEY_FILE), { recursive: true });
    expect(() => loadSigningKey('ES256', undefined, folder)).toThrow(new Error(`cannot read ${join(folder, SIGNING_KEY_FILE)} (EISDIR)`));
  });
});
