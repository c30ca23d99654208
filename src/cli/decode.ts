import { decodeSegment } from '../jws.js';
import { parseCommand } from './args.js';
import { describeTime } from './time.js';
import { EXIT, PROGRAM, type Command } from './io.js';

type Json = Record<string, unknown>;

/** Header and payload, or what makes the token unreadable. */
type Decoded = { readonly header: Json; readonly payload: Json } | { readonly problem: string };

function decodePart(part: string): Json | undefined {
  // Node's base64url decoder skips stray characters; a JWT has none.
  return /^[\w-]+$/.test(part) ? decodeSegment(part) : undefined;
}

/** Header and payload, read without any check of the signature. */
export function decodeUnverified(token: string): Decoded {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return { problem: `a JWT has three parts separated by dots (got ${String(parts.length)})` };
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!);
  if (!header) return { problem: 'the header is not a base64url-encoded JSON object' };
  if (!payload) return { problem: 'the payload is not a base64url-encoded JSON object' };
  return { header, payload };
}

function timeLines(payload: Json, nowMs: number): string {
  const expiry = payload.exp === undefined
    ? 'never: no exp claim (verify and the middleware refuse such tokens by default)'
    : describeTime(payload.exp, nowMs, true);
  const lines = [`Expires:    ${expiry}`];
  if (payload.nbf !== undefined) lines.push(`Not before: ${describeTime(payload.nbf, nowMs)}`);
  if (payload.iat !== undefined) lines.push(`Issued:     ${describeTime(payload.iat, nowMs)}`);
  return lines.join('\n');
}

export const decode: Command = {
  name: 'decode',
  summary: "print a token's header and payload, without verifying it",
  usage: `Usage: ${PROGRAM} decode TOKEN

Print TOKEN's header and payload and when it expires, WITHOUT checking its
signature: anyone can write a token that decodes. Use "${PROGRAM} verify" to
check one. Exit 1 when TOKEN is not a JWT.

Options:
  -h, --help   show this help

Example:
  ${PROGRAM} decode "$TOKEN"
`,
  run(args, { io }) {
    const { positionals } = parseCommand(args, {}, ['TOKEN']);
    const decoded = decodeUnverified(positionals[0]!);
    if ('problem' in decoded) {
      io.stderr.write(`${PROGRAM}: not a JWT: ${decoded.problem}\n`);
      return EXIT.refused;
    }
    io.stdout.write(
      [
        'UNVERIFIED: the signature was not checked; anyone can make a token that decodes.',
        '',
        `Header:\n${JSON.stringify(decoded.header, null, 2)}`,
        '',
        `Payload:\n${JSON.stringify(decoded.payload, null, 2)}`,
        '',
        `${timeLines(decoded.payload, Date.now())}\n`,
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
