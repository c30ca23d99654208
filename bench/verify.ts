// Verify, in-process: our verifyToken against the raw node:crypto floor and the other JWT libraries.
// Its machinery (calibrated, checked batches; rounds with same-round ratios; tables) also runs public-keys.ts.
import { performance } from 'node:perf_hooks';
import { createVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { Bench } from 'tinybench';
import { verifyToken } from '../src/index.js';
import { rawVerify } from './lib/raw.js';
import { formatNumber, formatRatio, markdownTable, median, sameRoundRatio } from './lib/stats.js';
import { KEY, SECRET, makeTokens, type TokenSet } from './lib/tokens.js';

export type Call = (token: string) => unknown;

export interface Implementation {
  readonly name: string;
  readonly async: boolean;
  readonly call: Call;
}

interface Case {
  readonly name: string;
  readonly token: keyof TokenSet;
  readonly expect: 'ok' | 'fail';
  /** Only these implementations run it (all when absent). */
  readonly only?: readonly string[];
}

export interface VerifyRow {
  readonly case: string;
  readonly implementation: string;
  readonly batch: number;
  /** Median over the rounds. */
  readonly opsPerSec: number;
  /** Median over the rounds of (ops/s ÷ the raw floor's ops/s on the same input in the same round). */
  readonly ratioToFloor: number;
  readonly perRound: readonly number[];
  /** Set when the implementation cannot run this case at all: nothing is measured (ops/s and ratio NaN). */
  readonly unsupported?: string;
}

const OURS_OFF = 'verifyToken, cache off';
const OURS_ON = 'verifyToken, cache on';
const RAW = 'raw node:crypto floor';

function implementations(): Implementation[] {
  // Each options object is built once and reused: verifyToken memoises per object.
  const off = { secret: SECRET };
  const on = { secret: SECRET, cache: true };
  const jwtOptions: jwt.VerifyOptions = { algorithms: ['HS256'] };
  const fast = createVerifier({ key: SECRET, algorithms: ['HS256'] });
  const fastCached = createVerifier({ key: SECRET, algorithms: ['HS256'], cache: true });
  const joseKey = new TextEncoder().encode(SECRET);
  const joseOptions = { algorithms: ['HS256'] };
  return [
    { name: RAW, async: false, call: (token) => rawVerify(token, KEY) },
    { name: OURS_OFF, async: true, call: (token) => verifyToken(token, off) },
    { name: OURS_ON, async: true, call: (token) => verifyToken(token, on) },
    { name: 'jsonwebtoken.verify, string secret', async: false, call: (token) => jwt.verify(token, SECRET, jwtOptions) },
    { name: 'jsonwebtoken.verify, KeyObject', async: false, call: (token) => jwt.verify(token, KEY, jwtOptions) },
    { name: 'fast-jwt createVerifier', async: false, call: (token): unknown => fast(token) },
    { name: 'fast-jwt createVerifier, cache on', async: false, call: (token): unknown => fastCached(token) },
    { name: 'jose jwtVerify (Uint8Array key)', async: true, call: (token) => jwtVerify(token, joseKey, joseOptions) },
  ];
}

const OVERSIZED = [RAW, OURS_OFF, OURS_ON];

const CASES: readonly Case[] = [
  { name: 'valid, small payload', token: 'small', expect: 'ok' },
  { name: 'valid, ~2 KB payload', token: 'large', expect: 'ok' },
  { name: 'bad signature', token: 'badSignature', expect: 'fail' },
  { name: 'malformed', token: 'malformed', expect: 'fail' },
  { name: 'valid, 8 KB token (within maxTokenLength)', token: 'kb8', expect: 'ok', only: OVERSIZED },
  // The raw floor has no length limit: it verifies these; our path refuses them before decoding.
  { name: 'oversized, 16 KB token', token: 'kb16', expect: 'fail', only: OVERSIZED },
  { name: 'oversized, 1 MB token', token: 'mb1', expect: 'fail', only: OVERSIZED },
];

/** What the raw floor does with each case's input (it has no length limit). */
const RAW_EXPECT: Partial<Record<keyof TokenSet, 'ok' | 'fail'>> = { kb16: 'ok', mb1: 'ok' };

/** One measured task: an implementation on one case's token, its batch, its checked loop. */
export interface Job {
  readonly key: string;
  readonly case: string;
  readonly implementation: Implementation;
  readonly batch: number;
  readonly fn: () => unknown;
}

/** Results land here, so that no call can be optimised away. */
const sink: { value: unknown } = { value: undefined };

/**
 * Calls the implementation for 40 ms, then picks how many calls one sample makes (about 200 µs per
 * sample, so that the timer and tinybench's own work per sample stay near 1%). Timed over the last
 * 20 ms only: a cold estimate would size a fast row's batch too small and add that overhead to it.
 */
export async function calibrate({ call, async: isAsync }: Implementation, token: string): Promise<number> {
  const begin = performance.now();
  let start = 0;
  let measured = 0;
  for (let now = begin; now < begin + 40; now = performance.now()) {
    if (start === 0 && now >= begin + 20) start = now;
    try {
      sink.value = isAsync ? await call(token) : call(token);
    } catch {
      // outcomes are checked in the measured loop
    }
    if (start !== 0) measured++;
  }
  const perCall = measured > 0 ? (performance.now() - start) / measured : 1;
  return Math.min(10_000, Math.max(1, Math.round(0.2 / perCall)));
}

const jobKey = (caseName: string, implementation: string): string => `${caseName} :: ${implementation}`;

/** A task whose every call must succeed (`ok`) or fail (`fail`): the batch throws otherwise. */
export function makeJob(caseName: string, implementation: Implementation, token: string, batch: number, expect: 'ok' | 'fail'): Job {
  const where = `${implementation.name} / ${caseName}`;
  const check = (ok: number): void => {
    // Every call's outcome is checked: a row that silently measures the wrong thing is worse than none.
    if ((expect === 'ok' && ok !== batch) || (expect === 'fail' && ok !== 0)) {
      throw new Error(
        `${where}: expected every call to ${expect === 'ok' ? 'succeed' : 'fail'} (${String(ok)}/${String(batch)} succeeded)`,
      );
    }
  };
  return {
    key: jobKey(caseName, implementation.name),
    case: caseName,
    implementation,
    batch,
    fn: batchLoop(implementation, token, batch, check),
  };
}

/**
 * The measured loop, compiled anew for each task: a loop written once and shared would share V8's
 * type feedback, so its `call` site would see every implementation and slow the fastest ones down.
 */
function batchLoop(implementation: Implementation, token: string, batch: number, check: (ok: number) => void): () => unknown {
  const wait = implementation.async ? 'await ' : '';
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed source text, see above
  const factory = new Function(
    'call',
    'token',
    'batch',
    'check',
    'sink',
    `return ${implementation.async ? 'async ' : ''}function batchLoop() {
      let ok = 0;
      for (let i = 0; i < batch; i++) {
        try {
          sink.value = ${wait}call(token);
          ok++;
        } catch {
          // counted
        }
      }
      check(ok);
    };`,
  ) as (call: Call, token: string, batch: number, check: (ok: number) => void, out: typeof sink) => () => unknown;
  return factory(implementation.call, token, batch, check, sink);
}

export interface VerifyOptions {
  readonly rounds: number;
  /** Milliseconds per task per round. */
  readonly time: number;
  readonly log: (line: string) => void;
}

export async function runVerify({ rounds, time, log }: VerifyOptions): Promise<VerifyRow[]> {
  const tokens = makeTokens();
  const impls = implementations();
  const jobs: Job[] = [];
  for (const testCase of CASES) {
    for (const implementation of impls) {
      if (testCase.only && !testCase.only.includes(implementation.name)) continue;
      const token = tokens[testCase.token];
      const expect = implementation.name === RAW ? (RAW_EXPECT[testCase.token] ?? testCase.expect) : testCase.expect;
      jobs.push(makeJob(testCase.name, implementation, token, await calibrate(implementation, token), expect));
    }
  }
  log(
    `verify: ${String(jobs.length)} tasks × ${String(rounds)} rounds × ${String(time)} ms (token lengths: small ${String(tokens.small.length)}, ~2 KB payload ${String(tokens.large.length)}, 8 KB ${String(tokens.kb8.length)}, 16 KB ${String(tokens.kb16.length)}, 1 MB ${String(tokens.mb1.length)})`,
  );
  return measureRounds(jobs, { rounds, time, log }, 'verify', RAW);
}

/**
 * Runs every job once per round, all in one tinybench run per round, and gives each its median
 * ops/s and the median of its per-round ratios to the job named `floor` on the same case.
 */
export async function measureRounds(
  jobs: readonly Job[],
  { rounds, time, log }: VerifyOptions,
  section: string,
  floor: string,
): Promise<VerifyRow[]> {
  const opsByRound = new Map<string, number[]>(jobs.map((job) => [job.key, []]));
  const ratioByRound = new Map<string, number[]>(jobs.map((job) => [job.key, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: Math.min(50, time / 2), iterations: 5, warmupIterations: 2, throws: true });
    for (const job of jobs) bench.add(job.key, job.fn);
    await bench.run();
    const ops = new Map<string, number>();
    for (const job of jobs) {
      const result = bench.getTask(job.key)?.result;
      if (result?.state !== 'completed') throw new Error(`${section}: ${job.key} did not complete (${result?.state ?? 'missing'})`);
      ops.set(job.key, (job.batch * 1000) / result.period);
    }
    for (const job of jobs) {
      const value = ops.get(job.key)!;
      const floorOps = ops.get(jobKey(job.case, floor));
      if (floorOps === undefined) throw new Error(`${section}: no ${floor} row for ${job.case}`);
      opsByRound.get(job.key)!.push(value);
      ratioByRound.get(job.key)!.push(value / floorOps);
    }
    log(`${section}: round ${String(round + 1)}/${String(rounds)} done`);
  }
  return jobs.map((job) => ({
    case: job.case,
    implementation: job.implementation.name,
    batch: job.batch,
    opsPerSec: median(opsByRound.get(job.key)!),
    ratioToFloor: median(ratioByRound.get(job.key)!),
    perRound: opsByRound.get(job.key)!,
  }));
}

/** One case's rows as a markdown table: implementation, ops/s, ratio (`n/a` for an unsupported row). */
export function rowsTable(rows: readonly VerifyRow[], ratioHeader: string): string {
  return markdownTable(
    ['implementation', 'ops/s', ratioHeader],
    rows.map((row) =>
      row.unsupported === undefined
        ? [row.implementation, formatNumber(row.opsPerSec), formatRatio(row.ratioToFloor)]
        : [`${row.implementation} (${row.unsupported})`, 'n/a', 'n/a'],
    ),
  );
}

export function verifyTables(rows: readonly VerifyRow[]): string {
  const out: string[] = [];
  for (const testCase of CASES) {
    const caseRows = rows.filter((row) => row.case === testCase.name);
    const ratioNote =
      testCase.token === 'kb16' || testCase.token === 'mb1'
        ? 'vs the raw floor verifying the same token (it has no length limit)'
        : testCase.expect === 'fail'
          ? 'vs the raw floor refusing the same input'
          : 'vs the raw floor on the same token';
    out.push(`#### ${testCase.name}`, '');
    out.push(rowsTable(caseRows, `ratio (${ratioNote})`), '');
  }
  return out.join('\n');
}

/** Ours (cache off) on a 16 KB and a 1 MB token vs on an 8 KB one, median of same-round ratios: refusing early must cost no more. */
export function oversizedSummary(rows: readonly VerifyRow[]): { kb16VsKb8: number; mb1VsKb8: number } {
  const perRound = (prefix: string): readonly number[] =>
    rows.find((row) => row.case.startsWith(prefix) && row.implementation === OURS_OFF)?.perRound ?? [];
  const kb8 = perRound('valid, 8 KB');
  const ratio = (prefix: string): number => sameRoundRatio(perRound(prefix), kb8);
  return { kb16VsKb8: ratio('oversized, 16 KB'), mb1VsKb8: ratio('oversized, 1 MB') };
}

export const VERIFY_NAMES = { OURS_OFF, OURS_ON, RAW } as const;
