// Any request, at random (property-based): the answer is a clean refusal or the exact payload.
// Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>.
import { Agent, createServer, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, tokenRequired } from '../src/index.js';
import type { Request } from 'express';
import { ENVELOPE, EXPRESS, type ExpressFactory } from './helpers/app.js';
import { listenOnLoopback } from './helpers/ports.js';
import { SECRET } from './helpers/tokens.js';

const SEED = Number(process.env.FC_SEED ?? 20261129);
// Fewer runs per mutant under Stryker: the other suites pin the exact behaviour.
const RUNS = Number(process.env.FC_RUNS ?? (process.env.STRYKER_MUTATOR_WORKER ? 100 : 1500));

// The refusals a request without hooks or guards can get.
const ENVELOPES = [ENVELOPE.missing, ENVELOPE.ambiguous, ENVELOPE.invalid, ENVELOPE.expired];

interface Reply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A real server on loopback, and a keep-alive client that sends header values byte for byte. */
function serve(express: ExpressFactory) {
  const handled: Request[] = [];
  const app = express();
  app.all('/protected', tokenRequired({ secret: SECRET, bearer: true }), (req, res) => {
    handled.push(req);
    res.json({ ok: true });
  });
  const server = createServer(app);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const started = listenOnLoopback(server);
  const send = async (headers: Record<string, string>): Promise<Reply> => {
    const port = await started;
    return new Promise((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/protected', method: 'POST', headers, agent }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          done({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body });
        });
      });
      req.on('error', fail);
      req.end();
    });
  };
  const close = () => {
    agent.destroy();
    server.close();
  };
  return { send, handled, close };
}

// What Node lets a client put in a header value: tab, visible ASCII and obs-text.
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
const randomText = fc.string({ unit: headerChar, maxLength: 400 });
const randomBytes = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => Buffer.from(bytes.map((b) => (b < 0x20 || b === 0x7f ? 0x3f : b))).toString('latin1'));
const b64 = fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString('base64url'));
const randomSegments = fc.array(b64, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
// Well-formed JSON segments with hostile headers reach deeper into the verifier.
const forged = fc
  .tuple(
    fc.record(
      {
        alg: fc.constantFrom('HS256', 'HS512', 'none', 'RS256', 'hs256', ''),
        typ: fc.constantFrom('JWT', undefined),
        crit: fc.constantFrom(undefined, ['exp']),
      },
      { requiredKeys: ['alg'] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
    b64,
  )
  .map(
    ([header, payload, signature]) =>
      [header, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + `.${signature}`,
  );

const anyValue = fc.oneof(randomText, randomBytes, randomSegments, forged);

describe.each(EXPRESS)('%s: properties', (_name, express) => {
  let app: ReturnType<typeof serve>;
  beforeAll(() => {
    app = serve(express);
  });
  afterAll(() => {
    app.close();
  });

  it('answers any token value with a 400 or 401 envelope, never 2xx or 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, fc.constantFrom('token', 'bearer', 'both'), async (value, where) => {
        const headers: Record<string, string> =
          where === 'token'
            ? { token: value }
            : where === 'bearer'
              ? { authorization: `Bearer ${value}` }
              : { token: value, authorization: `Bearer ${value}x` };
        const reply = await app.send(headers);
        expect([400, 401]).toContain(reply.status);
        expect(reply.contentType).toBe('application/json; charset=utf-8');
        expect(ENVELOPES).toContainEqual(JSON.parse(reply.body));
        expect((JSON.parse(reply.body) as { code: string }).code).toBe(String(reply.status));
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    expect(app.handled).toHaveLength(0);
  }, 120_000);

  it('refuses any single-character change to a valid token with 401 Invalid Token', async () => {
    const token = signToken({ sub: '42', role: 'user' }, { secret: SECRET });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...Array.from(alphabet)), async (at, char) => {
        fc.pre(token[at] !== char);
        const changed = token.slice(0, at) + char + token.slice(at + 1);
        const reply = await app.send({ token: changed });
        expect([reply.status, JSON.parse(reply.body)]).toEqual([401, ENVELOPE.invalid]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(app.handled).toHaveLength(0);
  }, 120_000);

  it('hands any JSON-object payload signed by signToken to the route unchanged', async () => {
    // signToken sets exp, iat and a random jti; the rest must arrive as signed.
    const claimName = fc.string({ maxLength: 12 }).filter((key) => !['exp', 'nbf', 'iat', 'jti'].includes(key));
    const payloads = fc.dictionary(claimName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(payloads, async (payload) => {
        const token = signToken(payload, { secret: SECRET });
        fc.pre(token.length <= 8192);
        const before = app.handled.length;
        const reply = await app.send({ token });
        expect(reply.status).toBe(200);
        const { iat, exp, jti, ...auth } = app.handled[before]?.auth ?? {};
        expect(auth).toStrictEqual(JSON.parse(JSON.stringify(payload)));
        expect(iat).toEqual(expect.any(Number));
        expect(jti).toEqual(expect.any(String));
        expect(exp).toBe((iat as number) + 3600);
        expect(Object.getPrototypeOf(app.handled[before]?.auth)).toBe(Object.prototype);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});
