// DPoP over HTTP: an ES256 DPoP request (an HS256 access token bound to the proof's key, the token
// cache on) with the in-process replay store and with RedisReplayStore, beside the same guard given
// the same token unbound as Bearer, and the bare route, in the HTTP section's schedule. Every DPoP
// request carries a proof of its own, signed right before its run.
import { startRedis, type RedisServer } from '../test/helpers/redis.js';
import { BARE_LABEL, httpTable, measureSchedule, relativeRatio, startServers, type HttpOptions, type HttpRow, type Run } from './http.js';
import { DPOP_VARIANTS, type DpopVariant, type ServerChild, type Variant } from './lib/child.js';
import { makeDpopClient, PaddedBearer, ProofSupply, type DpopClient, type ProofCounts } from './lib/dpop-proofs.js';
import { formatNumber, formatRatio, markdownTable, median } from './lib/stats.js';

/** The section's one case: ES256 proofs, HS256 access tokens. */
export type DpopCase = 'ES256';
const CASE: DpopCase = 'ES256';

/** The rows that send proofs. */
type ProofVariant = Exclude<DpopVariant, 'dpop-bearer'>;
const PROOF_VARIANTS: readonly ProofVariant[] = ['dpop-memory', 'dpop-redis'];

const LABELS: Record<DpopVariant, string> = {
  'dpop-bearer': "tokenRequired({ secret, bearer, cache: true, dpop }), the same token unbound, as Bearer (padded to the proof's size)",
  'dpop-memory': 'the same guard, DPoP token + ES256 proof, in-process replay store',
  'dpop-redis': 'the same with dpop.replay: RedisReplayStore, DPoP token + ES256 proof',
};

/** Pools are signed for at least this many requests per second (× 1.5 × the run's seconds); more once a row has run faster. */
const LEAST_RATE = 8000;

export interface DpopResult {
  readonly rows: HttpRow<DpopCase>[];
  /** Each proof row's proofs over the section: signed before the runs, used, signed during a run. */
  readonly proofs: Readonly<Record<ProofVariant, ProofCounts>>;
}

/** The bare route (carrying the Bearer row's headers), then Bearer, DPoP with the in-process store, DPoP with Redis. */
function schedule(
  client: DpopClient,
  supplies: Readonly<Record<ProofVariant, ProofSupply>>,
): { bare: Run<DpopCase>; guarded: Run<DpopCase>[] } {
  const body = JSON.stringify({ ok: true });
  const bearer = { authorization: `Bearer ${client.bearerToken}` };
  const bare: Run<DpopCase> = { key: 'bare', label: BARE_LABEL, variant: 'bare', case: CASE, headers: bearer, status: 200, body };
  const guarded = DPOP_VARIANTS.map((variant): Run<DpopCase> => ({
    key: `${variant}/${CASE}`,
    label: LABELS[variant],
    variant,
    case: CASE,
    headers: bearer,
    perRequest: variant === 'dpop-bearer' ? new PaddedBearer(client) : supplies[variant],
    status: 200,
    body,
  }));
  return { bare, guarded };
}

export async function runDpop(options: HttpOptions): Promise<DpopResult> {
  const client = makeDpopClient();
  if (client.token.length !== client.bearerToken.length) throw new Error('dpop: the Bearer token must be as long as the bound one');
  const supplies = { 'dpop-memory': new ProofSupply(client, LEAST_RATE), 'dpop-redis': new ProofSupply(client, LEAST_RATE) };
  let servers = new Map<Variant, ServerChild>();
  let redis: RedisServer | undefined;
  try {
    redis = await startRedis();
    servers = await startServers(['bare', ...DPOP_VARIANTS], { BENCH_REDIS_URL: redis.url });
    const rows = await measureSchedule(schedule(client, supplies), servers, options, 'dpop');
    const proofs = { 'dpop-memory': supplies['dpop-memory'].counts(), 'dpop-redis': supplies['dpop-redis'].counts() };
    options.log(
      `dpop: proofs ${PROOF_VARIANTS.map((v) => `${v} ${String(proofs[v].made)} signed, ${String(proofs[v].used)} used, ${String(proofs[v].signedDuringRuns)} signed during runs`).join('; ')}`,
    );
    return { rows, proofs };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await redis?.stop();
  }
}

/** a ÷ b: the median over rounds of the quotient of their ratios to the bare route around each. */
export function dpopRatio(result: DpopResult, a: Variant, b: Variant): number {
  return relativeRatio(result.rows, { variant: a, case: CASE }, { variant: b, case: CASE });
}

/** The same-round quotients, round by round: what the medians of the targets are taken over. */
function quotients(result: DpopResult): { label: string; perRound: number[] }[] {
  const ratios = (variant: Variant): readonly number[] => result.rows.find((row) => row.variant === variant)?.ratiosToBare ?? [];
  const quotient = (label: string, a: Variant, b: Variant): { label: string; perRound: number[] } => ({
    label,
    perRound: ratios(a).map((x, i) => x / (ratios(b)[i] ?? Number.NaN)),
  });
  return [
    quotient('DPoP, in-process store ÷ Bearer', 'dpop-memory', 'dpop-bearer'),
    quotient('DPoP, Redis store ÷ Bearer', 'dpop-redis', 'dpop-bearer'),
    quotient('Bearer ÷ bare route', 'dpop-bearer', 'bare'),
  ];
}

export function dpopTables(result: DpopResult): string {
  const rows = quotients(result);
  const rounds = Math.max(...rows.map((row) => row.perRound.length));
  const proofs = PROOF_VARIANTS.map((variant) => {
    const c = result.proofs[variant];
    return `${variant} ${formatNumber(c.used)} requests, ${formatNumber(c.made)} proofs signed before the runs, ${formatNumber(c.signedDuringRuns)} during them`;
  });
  return [
    '#### ES256 DPoP proof with an HS256 access token → 200 (the bare route and Bearer carry the unbound token)',
    '',
    httpTable(result.rows),
    '',
    markdownTable(
      ['same-round quotient', ...Array.from({ length: rounds }, (_, i) => `round ${String(i + 1)}`), 'median'],
      rows.map((row) => [row.label, ...row.perRound.map(formatRatio), formatRatio(median(row.perRound))]),
    ),
    '',
    `Proofs (warm-ups included; each request its own): ${proofs.join('; ')}.`,
    '',
  ].join('\n');
}
