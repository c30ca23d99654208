// `jwksOptions` and `jwksUri` checked at start-up, and one key set per URL and equal options.
import { describe, expect, it } from 'vitest';
import { sharedKeySet } from '../src/core/keys/remote-key-set.js';
import { checkKeySetUrl, resolveJwksOptions } from '../src/core/keys/remote-options.js';

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
    expect(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({}))).toBe(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ fetch })));
    expect(sharedKeySet({ jwksUri: new URL(`${url}?v=2`) }, resolveJwksOptions({}))).not.toBe(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({})));
  });

  it('tells fetch functions apart', () => {
    const mine = async (input: string, init: RequestInit): Promise<Response> => fetch(input, init);
    const options = resolveJwksOptions({ fetch: mine });
    expect(sharedKeySet({ jwksUri: new URL(url) }, options)).toBe(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({ fetch: mine })));
    expect(sharedKeySet({ jwksUri: new URL(url) }, options)).not.toBe(sharedKeySet({ jwksUri: new URL(url) }, resolveJwksOptions({})));
    expect(sharedKeySet({ jwksUri: new URL(url) }, options).fetches).toBe(0);
  });
});
