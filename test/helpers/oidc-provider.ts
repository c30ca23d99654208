// A real OpenID provider (oidc-provider) on a loopback port, issuing JWT access tokens to a
// client_credentials client for a resource (RFC 8707, RFC 9068): the tokens the library meets in
// production, signed by code that is not ours. It counts the requests it saw, and rotates keys.
import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Provider } from 'oidc-provider';
import { listenOnLoopback } from './ports.js';

/** The signing algorithms the provider is given keys for. */
export type ProviderAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** A signing key of the provider: its private JWK (with `kid` and `alg`) and its KeyObjects. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: ProviderAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JsonWebKey & { kid: string; alg: ProviderAlgorithm };
}

/** A new key pair for `alg`: RSA 2048 for RS256 and PS256, P-256 for ES256, Ed25519 for EdDSA. */
export function signingKey(alg: ProviderAlgorithm, kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`): SigningKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, ...pair, jwk: { ...pair.privateKey.export({ format: 'jwk' }), kid, alg } };
}

/** The resource tokens are issued for unless a test asks for another; it is also their `aud`. */
export const RESOURCE = 'https://api.example.test';
export const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'test-client-secret';

export interface TokenRequest {
  /** Which of the provider's keys signs: defaults to the alg of its first key. */
  readonly alg?: ProviderAlgorithm;
  /** The resource indicator, written as `aud`. Defaults to RESOURCE. */
  readonly resource?: string;
  /** Lifetime in whole seconds. Defaults to 600. */
  readonly ttl?: number;
  /**
   * Makes the DPoP proof sent to the token endpoint (RFC 9449 §5), for a token bound to the
   * proof's key (`cnf.jkt`); without it the token is a Bearer one.
   */
  readonly dpopProof?: (request: { readonly htm: 'POST'; readonly htu: string }) => Promise<string>;
}

export interface TestProvider {
  /** `http://127.0.0.1:<port>`, the `iss` of its tokens. */
  readonly issuer: string;
  /** The path (with query) of every request the server saw, in order. */
  readonly requests: string[];
  /** How many times its key set (`/jwks`) was fetched. */
  jwksFetches(): number;
  /** A client_credentials access token (a JWT), from its token endpoint with client_secret_basic (DPoP-bound with `dpopProof`). */
  token(request?: TokenRequest): Promise<string>;
  /** From now on, publishes these keys only and signs with them: a new Provider behind the same server (same issuer). */
  rotate(keys: readonly SigningKey[]): void;
  /** Stops the server and closes every connection. */
  close(): Promise<void>;
}

// The test's wishes reach the provider's resource server policy as two request headers.
const ALG_HEADER = 'x-test-alg';
const TTL_HEADER = 'x-test-ttl';

interface Context {
  get(header: string): string;
}

/**
 * The provider's store. JWT access tokens are never stored (formats/jwt.js returns no payload
 * to upsert), so this holds nothing in practice; giving one stops the "in-memory adapter"
 * warning each Provider would print, without hiding anything else.
 */
class MapAdapter {
  readonly #entries = new Map<string, unknown>();

  upsert(id: string, payload: unknown): Promise<void> {
    this.#entries.set(id, payload);
    return Promise.resolve();
  }
  find(id: string): Promise<unknown> {
    return Promise.resolve(this.#entries.get(id));
  }
  findByUid(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  findByUserCode(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  consume(): Promise<void> {
    return Promise.resolve();
  }
  destroy(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }
  revokeByGrantId(): Promise<void> {
    return Promise.resolve();
  }
}

/** oidc-provider reads `jwks` once, at construction: each key set is a Provider of its own. */
function providerFor(issuer: string, keys: readonly SigningKey[]): Provider {
  const first = keys[0];
  if (first === undefined) throw new TypeError('startProvider needs at least one signing key');
  return new Provider(issuer, {
    adapter: MapAdapter,
    jwks: { keys: keys.map((key) => key.jwk) },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        // Checked against the key set: the default, RS256, needs an RS256 key.
        id_token_signed_response_alg: first.alg,
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // On by default in 9.x; written out, as tests rely on it. A token request with a DPoP proof gets a bound token.
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (ctx: Context, resource: string) => ({
          scope: '',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: Number(ctx.get(TTL_HEADER) || 600),
          jwt: { sign: { alg: ctx.get(ALG_HEADER) || first.alg } },
        }),
      },
    },
    ttl: {
      ClientCredentials: (_ctx: Context, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? 600,
    },
  });
}

/** Starts a provider signing with `keys` (the first one by default) on a free loopback port. */
export async function startProvider(keys: readonly SigningKey[]): Promise<TestProvider> {
  const requests: string[] = [];
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handle(req, res);
  });
  const port = await listenOnLoopback(server);
  const issuer = `http://127.0.0.1:${String(port)}`;
  const rotate = (next: readonly SigningKey[]): void => {
    handle = providerFor(issuer, next).callback();
  };
  rotate(keys);

  return {
    issuer,
    requests,
    jwksFetches: () => requests.filter((path) => path === '/jwks').length,
    rotate,
    token: async ({ alg, resource = RESOURCE, ttl, dpopProof } = {}) => {
      const headers: Record<string, string> = {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...(alg !== undefined && { [ALG_HEADER]: alg }),
        ...(ttl !== undefined && { [TTL_HEADER]: String(ttl) }),
        ...(dpopProof !== undefined && { dpop: await dpopProof({ htm: 'POST', htu: `${issuer}/token` }) }),
      };
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource });
      const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
      const json = (await res.json()) as { access_token?: unknown };
      if (res.status !== 200 || typeof json.access_token !== 'string') {
        throw new Error(`the provider refused the token request: HTTP ${String(res.status)} ${JSON.stringify(json)}`);
      }
      return json.access_token;
    },
    close: async () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
