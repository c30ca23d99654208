// `npm run start:resource`: the resource server, trusting the example API (`npm start`) by discovery.
// Settings: ISSUER (default http://127.0.0.1:3000, the example API's own default), PORT (3001), HOST.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResourceServer } from './app.js';

const issuer = process.env.ISSUER || 'http://127.0.0.1:3000';
const port = process.env.PORT || '3001';
const host = process.env.HOST || '127.0.0.1';

function main(): void {
  // 0 asks the system for a free port (the tests use it).
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535)
    throw new Error(`PORT must be a port number from 0 to 65535 (got ${JSON.stringify(port)})`);
  // tokenRequired checks ISSUER here, at start-up: an https: URL, or http: to a loopback host.
  const log = (line: string): void => {
    console.error(line);
  };
  const app = createResourceServer({ issuer, log });
  const server = createServer(app);
  server.once('error', (error) => {
    console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
    process.exitCode = 1;
  });
  server.listen(Number(port), host, () => {
    const { port: bound } = server.address() as AddressInfo;
    console.log(`listening on http://${host}:${String(bound)} (tokens of issuer ${issuer}, its keys by discovery)`);
  });
  // Ctrl-C or SIGTERM: stop accepting, let requests in flight finish; nothing else keeps the process alive.
  const shutdown = (): void => {
    server.close();
    server.closeIdleConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

try {
  main();
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
