// Memory: a server with `cache: { max }` flooded with distinct valid tokens stays bounded by `max` entries.
import { ServerChild } from './lib/child.js';
import { sendEach } from './lib/send-each.js';
import { formatBytes, formatNumber, markdownTable } from './lib/stats.js';
import { sign, smallPayload } from './lib/tokens.js';

export interface MemoryOptions {
  readonly max: number;
  readonly tokens: number;
  /** Requests of each warm-up kind (refused, cache hit) before the first snapshot. */
  readonly warmup: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

interface Snapshot {
  readonly rss: number;
  readonly heapUsed: number;
}

export interface MemoryResult {
  readonly max: number;
  readonly tokens: number;
  /**
   * After warm-up at full speed: the miss path run with expired tokens (never cached) and one
   * valid token (one entry), so that V8's young generation and the allocator have grown to what
   * this load needs before the flood, and what the flood adds is what the cache keeps.
   */
  readonly before: Snapshot;
  /** After the first `max` distinct tokens: the cache is full. */
  readonly full: Snapshot;
  /** After all `tokens` distinct tokens. */
  readonly after: Snapshot;
  /** Heap bytes per entry of a Map built like the cache (token string -> frozen payload, bounds), measured in the server. */
  readonly estimatePerEntry: number;
  readonly estimateForMax: number;
  readonly requestsPerSec: number;
}

/** Sends each token once, in order, over keep-alive connections; every response must be 200 {"ok":true} (or `status`). */
async function send(server: ServerChild, tokens: readonly string[], connections: number, status = 200): Promise<number> {
  const sent = await sendEach(server.url, tokens.length, (i) => ({ token: tokens[i]! }), connections);
  const ok = sent.statuses.get(status) ?? 0;
  if (sent.errors > 0 || sent.wrongBodies > 0 || ok !== tokens.length || sent.responses !== tokens.length) {
    throw new Error(
      `memory: expected ${String(tokens.length)} × ${String(status)}, got ${JSON.stringify(Object.fromEntries(sent.statuses))} (errors ${String(sent.errors)}, wrong bodies ${String(sent.wrongBodies)})`,
    );
  }
  return sent.responses / sent.duration;
}

function distinctTokens(count: number, prefix: string): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(sign(smallPayload(`${prefix}-${String(i)}`)));
  return tokens;
}

export async function runMemory({ max, tokens: count, warmup, connections, log }: MemoryOptions): Promise<MemoryResult> {
  const started = performance.now();
  const flood = distinctTokens(count, 'user');
  const expired = Array.from({ length: 5000 }, (_, i) => sign({ ...smallPayload(`old-${String(i)}`), exp: 1_000_000_000 }));
  log(`memory: ${formatNumber(count)} distinct tokens made in ${formatNumber(performance.now() - started)} ms; cache max ${String(max)}`);
  const server = await ServerChild.start('memory', { BENCH_CACHE_MAX: String(max) });
  try {
    // Warm-up: the whole verify path runs (expired tokens fail after the signature check, so are never
    // cached), and one valid token makes one entry.
    await send(
      server,
      Array.from({ length: warmup }, (_, i) => expired[i % expired.length]!),
      connections,
      401,
    );
    await send(
      server,
      Array.from({ length: warmup }, () => flood[0]!),
      connections,
    );
    const { perEntry } = await server.ask({ type: 'estimate', count: max }, 'estimate');
    const before = await server.ask({ type: 'memory' }, 'memory');
    await send(server, flood.slice(1, max + 1), connections);
    const full = await server.ask({ type: 'memory' }, 'memory');
    const t0 = performance.now();
    await send(server, flood.slice(max + 1), connections);
    const requestsPerSec = ((count - max - 1) * 1000) / (performance.now() - t0);
    const after = await server.ask({ type: 'memory' }, 'memory');
    log(`memory: done (${formatNumber(requestsPerSec)} req/s during the flood)`);
    return {
      max,
      tokens: count,
      before,
      full,
      after,
      estimatePerEntry: perEntry,
      estimateForMax: perEntry * max,
      requestsPerSec,
    };
  } finally {
    await server.stop();
  }
}

export function memoryTable(result: MemoryResult): string {
  const row = (label: string, snapshot: Snapshot): string[] => [
    label,
    formatBytes(snapshot.rss),
    formatBytes(snapshot.heapUsed),
    formatBytes(snapshot.rss - result.before.rss, true),
    formatBytes(snapshot.heapUsed - result.before.heapUsed, true),
  ];
  return [
    markdownTable(
      ['point', 'RSS', 'heapUsed (after GC)', 'RSS growth', 'heapUsed growth'],
      [
        row('before (warmed up, 1 entry)', result.before),
        row(`after ${formatNumber(result.max)} distinct tokens (cache full)`, result.full),
        row(`after ${formatNumber(result.tokens)} distinct tokens`, result.after),
      ],
    ),
    '',
    `Estimate of what \`max\` = ${formatNumber(result.max)} entries hold: ${formatNumber(result.estimatePerEntry)} B/entry × ${formatNumber(result.max)} = ${formatBytes(result.estimateForMax)} ` +
      `(unbounded, ${formatNumber(result.tokens)} entries would be ${formatBytes(result.estimatePerEntry * result.tokens)}).`,
    '',
  ].join('\n');
}
