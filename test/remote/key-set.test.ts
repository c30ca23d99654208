// The remote key set against a real JWKS server on a loopback port: faults, limits, the
// cooldown, stale keys while the provider is down, and the fetches the server saw.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeySetError } from '../../src/core/keys/key-set-error.js';
import { RemoteKeySet } from '../../src/core/keys/remote-key-set.js';
import { RemoteKeySetConsumer } from '../../src/core/keys/remote-keys.js';
import { resolveJwksOptions } from '../../src/core/keys/remote-options.js';
import type { Algorithm } from '../../src/core/algorithms.js';
import { json, startJwksServer, type Handler, type JwksServer } from '../helpers/jwks-server.js';
import { KEYS, privateJwk, publicJwk } from '../helpers/keys.js';

const EC = publicJwk(KEYS.p256, { kid: 'ec' });
const ED = publicJwk(KEYS.ed25519, { kid: 'ed' });
const RSA = publicJwk(KEYS.rsa, { kid: 'rsa', alg: 'RS256' });

let server: JwksServer;
const START = Date.UTC(2030, 0, 1);
const at = (seconds: number): void => {
  vi.setSystemTime(START + seconds * 1000);
};

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(0);
  server = await startJwksServer([EC, ED]);
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

function remote(options: Record<string, unknown> = {}, algorithms?: readonly Algorithm[]): RemoteKeySetConsumer {
  return new RemoteKeySetConsumer(new RemoteKeySet({ jwksUri: new URL(server.url) }, resolveJwksOptions(options)), algorithms);
}
const kids = (keys: { readonly byKid: ReadonlyMap<string, unknown> }): string[] => [...keys.byKid.keys()];

/** Rejects with a KeySetError of exactly this detail; returns it for more checks. */
async function keySetFailure(promise: Promise<unknown>, detail: string): Promise<KeySetError> {
  const error: unknown = await promise.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeySetError);
  expect((error as KeySetError).message).toBe(`express-token-required: the key set at ${server.url} could not be fetched: ${detail}`);
  return error as KeySetError;
}

describe('fetching', () => {
  it('fetches on first need only, with the Accept header, the extra headers and no redirect', async () => {
    const keys = remote({ headers: { 'X-Api-Key': 'k1' } });
    expect(server.requests).toHaveLength(0);
    const bound = await keys.current();
    expect(kids(bound)).toEqual(['ec', 'ed']);
    expect(bound.keys.map((key) => key.algorithms)).toEqual([['ES256'], ['EdDSA']]);
    expect(bound.keys[0]!.key.equals(KEYS.p256.publicKey)).toBe(true);
    expect(server.requests).toHaveLength(1);
    const [seen] = server.requests;
    expect(seen!.method).toBe('GET');
    expect(seen!.path).toBe('/jwks');
    expect(seen!.headers.accept).toBe('application/jwk-set+json, application/json');
    expect(seen!.headers['x-api-key']).toBe('k1');
  });

  it('calls the fetch option as the global fetch is', async () => {
    const calls: [string, RequestInit][] = [];
    const counting = async (url: string, init: RequestInit): Promise<Response> => {
      calls.push([url, init]);
      return fetch(url, init);
    };
    await remote({ fetch: counting }).current();
    expect(calls).toHaveLength(1);
    const [url, init] = calls[0]!;
    expect(url).toBe(server.url);
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(new Headers(init.headers).get('accept')).toBe('application/jwk-set+json, application/json');
    expect(server.requests).toHaveLength(1);
  });

  it('shares one fetch among concurrent first requests', async () => {
    const keys = remote();
    const results = await Promise.all(Array.from({ length: 50 }, async () => keys.current()));
    expect(new Set(results).size).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('binds per consumer: keys that break the rules are skipped, the others used', async () => {
    server.serve([
      publicJwk(KEYS.rsa1024, { kid: 'small' }),
      { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 'oct' },
      privateJwk(KEYS.p384, { kid: 'private' }),
      publicJwk(KEYS.p521, { kid: 'alg', alg: 'RS256' }),
      publicJwk(KEYS.p256Other, { kid: 'enc', use: 'enc' }),
      publicJwk(KEYS.secp256k1, { kid: 'k1' }),
      { kty: 'RSA', kid: 'broken', n: 'AQAB', e: 'AQAB' },
      'a string',
      null,
      EC,
      { ...EC, kid: 'ec' },
      publicJwk(KEYS.p256Other, { kid: 'ec' }),
      RSA,
      publicJwk(KEYS.ed448),
      publicJwk(KEYS.ed448),
    ]);
    const set = new RemoteKeySet({ jwksUri: new URL(server.url) }, resolveJwksOptions({}));
    const any = await new RemoteKeySetConsumer(set, undefined).current();
    expect(kids(any)).toEqual(['ec', 'rsa']);
    expect(any.keys.map((key) => [key.id, key.algorithms])).toEqual([
      ['ec', ['ES256']],
      ['rsa', ['RS256']],
      [undefined, ['EdDSA']],
    ]);
    expect(any.skipped).toBe(12);
    expect(any.byKid.get('ec')!.key.equals(KEYS.p256.publicKey)).toBe(true);
    const es = await new RemoteKeySetConsumer(set, ['ES256', 'PS256']).current();
    expect(es.keys.map((key) => key.id)).toEqual(['ec']);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a failed first fetch', () => {
  it.each([
    ['a 500', json({ error: 'boom' }, 500), 'it answered HTTP 500, an error'],
    ['a 404', json({}, 404), 'it answered HTTP 404, an error'],
    [
      'a 302 redirect (not followed)',
      (_req, res) => res.writeHead(302, { location: '/other' }).end(),
      'it answered HTTP 302, a redirect, which is not followed',
    ],
    ['a body that is not JSON', (_req, res) => res.end('<html>'), 'its body is not JSON'],
    ['JSON without keys', json({ key: [] }), 'its body is not a JSON Web Key Set ({ "keys": [ … ] })'],
    ['JSON null', json(null), 'its body is not a JSON Web Key Set ({ "keys": [ … ] })'],
    ['keys that are no array', json({ keys: {} }), 'its body is not a JSON Web Key Set ({ "keys": [ … ] })'],
  ] satisfies [string, Handler, string][])(
    '%s is a KeySetError, repeated without a fetch until the cooldown has passed',
    async (_name, handler, detail) => {
      server.respond(handler);
      const keys = remote({ cooldown: 10 });
      const first = await keySetFailure(keys.current(), detail);
      expect([first.name, first.status, first.statusCode, first.expose]).toEqual(['KeySetError', 503, 503, false]);
      at(9.999);
      const again = await keySetFailure(keys.current(), detail);
      expect(again).not.toBe(first);
      expect(again.cause).toBe(first.cause);
      expect(server.requests.map((request) => request.path)).toEqual(['/jwks']);
      server.serve([EC]);
      at(10);
      expect(kids(await keys.current())).toEqual(['ec']);
      expect(server.requests).toHaveLength(2);
    },
  );

  it('a server slower than the timeout is a KeySetError with the abort as its cause', async () => {
    server.respond(() => undefined);
    const started = performance.now();
    const error = await keySetFailure(remote({ timeout: 0.2 }).current(), 'no answer within 200 ms');
    expect(performance.now() - started).toBeLessThan(2000);
    expect((error.cause as Error).name).toBe('TimeoutError');
  });

  it('a body that trickles past the timeout is a KeySetError', async () => {
    server.respond((_req, res) => res.writeHead(200).write('{"keys":['));
    await keySetFailure(remote({ timeout: 0.2 }).current(), 'no complete answer within 200 ms');
  });

  it('a connection cut in the middle of the body is a KeySetError', async () => {
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' }).write('{"keys":[', () => res.destroy());
    });
    await keySetFailure(remote().current(), 'reading its body failed');
  });

  it('an empty body (204) is not JSON', async () => {
    server.respond((_req, res) => res.writeHead(204).end());
    await keySetFailure(remote().current(), 'its body is not JSON');
  });

  it('a server that refuses the connection is a KeySetError with its cause', async () => {
    server.respond((req) => req.socket.destroy());
    const error = await keySetFailure(remote().current(), 'the request failed');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('a 1 MB body is too big, with or without Content-Length; an endless one stops being read', async () => {
    const big = JSON.stringify({ keys: [EC], padding: 'x'.repeat(1024 * 1024) });
    const tooBig = 'its body is larger than jwksOptions.maxBytes (524288 bytes)';
    server.respond((_req, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    await keySetFailure(remote().current(), tooBig);
    server.respond((_req, res) => res.writeHead(200).end(big));
    await keySetFailure(remote().current(), tooBig);
    // Never ends: only a reader that stops at maxBytes fails with "larger", before the timeout.
    server.respond((_req, res) => {
      const more = (): void => {
        if (!res.destroyed) res.write('x'.repeat(65_536), more);
      };
      res.writeHead(200);
      more();
    });
    await keySetFailure(remote({ timeout: 5 }).current(), tooBig);
    expect(server.requests).toHaveLength(3);
  });

  it('a Content-Length past maxBytes fails before any of the body is read', async () => {
    server.respond((_req, res) => res.writeHead(200, { 'content-length': '524289' }).write('{"keys":[]}'));
    await keySetFailure(remote({ timeout: 5 }).current(), 'its body is larger than jwksOptions.maxBytes (524288 bytes)');
  });

  it('a body of exactly maxBytes is read, one byte more is not, declared or streamed', async () => {
    const body = JSON.stringify({ keys: [ED] });
    const exact = { maxBytes: Buffer.byteLength(body) };
    for (const declared of [true, false]) {
      server.respond((_req, res) => res.writeHead(200, declared ? { 'content-length': String(Buffer.byteLength(body)) } : {}).end(body));
      expect(kids(await remote(exact).current())).toEqual(['ed']);
      await keySetFailure(
        remote({ maxBytes: exact.maxBytes - 1 }).current(),
        `its body is larger than jwksOptions.maxBytes (${String(exact.maxBytes - 1)} bytes)`,
      );
    }
  });

  it('more keys than maxKeys is a failure, not a truncated set', async () => {
    const small = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ ...ED, kid: `k${String(i)}` }));
    server.serve(small(101));
    await keySetFailure(remote({ maxKeys: 100 }).current(), 'it has 101 keys, more than jwksOptions.maxKeys (100)');
    server.serve(small(100));
    expect((await remote({ maxKeys: 100 }).current()).keys).toHaveLength(100);
  });
});

describe('the cache and refreshes', () => {
  it('keeps the set for cacheMaxAge, then the first request refreshes it and waits, whatever the cooldown', async () => {
    const keys = remote({ cacheMaxAge: 60, cooldown: '1h' });
    const first = await keys.current();
    server.serve([ED]);
    at(59.999);
    expect(await keys.current()).toBe(first);
    at(60);
    const [a, b] = await Promise.all([keys.current(), keys.current()]);
    expect(a).toBe(b);
    expect(kids(a)).toEqual(['ed']);
    expect(a.version).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('a clock set back neither keeps an old set fresh nor holds a refetch back', async () => {
    at(3600);
    const keys = remote({ cacheMaxAge: 60, cooldown: 30 });
    await keys.current();
    server.serve([ED]);
    at(3599);
    expect(kids(await keys.current())).toEqual(['ed']);
    server.serve([RSA]);
    at(3598);
    expect(kids(await keys.refreshForUnknownKid())).toEqual(['rsa']);
    expect(server.requests).toHaveLength(3);
  });

  it('tells whether a key is still in the current set, refreshing first when it is old', async () => {
    const keys = remote({ cacheMaxAge: 60 });
    const ec = (await keys.current()).byKid.get('ec')!.key;
    const ed = (await keys.current()).byKid.get('ed')!.key;
    expect(await keys.holds(ec)).toBe(true);
    server.serve([ED]);
    at(61);
    expect(await keys.holds(ec)).toBe(false);
    // An unchanged key keeps its KeyObject from one fetch to the next.
    expect(await keys.holds(ed)).toBe(true);
    expect(await keys.holds(KEYS.ed25519.publicKey)).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it('a flood of 10,000 random kids fetches at most once per cooldown', async () => {
    const keys = remote({ cooldown: 30 });
    const miss = async (): Promise<boolean> => {
      const kid = randomUUID();
      const bound = await keys.current();
      return (bound.byKid.get(kid) ?? (await keys.refreshForUnknownKid()).byKid.get(kid)) !== undefined;
    };
    const flood = async (): Promise<boolean[]> => Promise.all(Array.from({ length: 10_000 }, miss));
    expect((await flood()).filter(Boolean)).toEqual([]);
    expect(server.requests).toHaveLength(1);
    at(29.999);
    await flood();
    expect(server.requests).toHaveLength(1);
    at(30);
    await flood();
    expect(server.requests).toHaveLength(2);
    for (let i = 0; i < 1000; i++) await miss();
    expect(server.requests).toHaveLength(2);
  });

  it('an unknown kid in the cooldown still refreshes a set past cacheMaxAge', async () => {
    const keys = remote({ cacheMaxAge: 10, cooldown: 60 });
    await keys.current();
    server.serve([RSA]);
    at(10);
    expect(kids(await keys.refreshForUnknownKid())).toEqual(['rsa']);
    expect(server.requests).toHaveLength(2);
  });

  it('an unknown kid finds a key added since, after the cooldown; concurrent misses share the refetch', async () => {
    const keys = remote({ cooldown: 30 });
    await keys.current();
    server.serve([EC, ED, RSA]);
    expect(kids(await keys.refreshForUnknownKid())).toEqual(['ec', 'ed']);
    at(30);
    const all = await Promise.all(Array.from({ length: 20 }, async () => keys.refreshForUnknownKid()));
    expect(all.map(kids)).toEqual(Array.from({ length: 20 }, () => ['ec', 'ed', 'rsa']));
    expect(server.requests).toHaveLength(2);
  });
});

describe('a provider that goes down after the first fetch', () => {
  it('serves the stale set for staleIfError, retried after each cooldown, then a KeySetError', async () => {
    const keys = remote({ cacheMaxAge: 10, cooldown: 5, staleIfError: 60 });
    const good = await keys.current();
    server.respond((req) => req.socket.destroy());
    at(10);
    expect(await keys.current()).toBe(good);
    expect(server.requests).toHaveLength(2);
    at(14.999);
    expect(await keys.current()).toBe(good);
    expect(await keys.refreshForUnknownKid()).toBe(good);
    expect(server.requests).toHaveLength(2);
    at(15);
    expect(await keys.refreshForUnknownKid()).toBe(good);
    expect(server.requests).toHaveLength(3);
    at(69.999);
    expect(await keys.current()).toBe(good);
    expect(server.requests).toHaveLength(4);
    at(70);
    await keySetFailure(keys.current(), 'the request failed');
    expect(server.requests).toHaveLength(4);
    at(75);
    await keySetFailure(keys.current(), 'the request failed');
    expect(server.requests).toHaveLength(5);
    server.serve([ED]);
    at(80);
    expect(kids(await keys.current())).toEqual(['ed']);
    expect(server.requests).toHaveLength(6);
  });

  it('once it is back, an age-based refresh waits for no cooldown again', async () => {
    server.respond((req) => req.socket.destroy());
    const keys = remote({ cacheMaxAge: 10, cooldown: 60 });
    await keySetFailure(keys.current(), 'the request failed');
    server.serve([EC]);
    at(60);
    expect(kids(await keys.current())).toEqual(['ec']);
    server.serve([ED]);
    at(70);
    expect(kids(await keys.current())).toEqual(['ed']);
    expect(server.requests).toHaveLength(3);
  });
});
