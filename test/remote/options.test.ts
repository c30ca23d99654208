// `jwksOptions` and `jwksUri` checked at start-up, and one key set per URL and equal options.
import { describe, expect, it } from 'vitest';
import { sharedKeySet } from '../../src/core/keys/remote-key-set.js';
import { checkKeySetUrl, resolveJwksOptions } from '../../src/core/keys/remote-options.js';
import { tokenRequired, verifyToken } from '../../src/index.js';
import { SECRET, validToken } from '../helpers/tokens.js';

describe('resolveJwksOptions', () => {
  it('applies the defaults, in milliseconds, frozen', () => {
    const options = resolveJwksOptions(undefined);
    expect({ ...options, id: undefined }).toEqual({
      cacheMaxAge: 600_000,
      cooldown: 30_000,
      timeout: 5000,
      staleIfError: 3_600_000,
      maxKeys: 100,
      maxBytes: 524_288,
      fetch: globalThis.fetch,
      headers: {},
      id: undefined,
    });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.headers)).toBe(true);
    expect(resolveJwksOptions({ cacheMaxAge: undefined }).id).toBe(options.id);
  });

  it.each([
    [{ cooldown: 30 }, 'cooldown', 30_000],
    [{ cooldown: '30s' }, 'cooldown', 30_000],
    [{ timeout: 0.5 }, 'timeout', 500],
    [{ timeout: '1.5 s' }, 'timeout', 1500],
    [{ cacheMaxAge: '2h' }, 'cacheMaxAge', 7_200_000],
    [{ staleIfError: 0 }, 'staleIfError', 0],
    [{ maxKeys: 1 }, 'maxKeys', 1],
    [{ maxBytes: 1024 }, 'maxBytes', 1024],
    [{ headers: { 'X-Api-Key': 'k', Other: undefined } }, 'headers', { 'x-api-key': 'k' }],
  ])('%j gives %s %j', (given, name, expected) => {
    expect(resolveJwksOptions(given)[name as keyof ReturnType<typeof resolveJwksOptions>]).toEqual(expected);
  });

  it.each([
    ['a string', 'option \'jwksOptions\' must be an object (got "10m")', '10m'],
    ['a misspelt name', "unknown option 'cacheMaxage' for option 'jwksOptions'; did you mean 'cacheMaxAge'?", { cacheMaxage: 1 }],
    ['an unknown name', "unknown option 'retries' for option 'jwksOptions'", { retries: 3 }],
    ['a zero cooldown', "option 'jwksOptions.cooldown' must be more than 0 seconds", { cooldown: 0 }],
    ['a zero cacheMaxAge', "option 'jwksOptions.cacheMaxAge' must be more than 0 seconds", { cacheMaxAge: '0s' }],
    [
      'a bare numeric string',
      "option 'jwksOptions.timeout' must be a number of seconds or a string with a unit such as '30m', '1h' or '7d' (got \"5\")",
      { timeout: '5' },
    ],
    [
      'a negative staleIfError',
      "option 'jwksOptions.staleIfError' must be a number of seconds or a string with a unit such as '30m', '1h' or '7d' (got -1)",
      { staleIfError: -1 },
    ],
    ['maxKeys 0', "option 'jwksOptions.maxKeys' must be an integer of at least 1 (got 0)", { maxKeys: 0 }],
    ['maxKeys 1.5', "option 'jwksOptions.maxKeys' must be an integer of at least 1 (got 1.5)", { maxKeys: 1.5 }],
    ['maxBytes as text', 'option \'jwksOptions.maxBytes\' must be an integer of at least 1 (got "512kb")', { maxBytes: '512kb' }],
    ['fetch not a function', 'option \'jwksOptions.fetch\' must be a function (got "fetch")', { fetch: 'fetch' }],
    [
      'headers not an object',
      "option 'jwksOptions.headers' must be an object of header names to string values (got an array)",
      { headers: [] },
    ],
    [
      'a header that is no string',
      "option 'jwksOptions.headers' must be an object of header names to string values (header 'x-n' is 1)",
      { headers: { 'x-n': 1 } },
    ],
    [
      'a header name HTTP refuses',
      "option 'jwksOptions.headers' has a header that is not valid in HTTP: 'bad name'",
      { headers: { 'bad name': 'x' } },
    ],
  ])('refuses %s', (_name, message, given) => {
    expect(() => resolveJwksOptions(given)).toThrow(new TypeError(`express-token-required: ${message}`));
  });
});

describe('checkKeySetUrl', () => {
  it.each([
    'https://example.com/.well-known/jwks.json',
    'http://localhost:3000/jwks',
    'http://127.0.0.1/jwks',
    'http://127.5.6.7/jwks',
    'http://127.10.200.255/jwks',
    'http://[::1]:8080/jwks',
    'http://127.1/jwks',
    'http://2130706433/jwks',
    'HTTP://LOCALHOST/jwks',
  ])('accepts %s', (url) => {
    expect(checkKeySetUrl(url, 'jwksUri').href).toBe(new URL(url).href);
  });

  it('accepts a URL object, and returns a copy', () => {
    const url = new URL('https://example.com/jwks');
    const checked = checkKeySetUrl(url, 'jwksUri');
    expect(checked).not.toBe(url);
    expect(checked.href).toBe(url.href);
  });

  const https = 'must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got';
  it.each([
    ['http://0.0.0.0/jwks', `${https} http://0.0.0.0`],
    ['http://example.com/jwks', `${https} http://example.com`],
    ['http://localhost.example.com/jwks', `${https} http://localhost.example.com`],
    ['http://128.0.0.1/jwks', `${https} http://128.0.0.1`],
    ['http://127.example.com/jwks', `${https} http://127.example.com`],
    ['http://x127.0.0.1.example/jwks', `${https} http://x127.0.0.1.example`],
    ['http://127.0.0.1.example/jwks', `${https} http://127.0.0.1.example`],
    ['https://user@example.com/jwks', 'must not hold a user name or password; use jwksOptions.headers'],
    ['https://:secret@example.com/jwks', 'must not hold a user name or password; use jwksOptions.headers'],
    ['http://[::ffff:127.0.0.1]/jwks', `${https} http://[::ffff:7f00:1]`],
    ['ftp://localhost/jwks', `${https} ftp://localhost`],
    ['file:///etc/jwks.json', `${https} file://`],
    ['https://user:pass@example.com/jwks', 'must not hold a user name or password; use jwksOptions.headers'],
    ['/jwks', 'is not a valid URL (got "/jwks")'],
    [42, 'must be a URL string or a URL (got 42)'],
  ])('refuses %s', (url, message) => {
    expect(() => checkKeySetUrl(url, 'jwksUri')).toThrow(new TypeError(`express-token-required: option 'jwksUri' ${message}`));
  });
});

describe('sharedKeySet', () => {
  const url = 'https://example.com/jwks';
  it('is one instance per URL and equal options', () => {
    const a = sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ cooldown: 30, headers: { a: '1', b: '2' } }));
    expect(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ cooldown: '30s', headers: { B: '2', A: '1' } }))).toBe(a);
    expect(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ cooldown: '31s', headers: { a: '1', b: '2' } }))).not.toBe(a);
    expect(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ cooldown: 30 }))).not.toBe(a);
    expect(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({}))).toBe(
      sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ fetch })),
    );
    expect(sharedKeySet({ jwksUri: new URL(`${url}?v=2`) }, resolveJwksOptions({}))).not.toBe(
      sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({})),
    );
  });

  it('tells fetch functions apart', () => {
    const mine = async (input: string, init: RequestInit): Promise<Response> => fetch(input, init);
    const options = resolveJwksOptions({ fetch: mine });
    expect(sharedKeySet({ jwksUri: new URL(url) }, options)).toBe(
      sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ fetch: mine })),
    );
    expect(sharedKeySet({ jwksUri: new URL(url) }, options)).not.toBe(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({})));
  });
});

describe('the remote key options at start-up', () => {
  const jwksUri = 'https://idp.example/jwks';
  it.each<[string, Record<string, unknown>, string]>([
    ['jwksUri beside secret', { jwksUri, secret: 'x'.repeat(32) }, "options 'secret' and 'jwksUri' are alternatives; pass one of them"],
    [
      'jwksUri beside discover',
      { jwksUri, discover: true, issuer: 'https://idp.example' },
      "options 'jwksUri' and 'discover' are alternatives; pass one of them",
    ],
    [
      'discover beside jwks',
      { discover: true, issuer: 'https://idp.example', jwks: { keys: [] } },
      "options 'jwks' and 'discover' are alternatives; pass one of them",
    ],
    [
      'an http: jwksUri to another host',
      { jwksUri: 'http://idp.example/jwks' },
      "option 'jwksUri' must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://idp.example",
    ],
    [
      'an http: jwksUri to 0.0.0.0',
      { jwksUri: 'http://0.0.0.0:3000/jwks' },
      "option 'jwksUri' must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://0.0.0.0:3000",
    ],
    [
      'discover without issuer',
      { discover: true },
      "option 'discover' needs option 'issuer': the issuer (or issuers) whose metadata names the key set",
    ],
    [
      'discover that is not a boolean',
      { discover: 'yes', issuer: 'https://idp.example' },
      "option 'discover' must be true or false (got string)",
    ],
    ['an issuer that is no URL', { discover: true, issuer: 'idp.example' }, 'option \'issuer\' is not a valid URL (got "idp.example")'],
    [
      'an http: issuer to another host',
      { discover: true, issuer: ['https://a.example', 'http://b.example'] },
      "option 'issuer[1]' must be an https: URL (http: only to localhost, 127.0.0.0/8 or [::1]), got http://b.example",
    ],
    [
      'an issuer with a query',
      { discover: true, issuer: 'https://idp.example/?tenant=a' },
      'option \'issuer\' must be an issuer URL without a query or a fragment (got "https://idp.example/?tenant=a")',
    ],
    [
      'an issuer with an empty query',
      { discover: true, issuer: 'https://idp.example/?' },
      'option \'issuer\' must be an issuer URL without a query or a fragment (got "https://idp.example/?")',
    ],
    [
      'an issuer with an empty fragment',
      { discover: true, issuer: 'https://idp.example/#' },
      'option \'issuer\' must be an issuer URL without a query or a fragment (got "https://idp.example/#")',
    ],
    [
      'an issuer with a fragment',
      { discover: true, issuer: 'https://idp.example/#a' },
      'option \'issuer\' must be an issuer URL without a query or a fragment (got "https://idp.example/#a")',
    ],
    [
      'jwksOptions without a remote key set',
      { secret: 'x'.repeat(32), jwksOptions: { cooldown: 1 } },
      "option 'jwksOptions' applies to a remote key set only: pass 'jwksUri' or 'discover' with it",
    ],
    [
      'a misspelt jwksOptions name',
      { jwksUri, jwksOptions: { coolDown: 1 } },
      "unknown option 'coolDown' for option 'jwksOptions'; did you mean 'cooldown'?",
    ],
    [
      'an HMAC algorithm',
      { jwksUri, algorithms: ['RS256', 'HS256'] },
      "algorithm 'HS256' in 'algorithms' cannot be verified with option 'jwksUri': a remote key set holds public keys only",
    ],
    ['a misspelt jwksUri', { jwksUrl: jwksUri }, "unknown option 'jwksUrl' for tokenRequired(); did you mean 'jwksUri'?"],
  ])('%s is a TypeError', (_name, options, message) => {
    const error = new TypeError(`express-token-required: ${message}`);
    expect(() => tokenRequired(options as never)).toThrow(error);
  });

  it('verifyToken says the same, as a rejection', async () => {
    await expect(verifyToken('a.b.c', { discover: true } as never)).rejects.toThrow(
      new TypeError(
        "express-token-required: option 'discover' needs option 'issuer': the issuer (or issuers) whose metadata names the key set",
      ),
    );
  });

  it('discover: false is no key option, so another may be given beside it', async () => {
    const options = { secret: SECRET, discover: false } as never;
    expect(await verifyToken(validToken(), options)).toMatchObject({ sub: '42' });
  });

  it('fetches nothing at start-up', () => {
    let calls = 0;
    const fetch = (): Promise<Response> => {
      calls++;
      return Promise.reject(new Error('no'));
    };
    tokenRequired({ jwksUri, jwksOptions: { fetch } });
    tokenRequired({ discover: true, issuer: ['https://a.example', 'https://b.example'], jwksOptions: { fetch } });
    expect(calls).toBe(0);
  });
});
