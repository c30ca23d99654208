// How an app's hook can fail, and what the error handler must then see: one table for every
// hook (isRevoked, loadUser, resolvers, getToken) and every guard predicate.
import { expect } from 'vitest';
import { TokenError } from '../../src/index.js';

export const boom = new Error('database down');

/** A value that is not an Error reaches the error handler wrapped, with the value as `cause`. */
const wrapped = (cause: unknown) => (error: unknown) => {
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ message: 'express-token-required: a hook failed with a value that is not an Error', cause });
};

export const FAILURES: [string, () => unknown, (error: unknown) => void][] = [
  [
    'throws',
    () => {
      throw boom;
    },
    (error) => {
      expect(error).toBe(boom);
    },
  ],
  [
    'rejects',
    () => Promise.reject(boom),
    (error) => {
      expect(error).toBe(boom);
    },
  ],
  ['rejects with undefined', () => Promise.reject(undefined), wrapped(undefined)],
  ['rejects with null', () => Promise.reject(null), wrapped(null)],
  [
    'throws the string "route"',
    () => {
      throw 'route';
    },
    wrapped('route'),
  ],
  [
    'throws a TokenError of its own',
    () => {
      throw new TokenError('user_not_found');
    },
    (error) => {
      expect(error).toBeInstanceOf(TokenError);
    },
  ],
];
