// The package's version, for `--version`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAM } from './io.js';

/**
 * The version in the package's own package.json, read when asked: the nearest one upward
 * from this file that is this package's, so it holds for dist/cli.js in an installed
 * package and for src/cli/version.ts in a clone (tests, tsx) alike.
 */
export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const version = versionIn(join(dir, 'package.json'));
    if (version !== undefined) return version;
    if (dirname(dir) === dir) throw new Error(`${PROGRAM}: no package.json of ${PROGRAM} above ${from}`);
  }
}

function versionIn(file: string): string | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const { name, version } = (pkg ?? {}) as { name?: unknown; version?: unknown };
  return name === PROGRAM && typeof version === 'string' ? version : undefined;
}
