// What the routes accept in a JSON body; anything else is a 400.

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const USERNAME = /^[\w.-]{1,64}$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;
const MAX_NAME = 200;

export const MESSAGES = {
  credentials: 'Body must be JSON {"username": string, "password": string}',
  username: 'Username must be 1 to 64 letters, digits, ".", "_" or "-"',
  password: `Password must be ${String(MIN_PASSWORD)} to ${String(MAX_PASSWORD)} characters`,
  item: `Body must be JSON {"name": string of 1 to ${String(MAX_NAME)} characters}`,
} as const;

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/** `{username, password}` as strings, for login; `undefined` when the body is not that. */
export function readCredentials(body: unknown): Credentials | undefined {
  const username = field(body, 'username');
  const password = field(body, 'password');
  return typeof username === 'string' && typeof password === 'string' ? { username, password } : undefined;
}

/** Why a new user's name or password is refused, or `undefined` when both are fine. */
export function newUserProblem({ username, password }: Credentials): string | undefined {
  if (!USERNAME.test(username)) return MESSAGES.username;
  return passwordProblem(password);
}

export function passwordProblem(password: string): string | undefined {
  return password.length < MIN_PASSWORD || password.length > MAX_PASSWORD ? MESSAGES.password : undefined;
}

/** An item's name, trimmed; `undefined` when the body has none. */
export function readItemName(body: unknown): string | undefined {
  const name = field(body, 'name');
  const trimmed = typeof name === 'string' ? name.trim() : '';
  return trimmed.length > 0 && trimmed.length <= MAX_NAME ? trimmed : undefined;
}

/** A positive integer id from the path, or `undefined` (then there is no such item). */
export function readId(text: string): number | undefined {
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined;
}
