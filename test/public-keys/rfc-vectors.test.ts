// The RFCs' own examples: RFC 7515 Appendix A.2 (RS256) and A.3 (ES256) as tokens, and the
// RFC 8037 Appendix A.4 Ed25519 signature in the signature layer. Copied exactly from the RFCs.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenRequired, TokenError, verifyToken } from '../../src/index.js';
import { sign, verifySignature } from '../../src/core/signatures.js';
import { createApp, ENVELOPE, EXPRESS } from '../helpers/app.js';
import { KEYS, type Jwk } from '../helpers/keys.js';

// RFC 7515 A.2.1: the payload both examples sign (with its CR LF line breaks); exp 1300819380.
const PAYLOAD = { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true };
const PAYLOAD_SEGMENT = 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';

// RFC 7515 A.2.1: the RSA key (public members, then the private ones for the signing check).
const A2_PUBLIC: Jwk = {
  kty: 'RSA',
  n:
    'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs' +
    'D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV' +
    'MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
  e: 'AQAB',
};
const A2_PRIVATE = {
  ...A2_PUBLIC,
  d:
    'Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0' +
    'BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYT' +
    'CBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ',
  p:
    '4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPG' +
    'BY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc',
  q:
    'uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA' +
    '-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc',
  dp:
    'BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb' +
    '34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0',
  dq:
    'h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-ky' +
    'NlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU',
  qi:
    'IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLU' +
    'W0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U',
};
// RFC 7515 A.2.1: header {"alg":"RS256"}, the payload above, and its signature.
const A2_TOKEN =
  `eyJhbGciOiJSUzI1NiJ9.${PAYLOAD_SEGMENT}.` +
  'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4' +
  'BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv' +
  'hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw';

// RFC 7515 A.3.1: the P-256 key and the ES256 example (header {"alg":"ES256"}).
const A3_PUBLIC: Jwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};
const A3_D = 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI';
const A3_TOKEN = `eyJhbGciOiJFUzI1NiJ9.${PAYLOAD_SEGMENT}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`;

// RFC 8037 A.1 (the Ed25519 key) and A.4 (header {"alg":"EdDSA"}, payload "Example of Ed25519 signing").
const A4_PUBLIC: Jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const A4_D = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A';
const A4_INPUT = 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc';
const A4_SIGNATURE = 'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';

const VECTORS = [
  ['RFC 7515 A.2 (RS256)', A2_TOKEN, A2_PUBLIC],
  ['RFC 7515 A.3 (ES256)', A3_TOKEN, A3_PUBLIC],
] as const;

describe('before the examples expire (the clock set to 1300819300)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(1300819300 * 1000));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(VECTORS)('%s verifies with its JWK', async (_name, token, jwk) => {
    await expect(verifyToken(token, { publicKey: jwk })).resolves.toEqual(PAYLOAD);
  });

  it.each(VECTORS)('%s verifies with its key as a KeyObject and as a PEM', async (_name, token, jwk) => {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    await expect(verifyToken(token, { publicKey: key })).resolves.toEqual(PAYLOAD);
    await expect(verifyToken(token, { publicKey: key.export({ type: 'spki', format: 'pem' }).toString() })).resolves.toEqual(PAYLOAD);
  });

  it.each(VECTORS)('%s verifies from a JWKS of both keys, without a kid', async (_name, token) => {
    await expect(verifyToken(token, { jwks: { keys: [A2_PUBLIC, A3_PUBLIC] } })).resolves.toEqual(PAYLOAD);
  });

  it.each(VECTORS)('%s is Invalid Token with another key of its type', async (_name, token, jwk) => {
    const other = jwk.kty === 'RSA' ? KEYS.rsa.publicKey : KEYS.p256.publicKey;
    const error = await verifyToken(token, { publicKey: other }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('token_invalid');
  });

  it('the RFC keys with their private members are refused as publicKey', () => {
    expect(() => tokenRequired({ publicKey: A2_PRIVATE })).toThrow(/a verifier needs only the public key/);
    expect(() => tokenRequired({ publicKey: { ...A3_PUBLIC, d: A3_D } })).toThrow(/a verifier needs only the public key/);
  });

  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it.each(VECTORS)('%s → 200 with req.auth', async (_name, token, jwk) => {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: jwk }));
      const res = await client.get('/protected').set('token', token).expect(200);
      expect(res.body.auth).toEqual(PAYLOAD);
      expect(handled).toHaveLength(1);
    });
  });
});

describe('after the examples expire (the real clock)', () => {
  describe.each(EXPRESS)('through tokenRequired on %s', (_express, express) => {
    it.each(VECTORS)('%s is Token expired', async (_name, token, jwk) => {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: jwk }));
      const res = await client.get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.expired);
      expect(handled).toHaveLength(0);
    });
  });
});

describe('the signature layer', () => {
  const ed25519 = createPublicKey({ key: A4_PUBLIC, format: 'jwk' });

  it('RFC 8037 A.4: the Ed25519 signature verifies with its key', () => {
    expect(verifySignature('EdDSA', ed25519, A4_INPUT, A4_SIGNATURE)).toBe(true);
  });

  it('RFC 8037 A.4: signing its input with its private key gives its signature (Ed25519 is deterministic)', () => {
    const privateKey = createPrivateKey({ key: { ...A4_PUBLIC, d: A4_D }, format: 'jwk' });
    expect(sign('EdDSA', privateKey, A4_INPUT)).toBe(A4_SIGNATURE);
  });

  it('RFC 8037 A.4: another input, another key, or another algorithm does not verify', () => {
    expect(verifySignature('EdDSA', ed25519, `${A4_INPUT}x`, A4_SIGNATURE)).toBe(false);
    expect(verifySignature('EdDSA', KEYS.ed25519.publicKey, A4_INPUT, A4_SIGNATURE)).toBe(false);
    const flipped = (A4_SIGNATURE[0] === 'h' ? 'g' : 'h') + A4_SIGNATURE.slice(1);
    expect(verifySignature('EdDSA', ed25519, A4_INPUT, flipped)).toBe(false);
  });

  it('RFC 7515 A.2 and A.3: the signatures verify, and RS256 signing is deterministic', () => {
    const rsa = createPublicKey({ key: A2_PUBLIC, format: 'jwk' });
    const ec = createPublicKey({ key: A3_PUBLIC, format: 'jwk' });
    const [a2Input, a2Signature] = [A2_TOKEN.slice(0, A2_TOKEN.lastIndexOf('.')), A2_TOKEN.slice(A2_TOKEN.lastIndexOf('.') + 1)];
    const [a3Input, a3Signature] = [A3_TOKEN.slice(0, A3_TOKEN.lastIndexOf('.')), A3_TOKEN.slice(A3_TOKEN.lastIndexOf('.') + 1)];
    expect(verifySignature('RS256', rsa, a2Input, a2Signature)).toBe(true);
    expect(verifySignature('ES256', ec, a3Input, a3Signature)).toBe(true);
    // The same bytes under another algorithm of the same key type do not verify.
    expect(verifySignature('PS256', rsa, a2Input, a2Signature)).toBe(false);
    expect(verifySignature('RS384', rsa, a2Input, a2Signature)).toBe(false);
    const privateKey = createPrivateKey({ key: A2_PRIVATE, format: 'jwk' });
    expect(sign('RS256', privateKey, a2Input)).toBe(a2Signature);
  });

  it('RFC 8037 A.4 as a token is Invalid Token: its payload is not JSON', async () => {
    const token = `${A4_INPUT}.${A4_SIGNATURE}`;
    const error = await verifyToken(token, { publicKey: A4_PUBLIC }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('token_invalid');
    for (const [, express] of EXPRESS) {
      const { client, handled } = createApp(express, tokenRequired({ publicKey: A4_PUBLIC }));
      const res = await client.get('/protected').set('token', token).expect(401);
      expect(res.body).toEqual(ENVELOPE.invalid);
      expect(handled).toHaveLength(0);
    }
  });
});
