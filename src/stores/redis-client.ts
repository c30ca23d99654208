// What the Redis stores share: the client, described by the few methods they use and told
// apart once (node-redis or ioredis), their common options, and one command run within a
// timeout. Nothing here imports `redis` or `ioredis`.
import { checkNames, configError, describeValue, isRecord, optionalNumber, optionalString } from '../core/options/validate.js';

/** What the stores use of a node-redis client or cluster (`redis` v4 or later: `createClient()`, `createCluster()`). */
export interface NodeRedisClientLike {
  readonly isOpen: boolean;
  set(
    key: string,
    value: string,
    options?: { expiration: { type: 'PXAT'; value: number }; PXAT: number; condition?: 'NX'; NX?: true },
  ): Promise<unknown>;
  exists(key: string): Promise<unknown>;
}

/** What the stores use of an ioredis client or cluster (`new Redis()`, `new Cluster()`). */
export interface IoRedisClientLike {
  readonly status: string;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, unixTimeMillisecondsToken: 'PXAT', unixTimeMilliseconds: number): Promise<unknown>;
  // Apart, as ioredis declares them: an optional `nx` would refuse implementations such as `(...args: (string | number)[]) => …`.
  // eslint-disable-next-line @typescript-eslint/unified-signatures
  set(key: string, value: string, unixTimeMillisecondsToken: 'PXAT', unixTimeMilliseconds: number, nx: 'NX'): Promise<unknown>;
  exists(key: string): Promise<unknown>;
}

/** A connected node-redis or ioredis client (told apart by node-redis's `isOpen` and ioredis's `status`). */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

/** The client's call style: node-redis takes an options object, ioredis positional tokens. */
export type ClientKind = 'node-redis' | 'ioredis';

/** A store, for its checks and their messages. */
export interface StoreSpec {
  /** The class name, e.g. `'RedisRevocationStore'`. */
  readonly name: string;
  /** The client methods the store calls. */
  readonly methods: readonly string[];
  /** Every option the store takes (`prefix` and `timeout` among them). */
  readonly options: readonly string[];
  /** The default `prefix`. */
  readonly prefix: string;
}

/** A store's client and common options, checked. */
export interface StoreSetup {
  readonly kind: ClientKind;
  /** The options record, for the store's own options. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly prefix: string;
  /** Milliseconds. */
  readonly timeout: number;
}

/**
 * Checks the options (an object, known names), then the client, then `prefix` and `timeout`
 * (default `1000` ms): a TypeError naming the store at the first problem.
 */
export function setUpStore(client: unknown, options: unknown, spec: StoreSpec): StoreSetup {
  if (!isRecord(options)) throw configError(`${spec.name} options must be an object (got ${describeValue(options)})`);
  checkNames(options, spec.name, spec.options);
  const kind = clientKind(client, spec);
  return {
    kind,
    options,
    prefix: optionalString(options, 'prefix') ?? spec.prefix,
    timeout: optionalNumber(options, 'timeout', 1000, { min: 1, integer: true }),
  };
}

function clientKind(client: unknown, spec: StoreSpec): ClientKind {
  if (!isRecord(client) || spec.methods.some((method) => typeof client[method] !== 'function')) {
    throw configError(`${spec.name} needs a node-redis (redis v4+) or ioredis client (got ${describeValue(client)})`);
  }
  if (typeof client.isOpen === 'boolean') return 'node-redis';
  if (typeof client.status === 'string') return 'ioredis';
  throw configError(`${spec.name} cannot tell the client's kind: expected node-redis (with 'isOpen') or ioredis (with 'status')`);
}

/**
 * Runs one command within `timeout` ms; every failure becomes an Error that names the command:
 * `Redis failed SET` (the client's error as `cause`) or `Redis did not answer SET within 1000 ms`.
 */
export function timedCall(command: string, timeout: number, run: () => Promise<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`express-token-required/redis: Redis did not answer ${command} within ${String(timeout)} ms`));
    }, timeout);
    // Never keeps a process alive that is otherwise done.
    timer.unref();
    new Promise((started) => {
      started(run());
    }).then(
      (reply) => {
        clearTimeout(timer);
        resolve(reply);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new Error(`express-token-required/redis: Redis failed ${command}`, { cause: error }));
      },
    );
  });
}
