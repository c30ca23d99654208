// HTTP: each guard in its own server process, driven by autocannon; every guard run sits between two
// runs of the bare route, in rounds: bare G1 bare G2 bare … G12 bare, again …. The schedule is
// shared: the remote and DPoP sections measure their own runs with it.
import autocannon from 'autocannon';
import { startRedis, type RedisServer } from '../test/helpers/redis.js';
import { ServerChild, type DpopVariant, type RemoteVariant, type Variant } from './lib/child.js';
import { formatNumber, formatRatio, markdownTable, median, statusCounts } from './lib/stats.js';
import { makeTokens } from './lib/tokens.js';

type Case = 'valid' | 'bad signature';

/** One run of the schedule: the server, what the client sends, and what every response must be. */
export interface Run<C extends string = Case> {
  readonly key: string;
  readonly label: string;
  readonly variant: Variant;
  readonly case: C;
  readonly headers: Record<string, string>;
  /** Headers made for each request instead (a DPoP proof is good for one request only). */
  readonly perRequest?: PerRequestHeaders | undefined;
  readonly status: 200 | 401;
  /** The handler's body, checked on every 200 (autocannon counts mismatches). */
  readonly body: string | undefined;
}

/** Headers for each request of a run, made afresh for every run. */
export interface PerRequestHeaders {
  /** Called right before a run of `seconds` (before the server's CPU is counted); the function it returns is called once per request. */
  prepare(seconds: number): () => Record<string, string>;
}

/** The bare route, and the guard runs each measured between two runs of it. */
export interface Schedule<C extends string = Case> {
  readonly bare: Run<C>;
  readonly guarded: readonly Run<C>[];
}

export interface HttpRow<C extends string = Case> {
  readonly label: string;
  readonly variant: Variant;
  readonly case: C;
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

const LABELS: Record<Exclude<Variant, 'memory' | RemoteVariant | DpopVariant>, string> = {
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
export const BARE_LABEL = LABELS.bare;
const GUARDS = ['ours-off', 'ours-on', 'ours-redis', 'express-jwt', 'passport-jwt', 'fast-jwt'] as const;

/** The bare route, then every guard with a valid token and with a bad signature. */
function runs(): Schedule {
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

async function measure(server: ServerChild, run: Run<string>, seconds: number, connections: number): Promise<Measured> {
  const headersOf = run.perRequest?.prepare(seconds);
  // autocannon checks `expectBody` only without `requests`; with them, each body is checked here.
  let wrongBodies = 0;
  const requestsOf = (next: () => Record<string, string>): autocannon.Request[] => [
    {
      // Called for every request autocannon builds: once per connection at the start, then before each send.
      setupRequest: (request) => ({ ...request, headers: next() }),
      onResponse: (code, body) => {
        if (code === 200 && run.body !== undefined && body !== run.body) wrongBodies++;
      },
    },
  ];
  await server.ask({ type: 'start' }, 'started');
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    ...(headersOf === undefined
      ? { headers: run.headers, ...(run.body !== undefined && { expectBody: run.body }) }
      : { requests: requestsOf(headersOf) }),
  });
  const { cpuMicros, requests } = await server.ask({ type: 'stop' }, 'stopped');
  // Every response's status is checked: autocannon counts each status code it receives.
  const counts = statusCounts(result.statusCodeStats);
  const statuses = [...counts].map(([code, count]) => `${String(code)}×${String(count)}`);
  const expected = counts.get(run.status) ?? 0;
  const responses = result.requests.total;
  const mismatches = result.mismatches + wrongBodies;
  if (result.errors > 0 || result.timeouts > 0 || mismatches > 0 || expected !== responses || statuses.length !== 1) {
    throw new Error(
      `http ${run.key}: expected only ${String(run.status)} (got ${statuses.join(', ')}; errors ${String(result.errors)}, timeouts ${String(result.timeouts)}, body mismatches ${String(mismatches)})`,
    );
  }
  return { reqPerSec: result.requests.average, cpuMicrosPerRequest: cpuMicros / Math.max(1, requests), responses };
}

/** Starts one server per variant (children of this process), with `env` added to theirs. */
export async function startServers(variants: readonly Variant[], env: Record<string, string> = {}): Promise<Map<Variant, ServerChild>> {
  const servers = await Promise.all(variants.map((variant) => ServerChild.start(variant, env)));
  return new Map(servers.map((server) => [server.variant, server]));
}

/**
 * Measures a schedule on its servers, already started: a warm-up run of each, then `rounds` rounds of
 * bare G1 bare G2 … bare. One row per run, in the schedule's order, the bare route heading each case.
 */
export async function measureSchedule<C extends string>(
  { bare, guarded }: Schedule<C>,
  servers: ReadonlyMap<Variant, ServerChild>,
  { rounds, duration, warmup, connections, log }: HttpOptions,
  section: string,
): Promise<HttpRow<C>[]> {
  const plan = [bare, ...guarded];
  const run = (which: Run<C>, seconds: number): Promise<Measured> => measure(servers.get(which.variant)!, which, seconds, connections);
  log(
    `${section}: ${String(guarded.length)} guard runs, each between two bare runs, × ${String(rounds)} rounds × ${String(duration)} s, ${String(connections)} connections, warm-up ${String(warmup)} s each`,
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
    log(`${section}: round ${String(round + 1)}/${String(rounds)} done`);
  }
  const row = (which: Run<C>, testCase: C): HttpRow<C> => {
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
  // The bare route heads each case's table, with all of its runs.
  const cases = [...new Set(guarded.map((which) => which.case))];
  return cases.flatMap((testCase) => [
    row(bare, testCase),
    ...guarded.filter((which) => which.case === testCase).map((which) => row(which, testCase)),
  ]);
}

export async function runHttp(options: HttpOptions): Promise<HttpRow[]> {
  const schedule = runs();
  const variants = [...new Set([schedule.bare, ...schedule.guarded].map((run) => run.variant))];
  let servers = new Map<Variant, ServerChild>();
  let redis: RedisServer | undefined;
  try {
    redis = await startRedis();
    servers = await startServers(variants, { BENCH_REDIS_URL: redis.url });
    return await measureSchedule(schedule, servers, options, 'http');
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await redis?.stop();
  }
}

/**
 * a ÷ b: the median over rounds of a's ratio to its bare runs ÷ b's ratio to its own, so that each
 * side is first measured against the bare route right beside it.
 */
export function relativeRatio<C extends string>(
  rows: readonly HttpRow<C>[],
  a: { variant: Variant; case: C },
  b: { variant: Variant; case: C },
): number {
  const find = (spec: { variant: Variant; case: C }): readonly number[] =>
    rows.find((row) => row.variant === spec.variant && row.case === spec.case)?.ratiosToBare ?? [];
  const y = find(b);
  return median(find(a).map((x, i) => x / (y[i] ?? Number.NaN)));
}

/** One case's rows: req/s, ratio to the bare route, server CPU per request. */
export function httpTable(rows: readonly HttpRow<string>[]): string {
  return markdownTable(
    ['server', 'status', 'req/s (median)', 'ratio to bare route', 'server CPU µs/req'],
    rows.map((row) => [
      row.label,
      String(row.status),
      formatNumber(row.reqPerSec),
      formatRatio(row.ratioToBare),
      formatNumber(row.cpuMicrosPerRequest, 1),
    ]),
  );
}

export function httpTables(rows: readonly HttpRow[]): string {
  return [
    '#### valid token → 200',
    '',
    httpTable(rows.filter((row) => row.case === 'valid')),
    '',
    '#### bad signature → 401 (the bare route, the same runs as above, answers 200)',
    '',
    httpTable(rows.filter((row) => row.case === 'bad signature')),
    '',
  ].join('\n');
}
