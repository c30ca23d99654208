// README.md, "Try it": every command run against the real server, each output as shown.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { killAll, launch, stop, type Server } from './server-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'README.md'), 'utf8');
const from = doc.indexOf('\n## Try it\n');
const section = doc.slice(from, doc.indexOf('\n## ', from + 1));
const [start = '', ...blocks] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);

interface Step {
  readonly command: string;
  /** The `# ` lines after the command; `…` stands for anything. */
  readonly expected: string;
}

/** A command, then its output as `# ` lines up to a blank line; other comments describe. */
function steps(block: string): Step[] {
  const found: { command: string; output: string[] }[] = [];
  let current: { command: string; output: string[] } | undefined;
  for (const line of block.split('\n')) {
    if (line === '') current = undefined;
    else if (!line.startsWith('#')) found.push((current = { command: line, output: [] }));
    else if (current) current.output.push(line.replace(/^# ?/, ''));
  }
  return found.map(({ command, output }) => ({ command, expected: output.join('\n') }));
}

const STEPS = blocks.flatMap(steps);
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const temp = tempDir();
let server: Server;
let outputs: string[] = [];

beforeAll(async () => {
  if (!hasCurl) return;
  const adminPassword = /^ADMIN_PASSWORD=(\S+) npm start$/m.exec(start)?.[1] ?? '';
  server = launch({ DATABASE_PATH: join(temp.dir, 'data', 'api.db'), ADMIN_PASSWORD: adminPassword });
  const url = await server.listening;
  // One shell for all steps, as a reader pastes them one after another: TOKEN=… carries over.
  const script = STEPS.map((step, i) => `printf '\\n@@${String(i)}@@\\n'\n${step.command.replaceAll('http://127.0.0.1:3000', url)}`).join(
    '\n',
  );
  const stdout = execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  outputs = stdout
    .split(/\n@@\d+@@\n/)
    .slice(1)
    .map((output) => output.trim());
}, 60_000);

afterAll(async () => {
  if (hasCurl) expect(await stop(server, 'SIGTERM')).toBe(0);
  killAll();
  temp.remove();
});

describe('README.md, Try it', () => {
  it('starts the API with npm start and ADMIN_PASSWORD, and has steps with outputs', () => {
    expect(start).toBe('npm install\nADMIN_PASSWORD=change-me npm start\n');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('tsx examples/api/server.ts');
    expect(STEPS.filter((step) => step.command.startsWith('curl ')).length).toBeGreaterThanOrEqual(12);
    expect(STEPS.filter((step) => step.expected === '').map((step) => step.command)).toEqual([
      expect.stringMatching(/^TOKEN=\$\(curl /),
      expect.stringMatching(/^BOB=\$\(curl /),
    ]);
  });

  it.skipIf(!hasCurl).each(STEPS.map((step, i) => [step.command, i, step.expected] as const))('%s', (_command, i, expected) => {
    const pattern = expected
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    expect(outputs[i]).toMatch(new RegExp(`^${pattern}$`));
  });
});
