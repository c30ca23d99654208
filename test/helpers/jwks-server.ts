// A JWKS server under the test's control, on a loopback port: it answers with what the test
// says, and counts what it saw (the fetches), rather than trusting the client to say so.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './ports.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface SeenRequest {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface JwksServer {
  /** `http://127.0.0.1:<port>/jwks`. */
  readonly url: string;
  readonly origin: string;
  /** Every request the server saw, in order. */
  readonly requests: SeenRequest[];
  /** Answers every request from now on. */
  respond(handler: Handler): void;
  /** Answers every request from now on with this JSON (`{ keys }` for an array). */
  serve(body: unknown): void;
  close(): Promise<void>;
}

export const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

export async function startJwksServer(keys: readonly unknown[] = []): Promise<JwksServer> {
  const requests: SeenRequest[] = [];
  let handler: Handler = json({ keys });
  const server = createServer((req, res) => {
    requests.push({ method: req.method, path: req.url, headers: req.headers });
    handler(req, res);
  });
  const port = await listenOnLoopback(server);
  const origin = `http://127.0.0.1:${String(port)}`;
  return {
    url: `${origin}/jwks`,
    origin,
    requests,
    respond: (next) => {
      handler = next;
    },
    serve: (body) => {
      handler = json(Array.isArray(body) ? { keys: body } : body);
    },
    close: async () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
