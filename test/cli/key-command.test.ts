// The built command with keys, spawned as a user runs it: keygen | jwks, sign --key → verify, and the middleware.
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { calculateJwkThumbprint, type JWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenRequired } from '../../src/index.js';
import { ENVELOPE } from '../helpers/app.js';
import { ensureBuilt, spawnCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);
const dir = mkdtempSync(join(tmpdir(), 'etr-key-command-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function ok(argv: string[], env: Record<string, string> = {}, input = ''): string {
  const result = spawnCli(argv, env, process.execPath, input);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}
const save = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text, { mode: 0o600 });
  return join(dir, name);
};

describe('the built command with key pairs', () => {
  it('keygen | jwks --key -: the public JWKS of the new key, the same as from its file', async () => {
    const pem = ok(['keygen']);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const piped = ok(['jwks', '--key', '-'], {}, pem);
    const set = JSON.parse(piped) as { keys: JWK[] };
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: await calculateJwkThumbprint(set.keys[0]!),
      alg: 'ES256',
      use: 'sig',
    });
    expect(piped).toBe(`${JSON.stringify(set, null, 2)}\n`);
    expect(ok(['jwks', '--key', save('piped.pem', pem)])).toBe(piped);
  });

  it('keygen --jwk --kid, and without --kid the thumbprint', async () => {
    const named = JSON.parse(ok(['keygen', '--alg', 'ES384', '--jwk', '--kid', 'k-2026'])) as JWK;
    expect(named).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', kid: 'k-2026' });
    const plain = JSON.parse(ok(['keygen', '--alg', 'EdDSA', '--jwk'])) as JWK;
    expect(plain).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: await calculateJwkThumbprint(plain) });
  });

  it.each([['ES256'], ['EdDSA'], ['PS256']])(
    'keygen --alg %s --jwk, sign --key → verify --key and verify --jwks',
    (alg) => {
      const key = save(`${alg}.jwk`, ok(['keygen', '--alg', alg, '--jwk']));
      const token = ok(['sign', '--key', key, '--sub', '42', '--iss', 'cli']).trimEnd();
      const jwks = save(`${alg}.jwks.json`, ok(['jwks', '--key', key]));
      const payload = ok(['verify', token, '--key', key, '--iss', 'cli']);
      expect(JSON.parse(payload)).toMatchObject({ sub: '42', iss: 'cli' });
      expect(ok(['verify', token, '--jwks', jwks, '--iss', 'cli'])).toBe(payload);
      expect(ok(['verify', '-', '--jwks', jwks], {}, `${token}\n`)).toBe(payload);
      expect(ok(['decode', token])).toContain(`"alg": "${alg}"`);
    },
    30_000,
  );

  it('signs with SIGNING_KEY_FILE; bad usage is one line naming the flag, exit 2', () => {
    const key = save('env.pem', ok(['keygen', '--alg', 'ES512']));
    const token = ok(['sign', '--sub', '1'], { SIGNING_KEY_FILE: key }).trimEnd();
    expect(JSON.parse(ok(['verify', token, '--key', key]))).toMatchObject({ sub: '1' });
    const missing = spawnCli(['sign', '--key', join(dir, 'nope.pem')]);
    expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(
      /^express-token-required: cannot read the --key file: no such file\n\nUsage: express-token-required sign /,
    );
    const kid = spawnCli(['keygen', '--kid', 'x']);
    expect({ code: kid.code, stdout: kid.stdout, first: kid.stderr.split('\n')[0] }).toEqual({
      code: 2,
      stdout: '',
      first: 'express-token-required: --kid needs --jwk: a PEM holds no kid (sign and jwks take --kid)',
    });
    expect(spawnCli(['verify', token, '--key', save('other.pem', ok(['keygen', '--alg', 'ES512']))])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Invalid Token: invalid signature\n',
    });
  });

  it('signs a token from keygen + sign that tokenRequired({ publicKey }) accepts, with its claims on req.auth', async () => {
    const pem = ok(['keygen']);
    const token = ok(['sign', '--key', save('app.pem', pem), '--sub', '7', '--claim', 'roles=["editor"]']).trimEnd();
    // The public key as a service that trusts the signer holds it: a PEM of its public half.
    const publicKey = createPublicKey(pem).export({ type: 'spki', format: 'pem' }) as string;
    const app = express();
    app.get('/protected', tokenRequired({ publicKey }), (req, res) => {
      res.json(req.auth);
    });
    const res = await request(app).get('/protected').set('token', token).expect(200);
    expect(res.body).toEqual({ sub: '7', roles: ['editor'], iat: expect.any(Number), exp: expect.any(Number), jti: expect.any(String) });
    const other = ok(['sign', '--key', save('app2.pem', ok(['keygen']))]).trimEnd();
    expect((await request(app).get('/protected').set('token', other).expect(401)).body).toEqual(ENVELOPE.invalid);
  });
});
