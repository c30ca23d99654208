// The remote key options, `jwksUri` and `discover`, resolved once: which shared key set each
// token is verified with, picked by its unverified `iss` when `issuer` is configured, so a key
// published by one issuer never verifies a token that says it comes from another.
import { ALGORITHMS, PUBLIC_KEY_ALGORITHMS, type Algorithm } from '../algorithms.js';
import { configError, optionalStrings } from '../options/validate.js';
import type { RemoteKeys } from './keys.js';
import { sharedKeySet } from './remote-key-set.js';
import { RemoteKeySetConsumer } from './remote-keys.js';
import { checkIssuerUrl, checkKeySetUrl, resolveJwksOptions } from './remote-options.js';

export function resolveRemoteKeys(
  record: Readonly<Record<string, unknown>>,
  option: 'jwksUri' | 'discover',
  configured: readonly Algorithm[] | undefined,
): RemoteKeys {
  const hmac = configured?.find((alg) => ALGORITHMS[alg].family === 'HMAC');
  if (hmac !== undefined) {
    throw configError(
      `algorithm '${hmac}' in 'algorithms' cannot be verified with option '${option}': a remote key set holds public keys only`,
    );
  }
  // Which keys a token may claim before the set is fetched; each key is then bound to its own.
  const algorithms = configured ?? PUBLIC_KEY_ALGORITHMS;
  const options = resolveJwksOptions(record.jwksOptions);
  const given = optionalStrings(record, 'issuer');
  const issuers = typeof given === 'string' ? [given] : given;
  const consumer = (source: Parameters<typeof sharedKeySet>[0]): RemoteKeySetConsumer =>
    new RemoteKeySetConsumer(sharedKeySet(source, options), configured);

  if (option === 'jwksUri') {
    const set = consumer({ jwksUri: checkKeySetUrl(record.jwksUri, 'jwksUri') });
    const accepted = issuers && new Set(issuers);
    return { kind: 'remote', algorithms, setFor: accepted ? (iss) => (accepted.has(iss as string) ? set : undefined) : () => set };
  }
  if (record.discover !== true) throw configError(`option 'discover' must be true or false (got ${typeof record.discover})`);
  if (issuers === undefined) {
    throw configError(`option 'discover' needs option 'issuer': the issuer (or issuers) whose metadata names the key set`);
  }
  const byIssuer = new Map<unknown, RemoteKeySetConsumer>();
  for (const [i, issuer] of issuers.entries()) {
    checkIssuerUrl(issuer, issuers === given ? `issuer[${String(i)}]` : 'issuer');
    if (!byIssuer.has(issuer)) byIssuer.set(issuer, consumer({ issuer }));
  }
  return { kind: 'remote', algorithms, setFor: (iss) => byIssuer.get(iss) };
}
