// OpenID discovery of an issuer's key set: its metadata names the `jwks_uri`. The metadata is
// trusted only when it names the issuer we asked about (RFC 8414 §3.3), and its `jwks_uri`
// only when it follows the rules a configured `jwksUri` does: a provider's metadata must not be
// able to send us to fetch from anywhere.
import { fetchJson, failureOf } from './fetch-key-set.js';
import { describeValue } from '../options/validate.js';
import { checkKeySetUrl, type JwksConfig } from './remote-options.js';

/** `{issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4), one trailing `/` dropped. */
export function openIdConfigurationUrl(issuer: string): URL {
  return new URL(`${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`);
}

/** RFC 8414 §3.1: the well-known segment inserted between the host and the issuer's path. */
export function authorizationServerMetadataUrl(issuer: string): URL {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return new URL(`${url.origin}/.well-known/oauth-authorization-server${path}`);
}

/**
 * The `jwks_uri` of `issuer`, from its OpenID configuration, or (only when that answers 404)
 * its RFC 8414 metadata; a KeySetError when neither gives one we may use.
 */
export async function discoverJwksUri(issuer: string, options: JwksConfig): Promise<URL> {
  const fail = (url: URL) => failureOf(`the metadata of issuer ${issuer} at ${url.href}`);
  let url = openIdConfigurationUrl(issuer);
  let metadata = await fetchJson(url, options, 'application/json', fail(url), true);
  if (metadata === undefined) {
    url = authorizationServerMetadataUrl(issuer);
    metadata = await fetchJson(url, options, 'application/json', fail(url));
  }
  const { issuer: named, jwks_uri: jwksUri } = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Record<
    string,
    unknown
  >;
  if (named !== issuer) {
    throw fail(url)(named === undefined ? 'it names no issuer' : `it names another issuer, ${describeValue(named)} (RFC 8414 §3.3)`);
  }
  if (jwksUri === undefined) throw fail(url)('it has no jwks_uri');
  try {
    return checkKeySetUrl(jwksUri, 'jwks_uri');
  } catch (error) {
    // The rule it breaks, as a configured jwksUri would be told (never the credentials it may hold).
    throw fail(url)(`its jwks_uri ${(error as Error).message.replace("express-token-required: option 'jwks_uri' ", '')}`);
  }
}
