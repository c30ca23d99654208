import { decodeSegment } from '../core/jws.js';
import { parseCommand } from './args.js';
import { describeTime } from './time.js';
import { EXIT, PROGRAM, type Command } from './io.js';
import { escapeControls, printableJson } from './output.js';
import { readToken } from './token.js';

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
  const expiry =
    payload.exp === undefined
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
       ${PROGRAM} decode -

Print TOKEN's header and payload and when it expires, WITHOUT checking its
signature: anyone can write a token that decodes. The header's alg and kid say
which algorithm and key it claims to be signed with. Use
"${PROGRAM} verify" to check one. With "-", the token is read from standard input. Control and
bidirectional characters are printed as \\uXXXX escapes. Exit 1 when TOKEN is
not a JWT, starts with "Bearer ", or is nested too deeply to print.

Options:
  -h, --help   show this help

Examples:
  ${PROGRAM} decode "$TOKEN"
  echo "$TOKEN" | ${PROGRAM} decode -
`,
  async run(args, { io }) {
    const { positionals } = parseCommand(args, {}, ['TOKEN']);
    const decoded = decodeUnverified(await readToken(positionals[0]!, io));
    if ('problem' in decoded) {
      io.stderr.write(`${PROGRAM}: not a JWT: ${decoded.problem}\n`);
      return EXIT.refused;
    }
    // Both checked for depth before anything is written: the time lines stringify claims too.
    const header = printableJson(decoded.header, 'header');
    const payload = printableJson(decoded.payload, 'payload');
    io.stdout.write(
      [
        'UNVERIFIED: the signature was not checked; anyone can make a token that decodes.',
        '',
        `Header:\n${header}`,
        '',
        `Payload:\n${payload}`,
        '',
        `${escapeControls(timeLines(decoded.payload, Date.now()))}\n`,
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
