// What verify says when it cannot get the keys (--jwks-uri, --discover): the key server's fault,
// not the token's, so a line of its own and an exit code of its own, never a stack.
import type { KeySetError } from '../core/keys/key-set-error.js';
import { PROGRAM } from './io.js';
import { escapeControls } from './output.js';

const CORE_PREFIX = 'express-token-required: ';

/**
 * "express-token-required: the key set at http://127.0.0.1:8080/jwks could not be fetched: the
 * request failed (ECONNREFUSED)": the core's message, which names the URL, and the system's error
 * code when there is one. Escaped, as a hostile server's metadata may be quoted in it.
 */
export function unavailableLine(error: KeySetError): string {
  const message = error.message.startsWith(CORE_PREFIX) ? error.message.slice(CORE_PREFIX.length) : error.message;
  const code = systemCode(error.cause);
  return escapeControls(`${PROGRAM}: ${message}${code === undefined ? '' : ` (${code})`}`);
}

/** The first `code` such as ECONNREFUSED or ENOTFOUND down the chain of causes (fetch wraps it twice). */
function systemCode(cause: unknown): string | undefined {
  for (let at = cause, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const { code } = at as NodeJS.ErrnoException;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}
