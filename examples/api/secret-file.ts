// SECRET_KEY, or a secret generated once and kept beside the database so that tokens survive restarts.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoadedSecret {
  readonly secret: string;
  /** The file it came from, when SECRET_KEY was not set. */
  readonly file?: string;
  readonly created: boolean;
}

export const SECRET_FILE = 'secret-key';

export function loadSecret(fromEnv: string | undefined, dataDir: string): LoadedSecret {
  if (fromEnv) return { secret: fromEnv, created: false };
  const file = join(dataDir, SECRET_FILE);
  try {
    return { secret: readFileSync(file, 'utf8').trim(), file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  // 0600: readable by this user only; 'wx': never overwrite a secret another process just wrote.
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, file, created: true };
}
