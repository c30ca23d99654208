// The first start creates the `admin` user, with ADMIN_PASSWORD or a generated password.
import { passwordProblem } from './body.js';
import type { Store } from './db.js';
import { generatePassword, hashPassword } from './passwords.js';

export type AdminSetup =
  { readonly status: 'exists' } | { readonly status: 'created' } | { readonly status: 'generated'; readonly password: string };

export async function ensureAdmin(store: Store, password: string | undefined): Promise<AdminSetup> {
  if (store.users.hasAdmin()) return { status: 'exists' };
  const chosen = password || generatePassword();
  const problem = passwordProblem(chosen);
  if (problem !== undefined) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  store.users.insert({ username: 'admin', ...(await hashPassword(chosen)), admin: true });
  return password ? { status: 'created' } : { status: 'generated', password: chosen };
}
