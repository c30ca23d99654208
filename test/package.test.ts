// What ships: the packed tarball, loaded and type-checked as a consumer would, from CJS and ESM.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
let consumer = '';
let tarball = '';

/** The real tsc on a consumer project: what it prints (diagnostics go to stdout) and its exit status. */
function typecheck(cwd: string, project = 'tsconfig.json') {
  const { status, stdout, stderr } = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', project], { cwd, encoding: 'utf8' });
  return { status, output: stdout + stderr };
}

beforeAll(() => {
  // `npm run build`, not bare tsup: the declarations are finished by a step after it.
  if (!existsSync(join(root, 'dist', 'index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  consumer = mkdtempSync(join(tmpdir(), 'etr-consumer-'));
  tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', consumer], { cwd: root, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const installed = join(consumer, 'node_modules', 'express-token-required');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(consumer, tarball), '-C', installed, '--strip-components=1']);
  // The package's own dependency and peers, as npm would install them beside it.
  // `redis` only for the type check of the subpath export with a real node-redis client.
  for (const dep of [
    'jsonwebtoken',
    'express',
    '@types/express',
    '@types/node',
    '@types/express-serve-static-core',
    '@types/qs',
    '@types/serve-static',
    'redis',
    '@redis',
  ]) {
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
  exports: ['KeySetError', 'TokenError', 'publicJwks', 'requireClaims', 'requireScopes', 'signToken', 'tokenRequired', 'verifyToken'],
  sub: '1',
  refused: [true, 'token_invalid'],
  middleware: 'function',
};

// The subpath takes the app's client and never loads `redis` or `ioredis` itself (see the test on dist below).
const REDIS_SCRIPT = `
  const calls = [];
  const client = { isOpen: true, set: async (...a) => { calls.push(a[0]); return 'OK'; }, exists: async () => 1 };
  const store = new r.RedisRevocationStore(client);
  store.revoke({ jti: 'j', exp: Math.floor(Date.now() / 1000) + 60 }).then(() => store.isRevoked({ jti: 'j' })).then((revoked) => {
    console.log(JSON.stringify({ exports: Object.keys(r).filter((k) => k !== 'default' && k !== 'module.exports').sort(), calls, revoked }));
  });`;

const REDIS_EXPECTED = {
  exports: ['RedisReplayStore', 'RedisRevocationStore'],
  calls: ['express-token-required:revoked:j'],
  revoked: true,
};

/** How a consumer's project checks the packed declarations: Node's own module rules, every .d.ts read. */
const CONSUMER_COMPILER_OPTIONS = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  noEmit: true,
  types: ['node'],
  skipLibCheck: false,
} as const;

describe('the packed package', () => {
  it('ships only what users run or read: dist (no unused dist/cli.cjs), package.json, README, CHANGELOG, SECURITY and LICENSE', () => {
    const files = execFileSync('tar', ['-tzf', join(consumer, tarball)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'SECURITY.md',
      'package.json',
    ]);
    expect(files.filter((f) => f.startsWith('dist/cli.'))).toEqual(expect.arrayContaining(['dist/cli.js']));
    expect(files.filter((f) => f.startsWith('dist/cli.cjs'))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
        'dist/redis.js',
        'dist/redis.cjs',
        'dist/redis.d.ts',
        'dist/redis.d.cts',
      ]),
    );
  });

  it('declares redis and ioredis as optional peers, so users without them install nothing', () => {
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', join(consumer, tarball), 'package/package.json'], { encoding: 'utf8' }),
    ) as Record<string, Record<string, unknown>>;
    expect(Object.keys(manifest.dependencies!)).toEqual(['jsonwebtoken']);
    expect(manifest.peerDependencies).toMatchObject({ redis: expect.any(String), ioredis: expect.any(String) });
    expect(manifest.peerDependenciesMeta).toEqual({ redis: { optional: true }, ioredis: { optional: true } });
  });

  it('loads through require', () => {
    const out = execFileSync('node', ['-e', `const m = require('express-token-required');${SCRIPT}`], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('loads through import', () => {
    const out = execFileSync('node', ['--input-type=module', '-e', `import * as m from 'express-token-required';${SCRIPT}`], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('loads express-token-required/redis through require and import', () => {
    const required = execFileSync('node', ['-e', `const r = require('express-token-required/redis');${REDIS_SCRIPT}`], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(JSON.parse(required)).toEqual(REDIS_EXPECTED);
    const imported = execFileSync(
      'node',
      ['--input-type=module', '-e', `import * as r from 'express-token-required/redis';${REDIS_SCRIPT}`],
      { cwd: consumer, encoding: 'utf8' },
    );
    expect(JSON.parse(imported)).toEqual(REDIS_EXPECTED);
  });

  it('never loads redis or ioredis at runtime: no hard dependency for users who do not use the store', () => {
    const installed = join(consumer, 'node_modules', 'express-token-required', 'dist');
    for (const file of ['redis.js', 'redis.cjs', 'index.js', 'index.cjs']) {
      const code = readFileSync(join(installed, file), 'utf8');
      expect(code).not.toMatch(/(?:require\(|from\s*|import\()\s*["'](?:redis|ioredis|@redis\/[^"']*)["']/);
    }
  });

  it('gives CJS and ESM consumers the types, req.auth included', () => {
    const source = (load: string) => `${load}
import type { Request } from 'express';
const guard: import('express').RequestHandler = tokenRequired({ secret: 'x'.repeat(32), loadUser: (p) => ({ id: p.sub }) });
const handler = (req: Request): string | undefined => req.auth?.sub;
const reason: 'token_missing' | 'token_ambiguous' | 'token_invalid' | 'token_expired' | 'token_revoked' | 'user_not_found' | 'insufficient_permissions' | 'dpop_invalid' | 'dpop_replayed' | 'dpop_nonce_required' = new TokenError('token_invalid').reason;
const dpopGuard = tokenRequired({ discover: true, issuer: 'https://idp.example', dpop: { origin: 'https://api.example' } });
const proofKey = (req: Request): string | undefined => req.dpop?.jkt;
// @ts-expect-error: discover needs an issuer
tokenRequired({ discover: true });
// @ts-expect-error: an unknown algorithm is a type error
tokenRequired({ secret: 'x', algorithms: ['RS999'] });
// @ts-expect-error: a secret and a public key are alternatives
tokenRequired({ secret: 'x', publicKey: 'pem' });
// @ts-expect-error: secret and keys are alternatives
tokenRequired({ secret: 'x', keys: { current: 'a', keys: { a: 'x' } } });
// The app's own claims, declared by module augmentation, reach a guard's predicate.
declare module 'express-token-required' { interface TokenPayload { tenant?: string } }
const tenantGuard = requireClaims((payload, req) => payload.tenant === req.params.tenant);
// @ts-expect-error: an augmented claim keeps its type
requireClaims((payload) => payload.tenant === 1);
const store = new RedisRevocationStore(createClient());
const revoked: Promise<boolean> = store.isRevoked({ jti: 'x' });
const keyed = tokenRequired({ keys: [{ kid: 'k1', secret: 'x' }], isRevoked: (payload) => store.isRevoked(payload) });
export { guard, handler, reason, dpopGuard, proofKey, tenantGuard, revoked, keyed };
`;
    const load = `import { requireClaims, tokenRequired, TokenError } from 'express-token-required';
import { RedisRevocationStore } from 'express-token-required/redis';
import { createClient } from 'redis';`;
    writeFileSync(join(consumer, 'esm.mts'), source(load));
    writeFileSync(join(consumer, 'cjs.cts'), source(load));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: CONSUMER_COMPILER_OPTIONS, files: ['esm.mts', 'cjs.cts'] }),
    );
    // tsc prints nothing and exits 0 when both files check; any error (or an unused @ts-expect-error) fails here.
    expect(typecheck(consumer)).toEqual({ status: 0, output: '' });
  }, 60_000);
});

// One program that loads both the ESM and the CJS declarations: an app with .mts and .cts
// files. Each declaration set used to bring its own TokenPayload and its own `declare global`
// for Express.Request, so tsc reported TS2717 on `auth` (with skipLibCheck: false), and an
// augmentation of TokenPayload written in one file did not reach the other.
describe('an app that imports the package from both .mts and .cts files', () => {
  const IMPORTS = `import type { Request } from 'express';
import { requireClaims, tokenRequired, type TokenPayload } from 'express-token-required';
import { RedisRevocationStore, type TokenPayload as RedisTokenPayload } from 'express-token-required/redis';
`;
  // Both files check that every path to TokenPayload ends at the one, augmented, interface.
  const USES = `type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const store = new RedisRevocationStore({ isOpen: true, set: async () => 'OK', exists: async () => 0 });
export const guard = tokenRequired({
  secret: 'x'.repeat(32),
  isRevoked: (payload) => store.isRevoked(payload),
  loadUser: (payload) => { const admin: Same<typeof payload.admin, boolean | undefined> = true; return admin ? {} : null; },
});
export const adminsOnly = requireClaims((payload) => payload.admin === true);
export const handler = (req: Request) => {
  const auth: Same<typeof req.auth, TokenPayload | undefined> = true;
  const admin: Same<NonNullable<typeof req.auth>['admin'], boolean | undefined> = true;
  const sub: string | undefined = req.auth?.sub;
  return { auth, admin, sub };
};
export const sameFromRedis: Same<RedisTokenPayload, TokenPayload> = true;
`;
  let app = '';

  beforeAll(() => {
    app = join(consumer, 'mixed-app');
    mkdirSync(app);
    const compilerOptions = CONSUMER_COMPILER_OPTIONS;
    // The app's augmentation, written once, in the ESM file.
    writeFileSync(
      join(app, 'a.mts'),
      `${IMPORTS}declare module 'express-token-required' { interface TokenPayload { admin?: boolean } }\n${USES}`,
    );
    writeFileSync(join(app, 'b.cts'), `${IMPORTS}${USES}`);
    writeFileSync(
      join(app, 'wrong.cts'),
      `${IMPORTS}export const wrong = (req: Request) => {
  const n: number = req.auth?.sub;
  const s: string | undefined = req.auth?.admin;
  return [n, s];
};
`,
    );
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['a.mts', 'b.cts'] }));
    writeFileSync(join(app, 'tsconfig.wrong.json'), JSON.stringify({ compilerOptions, files: ['a.mts', 'b.cts', 'wrong.cts'] }));
  });

  it('type-checks with skipLibCheck: false, the augmentation reaching both files', () => {
    expect(typecheck(app)).toEqual({ status: 0, output: '' });
  }, 30_000);

  it('still reports a wrong use of req.auth, and nothing else', () => {
    const { status, output } = typecheck(app, 'tsconfig.wrong.json');
    expect(status).not.toBe(0);
    // `sub` is a string, and the augmented `admin` a boolean, in the .cts file too.
    expect(output.match(/^\S.*$/gm)).toEqual([
      "wrong.cts(5,9): error TS2322: Type 'string | undefined' is not assignable to type 'number'.",
      "wrong.cts(6,9): error TS2322: Type 'boolean | undefined' is not assignable to type 'string | undefined'.",
    ]);
  }, 30_000);
});
