// examples/api/server.ts in a child process, as `npm start` runs it (tsx), on a free port; or another
// example's server, such as examples/resource-server/server.ts (`npm run start:resource`).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const running = new Set<ChildProcess>();

export interface Server {
  /** Resolves to the base URL once the server listens; rejects if it exits first. */
  readonly listening: Promise<string>;
  /** Resolves to the exit code. */
  readonly exited: Promise<number | null>;
  readonly output: () => { stdout: string; stderr: string };
  readonly child: ChildProcess;
}

/** Starts `script` (the example API's server.ts) with only these variables (and PATH); PORT defaults to 0, a free port. */
export function launch(env: Record<string, string>, script = 'examples/api/server.ts'): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      running.delete(child);
      done(code);
    }),
  );
  const listening = new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
      if (url) resolveUrl(url);
    });
    void exited.then((code) => {
      reject(new Error(`server exited with ${String(code)} before listening:\n${stdout}\n${stderr}`));
    });
  });
  return { listening, exited, output: () => ({ stdout, stderr }), child };
}

/** Sends the signal; resolves to the exit code. */
export async function stop(server: Server, signal: NodeJS.Signals): Promise<number | null> {
  server.child.kill(signal);
  return server.exited;
}

/** For afterAll: no server outlives its test file, whatever failed. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
