// Sends each of `count` requests once, in order, over keep-alive connections (autocannon with
// `amount`), and counts what came back: the memory flood and the remote section's unknown kids.
import autocannon from 'autocannon';
import { statusCounts } from './stats.js';

export interface SentEach {
  /** Responses by status code. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly responses: number;
  readonly errors: number;
  /** 200 responses whose body was not `{"ok":true}`. */
  readonly wrongBodies: number;
  /** Seconds, as autocannon measured the run. */
  readonly duration: number;
}

const BODY = JSON.stringify({ ok: true });

/** Request `i` carries `headersOf(i)`; each is sent once. */
export async function sendEach(
  url: string,
  count: number,
  headersOf: (i: number) => Record<string, string>,
  connections: number,
): Promise<SentEach> {
  let next = 0;
  let wrongBodies = 0;
  const result = await autocannon({
    url,
    connections: Math.min(connections, count),
    amount: count,
    requests: [
      {
        method: 'GET',
        // Called once per request built; `amount` stops the run after `count` responses.
        setupRequest: (request) => ({ ...request, headers: headersOf(next++ % count) }),
        onResponse: (code, body) => {
          if (code === 200 && body !== BODY) wrongBodies++;
        },
      },
    ],
  });
  return {
    statuses: statusCounts(result.statusCodeStats),
    responses: result.requests.total,
    errors: result.errors,
    wrongBodies,
    duration: result.duration,
  };
}
