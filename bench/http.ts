// HTTP: each guard in its own server process, driven by autocannon in rounds interleaved A B C … A B C ….
import autocannon from 'autocannon';
import { startRedis, type RedisServer } from '../test/helpers/redis.js';
import { ServerChild, type Variant } from './lib/child.js';
import { formatNumber, formatRatio, markdownTable, median, statusCounts } from './lib/stats.js';
import { makeTokens } from './lib/tokens.js';

type Case = 'valid' | 'bad signature';

interface Run {
  readonly key: string;
  readonly label: string;
  readonly variant: Variant;
  readonly case: Case;
  readonly headers: Record<string, string>;
  readonly status: 200 | 401;
  /** The handler's body, checked on every 200 (autocannon counts mismatches). */
  readonly body: string | undefined;
}

export interface HttpRow {
  readonly label: string;
  readonly variant: Variant;
  readonly case: Case;
  readonly status: number;
  /** Median over the rounds of autocannon's mean req/s. */
  readonly reqPerSec: number;
  /** Median over the rounds of (req/s ÷ the bare route's req/s in the same round and block). */
  readonly ratioToBare: number;
  /** Median over the rounds of server CPU (user + system) µs ÷ requests the server counted. */
  readonly cpuMicrosPerRequest: number;
  readonly perRound: readonly { reqPerSec: number; cpuMicrosPerRequest: number; responses: number }[];
}

export interface HttpOptions {
  readonly rounds: number;
  /** Seconds per measured run. */
  readonly duration: number;
  readonly warmup: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

const LABELS: Record<Exclude<Variant, 'memory'>, string> = {
  bare: 'bare Express route (no guard)',
  'ours-off': 'tokenRequired, cache off',
  'ours-on': 'tokenRequired, cache on',
  'ours-redis': 'tokenRequired, cache off, Redis revocation store',
  'express-jwt': 'express-jwt (README setup)',
  'passport-jwt': 'passport-jwt (README setup)',
  'fast-jwt': 'hand-written guard on fast-jwt, cache on',
};
const GUARDS = ['ours-off', 'ours-on', 'ours-redis', 'express-jwt', 'passport-jwt', 'fast-jwt'] as const;

function runs(): Run[] {
  const tokens = makeTokens();
  const headersFor = (variant: Variant, token: string): Record<string, string> =>
    variant === 'express-jwt' || variant === 'passport-jwt' ? { authorization: `Bearer ${token}` } : { token };
  const body = JSON.stringify({ ok: true });
  // The bare route opens each block, so every guard is compared with a bare run close in time.
  const list: Run[] = [
    { key: 'bare/valid', label: LABELS.bare, variant: 'bare', case: 'valid', headers: { token: tokens.small }, status: 200, body },
  ];
  for (const variant of GUARDS) {
    list.push({ key: `${variant}/valid`, label: LABELS[variant], variant, case: 'valid', headers: headersFor(variant, tokens.small), status: 200, body });
  }
  const bad = tokens.badSignature;
  list.push({ key: 'bare/bad', label: LABELS.bare, variant: 'bare', case: 'bad signature', headers: { token: bad }, status: 200, body });
  for (const variant of GUARDS) {
    list.push({ key: `${variant}/bad`, label: LABELS[variant], variant, case: 'bad signature', headers: headersFor(variant, bad), status: 401, body: undefined });
  }
  return list;
}

interface Measured {
  readonly reqPerSec: number;
  readonly cpuMicrosPerRequest: number;
  readonly responses: number;
}

async function measure(server: ServerChild, run: Run, seconds: number, connections: number): Promise<Measured> {
  await server.ask({ type: 'start' }, 'started');
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    headers: run.headers,
    ...(run.body !== undefined && { expectBody: run.body }),
  });
  const { cpuMicros, requests } = await server.ask({ type: 'stop' }, 'stopped');
  // Every response's status is checked: autocannon counts each status code it receives.
  const counts = statusCounts(result.statusCodeStats);
  const statuses = [...counts].map(([code, count]) => `${String(code)}×${String(count)}`);
  const expected = counts.get(run.status) ?? 0;
  const responses = result.requests.total;
  if (result.errors > 0 || result.timeouts > 0 || result.mismatches > 0 || expected !== responses || statuses.length !== 1) {
    throw new Error(
      `http ${run.key}: expected only ${String(run.status)} (got ${statuses.join(', ')}; errors ${String(result.errors)}, timeouts ${String(result.timeouts)}, body mismatches ${String(result.mismatches)})`,
    );
  }
  return { reqPerSec: result.requests.average, cpuMicrosPerRequest: cpuMicros / Math.max(1, requests), responses };
}

export async function runHttp({ rounds, duration, warmup, connections, log }: HttpOptions): Promise<HttpRow[]> {
  const plan = runs();
  const variants = [...new Set(plan.map((run) => run.variant))];
  const servers = new Map<Variant, ServerChild>();
  let redis: RedisServer | undefined;
  try {
    redis = await startRedis();
    const env = { BENCH_REDIS_URL: redis.url };
    for (const server of await Promise.all(variants.map((variant) => ServerChild.start(variant, env)))) servers.set(server.variant, server);
    log(`http: ${String(plan.length)} runs × ${String(rounds)} rounds × ${String(duration)} s, ${String(connections)} connections, warm-up ${String(warmup)} s each`);
    for (const run of plan) await measure(servers.get(run.variant)!, run, warmup, connections);
    const results = new Map<string, Measured[]>(plan.map((run) => [run.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const run of plan) results.get(run.key)!.push(await measure(servers.get(run.variant)!, run, duration, connections));
      log(`http: round ${String(round + 1)}/${String(rounds)} done`);
    }
    return plan.map((run) => {
      const perRound = results.get(run.key)!;
      const bare = results.get(`bare/${run.case === 'valid' ? 'valid' : 'bad'}`)!;
      return {
        label: run.label,
        variant: run.variant,
        case: run.case,
        status: run.status,
        reqPerSec: median(perRound.map((m) => m.reqPerSec)),
        ratioToBare: median(perRound.map((m, i) => m.reqPerSec / bare[i]!.reqPerSec)),
        cpuMicrosPerRequest: median(perRound.map((m) => m.cpuMicrosPerRequest)),
        perRound,
      };
    });
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await redis?.stop();
  }
}

/** Median over rounds of req/s(a) ÷ req/s(b), both measured in the same round. */
export function sameRoundRatio(rows: readonly HttpRow[], a: { variant: Variant; case: Case }, b: { variant: Variant; case: Case }): number {
  const find = (spec: { variant: Variant; case: Case }): HttpRow | undefined =>
    rows.find((row) => row.variant === spec.variant && row.case === spec.case);
  const x = find(a)?.perRound ?? [];
  const y = find(b)?.perRound ?? [];
  return median(x.map((m, i) => m.reqPerSec / (y[i]?.reqPerSec ?? Number.NaN)));
}

export function httpTables(rows: readonly HttpRow[]): string {
  const table = (rowsOf: readonly HttpRow[]): string =>
    markdownTable(
      ['server', 'status', 'req/s (median)', 'ratio to bare route', 'server CPU µs/req'],
      rowsOf.map((row) => [
        row.label,
        String(row.status),
        formatNumber(row.reqPerSec),
        formatRatio(row.ratioToBare),
        formatNumber(row.cpuMicrosPerRequest, 1),
      ]),
    );
  return [
    '#### valid token → 200',
    '',
    table(rows.filter((row) => row.case === 'valid')),
    '',
    '#### bad signature → 401 (the bare route, measured again at the start of this block, still answers 200)',
    '',
    table(rows.filter((row) => row.case === 'bad signature')),
    '',
  ].join('\n');
}
