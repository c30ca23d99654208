// Runs after tsup: makes the ESM and CJS declarations share one copy of their chunks.
//
// tsup writes every declaration twice, `dist/*.d.ts` for `import` and `dist/*.d.cts` for
// `require`, shared chunks included. A program that sees both (an app with `.mts` and `.cts`
// files, or one package of it importing and another requiring) then has two `TokenPayload`
// interfaces and two `declare global` blocks giving `Express.Request.auth` each its own type:
// TS2717 under `skipLibCheck: false`, and an augmentation of `TokenPayload` reaching only
// one of them. So the ESM entry points import the CJS chunks (ESM may import CJS; the
// reverse would need `resolution-mode`), and the ESM copies of the chunks are removed.
// The entry points themselves stay one per format, as the exports map names them.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** The declaration files the exports map points at, e.g. `index.d.ts`, `redis.d.cts`. */
function entryDeclarations() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entries = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (/^\.\/dist\/[^/]+\.d\.c?ts$/.test(value)) entries.add(value.slice('./dist/'.length));
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(manifest.exports);
  return entries;
}

function fail(message) {
  process.stderr.write(`share-declarations: ${message}\n`);
  process.exit(1);
}

const entries = entryDeclarations();
const esm = readdirSync(dist).filter((file) => file.endsWith('.d.ts'));
// ESM chunks with a CJS twin: `revocation-<hash>.d.ts` beside `revocation-<hash>.d.cts`.
const chunks = new Set(
  esm.filter((file) => !entries.has(file) && existsSync(join(dist, file.replace(/\.d\.ts$/, '.d.cts')))).map((file) => file.slice(0, -'.d.ts'.length)),
);

for (const file of esm) {
  if (!entries.has(file)) continue;
  const path = join(dist, file);
  const before = readFileSync(path, 'utf8');
  // `from './revocation-<hash>.js'` (and `import './…js'`, `import('./…js')`) → `'./revocation-<hash>.cjs'`.
  const after = before.replace(/(['"])\.\/([^'"/]+)\.js\1/g, (whole, quote, name) => (chunks.has(name) ? `${quote}./${name}.cjs${quote}` : whole));
  if (after !== before) writeFileSync(path, after);
}
for (const name of chunks) rmSync(join(dist, `${name}.d.ts`));

// What the step is for, checked on its result: one `TokenPayload`, one augmentation, in a
// file both formats load. Should tsup stop making a chunk of them, this fails the build.
const declarations = readdirSync(dist).filter((file) => /\.d\.c?ts$/.test(file));
const declaring = (pattern) => declarations.filter((file) => pattern.test(readFileSync(join(dist, file), 'utf8')));
for (const [what, pattern] of [
  ['interface TokenPayload', /\binterface TokenPayload\b/],
  ['declare global', /\bdeclare global\b/],
]) {
  const files = declaring(pattern);
  if (files.length !== 1 || entries.has(files[0]) || !files[0].endsWith('.d.cts')) {
    fail(`expected \`${what}\` in exactly one shared .d.cts chunk, found it in: ${files.join(', ') || 'none'}`);
  }
}
