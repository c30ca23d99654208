// verify --jwks-uri and --issuer … --discover: the built command, spawned as a user runs it,
// against a JWKS server and an issuer's metadata server on loopback ports.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js';
import { KEYS, pkToken, publicJwk } from '../helpers/keys.js';
import { freePort, listenOnLoopback } from '../helpers/ports.js';
import { call, ensureBuilt, spawnCliAsync, type Result } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

const KID = 'key-1';
const JWK = publicJwk(KEYS.p256, { kid: KID, alg: 'ES256', use: 'sig' });
const token = (claims: Record<string, unknown> = {}, kid = KID): string => pkToken('ES256', KEYS.p256.privateKey, claims, { kid });

/** What a refusal or a failure looks like: nothing on stdout, one line on stderr, no stack. */
function failed(result: Result, code: number, line: string): void {
  expect(result).toEqual({ code, stdout: '', stderr: `${line}\n` });
}

let jwks: JwksServer;
beforeEach(async () => {
  jwks = await startJwksServer([JWK]);
});
afterEach(async () => {
  await jwks.close();
});

describe('verify --jwks-uri URL', () => {
  it('verifies a token with the key its kid names in the set at URL: the payload, exit 0', async () => {
    const result = await spawnCliAsync(['verify', token({ sub: '7' }), '--jwks-uri', jwks.url]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ sub: '7', iat: expect.any(Number), exp: expect.any(Number) });
    expect(jwks.requests.map(({ method, path }) => `${method!} ${path!}`)).toEqual(['GET /jwks']);
  });

  it('checks --iss and --aud as with any key', async () => {
    const issued = token({ iss: 'https://issuer.example', aud: 'api' });
    expect((await spawnCliAsync(['verify', issued, '--jwks-uri', jwks.url, '--iss', 'https://issuer.example', '--aud', 'api'])).code).toBe(
      0,
    );
    failed(
      await spawnCliAsync(['verify', issued, '--jwks-uri', jwks.url, '--aud', 'other']),
      1,
      'Invalid Token: jwt audience invalid. expected: other',
    );
  });

  it('refuses a token whose kid is not in the set: Invalid Token, exit 1', async () => {
    failed(await spawnCliAsync(['verify', token({}, 'unknown'), '--jwks-uri', jwks.url]), 1, 'Invalid Token: no key with this kid');
  });

  it('refuses a token signed by another key under the published kid: Invalid Token, exit 1', async () => {
    const forged = pkToken('ES256', KEYS.p256Other.privateKey, {}, { kid: KID });
    failed(await spawnCliAsync(['verify', forged, '--jwks-uri', jwks.url]), 1, 'Invalid Token: invalid signature');
  });

  it('exits 3 with one line naming the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${String(await freePort())}/jwks`;
    failed(
      await spawnCliAsync(['verify', token(), '--jwks-uri', url]),
      3,
      `express-token-required: the key set at ${url} could not be fetched: the request failed (ECONNREFUSED)`,
    );
  });

  it('exits 3 when the key server answers with an error', async () => {
    jwks.respond((_req, res) => {
      res.writeHead(500).end('boom');
    });
    failed(
      await spawnCliAsync(['verify', token(), '--jwks-uri', jwks.url]),
      3,
      `express-token-required: the key set at ${jwks.url} could not be fetched: it answered HTTP 500, an error`,
    );
  });
});

interface MetadataServer {
  /** `http://127.0.0.1:<port>`: the issuer this server speaks for. */
  readonly issuer: string;
  /** The paths requested, in order. */
  readonly paths: string[];
  /** The `issuer` the metadata names (the server's own by default). */
  names: string;
  close(): Promise<void>;
}

/** An issuer's OpenID configuration, `{ issuer, jwks_uri }`, with the test's JWKS server as its jwks_uri. */
async function startMetadataServer(jwksUri: string): Promise<MetadataServer> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url !== '/.well-known/openid-configuration') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: metadata.names, jwks_uri: jwksUri }));
  });
  const issuer = `http://127.0.0.1:${String(await listenOnLoopback(server))}`;
  const metadata: MetadataServer = {
    issuer,
    paths,
    names: issuer,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
  return metadata;
}

describe('verify --issuer ISSUER --discover', () => {
  let metadata: MetadataServer;
  beforeEach(async () => {
    metadata = await startMetadataServer(jwks.url);
  });
  afterEach(async () => {
    await metadata.close();
  });

  it.each([['--issuer'], ['--iss']])('verifies with the key set the issuer’s metadata names (%s), exit 0', async (flag) => {
    const result = await spawnCliAsync(['verify', token({ sub: '7', iss: metadata.issuer }), flag, metadata.issuer, '--discover']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ sub: '7', iss: metadata.issuer, iat: expect.any(Number), exp: expect.any(Number) });
    expect(metadata.paths).toEqual(['/.well-known/openid-configuration']);
    expect(jwks.requests).toHaveLength(1);
  });

  it('refuses a token of another issuer before fetching anything: Invalid Token, exit 1', async () => {
    failed(
      await spawnCliAsync(['verify', token({ iss: 'https://other.example' }), '--issuer', metadata.issuer, '--discover']),
      1,
      `Invalid Token: jwt issuer invalid. expected: ${metadata.issuer}`,
    );
    expect(metadata.paths).toEqual([]);
  });

  it('refuses a token whose kid is not in the discovered set: Invalid Token, exit 1', async () => {
    failed(
      await spawnCliAsync(['verify', token({ iss: metadata.issuer }, 'unknown'), '--issuer', metadata.issuer, '--discover']),
      1,
      'Invalid Token: no key with this kid',
    );
  });

  it('exits 3, never fetching the keys, when the metadata names another issuer', async () => {
    metadata.names = 'https://impostor.example';
    failed(
      await spawnCliAsync(['verify', token({ iss: metadata.issuer }), '--issuer', metadata.issuer, '--discover']),
      3,
      `express-token-required: the metadata of issuer ${metadata.issuer} at ${metadata.issuer}/.well-known/openid-configuration could not be fetched: it names another issuer, "https://impostor.example" (RFC 8414 §3.3)`,
    );
    expect(jwks.requests).toHaveLength(0);
  });

  it('exits 3 with one line naming the key set’s URL when the metadata’s jwks_uri is down', async () => {
    await jwks.close();
    failed(
      await spawnCliAsync(['verify', token({ iss: metadata.issuer }), '--issuer', metadata.issuer, '--discover']),
      3,
      `express-token-required: the key set of issuer ${metadata.issuer} at ${jwks.url} could not be fetched: the request failed (ECONNREFUSED)`,
    );
  });

  it('exits 3 with one line naming the metadata’s URL when the issuer is down', async () => {
    const issuer = `http://127.0.0.1:${String(await freePort())}`;
    failed(
      await spawnCliAsync(['verify', token({ iss: issuer }), '--issuer', issuer, '--discover']),
      3,
      `express-token-required: the metadata of issuer ${issuer} at ${issuer}/.well-known/openid-configuration could not be fetched: the request failed (ECONNREFUSED)`,
    );
  });
});

describe('in-process (run), as the other command tests', () => {
  it('answers as the built command does: the payload, or exit 3 with the line', async () => {
    const ok = await call(['verify', token({ sub: '9' }), '--jwks-uri', jwks.url]);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(ok.stdout)).toMatchObject({ sub: '9' });
    const url = `http://127.0.0.1:${String(await freePort())}/jwks`;
    failed(
      await call(['verify', token(), '--jwks-uri', url]),
      3,
      `express-token-required: the key set at ${url} could not be fetched: the request failed (ECONNREFUSED)`,
    );
  });

  it('escapes what a hostile metadata server sends back, as it prints tokens', async () => {
    const metadata = await startMetadataServer(jwks.url);
    metadata.names = 'https://evil.example/\u001b[2J';
    try {
      const { code, stderr } = await call(['verify', token({ iss: metadata.issuer }), '--issuer', metadata.issuer, '--discover']);
      expect(code).toBe(3);
      expect(stderr).toContain('it names another issuer, "https://evil.example/\\u001b[2J" (RFC 8414 §3.3)\n');
      expect(stderr).not.toContain('\u001b');
    } finally {
      await metadata.close();
    }
  });
});

describe('bad usage of the remote key flags (spawned)', () => {
  it('--discover without --issuer: one line and the usage, exit 2, nothing fetched', async () => {
    const result = await spawnCliAsync(['verify', token(), '--discover']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^express-token-required: --discover needs --issuer ISSUER: the issuer whose metadata names the key set\n\nUsage: express-token-required verify /,
    );
  });

  it('--jwks-uri with another key flag: alternatives, exit 2', async () => {
    const result = await spawnCliAsync(['verify', token(), '--jwks-uri', jwks.url, '--discover', '--issuer', 'https://a.example']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^express-token-required: --jwks-uri and --discover are alternatives; pass one\n\nUsage: /);
    expect(jwks.requests).toHaveLength(0);
  });
});

describe('the README’s key server example', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const shown = /verify "\$TOKEN" --issuer http:\/\/127\.0\.0\.1:3000 --discover\n# (express-token-required: .*)\n/.exec(readme)?.[1];

  it('shows what the command prints when the issuer is down, exit 3', async () => {
    const stopped = `http://127.0.0.1:${String(await freePort())}`;
    const result = await spawnCliAsync(['verify', token({ iss: stopped }), '--issuer', stopped, '--discover']);
    expect(result.code).toBe(3);
    expect(shown).toBeDefined();
    expect(result.stderr.replaceAll(stopped, 'http://127.0.0.1:3000')).toBe(`${shown!}\n`);
  });
});
