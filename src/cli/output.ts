// What the command prints of a token: nothing that can drive the terminal, nothing too deep to print.
import { Refused } from './io.js';

// C0 controls but the newline (the pretty-print's own), DEL, C1 controls (U+009B is a one-byte
// CSI), the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029),
// which reorder what follows them on the line ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character that could move the cursor, recolour or reorder the terminal
 * written as `\uXXXX`. Inside JSON strings that is the same character, so JSON stays JSON.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Deeper than this, a value is not printed: its pretty-print would be quadratic in size (two
 * spaces per level per line) and JSON.stringify recurses, overflowing the stack at a few thousand levels.
 */
export const MAX_DEPTH = 1000;

/** Whether `value` nests arrays and objects more than `limit` levels deep; iterative, so any depth is safe. */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** `value` as JSON indented by two spaces, escaped for the terminal; refused when nested too deeply. */
export function printableJson(value: unknown, what: string): string {
  if (deeperThan(value, MAX_DEPTH)) throw new Refused(`the ${what} is nested more than ${String(MAX_DEPTH)} levels deep; not printed`);
  return escapeControls(JSON.stringify(value, null, 2));
}
