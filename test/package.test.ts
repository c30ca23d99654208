// What ships: the packed tarball, loaded and type-checked as a consumer would, from CJS and ESM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
let consumer = '';
let tarball = '';

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  consumer = mkdtempSync(join(tmpdir(), 'etr-consumer-'));
  tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', consumer], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  const installed = join(consumer, 'node_modules', 'express-token-required');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(consumer, tarball), '-C', installed, '--strip-components=1']);
  // The package's own dependency and peers, as npm would install them beside it.
  for (const dep of ['jsonwebtoken', 'express', '@types/express', '@types/node', '@types/express-serve-static-core', '@types/qs', '@types/serve-static']) {
    mkdirSync(join(consumer, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep));
  }
}, 60_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

const SCRIPT = `
  const secret = 'x'.repeat(32);
  const token = m.signToken({ sub: '1' }, { secret });
  m.verifyToken(token, { secret }).then(async (payload) => {
    const refused = await m.verifyToken('bad', { secret }).catch((e) => e);
    console.log(JSON.stringify({
      exports: Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort(),
      sub: payload.sub,
      refused: [refused instanceof m.TokenError, refused.reason],
      middleware: typeof m.tokenRequired({ secret }),
    }));
  });`;

const EXPECTED = {
  exports: ['TokenError', 'signToken', 'tokenRequired', 'verifyToken'],
  sub: '1',
  refused: [true, 'token_invalid'],
  middleware: 'function',
};

describe('the packed package', () => {
  it('ships only dist, package.json, README and LICENSE', () => {
    const files = execFileSync('tar', ['-tzf', join(consumer, tarball)], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']));
  });

  it('loads through require', () => {
    const out = execFileSync('node', ['-e', `const m = require('express-token-required');${SCRIPT}`], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('loads through import', () => {
    const out = execFileSync('node', ['--input-type=module', '-e', `import * as m from 'express-token-required';${SCRIPT}`], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('gives CJS and ESM consumers the types, req.auth included', () => {
    const source = (load: string) => `${load}
import type { Request } from 'express';
const guard: import('express').RequestHandler = tokenRequired({ secret: 'x'.repeat(32), loadUser: (p) => ({ id: p.sub }) });
const handler = (req: Request): string | undefined => req.auth?.sub;
const reason: 'token_missing' | 'token_ambiguous' | 'token_invalid' | 'token_expired' | 'token_revoked' | 'user_not_found' = new TokenError('token_invalid').reason;
// @ts-expect-error: an unknown algorithm is a type error
tokenRequired({ secret: 'x', algorithms: ['RS256'] });
export { guard, handler, reason };
`;
    writeFileSync(join(consumer, 'esm.mts'), source(`import { tokenRequired, TokenError } from 'express-token-required';`));
    writeFileSync(join(consumer, 'cjs.cts'), source(`import { tokenRequired, TokenError } from 'express-token-required';`));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
      files: ['esm.mts', 'cjs.cts'],
    }));
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    // tsc prints nothing and exits 0 when both files check; any error (or an unused @ts-expect-error) fails here.
    expect(execFileSync(tsc, ['-p', consumer], { cwd: consumer, encoding: 'utf8' })).toBe('');
  }, 60_000);
});
