// README.md, "Public-key tokens" under "Try it": the start command and each curl against the real server, outputs as shown.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { killAll, launch, stop } from './server-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'README.md'), 'utf8');
const from = doc.indexOf('\n### Public-key tokens\n');
const section = doc.slice(from, doc.indexOf('\n## ', from + 1));
const block = /```shell\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const [start = '', ...steps] = block.split('\n\n').map((step) => step.trim().split('\n'));
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const temp = tempDir();

afterAll(() => {
  killAll();
  temp.remove();
});

describe('README.md, Public-key tokens', () => {
  it('starts with TOKEN_ALG=ES256 and has two curl steps with outputs', () => {
    expect(from).toBeGreaterThan(doc.indexOf('\n## Try it\n'));
    expect(start).toEqual(['TOKEN_ALG=ES256 ADMIN_PASSWORD=change-me npm start']);
    expect(steps.map((lines) => lines.length)).toEqual([2, 2]);
  });

  it.skipIf(!hasCurl)(
    'each curl answers as shown (with the port the server got for 3000)',
    async () => {
      const server = launch({ TOKEN_ALG: 'ES256', ADMIN_PASSWORD: 'change-me', DATABASE_PATH: join(temp.dir, 'data', 'api.db') });
      const url = await server.listening;
      for (const [command = '', output = ''] of steps) {
        const stdout = execFileSync('bash', ['-c', command.replaceAll('http://127.0.0.1:3000', url)], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH },
        });
        const expected = output.replace(/^# /, '').replaceAll('http://127.0.0.1:3000', url);
        const pattern = expected
          .split('…')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^"]+');
        expect(stdout).toMatch(new RegExp(`^${pattern}$`));
      }
      expect(await stop(server, 'SIGTERM')).toBe(0);
    },
    30_000,
  );
});
