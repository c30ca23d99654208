// verifyToken's memoised options and the verified-token cache (the fast path of issue 4).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lru } from '../src/cache.js';
import { verifyToken } from '../src/index.js';
import { now, OTHER_SECRET, SECRET, validToken } from './helpers/tokens.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('verifyToken', () => {
  it('rejects, never throws, for bad options, a missing token and a bad token', async () => {
    // Called outside any expect: a synchronous throw would fail the test right here.
    const pending = [
      verifyToken(validToken(), null as never),
      verifyToken(validToken(), { secret: SECRET, algorithm: 'HS256' } as never),
      verifyToken('', { secret: SECRET }),
      verifyToken('a.b.c', { secret: SECRET }),
    ];
    await expect(pending[0]).rejects.toThrow(TypeError);
    await expect(pending[1]).rejects.toThrow(/unknown option 'algorithm'/);
    await expect(pending[2]).rejects.toMatchObject({ reason: 'token_missing' });
    await expect(pending[3]).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('resolves an options object again when one of its values is replaced', async () => {
    const options: { secret: string; issuer?: string } = { secret: SECRET };
    await expect(verifyToken(validToken(), options)).resolves.toMatchObject({ sub: '42' });
    options.secret = OTHER_SECRET;
    await expect(verifyToken(validToken(), options)).rejects.toMatchObject({ reason: 'token_invalid' });
    await expect(verifyToken(validToken({}, { secret: OTHER_SECRET }), options)).resolves.toMatchObject({ sub: '42' });
    options.issuer = 'https://issuer.example';
    await expect(verifyToken(validToken({}, { secret: OTHER_SECRET }), options)).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('checks a name added to an options object already used', async () => {
    const options = { secret: SECRET };
    await verifyToken(validToken(), options);
    Object.assign(options, { algorithm: 'HS256' });
    await expect(verifyToken(validToken(), options)).rejects.toThrow(/unknown option 'algorithm'/);
  });

  it('unwraps a failing resolver to its own error', async () => {
    const failure = new Error('key store down');
    const options = {
      secret: () => {
        throw failure;
      },
    };
    await expect(verifyToken(validToken(), options)).rejects.toBe(failure);
  });
});

describe('the verified-token cache', () => {
  it('answers a repeated token with the same frozen payload', async () => {
    const options = { secret: SECRET, cache: true };
    const token = validToken({ roles: ['admin'] });
    const first = await verifyToken(token, options);
    const second = await verifyToken(token, options);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.roles)).toBe(true);
  });

  it('never serves a token past its exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const options = { secret: SECRET, cache: true };
    const token = validToken({ exp: now() + 10 });
    await expect(verifyToken(token, options)).resolves.toMatchObject({ sub: '42' });
    vi.setSystemTime(Date.now() + 10_000);
    await expect(verifyToken(token, options)).rejects.toMatchObject({ reason: 'token_expired' });
  });

  it('does not cache failures', async () => {
    const options = { secret: SECRET, cache: true };
    const token = validToken({}, { secret: OTHER_SECRET });
    await expect(verifyToken(token, options)).rejects.toMatchObject({ reason: 'token_invalid' });
    await expect(verifyToken(token, options)).rejects.toMatchObject({ reason: 'token_invalid' });
  });

  it('caches what a resolver verified', async () => {
    const resolve = vi.fn(() => SECRET);
    const options = { secret: resolve, cache: true };
    const token = validToken();
    await verifyToken(token, options);
    await verifyToken(token, options);
    expect(resolve).toHaveBeenCalledTimes(1);
  });
});

describe('Lru', () => {
  it('evicts the least recently used entry, a read counting as a use', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.size).toBe(2);
  });

  it('keeps the order right when the newest entry is read, deleted or replaced', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('b');
    lru.get('b');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([undefined, 2, 3]);
    lru.delete('c');
    lru.set('d', 4);
    lru.get('b');
    lru.set('e', 5);
    expect([lru.get('b'), lru.get('d'), lru.get('e')]).toEqual([2, undefined, 5]);
    lru.set('e', 6);
    expect(lru.get('e')).toBe(6);
  });
});
