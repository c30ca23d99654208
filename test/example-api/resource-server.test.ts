// examples/resource-server/ (`npm run start:resource`) against the real example API in the ES256 mode:
// both as child processes, the resource server trusting the API by discovery, with no shared secret.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE } from '../helpers/app.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from './helpers.js';
import { killAll, launch, stop, type Server } from './server-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RESOURCE_SERVER = 'examples/resource-server/server.ts';
const doc = readFileSync(join(ROOT, 'README.md'), 'utf8');
const readme = doc.slice(doc.indexOf('\n### A second service that trusts the API\n'), doc.indexOf('\n## Options\n'));
const PASSWORD = 'change-me-please';
const temp = tempDir();

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function get(url: string, token?: string): Promise<Answer> {
  const res = await fetch(url, { headers: token === undefined ? {} : { token } });
  return { status: res.status, body: await res.json() };
}

async function login(api: string): Promise<string> {
  const res = await fetch(`${api}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

let api: Server;
let apiUrl: string;
// Two resource servers: one used while the API runs, one first used once it has stopped.
let resource: Server;
let resourceUrl: string;
let untouched: Server;
let untouchedUrl: string;
let token: string;

beforeAll(async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${String(port)}`;
  api = launch({
    TOKEN_ALG: 'ES256',
    PORT: String(port),
    PUBLIC_URL: issuer,
    DATABASE_PATH: join(temp.dir, 'data', 'api.db'),
    ADMIN_PASSWORD: PASSWORD,
  });
  resource = launch({ ISSUER: issuer }, RESOURCE_SERVER);
  untouched = launch({ ISSUER: issuer }, RESOURCE_SERVER);
  [apiUrl, resourceUrl, untouchedUrl] = await Promise.all([api.listening, resource.listening, untouched.listening]);
  expect(apiUrl).toBe(issuer);
  token = await login(apiUrl);
}, 60_000);

afterAll(() => {
  killAll();
  temp.remove();
});

describe('the resource server, while the example API runs', () => {
  it('says which issuer it trusts, on its own port', () => {
    expect(resourceUrl).not.toBe(apiUrl);
    expect(resource.output().stdout).toBe(`listening on ${resourceUrl} (tokens of issuer ${apiUrl}, its keys by discovery)\n`);
  });

  it('answers GET /health without a token', async () => {
    expect(await get(`${resourceUrl}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('accepts the API’s token in the same `token` header: GET /whoami is the user’s sub and the issuer', async () => {
    const me = await get(`${apiUrl}/me`, token);
    expect(me.status).toBe(200);
    const { id } = me.body as { id: string };
    expect(await get(`${resourceUrl}/whoami`, token)).toEqual({ status: 200, body: { sub: id, iss: apiUrl } });
  });

  it('is started by `npm run start:resource` and answers /whoami as the README shows', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:resource']).toBe(`tsx ${RESOURCE_SERVER}`);
    const shown = /\ncurl -s http:\/\/127\.0\.0\.1:3001\/whoami -H "token: \$TOKEN"\n# (.*)\n/.exec(readme)?.[1] ?? 'not shown';
    const { sub } = (await get(`${resourceUrl}/whoami`, token)).body as { sub: string };
    expect(shown.replace('…', sub).replace('http://127.0.0.1:3000', apiUrl)).toBe(JSON.stringify({ sub, iss: apiUrl }));
  });

  it('refuses a request without a token, or with a bad one, with the library’s envelope', async () => {
    expect(await get(`${resourceUrl}/whoami`)).toEqual({ status: 400, body: ENVELOPE.missing });
    expect(await get(`${resourceUrl}/whoami`, `${token.slice(0, -4)}AAAA`)).toEqual({ status: 401, body: ENVELOPE.invalid });
  });

  it('answers an unknown route with the 404 envelope', async () => {
    expect(await get(`${resourceUrl}/nothing-here`)).toEqual({
      status: 404,
      body: { code: '404', status: 'Not Found', message: 'Route not found' },
    });
  });
});

describe('the resource server, once the example API has stopped', () => {
  beforeAll(async () => {
    expect(await stop(api, 'SIGTERM')).toBe(0);
  }, 20_000);

  it('still verifies with the keys it fetched while the API ran', async () => {
    expect((await get(`${resourceUrl}/whoami`, token)).status).toBe(200);
  });

  it('answers 503 when it never got the keys, logging the key server’s URL but never sending it', async () => {
    const answer = await get(`${untouchedUrl}/whoami`, token);
    expect(answer).toEqual({ status: 503, body: { code: '503', status: 'Service Unavailable', message: 'Token keys unavailable' } });
    expect(JSON.stringify(answer.body)).not.toContain(apiUrl);
    expect(readme).toContain(`\`${JSON.stringify(answer.body)}\``);
    expect(untouched.output().stderr).toBe(
      `error: express-token-required: the metadata of issuer ${apiUrl} at ${apiUrl}/.well-known/openid-configuration could not be fetched: the request failed\n`,
    );
  });

  it('still refuses a request without a token with 400, fetching nothing', async () => {
    expect(await get(`${untouchedUrl}/whoami`)).toEqual({ status: 400, body: ENVELOPE.missing });
  });

  it('stops on SIGTERM, exit code 0', async () => {
    expect(await Promise.all([stop(resource, 'SIGTERM'), stop(untouched, 'SIGTERM')])).toEqual([0, 0]);
  });
});
