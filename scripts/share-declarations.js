// Runs after tsup: makes the ESM and CJS declarations one and the same.
//
// tsup writes every declaration twice, `dist/*.d.ts` for `import` and `dist/*.d.cts` for
// `require`, shared chunks included. A program that sees both (an app with `.mts` and `.cts`
// files, or one package of it importing and another requiring) then has two `TokenPayload`
// interfaces and two `declare global` blocks giving `Express.Request.auth` each its own type:
// TS2717 under `skipLibCheck: false`, and an augmentation of `TokenPayload` reaching only
// one of them. So each ESM entry declaration becomes `export * from './<entry>.cjs'` (ESM may
// import CJS; the reverse would need `resolution-mode`), and the ESM chunks are removed: every
// declaration then exists once, in the `.d.cts` files, whichever way the package is loaded.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** The ESM declaration files the exports map points at, e.g. `index.d.ts`. */
function esmEntries() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entries = new Set();
  for (const target of Object.values(manifest.exports)) {
    const types = typeof target === 'object' ? target.import?.types : undefined;
    if (typeof types === 'string') entries.add(types.replace(/^\.\/dist\//, ''));
  }
  return entries;
}

const entries = esmEntries();
for (const file of readdirSync(dist).filter((name) => name.endsWith('.d.ts'))) {
  const name = file.slice(0, -'.d.ts'.length);
  if (entries.has(file)) writeFileSync(join(dist, file), `export * from './${name}.cjs';\n`);
  else rmSync(join(dist, file));
}

// What the step is for, checked on its result: one `TokenPayload` and one augmentation.
const declarations = readdirSync(dist).filter((file) => /\.d\.c?ts$/.test(file));
for (const [what, pattern] of [
  ['interface TokenPayload', /\binterface TokenPayload\b/],
  ['declare global', /\bdeclare global\b/],
]) {
  const files = declarations.filter((file) => pattern.test(readFileSync(join(dist, file), 'utf8')));
  if (files.length !== 1) {
    process.stderr.write(
      `share-declarations: expected \`${what}\` in exactly one declaration file, found it in: ${files.join(', ') || 'none'}\n`,
    );
    process.exit(1);
  }
}
