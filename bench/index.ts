// `npm run bench`: verify in-process (HS256, then public keys), HTTP, memory, remote key sets, DPoP; markdown tables on stdout,
// JSON in bench/results/latest.json (a run of some sections keeps the others' results there).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { dpopRatio, dpopTables, runDpop, type DpopResult } from './dpop.js';
import { httpTables, runHttp, relativeRatio, type HttpRow } from './http.js';
import { memoryTable, runMemory, type MemoryResult } from './memory.js';
import { PUBLIC_ALGORITHMS } from './lib/public-keys.js';
import { REMOTE_ALGORITHMS } from './lib/remote-keys.js';
import { mergeResults, writeResults, type RunInfo } from './lib/results.js';
import { formatBytes, formatRatio, markdownTable } from './lib/stats.js';
import { publicKeySummary, publicKeyTables, runPublicKeys } from './public-keys.js';
import { remoteRatio, remoteTables, runRemote, type RemoteResult } from './remote.js';
import { VERIFY_NAMES, oversizedSummary, runVerify, verifyTables, type VerifyRow } from './verify.js';

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const quick = process.env.BENCH_QUICK === '1';
const settings = {
  verifyRounds: env('BENCH_VERIFY_ROUNDS', quick ? 1 : 4),
  verifyMs: env('BENCH_VERIFY_MS', quick ? 40 : 100),
  httpRounds: env('BENCH_HTTP_ROUNDS', quick ? 1 : 3),
  // Whole seconds: autocannon samples once a second and stops at the first sample after `duration`.
  httpSeconds: Math.ceil(env('BENCH_HTTP_SECONDS', quick ? 1 : 2)),
  httpWarmup: Math.ceil(env('BENCH_HTTP_WARMUP', 1)),
  connections: env('BENCH_CONNECTIONS', 8),
  cacheMax: env('BENCH_CACHE_MAX', 1000),
  memoryTokens: env('BENCH_MEMORY_TOKENS', quick ? 20_000 : 200_000),
  memoryWarmup: env('BENCH_MEMORY_WARMUP', quick ? 2_000 : 20_000),
  unknownKidRequests: env('BENCH_UNKNOWN_KIDS', 1000),
};
const only = new Set((process.env.BENCH_ONLY ?? 'verify,publickeys,http,memory,remote,dpop').split(','));

const t0 = Date.now();
const log = (line: string): void => {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
};

interface Target {
  readonly target: string;
  readonly goal: string;
  readonly value: number;
  readonly shown: string;
  readonly met: boolean;
}

/** A target met when `value` is at least `goal`. */
function ratio(target: string, value: number, goal: number): Target {
  return { target, goal: `≥ ${formatRatio(goal)}`, value, shown: formatRatio(value), met: value >= goal };
}

function verifyTargets(rows: readonly VerifyRow[]): Target[] {
  const small = (name: string): number =>
    rows.find((row) => row.case === 'valid, small payload' && row.implementation === name)?.ratioToFloor ?? Number.NaN;
  const { kb16VsKb8, mb1VsKb8 } = oversizedSummary(rows);
  return [
    ratio('verify, valid small token, cache off ÷ raw floor', small(VERIFY_NAMES.OURS_OFF), 0.6),
    ratio('verify, valid small token, cache on (repeated token) ÷ raw floor', small(VERIFY_NAMES.OURS_ON), 20),
    ratio('verify, 16 KB token refused ÷ 8 KB token verified (ours, ops/s)', kb16VsKb8, 1),
    ratio('verify, 1 MB token refused ÷ 8 KB token verified (ours, ops/s)', mb1VsKb8, 1),
  ];
}

function publicKeyTargets(rows: readonly VerifyRow[]): Target[] {
  const summaries = PUBLIC_ALGORITHMS.map((algorithm) => publicKeySummary(rows, algorithm));
  return [
    // The public-key operation dominates: everything around it must be nearly free.
    ...summaries.map((s) => ratio(`public keys, ${s.algorithm} valid token, cache off ÷ its raw floor`, s.offVsFloor, 0.9)),
    ...summaries.map((s) => ratio(`public keys, ${s.algorithm} valid token, cache off ÷ jose jwtVerify`, s.offVsJose, 1.5)),
    ...summaries
      .filter((s) => s.algorithm === 'RS256' || s.algorithm === 'ES256')
      .map((s) => ratio(`public keys, ${s.algorithm} valid token, cache on (repeated token) ÷ its raw floor`, s.onVsFloor, 100)),
  ];
}

function httpTargets(rows: readonly HttpRow[]): Target[] {
  const valid = 'valid' as const;
  const bad = 'bad signature' as const;
  const bare = { variant: 'bare', case: valid } as const;
  const bareBad = { variant: 'bare', case: bad } as const;
  const r = (
    variant: HttpRow['variant'],
    testCase: HttpRow['case'],
    other: { variant: HttpRow['variant']; case: HttpRow['case'] },
  ): number => relativeRatio(rows, { variant, case: testCase }, other);
  return [
    ratio('HTTP valid, cache off ÷ bare route', r('ours-off', valid, bare), 0.85),
    ratio('HTTP valid, cache on ÷ bare route', r('ours-on', valid, bare), 0.95),
    ratio('HTTP valid, cache off ÷ express-jwt', r('ours-off', valid, { variant: 'express-jwt', case: valid }), 3),
    ratio('HTTP valid, cache off ÷ passport-jwt', r('ours-off', valid, { variant: 'passport-jwt', case: valid }), 3),
    ratio('HTTP valid, cache on ÷ express-jwt', r('ours-on', valid, { variant: 'express-jwt', case: valid }), 3),
    ratio('HTTP valid, cache on ÷ passport-jwt', r('ours-on', valid, { variant: 'passport-jwt', case: valid }), 3),
    ratio('HTTP valid, cache on ÷ fast-jwt guard with its cache on', r('ours-on', valid, { variant: 'fast-jwt', case: valid }), 1),
    ratio('HTTP bad signature → 401, cache off ÷ bare route', r('ours-off', bad, bareBad), 0.8),
    ratio('HTTP bad signature → 401, cache on ÷ bare route', r('ours-on', bad, bareBad), 0.8),
    // No guard can beat a middleware that does nothing: Express's own cost of one more handler.
    { ...ratio('HTTP valid, a middleware that only calls next() ÷ bare route (the ceiling)', r('noop', valid, bare), 0), goal: 'reported' },
    {
      ...ratio('HTTP 401, a route that sends the envelope without verifying ÷ bare route (the ceiling)', r('refuse', bad, bareBad), 0),
      goal: 'reported',
    },
    // Reported beside the route without revocation; it sets no goal.
    {
      ...ratio(
        'HTTP valid, Redis revocation store ÷ the same route without revocation',
        r('ours-redis', valid, { variant: 'ours-off', case: valid }),
        0,
      ),
      goal: 'reported',
    },
  ];
}

function memoryTargets(result: MemoryResult): Target[] {
  const bound = result.estimateForMax;
  const row = (target: string, value: number): Target => ({
    target,
    goal: `≤ ${formatBytes(bound)} (max entries)`,
    value,
    shown: formatBytes(value, true),
    met: value <= bound,
  });
  const flood = `${String(result.tokens)} distinct tokens (cache max ${String(result.max)})`;
  return [
    row(`memory, heapUsed growth after ${flood}`, result.after.heapUsed - result.before.heapUsed),
    row(`memory, RSS growth after ${flood}`, result.after.rss - result.before.rss),
    // Once the cache is full, every further token replaces an entry: RSS must not keep growing.
    row(`memory, RSS growth from a full cache to the end of the flood`, result.after.rss - result.full.rss),
  ];
}

function remoteTargets(result: RemoteResult): Target[] {
  return REMOTE_ALGORITHMS.flatMap((alg) => {
    const r = remoteRatio.bind(undefined, result, alg);
    return [
      ratio(`remote ${alg}, cache off ÷ express-jwt + jwks-rsa`, r('remote-ours-off', 'remote-express-jwt'), 2),
      ratio(`remote ${alg}, cache off ÷ express-oauth2-jwt-bearer`, r('remote-ours-off', 'remote-oauth2-bearer'), 1.4),
      ratio(`remote ${alg}, cache on ÷ express-jwt + jwks-rsa`, r('remote-ours-on', 'remote-express-jwt'), 3),
      ratio(`remote ${alg}, cache on ÷ express-oauth2-jwt-bearer`, r('remote-ours-on', 'remote-oauth2-bearer'), 3),
      ratio(`remote ${alg}, cache on ÷ bare route`, r('remote-ours-on', 'bare'), 0.85),
    ];
  });
}

function dpopTargets(result: DpopResult): Target[] {
  const r = dpopRatio.bind(undefined, result);
  return [
    // A proof costs one more public-key verify (ES256) and one SHA-256 of the token per request.
    ratio('DPoP ES256, in-process replay store ÷ the same token as Bearer (cache on)', r('dpop-memory', 'dpop-bearer'), 0.6),
    {
      ...ratio('DPoP ES256, Redis replay store ÷ the same token as Bearer (cache on)', r('dpop-redis', 'dpop-bearer'), 0),
      goal: 'reported',
    },
    { ...ratio('DPoP section, Bearer (cache on, dpop configured) ÷ bare route', r('dpop-bearer', 'bare'), 0), goal: 'reported' },
  ];
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const startedAt = new Date();
const loadBefore = os.loadavg();
const machine = {
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  memory: formatBytes(os.totalmem()),
};
log(
  `bench: node ${machine.node}, ${String(machine.cpus)} CPUs (${machine.cpuModel}), load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
);

const out: string[] = [
  `## express-token-required benchmarks`,
  '',
  `Node ${machine.node}, ${String(machine.cpus)} CPUs (${machine.cpuModel}), ${machine.platform}; commit ${gitCommit()}; ${startedAt.toISOString()}`,
  '',
];
const targets: Target[] = [];
let verify: VerifyRow[] | undefined;
let publicKeys: VerifyRow[] | undefined;
let http: HttpRow[] | undefined;
let memory: MemoryResult | undefined;
let remote: RemoteResult | undefined;
let dpop: DpopResult | undefined;

if (only.has('verify')) {
  verify = await runVerify({ rounds: settings.verifyRounds, time: settings.verifyMs, log });
  out.push(`### Verify, in-process (tinybench; median of ${String(settings.verifyRounds)} rounds)`, '', verifyTables(verify));
  targets.push(...verifyTargets(verify));
}
if (only.has('publickeys')) {
  publicKeys = await runPublicKeys({ rounds: settings.verifyRounds, time: settings.verifyMs, log });
  out.push(`### Public keys, in-process (tinybench; median of ${String(settings.verifyRounds)} rounds)`, '', publicKeyTables(publicKeys));
  targets.push(...publicKeyTargets(publicKeys));
}
// The HTTP, remote and DPoP sections share one schedule and its settings.
const httpOptions = {
  rounds: settings.httpRounds,
  duration: settings.httpSeconds,
  warmup: settings.httpWarmup,
  connections: settings.connections,
  log,
};
const httpHeading = (title: string): string =>
  `### ${title} (autocannon, ${String(settings.connections)} connections, ${String(settings.httpRounds)} rounds; every guard run of ${String(settings.httpSeconds)} s between two runs of the bare route; medians)`;

if (only.has('http')) {
  http = await runHttp(httpOptions);
  out.push(httpHeading('HTTP'), '', httpTables(http));
  targets.push(...httpTargets(http));
}
if (only.has('memory')) {
  memory = await runMemory({
    max: settings.cacheMax,
    tokens: settings.memoryTokens,
    warmup: settings.memoryWarmup,
    connections: settings.connections,
    log,
  });
  out.push(`### Memory (tokenRequired with cache: { max: ${String(settings.cacheMax)} })`, '', memoryTable(memory));
  targets.push(...memoryTargets(memory));
}
if (only.has('remote')) {
  remote = await runRemote({
    ...httpOptions,
    unknownKidRequests: settings.unknownKidRequests,
  });
  out.push(httpHeading('Remote key sets'), '', remoteTables(remote));
  targets.push(...remoteTargets(remote));
}
if (only.has('dpop')) {
  dpop = await runDpop(httpOptions);
  out.push(httpHeading('DPoP'), '', dpopTables(dpop));
  targets.push(...dpopTargets(dpop));
}

const loadAfter = os.loadavg();
const seconds = (Date.now() - startedAt.getTime()) / 1000;
out.push(
  '### Targets',
  '',
  markdownTable(
    ['target', 'goal', 'measured', ''],
    targets.map((t) => [t.target, t.goal, t.shown, t.goal === 'reported' ? '' : t.met ? 'met' : 'MISSED']),
  ),
  '',
  `Load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; ${seconds.toFixed(0)} s.`,
);
process.stdout.write(`${out.join('\n')}\n`);

// The sections not run are kept from the file, with the run they came from; the targets are those of
// every section in it, computed again from its results.
const resultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const command = `${['BENCH_QUICK', 'BENCH_ONLY']
  .filter((name) => process.env[name] !== undefined)
  .map((name) => `${name}=${process.env[name] ?? ''} `)
  .join('')}npm run bench`;
const run: RunInfo = {
  startedAt: startedAt.toISOString(),
  seconds,
  commit: gitCommit(),
  command,
  machine,
  load: { before: loadBefore, after: loadAfter },
  settings,
};
const { sections, runs } = mergeResults(resultsFile, run, { verify, publicKeys, http, memory, remote, dpop });
// Each section's results were written by this runner: their types are the ones it wrote.
const allTargets = [
  ...(sections.verify ? verifyTargets(sections.verify as VerifyRow[]) : []),
  ...(sections.publicKeys ? publicKeyTargets(sections.publicKeys as VerifyRow[]) : []),
  ...(sections.http ? httpTargets(sections.http as HttpRow[]) : []),
  ...(sections.memory ? memoryTargets(sections.memory as MemoryResult) : []),
  ...(sections.remote ? remoteTargets(sections.remote as RemoteResult) : []),
  ...(sections.dpop ? dpopTargets(sections.dpop as DpopResult) : []),
];
writeResults(resultsFile, { ...run, runs, ...sections, targets: allTargets });
log(`bench: wrote bench/results/latest.json (${seconds.toFixed(0)} s; ${Object.keys(sections).join(', ')})`);
