// Runs the command in-process (run) or as a user would (the built dist/cli.js), same result shape.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { run } from '../../src/cli/run.js';

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

type Env = Record<string, string | undefined>;

/** `run(argv, env, io)` with captured output; `stdin`, when given, is what it reads (in these chunks). */
export async function call(argv: readonly string[], env: Env = {}, stdin?: string | readonly (string | Buffer)[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(stdin !== undefined && { stdin: Readable.from(typeof stdin === 'string' ? [stdin] : stdin) }),
  };
  const code = await run(argv, env, io);
  return { code, stdout, stderr };
}

export const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/** Builds dist/ once when it is missing (`npm test` builds before vitest). */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '../..'), stdio: 'ignore' });
}

/** The built command in a child process, with only PATH and `env` in its environment, `input` piped to its stdin. */
export function spawnCli(argv: readonly string[], env: Env = {}, file = process.execPath, input = ''): Result {
  const args = file === process.execPath ? [CLI, ...argv] : [...argv];
  const child = spawnSync(file, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000, input });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/**
 * spawnCli without blocking this process, for tests whose own servers (a key server) must answer
 * the command while it runs.
 */
export function spawnCliAsync(argv: readonly string[], env: Env = {}): Promise<Result> {
  const child = spawn(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject).once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
