// The README's quick start, run exactly as written against the built package.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE } from './helpers/app.js';
import { freePort } from './helpers/ports.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const quickStart = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

let dir = '';
let server: ChildProcess | undefined;
let base = '';

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the quick start did not listen on ${url}`);
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  // Inside the project, so `import 'express-token-required'` resolves to the build by self-reference.
  dir = mkdtempSync(join(root, '.readme-test-'));
  writeFileSync(join(dir, 'server.mjs'), quickStart);
  const port = await freePort();
  base = `http://127.0.0.1:${String(port)}`;
  const env = { ...process.env, SECRET_KEY: 'c'.repeat(64), ADMIN_PASSWORD: 'change-me', PORT: String(port) };
  server = spawn(process.execPath, ['server.mjs'], { cwd: dir, env, stdio: 'ignore' });
  await waitForServer(`${base}/items`);
}, 30_000);

afterAll(() => {
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') =>
  fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('README quick start', () => {
  it('is in the README', () => {
    expect(quickStart).toContain("from 'express-token-required'");
  });

  it('logs in, then guards POST, PUT and DELETE as the README says', async () => {
    const refused = await post('/login', { username: 'admin', password: 'wrong' });
    expect(refused.status).toBe(401);
    const login = await post('/login', { username: 'admin', password: 'change-me' });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };

    const created = await post('/items', { name: 'pen' }, { token });
    expect([created.status, await created.json()]).toEqual([201, { id: '1', name: 'pen', owner: '1' }]);

    const missing = await post('/items', { name: 'x' });
    expect([missing.status, await missing.json()]).toEqual([400, ENVELOPE.missing]);

    const invalid = await fetch(`${base}/items/1`, { method: 'DELETE', headers: { token: 'nonsense' } });
    expect([invalid.status, await invalid.json()]).toEqual([401, ENVELOPE.invalid]);

    const updated = await post('/items/1', { name: 'pencil' }, { token }, 'PUT');
    expect(updated.status).toBe(200);
    expect(await (await fetch(`${base}/items`)).json()).toEqual([{ id: '1', name: 'pencil', owner: '1' }]);

    const deleted = await fetch(`${base}/items/1`, { method: 'DELETE', headers: { token } });
    expect(deleted.status).toBe(204);
  });
});
