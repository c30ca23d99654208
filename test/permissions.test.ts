// Permission decisions (core/permissions.ts), tested directly with tables: what requireClaims and requireScopes decide.
// Which payloads an object check or a scope list allows, the scopes a token grants, the RFC 6750 challenge, bad checks.
import { describe, expect, it } from 'vitest';
import { claimsRule, grantedScopes, scopesRule } from '../src/core/permissions.js';
import type { TokenPayload } from '../src/index.js';
import { NOW } from './helpers/clock.js';

// Rules are built inside each test, never in an it.each table: a construction error then fails that
// test instead of the file's collection (which Stryker's vitest runner scores as survived).

/** A verified payload as tokenRequired hands it to a guard: a plain object with these claims. */
const payload = (claims: Record<string, unknown>): TokenPayload => ({ sub: '42', iat: NOW, exp: NOW + 3600, ...claims });

describe('claimsRule: the object form of requireClaims', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['an equal value', { admin: true }, { admin: true }, true],
    ['a different value', { admin: true }, { admin: false }, false],
    ['the same value of another type', { admin: true }, { admin: 'true' }, false],
    ['a number', { level: 3 }, { level: 3 }, true],
    ['a number as a string', { level: 3 }, { level: '3' }, false],
    ['a missing claim', { admin: true }, {}, false],
    ['null expected, null present', { deletedAt: null }, { deletedAt: null }, true],
    ['null expected, claim missing', { deletedAt: null }, {}, false],
    ['any of: the first', { role: ['editor', 'admin'] }, { role: 'editor' }, true],
    ['any of: the second', { role: ['editor', 'admin'] }, { role: 'admin' }, true],
    ['any of: none', { role: ['editor', 'admin'] }, { role: 'viewer' }, false],
    ['an array claim holding the value', { roles: 'a' }, { roles: ['a', 'b'] }, true],
    ['an array claim without the value', { roles: 'c' }, { roles: ['a', 'b'] }, false],
    ['an array claim sharing one of several', { roles: ['c', 'b'] }, { roles: ['a', 'b'] }, true],
    ['an empty array claim', { roles: 'a' }, { roles: [] }, false],
    ['an object claim', { org: 'x' }, { org: { id: 'x' } }, false],
    ['every claim holding', { admin: true, org: 'acme' }, { admin: true, org: 'acme' }, true],
    ['one claim of two failing', { admin: true, org: 'acme' }, { admin: true, org: 'other' }, false],
    ['a claim named like an Object.prototype member', { constructor: 'Object' }, {}, false],
  ])('%s: %j over %j allows: %s', (_case, check, claims, allowed) => {
    expect(claimsRule(check)(payload(claims))).toBe(allowed);
  });

  it('reads the payload it is given each time, nothing kept from an earlier one', () => {
    const rule = claimsRule({ admin: true });
    expect([rule(payload({ admin: true })), rule(payload({})), rule(payload({ admin: true }))]).toEqual([true, false, true]);
  });

  it('copies the check: changing the object afterwards changes nothing', () => {
    const check: Record<string, unknown> = { role: ['editor'] };
    const rule = claimsRule(check);
    check.role = ['viewer'];
    (check as { extra?: unknown }).extra = true;
    expect(rule(payload({ role: 'editor' }))).toBe(true);
    expect(rule(payload({ role: 'viewer' }))).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    ['no check', undefined, /requireClaims\(\) needs an object of expected claims .* or a predicate .*\(got undefined\)/],
    ['null', null, /\(got null\)/],
    ["'admin'", 'admin', /\(got "admin"\)/],
    ['an array', [], /\(got an array\)/],
    ['an empty object', {}, /requireClaims\(\) got an empty object/],
    ['an undefined expected value', { role: undefined }, /claim 'role' must be a string, number, boolean or null.*\(got undefined\)/],
    ['an object expected value', { org: {} }, /claim 'org' .*use a predicate/],
    ['an empty any-of array', { role: [] }, /claim 'role' .*non-empty array/],
    ['an object in an any-of array', { role: ['a', {}] }, /claim 'role'/],
    ['NaN', { level: Number.NaN }, /claim 'level'/],
  ])('refuses %s with a TypeError', (_case, check, message) => {
    const build = () => claimsRule(check);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('accepts a plain object of values', () => {
    const rule = claimsRule({ admin: true, role: ['a', 'b'], level: 1, gone: null });
    expect(rule(payload({ admin: true, role: 'b', level: 1, gone: null }))).toBe(true);
  });
});

describe('scopesRule: what requireScopes requires', () => {
  it.each<[string, string[], Record<string, unknown>, boolean]>([
    ['a space-separated scope holding all', ['a', 'b'], { scope: 'a b c' }, true],
    ['a space-separated scope holding one', ['a', 'b'], { scope: 'a c' }, false],
    ['extra spaces in scope', ['a', 'b'], { scope: ' a  b ' }, true],
    ['a scope array', ['a', 'b'], { scope: ['b', 'a'] }, true],
    ['a scopes array', ['a', 'b'], { scopes: ['a', 'b'] }, true],
    ['a permissions array', ['read:items'], { permissions: ['read:items'] }, true],
    ['scope and permissions together', ['a', 'b'], { scope: 'a', permissions: ['b'] }, true],
    ['a permissions array missing one', ['a', 'b'], { permissions: ['a'] }, false],
    ['a scopes string (arrays only)', ['a'], { scopes: 'a' }, false],
    ['a permissions string (arrays only)', ['a'], { permissions: 'a' }, false],
    ['another case', ['items:write'], { scope: 'Items:Write' }, false],
    ['a prefix only', ['items:write'], { scope: 'items' }, false],
    ['no scope claim', ['a'], {}, false],
    ['a non-string scope claim', ['1'], { scope: 1 }, false],
    ['non-strings in an array', ['1'], { scopes: [1, null] }, false],
    ['a tab-separated scope', ['a'], { scope: 'a\tb' }, false],
    ['the same scope listed twice', ['a', 'a'], { scope: 'a' }, true],
  ])('%s: %j over %j allows: %s', (_case, scopes, claims, allowed) => {
    expect(scopesRule(scopes).allows(payload(claims))).toBe(allowed);
  });

  it.each<[string[], string[], string]>([
    [['a'], ['a'], 'Bearer error="insufficient_scope", scope="a"'],
    [['a', 'b'], ['a', 'b'], 'Bearer error="insufficient_scope", scope="a b"'],
    [['b', 'a'], ['b', 'a'], 'Bearer error="insufficient_scope", scope="b a"'],
    [['a', 'a', 'b', 'a'], ['a', 'b'], 'Bearer error="insufficient_scope", scope="a b"'],
    [
      ['https://api.example/read', 'a.b-c_d~e'],
      ['https://api.example/read', 'a.b-c_d~e'],
      'Bearer error="insufficient_scope", scope="https://api.example/read a.b-c_d~e"',
    ],
  ])('requires %j as %j, with the RFC 6750 §3.1 challenge %s', (scopes, required, challenge) => {
    const rule = scopesRule(scopes);
    expect(rule.required).toEqual(required);
    expect(rule.challenge).toBe(challenge);
    expect(Object.isFrozen(rule)).toBe(true);
    expect(Object.isFrozen(rule.required)).toBe(true);
  });

  it.each<[string, unknown[], RegExp]>([
    ['no scope', [], /requireScopes\(\) needs at least one scope/],
    ["''", [''], /non-empty strings without spaces.*\(got ""\)/],
    ["'a b'", ['a b'], /without spaces/],
    ['a quote in a scope', ['a"b'], /quotes/],
    ['a backslash in a scope', ['a\\b'], /backslashes/],
    ['a number', [1], /without spaces, quotes or backslashes \(got 1\)$/],
    ['an array', [['a', 'b']], /pass scopes as separate arguments: requireScopes\(\.\.\.list\)/],
    ['an object', [{}], /\(got a object\)/],
  ])('refuses %s with a TypeError', (_case, scopes, message) => {
    const build = () => scopesRule(scopes);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});

describe('grantedScopes: every scope a token grants', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a space-separated scope', { scope: 'a b c' }, ['a', 'b', 'c']],
    ['extra spaces in scope, no empty scope', { scope: ' a  b ' }, ['a', 'b']],
    ['a tab inside one scope', { scope: 'a\tb' }, ['a\tb']],
    ['a scope array', { scope: ['b', 'a'] }, ['b', 'a']],
    ['a scopes array', { scopes: ['a', 'b'] }, ['a', 'b']],
    ['a permissions array', { permissions: ['read:items'] }, ['read:items']],
    ['all three together, each once', { scope: 'a b', scopes: ['b', 'c'], permissions: ['c', 'd'] }, ['a', 'b', 'c', 'd']],
    ['a scopes string (arrays only)', { scopes: 'a' }, []],
    ['a permissions string (arrays only)', { permissions: 'a' }, []],
    ['a non-string scope', { scope: 1 }, []],
    ['non-strings and empty strings in arrays', { scopes: [1, null, '', 'a'], permissions: [{}, ['b']] }, ['a']],
    ['no scope claim', {}, []],
    ['scope exactly as written (case kept)', { scope: 'Items:Write' }, ['Items:Write']],
  ])('%s: %j grants %j', (_case, claims, scopes) => {
    expect([...grantedScopes(payload(claims))]).toEqual(scopes);
  });
});

describe('decisions and a polluted Object.prototype', () => {
  // Only the token's own claims count: a prototype polluted elsewhere in the app grants nothing.
  it.each<[string, string, unknown, 'claims' | 'claims, any of' | 'scopes']>([
    ['claimsRule', 'admin', true, 'claims'],
    ['claimsRule, any of', 'role', 'editor', 'claims, any of'],
    ['scopesRule from scope', 'scope', 'a', 'scopes'],
    ['scopesRule from permissions', 'permissions', ['a'], 'scopes'],
  ])('%s denies a payload without the claim', (_case, claim, value, kind) => {
    const allows =
      kind === 'claims'
        ? claimsRule({ admin: true })
        : kind === 'claims, any of'
          ? claimsRule({ role: ['editor', 'admin'] })
          : scopesRule(['a']).allows;
    const prototype = Object.prototype as Record<string, unknown>;
    prototype[claim] = value;
    try {
      expect(allows(payload({}))).toBe(false);
      expect(grantedScopes(payload({})).size).toBe(0);
    } finally {
      Reflect.deleteProperty(prototype, claim);
    }
  });
});
