// Remote key sets over HTTP: Bearer RS256 and ES256 tokens whose keys come from a JWKS the bench
// serves on loopback; ours (cache off and on), express-oauth2-jwt-bearer, express-jwt with
// jwks-rsa and the bare route, in the HTTP section's schedule. Then, for each library, how many
// requests the JWKS endpoint saw while it was sent tokens with unknown kids.
import { setTimeout as sleep } from 'node:timers/promises';
import { json, startJwksServer, type JwksServer } from '../test/helpers/jwks-server.js';
import { BARE_LABEL, httpTable, measureSchedule, relativeRatio, startServers, type HttpOptions, type HttpRow, type Run } from './http.js';
import { REMOTE_VARIANTS, type RemoteVariant, type ServerChild, type Variant } from './lib/child.js';
import { jwksUriFor, makeRemoteKeys, REMOTE_ALGORITHMS, type RemoteAlgorithm, type RemoteKeys } from './lib/remote-keys.js';
import { sendEach } from './lib/send-each.js';
import { formatNumber, markdownTable } from './lib/stats.js';

const LABELS: Record<RemoteVariant, string> = {
  'remote-ours-off': 'tokenRequired({ bearer, jwksUri }), cache off',
  'remote-ours-on': 'tokenRequired({ bearer, jwksUri, cache: true })',
  'remote-oauth2-bearer': 'express-oauth2-jwt-bearer auth({ jwksUri, issuer, audience })',
  'remote-express-jwt': 'express-jwt + jwks-rsa expressJwtSecret (README setup)',
};

/** One row per library: ours with the cache off (an unknown kid is never a cache hit either way). */
const FETCH_COUNTED = ['remote-ours-off', 'remote-oauth2-bearer', 'remote-express-jwt'] as const;

/**
 * The default cooldown of ours (`jwksOptions.cooldown`) and of jose's remote set inside
 * express-oauth2-jwt-bearer (`cooldownDuration`): both 30 s. The unknown kids are sent once it has
 * passed since the last fetch, so each library may fetch again.
 */
const COOLDOWN_MS = 30_000;

export interface RemoteOptions extends HttpOptions {
  /** Requests of each fetch-count run, each with a token whose random kid the set does not have. */
  readonly unknownKidRequests: number;
}

export interface FetchCount {
  readonly label: string;
  readonly variant: RemoteVariant;
  readonly requests: number;
  /** Requests the JWKS endpoint saw from this server during the run. */
  readonly fetches: number;
  /** What the clients got, by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Milliseconds from this server's last fetch (in its warm-up) to the run's start: more than the cooldown. */
  readonly sinceLastFetchMs: number;
}

export interface RemoteResult {
  readonly rows: HttpRow<RemoteAlgorithm>[];
  /** Requests the JWKS endpoint saw from each server during the throughput runs (warm-ups included). */
  readonly throughputFetches: Readonly<Record<string, number>>;
  readonly fetchCounts: FetchCount[];
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The bare route (carrying the RS256 token: the longer one), then every guard with each algorithm's token. */
function schedule({ tokens }: RemoteKeys): { bare: Run<RemoteAlgorithm>; guarded: Run<RemoteAlgorithm>[] } {
  const body = JSON.stringify({ ok: true });
  const bare: Run<RemoteAlgorithm> = {
    key: 'bare',
    label: BARE_LABEL,
    variant: 'bare',
    case: 'RS256',
    headers: bearer(tokens.RS256),
    status: 200,
    body,
  };
  const guarded = REMOTE_ALGORITHMS.flatMap((alg) =>
    REMOTE_VARIANTS.map((variant): Run<RemoteAlgorithm> => ({
      key: `${variant}/${alg}`,
      label: LABELS[variant],
      variant,
      case: alg,
      headers: bearer(tokens[alg]),
      status: 200,
      body,
    })),
  );
  return { bare, guarded };
}

/** The JWKS server, which also notes when each server last fetched from it. */
async function startCountingJwks(
  keys: RemoteKeys,
): Promise<{ server: JwksServer; fetches: (variant: Variant) => number; lastFetchAt: (variant: Variant) => number }> {
  const server = await startJwksServer();
  const serve = json(keys.jwks);
  const last = new Map<string | undefined, number>();
  server.respond((req, res) => {
    last.set(req.url, Date.now());
    serve(req, res);
  });
  const path = (variant: Variant): string => jwksUriFor(new URL(server.url).pathname, variant);
  return {
    server,
    fetches: (variant) => server.requests.filter((seen) => seen.path === path(variant)).length,
    lastFetchAt: (variant) => last.get(path(variant)) ?? -Infinity,
  };
}

type CountingJwks = Awaited<ReturnType<typeof startCountingJwks>>;

async function countFetches(server: ServerChild, jwks: CountingJwks, tokens: readonly string[], connections: number): Promise<FetchCount> {
  const variant = server.variant as RemoteVariant;
  const before = jwks.fetches(variant);
  const sinceLastFetchMs = Date.now() - jwks.lastFetchAt(variant);
  const sent = await sendEach(server.url, tokens.length, (i) => bearer(tokens[i]!), connections);
  if (sent.errors > 0 || sent.responses !== tokens.length) {
    throw new Error(`remote ${variant}: ${String(sent.responses)} of ${String(tokens.length)} responses, ${String(sent.errors)} errors`);
  }
  return {
    label: LABELS[variant],
    variant,
    requests: tokens.length,
    fetches: jwks.fetches(variant) - before,
    statuses: Object.fromEntries([...sent.statuses].map(([code, count]) => [String(code), count])),
    sinceLastFetchMs,
  };
}

export async function runRemote(options: RemoteOptions): Promise<RemoteResult> {
  const keys = makeRemoteKeys();
  const unknown = keys.unknownKid(options.unknownKidRequests);
  const jwks = await startCountingJwks(keys);
  let servers = new Map<Variant, ServerChild>();
  try {
    servers = await startServers(['bare', ...REMOTE_VARIANTS], { BENCH_JWKS_URI: jwks.server.url });
    const rows = await measureSchedule(schedule(keys), servers, options, 'remote');
    const throughputFetches = Object.fromEntries(REMOTE_VARIANTS.map((variant) => [variant, jwks.fetches(variant)]));
    // Each server fetched its set in its warm-up: the unknown kids come once a refetch is allowed again.
    const wait = Math.max(...FETCH_COUNTED.map((variant) => COOLDOWN_MS + 1000 - (Date.now() - jwks.lastFetchAt(variant))));
    if (wait > 0) {
      options.log(`remote: waiting ${formatNumber(wait / 1000, 1)} s for the 30 s cooldown since each server's last JWKS fetch`);
      await sleep(wait);
    }
    const fetchCounts: FetchCount[] = [];
    for (const variant of FETCH_COUNTED) {
      fetchCounts.push(await countFetches(servers.get(variant)!, jwks, unknown, options.connections));
    }
    options.log(`remote: JWKS fetches for unknown kids: ${fetchCounts.map((c) => `${c.variant} ${String(c.fetches)}`).join(', ')}`);
    return { rows, throughputFetches, fetchCounts };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await jwks.server.close();
  }
}

export function remoteTables(result: RemoteResult): string {
  const out: string[] = [];
  for (const alg of REMOTE_ALGORITHMS) {
    const heading = alg === 'RS256' ? '' : ' (the bare route, the same runs as above, carries the RS256 token)';
    out.push(`#### ${alg} Bearer token → 200${heading}`, '', httpTable(result.rows.filter((row) => row.case === alg)), '');
  }
  const requests = result.fetchCounts[0]?.requests ?? 0;
  out.push(
    `#### ${formatNumber(requests)} tokens with unknown kids (RS256, signed with the set's RSA key)`,
    '',
    markdownTable(
      ['library', 'JWKS requests during the run', 'statuses', 's since its last fetch'],
      result.fetchCounts.map((c) => [
        c.label,
        String(c.fetches),
        Object.entries(c.statuses)
          .map(([code, count]) => `${code} × ${formatNumber(count)}`)
          .join(', '),
        formatNumber(c.sinceLastFetchMs / 1000, 1),
      ]),
    ),
    '',
    `JWKS requests during the throughput runs (warm-ups included): ${Object.entries(result.throughputFetches)
      .map(([variant, count]) => `${variant} ${String(count)}`)
      .join(', ')}.`,
    '',
  );
  return out.join('\n');
}

/** a ÷ b on the same algorithm: the median over rounds of the quotient of their ratios to the bare route. */
export function remoteRatio(result: RemoteResult, alg: RemoteAlgorithm, a: RemoteVariant, b: Variant): number {
  return relativeRatio(result.rows, { variant: a, case: alg }, { variant: b, case: alg });
}
