// Password hashing with node:crypto scrypt: a random salt per user, compared in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 64;
const SALT_BYTES = 16;

export interface PasswordHash {
  readonly passwordHash: Buffer;
  readonly salt: Buffer;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or OS gives the same bytes.
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  return { passwordHash: await derive(password, salt), salt };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const key = await derive(password, stored.salt);
  return key.length === stored.passwordHash.length && timingSafeEqual(key, stored.passwordHash);
}

let noUser: Promise<PasswordHash> | undefined;

/** Checked against when the user does not exist, so that the answer takes as long either way. */
export function noUserHash(): Promise<PasswordHash> {
  noUser ??= hashPassword(randomBytes(16).toString('hex'));
  return noUser;
}

/** A password for the first admin when ADMIN_PASSWORD is not set: 24 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
