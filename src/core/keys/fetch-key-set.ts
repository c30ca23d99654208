// One bounded fetch of JSON from a key server, with its limits: a timeout, no redirects, a size
// cap read from the stream itself; and on it, a key set (a `keys` array, a cap on their number).
// Nothing from a token is ever part of a URL.
import { keySetError, type KeySetError } from './key-set-error.js';
import type { JwksConfig } from './remote-options.js';

const KEY_SET_ACCEPT = 'application/jwk-set+json, application/json';

/** Builds the KeySetError of one fetch from what went wrong. */
export type Failure = (detail: string, cause?: unknown) => KeySetError;

/** The failure of a fetch of `what` (`the key set at <url>`). */
export const failureOf =
  (what: string): Failure =>
  (detail, cause) =>
    keySetError(what, detail, cause);

/**
 * The JSON body at `url`, or a KeySetError saying why not. With `notFound`, a 404 resolves to
 * `undefined` instead (discovery then tries its other well-known path).
 */
export async function fetchJson(url: URL, options: JwksConfig, accept: string, fail: Failure, notFound = false): Promise<unknown> {
  // The configured headers first, then ours: the Accept header is the contract's.
  const headers = new Headers(options.headers);
  headers.set('accept', accept);
  const signal = AbortSignal.timeout(options.timeout);
  let response: Response;
  try {
    response = await options.fetch(url.href, { headers, redirect: 'manual', signal });
  } catch (error) {
    throw signal.aborted ? fail(`no answer within ${String(options.timeout)} ms`, error) : fail('the request failed', error);
  }
  if (response.status < 200 || response.status > 299) {
    await discard(response.body);
    if (notFound && response.status === 404) return undefined;
    const what = response.status >= 300 && response.status < 400 ? 'a redirect, which is not followed' : 'an error';
    throw fail(`it answered HTTP ${String(response.status)}, ${what}`);
  }
  const body = await readBody(response, options, signal, fail);
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw fail('its body is not JSON', error);
  }
}

/** The raw keys of the set at `url` (not yet bound), or a KeySetError saying why not. */
export async function fetchKeySet(url: URL, options: JwksConfig, fail: Failure): Promise<readonly unknown[]> {
  const json = await fetchJson(url, options, KEY_SET_ACCEPT, fail);
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (typeof json !== 'object' || json === null || !Array.isArray(keys))
    throw fail('its body is not a JSON Web Key Set ({ "keys": [ … ] })');
  if (keys.length > options.maxKeys)
    throw fail(`it has ${String(keys.length)} keys, more than jwksOptions.maxKeys (${String(options.maxKeys)})`);
  return Object.freeze(keys as unknown[]);
}

/** The body as text, read chunk by chunk and stopped as soon as it passes `maxBytes`. */
async function readBody(response: Response, { maxBytes, timeout }: JwksConfig, signal: AbortSignal, fail: Failure): Promise<string> {
  const tooBig = (): KeySetError => fail(`its body is larger than jwksOptions.maxBytes (${String(maxBytes)} bytes)`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await discard(response.body);
    throw tooBig();
  }
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await discard(reader);
        throw tooBig();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'KeySetError') throw error;
    throw signal.aborted ? fail(`no complete answer within ${String(timeout)} ms`, error) : fail('reading its body failed', error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Stops a body being read: the connection is not kept busy with what will never be used. */
async function discard(body: { cancel(): Promise<void> } | null): Promise<void> {
  try {
    await body?.cancel();
  } catch {
    // Already closed or errored: nothing left to stop.
  }
}
