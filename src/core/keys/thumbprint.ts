// RFC 7638 JWK thumbprints and public JWKs: a key's id when it has no `kid` of its own, and
// what publicJwks publishes.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/** The public JWK of a public or private key: its required members only, never a private one. */
export function publicJwkOf(key: KeyObject): Record<string, string> {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  // node:crypto cannot export an RSA-PSS key as a JWK; its modulus and exponent are an RSA JWK's.
  const jwk =
    publicKey.asymmetricKeyType === 'rsa-pss' ? rsaJwkOf(publicKey) : (publicKey.export({ format: 'jwk' }) as Record<string, string>);
  const members = REQUIRED[jwk.kty!] ?? [];
  return Object.fromEntries(members.map((member) => [member, jwk[member]!]));
}

/** The SHA-256 JWK thumbprint of a public or private key (RFC 7638 §3), base64url. */
export function thumbprint(key: KeyObject): string {
  // The members are in order and their values are base64url or curve names: nothing to escape.
  return createHash('sha256')
    .update(JSON.stringify(publicJwkOf(key)))
    .digest('base64url');
}

/** `{ kty: 'RSA', n, e }` read from the key's SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 8017 A.1.1). */
function rsaJwkOf(key: KeyObject): Record<string, string> {
  const der = key.export({ type: 'spki', format: 'der' });
  const spki = tlv(der, 0);
  const algorithm = tlv(der, spki.start);
  const bits = tlv(der, algorithm.end);
  // The BIT STRING's first byte counts unused bits (0); an RSAPublicKey SEQUENCE follows.
  const rsaPublicKey = tlv(der, bits.start + 1);
  const n = tlv(der, rsaPublicKey.start);
  const e = tlv(der, n.end);
  return { kty: 'RSA', n: unsigned(der.subarray(n.start, n.end)), e: unsigned(der.subarray(e.start, e.end)) };
}

/** One DER tag-length-value at `offset`: where its content starts and ends. */
function tlv(der: Buffer, offset: number): { readonly start: number; readonly end: number } {
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start++]!;
  }
  return { start, end: start + length };
}

/** A DER INTEGER's magnitude as base64url, without the sign byte. */
function unsigned(bytes: Buffer): string {
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === 0) first++;
  return bytes.subarray(first).toString('base64url');
}
