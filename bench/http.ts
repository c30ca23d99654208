// HTTP: each guard in its own server process, driven by autocannon; every guard run sits between two
// runs of the bare route, in rounds: bare G1 bare G2 bare … G12 bare, again ….
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
  /** Median over the rounds of `ratiosToBare`. */
  readonly ratioToBare: number;
  /** Per round: req/s ÷ the mean req/s of the two bare runs either side of it (1 for the bare route). */
  readonly ratiosToBare: readonly number[];
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
  noop: 'a middleware that only calls next() (the ceiling for any guard)',
  refuse: 'a route that sends the same 401 envelope, verifying nothing (the ceiling for a refusal)',
  'ours-off': 'tokenRequired, cache off',
  'ours-on': 'tokenRequired, cache on',
  'ours-redis': 'tokenRequired, cache off, Redis revocation store',
  'express-jwt': 'express-jwt (README setup)',
  'passport-jwt': 'passport-jwt (README setup)',
  'fast-jwt': 'hand-written guard on fast-jwt, cache on',
};
const GUARDS = ['ours-off', 'ours-on', 'ours-redis', 'express-jwt', 'passport-jwt', 'fast-jwt'] as const;

/** The bare route, then every guard with a valid token and with a bad signature. */
function runs(): { bare: Run; guarded: Run[] } {
  const tokens = makeTokens();
  const headersFor = (variant: Variant, token: string): Record<string, string> =>
    variant === 'express-jwt' || variant === 'passport-jwt' ? { authorization: `Bearer ${token}` } : { token };
  const body = JSON.stringify({ ok: true });
  // The bare route ignores the token; it carries one so that requests are the same size.
  const bare: Run = {
    key: 'bare',
    label: LABELS.bare,
    variant: 'bare',
    case: 'valid',
    headers: { token: tokens.small },
    status: 200,
    body,
  };
  // Valid tokens only: it refuses nothing.
  const guarded: Run[] = [
    { key: 'noop/valid', label: LABELS.noop, variant: 'noop', case: 'valid', headers: { token: tokens.small }, status: 200, body },
  ];
  for (const variant of GUARDS) {
    guarded.push({
      key: `${variant}/valid`,
      label: LABELS[variant],
      variant,
      case: 'valid',
      headers: headersFor(variant, tokens.small),
      status: 200,
      body,
    });
  }
  guarded.push({
    key: 'refuse/bad',
    label: LABELS.refuse,
    variant: 'refuse',
    case: 'bad signature',
    headers: { token: tokens.badSignature },
    status: 401,
    body: undefined,
  });
  for (const variant of GUARDS) {
    const headers = headersFor(variant, tokens.badSignature);
    guarded.push({ key: `${variant}/bad`, label: LABELS[variant], variant, case: 'bad signature', headers, status: 401, body: undefined });
  }
  return { bare, guarded };
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
  const { bare, guarded } = runs();
  const plan = [bare, ...guarded];
  const variants = [...new Set(plan.map((run) => run.variant))];
  const servers = new Map<Variant, ServerChild>();
  let redis: RedisServer | undefined;
  try {
    redis = await startRedis();
    const env = { BENCH_REDIS_URL: redis.url };
    for (const server of await Promise.all(variants.map((variant) => ServerChild.start(variant, env)))) servers.set(server.variant, server);
    const run = (which: Run, seconds: number): Promise<Measured> => measure(servers.get(which.variant)!, which, seconds, connections);
    log(
      `http: ${String(guarded.length)} guard runs, each between two bare runs, × ${String(rounds)} rounds × ${String(duration)} s, ${String(connections)} connections, warm-up ${String(warmup)} s each`,
    );
    for (const which of plan) await run(which, warmup);
    // This machine's speed drifts by a factor of two or more within a minute: a guard is compared
    // with the bare route measured right before and right after it, never minutes away.
    const results = new Map<string, Measured[]>(plan.map((which) => [which.key, []]));
    const ratios = new Map<string, number[]>(guarded.map((which) => [which.key, []]));
    for (let round = 0; round < rounds; round++) {
      let before = await run(bare, duration);
      results.get(bare.key)!.push(before);
      for (const which of guarded) {
        const measured = await run(which, duration);
        const after = await run(bare, duration);
        results.get(which.key)!.push(measured);
        results.get(bare.key)!.push(after);
        ratios.get(which.key)!.push(measured.reqPerSec / ((before.reqPerSec + after.reqPerSec) / 2));
        before = after;
      }
      log(`http: round ${String(round + 1)}/${String(rounds)} done`);
    }
    const row = (which: Run, testCase: Case): HttpRow => {
      const perRound = results.get(which.key)!;
      // The bare route is its own reference: 1 in every round.
      const ratiosToBare = ratios.get(which.key) ?? Array.from({ length: rounds }, () => 1);
      return {
        label: which.label,
        variant: which.variant,
        case: testCase,
        status: which.status,
        reqPerSec: median(perRound.map((m) => m.reqPerSec)),
        ratioToBare: median(ratiosToBare),
        ratiosToBare,
        cpuMicrosPerRequest: median(perRound.map((m) => m.cpuMicrosPerRequest)),
        perRound,
      };
    };
    // The bare route heads both tables, with all of its runs.
    return [
      row(bare, 'valid'),
      ...guarded.filter((which) => which.case === 'valid').map((which) => row(which, 'valid')),
      row(bare, 'bad signature'),
      ...guarded.filter((which) => which.case === 'bad signature').map((which) => row(which, 'bad signature')),
    ];
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await redis?.stop();
  }
}

/**
 * a ÷ b: the median over rounds of a's ratio to its bare runs ÷ b's ratio to its own, so that each
 * side is first measured against the bare route right beside it.
 */
export function relativeRatio(rows: readonly HttpRow[], a: { variant: Variant; case: Case }, b: { variant: Variant; case: Case }): number {
  const find = (spec: { variant: Variant; case: Case }): readonly number[] =>
    rows.find((row) => row.variant === spec.variant && row.case === spec.case)?.ratiosToBare ?? [];
  const y = find(b);
  return median(find(a).map((x, i) => x / (y[i] ?? Number.NaN)));
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
    '#### bad signature → 401 (the bare route, the same runs as above, answers 200)',
    '',
    table(rows.filter((row) => row.case === 'bad signature')),
    '',
  ].join('\n');
}
