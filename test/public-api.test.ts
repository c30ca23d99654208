// The public surface: the names each entry point's built declarations export, against the
// committed list (test/fixtures/public-api.json). A change here is a change of the API.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/public-api.json'), 'utf8')) as Record<string, string[]>;
/** Each entry point, its file name in dist/, and the committed names that are values (the rest are types). */
const ENTRIES = [
  [
    'express-token-required',
    'index',
    ['KeySetError', 'TokenError', 'publicJwks', 'requireClaims', 'requireScopes', 'signToken', 'tokenRequired', 'verifyToken'],
  ],
  ['express-token-required/redis', 'redis', ['RedisReplayStore', 'RedisRevocationStore']],
] as const;

beforeAll(() => {
  // `npm run build`, not bare tsup: the declarations are finished by a step after it.
  if (!existsSync(join(root, 'dist/index.d.cts'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

/** The names a declaration file exports, as TypeScript resolves them (re-exports followed). */
function declaredExports(file: string): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.getName())
    .sort();
}

describe.each(ENTRIES)('%s', (name, entry, values) => {
  it.each(['d.ts', 'd.cts'])(`declares exactly the committed names in dist/${entry}.%s`, (extension) => {
    expect(declaredExports(join(root, 'dist', `${entry}.${extension}`))).toEqual(expected[name]);
  });

  it('exports at run time, from import and require, exactly the committed names that are values', async () => {
    const imported = Object.keys((await import(join(root, 'dist', `${entry}.js`))) as object).sort();
    const required = Object.keys(createRequire(import.meta.url)(join(root, 'dist', `${entry}.cjs`)) as object).sort();
    expect(imported).toEqual([...values].sort());
    expect(required).toEqual([...values].sort());
    expect(values.every((value) => expected[name]!.includes(value))).toBe(true);
  });
});
