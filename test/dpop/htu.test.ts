// The htu comparison of DPoP proofs (RFC 9449 §4.3 check 9, RFC 3986 §6.2.2–6.2.3), and the
// server nonces' windows, as functions: every normalisation is a row.
import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseUri, requestUri, resolveOrigins } from '../../src/core/dpop/htu.js';
import { NonceIssuer } from '../../src/core/dpop/nonce.js';

describe('normaliseUri', () => {
  it.each([
    ['https://api.example.com/items', 'https://api.example.com/items'],
    ['HTTPS://API.Example.COM/items', 'https://api.example.com/items'],
    ['https://api.example.com:443/items', 'https://api.example.com/items'],
    ['http://api.example.com:80/items', 'http://api.example.com/items'],
    ['https://api.example.com:8443/items', 'https://api.example.com:8443/items'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/a/%2E%2E/c', 'https://api.example.com/c'],
    ['https://api.example.com/%7Euser/%41', 'https://api.example.com/~user/A'],
    ['https://api.example.com/a%2fb', 'https://api.example.com/a%2Fb'],
    ['https://api.example.com/a%2Fb', 'https://api.example.com/a%2Fb'],
    ['https://api.example.com/caf%c3%a9', 'https://api.example.com/caf%C3%A9'],
    ['https://api.example.com/café', 'https://api.example.com/caf%C3%A9'],
    ['https://api.example.com/items?page=2#top', 'https://api.example.com/items'],
  ])('%s is %s', (uri, normalised) => {
    expect(normaliseUri(uri)).toBe(normalised);
  });

  it.each([
    '/items',
    'ftp://api.example.com/items',
    'https://user@api.example.com/',
    'https://u:p@api.example.com/',
    'not a uri',
    'https://%zz',
  ])('%s is no htu', (uri) => {
    expect(normaliseUri(uri)).toBeUndefined();
  });
});

describe('requestUri', () => {
  it.each([
    ['/items', 'https://api.example.com/items'],
    ['/items?page=2', 'https://api.example.com/items'],
    ['/items#x', 'https://api.example.com/items'],
    ['/a%2fb?x=%2f', 'https://api.example.com/a%2Fb'],
    ['/', 'https://api.example.com/'],
  ])('%s on https://api.example.com is %s', (target, uri) => {
    expect(requestUri('https://api.example.com', target)).toBe(uri);
  });

  it.each(['http://evil.example/items', '//evil.example/items', 'items', ''])('%j names no resource here', (target) => {
    expect(requestUri('https://api.example.com', target)).toBeUndefined();
  });
});

describe('resolveOrigins', () => {
  it('keeps each origin as URL.origin writes it', () => {
    expect(resolveOrigins(['HTTPS://API.example.com/', 'http://127.0.0.1:8080', 'https://a.example:443'])).toEqual([
      'https://api.example.com',
      'http://127.0.0.1:8080',
      'https://a.example',
    ]);
  });

  it.each([
    42,
    'https://a.example//',
    'https://a.example/x',
    'https://a.example/?',
    'https://a.example#',
    'mailto:a@b.example',
    'https://u@a.example',
  ])('refuses %j', (origin) => {
    expect(() => resolveOrigins(origin)).toThrow(TypeError);
  });
});

describe('NonceIssuer', () => {
  const key = createSecretKey(Buffer.from('n'.repeat(32)));
  const nonceAt = (seconds: number): string => new NonceIssuer(key, 60).current(seconds);

  it('accepts the current and the previous window, whatever windows were skipped', () => {
    const issuer = new NonceIssuer(key, 60);
    expect(issuer.current(600)).toBe(nonceAt(600));
    // Two windows later: the previous one is the window just before, not the last one seen.
    expect(issuer.check(nonceAt(720 - 60), 720)).toBe('previous');
    expect(issuer.check(nonceAt(600), 720)).toBe('wrong');
    expect(issuer.check(nonceAt(720), 720)).toBe('current');
    // The next window: the previous is the one just seen.
    expect(issuer.check(nonceAt(720), 780)).toBe('previous');
    // A clock set back computes its windows again.
    expect(issuer.check(nonceAt(600), 600)).toBe('current');
    expect(issuer.check(nonceAt(540), 600)).toBe('previous');
  });

  it('refuses no nonce, an empty one and a number', () => {
    const issuer = new NonceIssuer(key, 60);
    for (const nonce of [undefined, '', 0, null]) expect(issuer.check(nonce, 600)).toBe('wrong');
  });
});
