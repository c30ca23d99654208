// Public keys, in-process: our verifyToken on RS256, PS256, ES256 and EdDSA tokens against each
// algorithm's node:crypto floor, jsonwebtoken (a PEM string and a KeyObject) and jose.
import { importSPKI, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { verifyToken } from '../src/index.js';
import { makePublicKeyCases, type PublicAlgorithm, type PublicKeyCase } from './lib/public-keys.js';
import { rawPublicVerifier } from './lib/raw.js';
import { sameRoundRatio } from './lib/stats.js';
import {
  calibrate,
  makeJob,
  measureRounds,
  rowsTable,
  type Implementation,
  type Job,
  type VerifyOptions,
  type VerifyRow,
} from './verify.js';

const RAW = 'raw node:crypto floor';
const OURS_OFF = 'verifyToken, cache off';
const OURS_ON = 'verifyToken, cache on';
const JWT_PEM = 'jsonwebtoken.verify, PEM string';
const JWT_KEY = 'jsonwebtoken.verify, KeyObject';
const JOSE = 'jose jwtVerify (imported key)';

/** jsonwebtoken 9 knows no EdDSA (its key check refuses an Ed25519 key): those rows are n/a. */
const JWT_UNSUPPORTED: Partial<Record<PublicAlgorithm, string>> = { EdDSA: 'jsonwebtoken 9 does not support EdDSA' };

interface Row {
  readonly implementation: Implementation;
  readonly unsupported?: string | undefined;
}

async function rowsFor({ algorithm, key, pem }: PublicKeyCase): Promise<Row[]> {
  // Each options object is built once and reused: verifyToken memoises per object.
  const off = { publicKey: pem, algorithms: [algorithm] };
  const on = { publicKey: pem, algorithms: [algorithm], cache: true };
  // Typed loosely on purpose: @types/jsonwebtoken's Algorithm has no EdDSA, and that row is n/a.
  const jwtOptions = { algorithms: [algorithm] } as jwt.VerifyOptions;
  const joseKey = await importSPKI(pem, algorithm);
  const joseOptions = { algorithms: [algorithm] };
  const raw = rawPublicVerifier(algorithm, key);
  const unsupported = JWT_UNSUPPORTED[algorithm];
  return [
    { implementation: { name: RAW, async: false, call: raw } },
    { implementation: { name: OURS_OFF, async: true, call: (token) => verifyToken(token, off) } },
    { implementation: { name: OURS_ON, async: true, call: (token) => verifyToken(token, on) } },
    // What express-jwt with jwks-rsa does per request: the PEM string, parsed by node:crypto on every call.
    { implementation: { name: JWT_PEM, async: false, call: (token) => jwt.verify(token, pem, jwtOptions) }, unsupported },
    { implementation: { name: JWT_KEY, async: false, call: (token) => jwt.verify(token, key, jwtOptions) }, unsupported },
    { implementation: { name: JOSE, async: true, call: (token) => jwtVerify(token, joseKey, joseOptions) } },
  ];
}

/** An unsupported row must still refuse the token: if it ever verifies, it should be measured instead. */
async function confirmUnsupported({ implementation }: Row, token: string, algorithm: PublicAlgorithm): Promise<void> {
  let verified = false;
  try {
    await implementation.call(token);
    verified = true;
  } catch {
    // expected
  }
  if (verified) throw new Error(`publickeys: ${implementation.name} now verifies ${algorithm}; measure it instead of marking it n/a`);
}

const caseName = (algorithm: PublicAlgorithm): string => `${algorithm}, valid small payload`;

export async function runPublicKeys(options: VerifyOptions): Promise<VerifyRow[]> {
  const cases = makePublicKeyCases();
  // In the tables' order: a job to measure, or an n/a row as it will be reported.
  const slots: (Job | VerifyRow)[] = [];
  for (const testCase of cases) {
    const name = caseName(testCase.algorithm);
    for (const row of await rowsFor(testCase)) {
      if (row.unsupported === undefined) {
        const batch = await calibrate(row.implementation, testCase.token);
        slots.push(makeJob(name, row.implementation, testCase.token, batch, 'ok'));
        continue;
      }
      await confirmUnsupported(row, testCase.token, testCase.algorithm);
      slots.push({
        case: name,
        implementation: row.implementation.name,
        batch: 0,
        opsPerSec: Number.NaN,
        ratioToFloor: Number.NaN,
        perRound: [],
        unsupported: row.unsupported,
      });
    }
  }
  const jobs = slots.filter((slot): slot is Job => 'fn' in slot);
  options.log(
    `publickeys: ${String(jobs.length)} tasks × ${String(options.rounds)} rounds × ${String(options.time)} ms (token lengths: ${cases.map((c) => `${c.algorithm} ${String(c.token.length)}`).join(', ')})`,
  );
  const measured = await measureRounds(jobs, options, 'publickeys', RAW);
  return slots.map((slot) => ('fn' in slot ? measured[jobs.indexOf(slot)]! : slot));
}

export function publicKeyTables(rows: readonly VerifyRow[]): string {
  const out: string[] = [];
  for (const name of new Set(rows.map((row) => row.case))) {
    out.push(
      `#### ${name}`,
      '',
      rowsTable(
        rows.filter((row) => row.case === name),
        `ratio (vs the ${name.split(',')[0]!} raw floor)`,
      ),
      '',
    );
  }
  return out.join('\n');
}

export interface PublicKeySummary {
  readonly algorithm: PublicAlgorithm;
  /** Ours, cache off ÷ the floor (median of per-round ratios). */
  readonly offVsFloor: number;
  /** Ours, cache on ÷ the floor. */
  readonly onVsFloor: number;
  /** Ours, cache off ÷ jose, median over rounds of the same-round quotient. */
  readonly offVsJose: number;
}

/** What the targets need, per algorithm. */
export function publicKeySummary(rows: readonly VerifyRow[], algorithm: PublicAlgorithm): PublicKeySummary {
  const find = (implementation: string): VerifyRow | undefined =>
    rows.find((row) => row.case === caseName(algorithm) && row.implementation === implementation);
  return {
    algorithm,
    offVsFloor: find(OURS_OFF)?.ratioToFloor ?? Number.NaN,
    onVsFloor: find(OURS_ON)?.ratioToFloor ?? Number.NaN,
    offVsJose: sameRoundRatio(find(OURS_OFF)?.perRound ?? [], find(JOSE)?.perRound ?? []),
  };
}
