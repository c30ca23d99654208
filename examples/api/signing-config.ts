// How the API signs its tokens, from the environment: TOKEN_ALG, SIGNING_KEY_FILE, PUBLIC_URL.
import { resolve } from 'node:path';

/** The public-key algorithms the example signs with: one per key type it can generate. */
export const PUBLIC_KEY_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
export type PublicKeyAlgorithm = (typeof PUBLIC_KEY_ALGORITHMS)[number];

/** The values TOKEN_ALG may take; HS256 (a shared secret, SECRET_KEY) is the default. */
export const TOKEN_ALGORITHMS = ['HS256', ...PUBLIC_KEY_ALGORITHMS] as const;

export type SigningConfig =
  | { readonly algorithm: 'HS256' }
  | {
      readonly algorithm: PublicKeyAlgorithm;
      /** SIGNING_KEY_FILE, resolved: a PKCS#8 PEM private key; unset, one is generated in the data folder. */
      readonly keyFile?: string;
      /** PUBLIC_URL, as given: the tokens' `iss`; unset, `http://127.0.0.1:<bound port>`. */
      readonly publicUrl?: string;
    };

export function readSigningConfig(env: NodeJS.ProcessEnv): SigningConfig {
  const algorithm = env.TOKEN_ALG || 'HS256';
  if (!isTokenAlgorithm(algorithm)) {
    const names = `${TOKEN_ALGORITHMS.slice(0, -1).join(', ')} or ${TOKEN_ALGORITHMS.at(-1)!}`;
    throw new Error(`TOKEN_ALG must be ${names} (got ${JSON.stringify(algorithm)})`);
  }
  const keyFile = env.SIGNING_KEY_FILE || undefined;
  if (algorithm === 'HS256') {
    // A key file that would be silently left unused: HS256 signs with the secret.
    if (keyFile !== undefined) {
      throw new Error(
        `SIGNING_KEY_FILE is set, but TOKEN_ALG is HS256, which signs with SECRET_KEY; set TOKEN_ALG to ES256, RS256, PS256 or EdDSA`,
      );
    }
    return { algorithm };
  }
  const publicUrl = env.PUBLIC_URL || undefined;
  if (publicUrl !== undefined) checkPublicUrl(publicUrl);
  return { algorithm, ...(keyFile && { keyFile: resolve(keyFile) }), ...(publicUrl && { publicUrl }) };
}

/** The issuer: PUBLIC_URL exactly as given (a trailing slash stays), else this host on the bound port. */
export function issuerOf(publicUrl: string | undefined, port: number): string {
  return publicUrl ?? `http://127.0.0.1:${String(port)}`;
}

/** Where a well-known document of `issuer` is: the issuer without its trailing slash, then `path` (OpenID Connect Discovery §4). */
export function wellKnownUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/${path}`;
}

function isTokenAlgorithm(name: string): name is (typeof TOKEN_ALGORITHMS)[number] {
  return (TOKEN_ALGORITHMS as readonly string[]).includes(name);
}

/** An issuer is an http(s) URL without query or fragment (OpenID Connect Discovery §3); compared as a string, so no rewriting. */
function checkPublicUrl(text: string): void {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || text.includes('?') || text.includes('#') || url.username || url.password) {
    throw new Error(
      `PUBLIC_URL must be the http:// or https:// URL clients reach the API at, without query or fragment, e.g. https://api.example.com (got ${JSON.stringify(text)})`,
    );
  }
}
