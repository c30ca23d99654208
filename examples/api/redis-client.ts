// REDIS_URL: the node-redis client behind the shared revocation store, as the README sets one up.
import { createClient } from 'redis';

/**
 * Connects to `url`. The first connection fails fast (the server does not start without the
 * Redis it was told to use); once connected, a lost connection is retried with a growing
 * delay, and in the meantime RedisRevocationStore's timeout turns each check into a 500.
 */
export async function connectRedis(url: string, log: (line: string) => void) {
  let connected = false;
  const client = createClient({
    url,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** retries, 5000) : cause),
    },
  });
  // Without a listener, an 'error' event (e.g. Redis restarting) would end the process.
  client.on('error', (error: unknown) => {
    if (connected) log(`redis: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to Redis at REDIS_URL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  connected = true;
  return client;
}

/** The URL without its user name and password, for the logs. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/**
 * Closes the client at shutdown: lets commands in flight finish when Redis is there, and
 * waits at most `ms` for it; a client still reconnecting is dropped at once.
 */
export async function closeRedis(client: Awaited<ReturnType<typeof connectRedis>>, ms = 1000): Promise<void> {
  if (!client.isReady) {
    client.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([client.close(), giveUp]);
  } catch {
    // Closing failed: nothing left to wait for.
  } finally {
    clearTimeout(timer);
    if (client.isOpen) client.destroy();
  }
}
