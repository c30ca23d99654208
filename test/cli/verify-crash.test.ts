// A failure of the core on what a token holds (a stack overflow) is one line and exit 1, never a trace.
import { describe, expect, it, vi } from 'vitest';
import { SECRET, validToken } from '../helpers/tokens.js';
import { call } from './helpers.js';

vi.mock('../../src/verify-token.js', () => ({
  verifyToken: () => Promise.reject(new RangeError('Maximum call stack size exceeded')),
}));

describe('verify when the core overflows its stack', () => {
  it('refuses with one line on stderr, exit 1', async () => {
    expect(await call(['verify', validToken(), '--secret', SECRET])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'express-token-required: the token could not be verified (Maximum call stack size exceeded)\n',
    });
  });
});
