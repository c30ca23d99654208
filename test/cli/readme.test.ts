// The README's command-line examples show what the command prints (at the README's clock, with its jti).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frozenClockPerTest } from '../helpers/clock.js';
import { SECRET } from '../helpers/tokens.js';
import { call } from './helpers.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const block = /## Command line[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const README_NOW = 1_767_225_600; // 2026-01-01T00:00:00.000Z, the iat the README shows

/** The `# ` lines a README shell block shows under `command`, without their `# `. */
function shownLines(shell: string, command: string): string[] {
  const lines = shell.split('\n');
  const at = lines.indexOf(command);
  expect(at, `README shows ${command}`).toBeGreaterThanOrEqual(0);
  const output: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('#')) break;
    output.push(line.replace(/^# ?/, ''));
  }
  return output;
}

/** The `# ` lines the README shows under `command`, as the text they stand for. */
function shown(command: string): string {
  return `${shownLines(block, command).join('\n')}\n`;
}

frozenClockPerTest(README_NOW);

describe('the README’s command line section', () => {
  const env = { SECRET_KEY: SECRET };

  /** `TOKEN=$(npx express-token-required sign --sub 42 --iss my-app)`, and output with the README's jti in place of its own. */
  async function token(): Promise<{ token: string; asShown: (text: string) => string }> {
    expect(block).toContain('\nTOKEN=$(npx express-token-required sign --sub 42 --iss my-app)\n');
    const signed = (await call(['sign', '--sub', '42', '--iss', 'my-app'], env)).stdout.trimEnd();
    const jti = (JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    const readmeJti = /"jti": "([^"]+)"/.exec(block)?.[1] ?? 'none';
    return { token: signed, asShown: (text) => text.replaceAll(jti, readmeJti) };
  }

  it.each([
    ['verify', 'npx express-token-required verify "$TOKEN" --iss my-app', ['verify', 'TOKEN', '--iss', 'my-app']],
    ['a refusal', 'npx express-token-required verify "$TOKEN" --iss another-app', ['verify', 'TOKEN', '--iss', 'another-app']],
    ['decode', 'npx express-token-required decode "$TOKEN"', ['decode', 'TOKEN']],
    ['--version', 'npx -- express-token-required --version', ['--version']],
  ])('shows what %s prints', async (_case, command, argv) => {
    const { token: made, asShown } = await token();
    const { stdout, stderr } = await call(
      argv.map((arg) => (arg === 'TOKEN' ? made : arg)),
      env,
    );
    expect(asShown(stdout + stderr)).toBe(shown(command));
  });

  it('shows what a piped "Bearer " value prints', async () => {
    const { token: made } = await token();
    const { stdout, stderr } = await call(['verify', '-'], env, `Bearer ${made}\n`);
    expect(stdout + stderr).toBe(shown('echo "Bearer $TOKEN" | npx express-token-required verify -'));
  });

  it('shows the start of what sign prints', async () => {
    const { stdout } = await call(['sign', '--sub', '42', '--exp', '30m', '--claim', 'admin=true', '--claim', 'roles=["editor"]'], env);
    const start = shown(`npx express-token-required sign --sub 42 --exp 30m --claim admin=true --claim 'roles=["editor"]'`).replace(
      /…\n$/,
      '',
    );
    expect(stdout.startsWith(start)).toBe(true);
  });
});

describe('the README’s key pair examples', () => {
  const keyBlock = /## Command line[\s\S]*?```sh\n[\s\S]*?```[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

  /** The `# ` lines under `command` as a pattern: `…` in a value stands for any value, a `…` line for any lines. */
  function shownPattern(command: string): RegExp {
    const escaped = shownLines(keyBlock, command).map((line) =>
      line.trim() === '…' ? '[\\s\\S]*?' : line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '[^"]+'),
    );
    return new RegExp(`^${escaped.join('\n').replace(/\[\\s\\S\]\*\?\n/g, '[\\s\\S]*?')}\n$`);
  }

  it('shows what keygen --jwk and jwks print, with the random parts elided', async () => {
    const jwk = await call(['keygen', '--alg', 'PS256', '--jwk', '--kid', '2026-01']);
    expect(jwk.stdout).toMatch(shownPattern('npx express-token-required keygen --alg PS256 --jwk --kid 2026-01'));
    const pem = (await call(['keygen'])).stdout;
    const jwks = await call(['jwks', '--key', '-'], {}, pem);
    expect(jwks.stdout).toMatch(shownPattern('npx express-token-required jwks --key private.pem > jwks.json'));
  });
});
