// DPoP in verifyToken (a third argument: the proof, the method and the request target), and the
// in-process replay store's bound.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryReplayStore } from '../../src/core/dpop/replay.js';
import { TokenError, verifyToken, type VerifyOptions } from '../../src/index.js';
import { makeDpopKey, makeProof } from '../helpers/dpop.js';
import { SECRET, validToken } from '../helpers/tokens.js';

const ORIGIN = 'https://api.example.com';
const NOW = 1_900_000_000;
const key = await makeDpopKey('EdDSA');
const bound = (): string => validToken({ cnf: { jkt: key.jkt } });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The reason a verifyToken call was refused with, or 'passed'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'passed',
    (error: unknown) => (error instanceof TokenError ? error.reason : String(error)),
  );
}

describe('verifyToken with dpop', () => {
  const options: VerifyOptions = { secret: SECRET, dpop: { origin: ORIGIN } };

  it('checks the proof against the method and the request target, as the middleware does', async () => {
    const token = bound();
    const proof = await makeProof({ key, htm: 'POST', htu: `${ORIGIN}/items`, token });
    expect(await verifyToken(token, options, { proof, method: 'POST', url: '/items?draft=1' })).toMatchObject({ cnf: { jkt: key.jkt } });
    expect(await outcome(verifyToken(token, options, { proof, method: 'POST', url: '/items' }))).toBe('dpop_replayed');
    const other = await makeProof({ key, htm: 'POST', htu: `${ORIGIN}/items`, token });
    expect(await outcome(verifyToken(token, options, { proof: other, method: 'PUT', url: '/items' }))).toBe('dpop_invalid');
    expect(await outcome(verifyToken(token, options, { proof: [other, other], method: 'POST', url: '/items' }))).toBe('dpop_invalid');
  });

  it('without a proof checks the token as a Bearer one: a bound token is refused, an unbound one passes', async () => {
    expect(await outcome(verifyToken(bound(), options))).toBe('token_invalid');
    expect(await outcome(verifyToken(bound(), options, { proof: undefined, method: 'GET', url: '/' }))).toBe('token_invalid');
    expect(await outcome(verifyToken(validToken(), options))).toBe('passed');
    expect(await outcome(verifyToken('', options))).toBe('token_missing');
  });

  it('refuses a DPoP request given to options without dpop, rather than ignore its proof', async () => {
    await expect(verifyToken(bound(), { secret: SECRET }, { proof: 'p', method: 'GET', url: '/' })).rejects.toThrow(
      new TypeError("express-token-required: verifyToken() was given a DPoP request (a third argument) but its options have no 'dpop'"),
    );
  });

  it('with dpop.required refuses every call without a proof as a bad proof', async () => {
    const required: VerifyOptions = { secret: SECRET, dpop: { origin: ORIGIN, required: true } };
    expect(await outcome(verifyToken(validToken(), required))).toBe('dpop_invalid');
    expect(await outcome(verifyToken(undefined, required))).toBe('dpop_invalid');
  });

  it('rejects with the store’s own error when the replay store fails', async () => {
    const failing: VerifyOptions = { secret: SECRET, dpop: { origin: ORIGIN, replay: { claim: () => Promise.reject(new Error('down')) } } };
    const token = bound();
    const proof = await makeProof({ key, htm: 'GET', htu: `${ORIGIN}/`, token });
    await expect(verifyToken(token, failing, { proof, method: 'GET', url: '/' })).rejects.toThrow(new Error('down'));
  });
});

describe('the in-process replay store', () => {
  it('claims a jti once until it expires, then again', () => {
    const store = new MemoryReplayStore(10);
    expect([store.claim('a', NOW + 10), store.claim('a', NOW + 10), store.claim('b', NOW + 10)]).toEqual([true, false, true]);
    // Held up to its expiry itself, as the proof is accepted up to that very moment.
    vi.setSystemTime((NOW + 10) * 1000);
    expect(store.claim('a', NOW + 20)).toBe(false);
    vi.setSystemTime((NOW + 10) * 1000 + 1);
    expect(store.claim('a', NOW + 20)).toBe(true);
  });

  it('when full of unexpired proofs, refuses to decide rather than forget one; expired ones make room', () => {
    const store = new MemoryReplayStore(3);
    for (const jti of ['a', 'b', 'c']) expect(store.claim(jti, NOW + (jti === 'a' ? 5 : 60))).toBe(true);
    expect(() => store.claim('d', NOW + 60)).toThrow(
      new Error(
        'express-token-required: the in-process DPoP replay store holds 3 unexpired proofs and cannot take more; use a shared store such as RedisReplayStore',
      ),
    );
    expect(store.claim('b', NOW + 60)).toBe(false);
    vi.setSystemTime((NOW + 5) * 1000 + 1);
    expect(store.claim('d', NOW + 60)).toBe(true);
    expect(store.claim('c', NOW + 60)).toBe(false);
    // 'a' has expired, so claiming it is new again: and the store is full.
    expect(() => store.claim('a', NOW + 60)).toThrow(/holds 3 unexpired proofs/);
  });

  it('when full, sweeps out whatever has expired, wherever it sits, and not before the earliest expiry', () => {
    const store = new MemoryReplayStore(3);
    expect([store.claim('a', NOW + 60), store.claim('b', NOW + 5), store.claim('c', NOW + 60)]).toEqual([true, true, true]);
    // 'b', in the middle, is still held at its expiry itself: nothing to sweep yet.
    vi.setSystemTime((NOW + 5) * 1000);
    expect(() => store.claim('d', NOW + 65)).toThrow(/holds 3 unexpired proofs/);
    vi.setSystemTime((NOW + 5) * 1000 + 1);
    expect(store.claim('d', NOW + 65)).toBe(true);
    expect([store.claim('a', NOW + 60), store.claim('c', NOW + 60), store.claim('d', NOW + 65)]).toEqual([false, false, false]);
    // The next sweep waits for the earliest expiry left (NOW + 60), then frees 'a' and 'c'.
    vi.setSystemTime((NOW + 60) * 1000 + 1);
    expect([store.claim('e', NOW + 120), store.claim('f', NOW + 120)]).toEqual([true, true]);
    expect(() => store.claim('g', NOW + 120)).toThrow(/holds 3 unexpired proofs/);
  });

  it('holds 100,000 proofs by default', () => {
    const store = new MemoryReplayStore();
    for (let i = 0; i < 100_000; i++) store.claim(String(i), NOW + 60);
    expect(() => store.claim('one more', NOW + 60)).toThrow(/holds 100000 unexpired proofs/);
  });
});

describe('the proof window and the replay window', () => {
  it('accept a proof up to iat + proofMaxAge + clockTolerance exactly, and keep its jti until then, never a fraction of a second longer', async () => {
    const options: VerifyOptions = { secret: SECRET, dpop: { origin: ORIGIN, proofMaxAge: 1, clockTolerance: 0 } };
    const token = bound();
    const proof = await makeProof({ key, htm: 'GET', htu: `${ORIGIN}/`, token, claims: { iat: NOW } });
    const call = () => outcome(verifyToken(token, options, { proof, method: 'GET', url: '/' }));
    vi.setSystemTime(NOW * 1000 + 400);
    expect(await call()).toBe('passed');
    for (const ms of [900, 999, 1000]) {
      vi.setSystemTime(NOW * 1000 + ms);
      expect([ms, await call()]).toEqual([ms, 'dpop_replayed']);
    }
    vi.setSystemTime(NOW * 1000 + 1001);
    expect(await call()).toBe('dpop_invalid');
  });
});
