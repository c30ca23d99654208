// Options are checked once, at construction: a mistake is a TypeError that names it.
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenRequired, type TokenRequiredOptions } from '../src/index.js';
import { createApp, EXPRESS } from './helpers/app.js';
import { SECRET, validToken } from './helpers/tokens.js';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const build = (options: unknown) => () => tokenRequired(options as TokenRequiredOptions);

describe('tokenRequired() refuses a broken configuration with a TypeError', () => {
  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /options object with a 'secret'/],
    ['options that are not an object', 'secret', /options object with a 'secret'/],
    ['no secret', {}, /'secret' is required.*randomBytes\(32\)/],
    ['an empty secret', { secret: '' }, /'secret' is required/],
    ['a null secret', { secret: null }, /'secret' is required/],
    ['a 31-byte string secret', { secret: 'x'.repeat(31) }, /secret must be at least 32 bytes for HS256 \(got 31\)/],
    ['a short multi-byte string', { secret: 'é'.repeat(15) }, /secret must be at least 32 bytes for HS256 \(got 30\)/],
    ['a 16-byte Buffer', { secret: Buffer.alloc(16, 1) }, /secret must be at least 32 bytes/],
    ['a short Uint8Array', { secret: new Uint8Array(8) }, /secret must be at least 32 bytes/],
    ['a short KeyObject', { secret: createSecretKey(Buffer.alloc(20, 1)) }, /secret must be at least 32 bytes/],
    ['a 32-byte secret with HS384 allowed', { secret: SECRET.slice(0, 32), algorithms: ['HS256', 'HS384'] }, /at least 48 bytes for HS384/],
    ['a 48-byte secret with HS512 allowed', { secret: 'x'.repeat(48), algorithms: ['HS512'] }, /at least 64 bytes for HS512/],
    ['an empty secret array', { secret: [] }, /'secret' is an empty array/],
    ['a short key in a secret array', { secret: [SECRET, 'short'] }, /secret\[1\] must be at least 32 bytes/],
    ['a number secret', { secret: 12345 }, /secret must be a string, a Buffer/],
    ['a nested array secret', { secret: [[SECRET]] }, /secret\[0\] must be a string/],
    ['a public KeyObject', { secret: publicKey }, /secret is a public KeyObject/],
    ['a private KeyObject', { secret: privateKey }, /secret is a private KeyObject/],
    ['a PEM string', { secret: pem }, /secret looks like a PEM key/],
    ['a PEM with a prefix', { secret: `  key: ${pem}` }, /secret looks like a PEM key/],
    ['a PEM Buffer', { secret: Buffer.from(pem) }, /secret looks like a PEM key/],
    ['a serialized JWK', { secret: JSON.stringify({ kty: 'oct', k: 'x'.repeat(64) }) }, /looks like a JWK/],
    ['a serialized JWKS', { secret: JSON.stringify({ keys: [{ kty: 'oct' }], pad: 'x'.repeat(40) }) }, /looks like a JWK/],
    [
      'a serialized JWK after whitespace',
      { secret: `\n  ${JSON.stringify({ kty: 'oct', k: 'x'.repeat(64) })}` },
      /secret looks like a JWK or JWKS; HMAC needs the shared secret's bytes, not a serialized key$/,
    ],
    ['an unknown algorithm', { secret: SECRET, algorithms: ['RS999'] }, /"RS999" is not supported/],
    [
      'an algorithm no configured key may verify',
      { secret: SECRET, algorithms: ['RS256'] },
      /^express-token-required: algorithm 'RS256' in 'algorithms' fits none of the configured keys/,
    ],
    ['the none algorithm', { secret: SECRET, algorithms: ['HS256', 'none'] }, /"none" is not supported/],
    ['algorithms as a string', { secret: SECRET, algorithms: 'HS256' }, /'algorithms' must be a non-empty array/],
    ['empty algorithms', { secret: SECRET, algorithms: [] }, /'algorithms' must be a non-empty array/],
    [
      'a misspelt option',
      { secret: SECRET, algorithm: ['HS256'] },
      /unknown option 'algorithm' for tokenRequired\(\); did you mean 'algorithms'\?/,
    ],
    ['an option in another case', { secret: SECRET, Bearer: true }, /unknown option 'Bearer'.*did you mean 'bearer'\?/],
    [
      'a signing option',
      { secret: SECRET, expiresIn: '1h' },
      /unknown option 'expiresIn' for tokenRequired\(\); it belongs to signToken\(\)/,
    ],
    ['an unrelated option', { secret: SECRET, credentialsRequired: false }, /unknown option 'credentialsRequired' for tokenRequired\(\)$/],
    [
      'an option two edits from a known one',
      { secret: SECRET, audeince: 'api' },
      /unknown option 'audeince' for tokenRequired\(\); did you mean 'audience'\?$/,
    ],
    ['an option three edits from any known one', { secret: SECRET, headerxyz: 'x' }, /unknown option 'headerxyz' for tokenRequired\(\)$/],
    ['a non-boolean bearer', { secret: SECRET, bearer: 'yes' }, /'bearer' must be true or false/],
    ['a non-boolean optional', { secret: SECRET, optional: 1 }, /'optional' must be true or false/],
    ['a non-boolean requireExpiry', { secret: SECRET, requireExpiry: 'false' }, /'requireExpiry' must be true or false/],
    ['methods as a string', { secret: SECRET, methods: 'POST' }, /'methods' must be a non-empty array/],
    ['empty methods', { secret: SECRET, methods: [] }, /'methods' must be a non-empty array/],
    ['a non-string method', { secret: SECRET, methods: ['POST', 5] }, /option 'methods' has 5, which is not an HTTP method/],
    ['an empty method', { secret: SECRET, methods: ['POST', ''] }, /option 'methods' has "", which is not an HTTP method/],
    ['an empty issuer in an array', { secret: SECRET, issuer: ['a', ''] }, /'issuer' must be a non-empty string or a non-empty array/],
    [
      'a non-string issuer in an array',
      { secret: SECRET, issuer: ['a', 1] },
      /'issuer' must be a non-empty string or a non-empty array of them$/,
    ],
    ['a maxAge with trailing text', { secret: SECRET, maxAge: '1h later' }, /'maxAge' must be a number of seconds/],
    ['a maxAge with leading text', { secret: SECRET, maxAge: 'in 1h' }, /'maxAge' must be a number of seconds/],
    ['a maxAge with a bad fraction', { secret: SECRET, maxAge: '1.h' }, /'maxAge' must be a number of seconds/],
    [
      'a 40-character maxAge, quoted whole',
      { secret: SECRET, maxAge: 'h'.repeat(40) },
      /'maxAge' must be a number of seconds .* \(got "h{40}"\)$/,
    ],
    [
      'a 41-character maxAge, cut after 40',
      { secret: SECRET, maxAge: 'h'.repeat(41) },
      /'maxAge' must be a number of seconds .* \(got "h{40}…"\)$/,
    ],
    ['an empty header name', { secret: SECRET, header: '' }, /'header' must be a non-empty string/],
    [
      'header: authorization',
      { secret: SECRET, header: 'authorization' },
      /^express-token-required: option 'header' cannot be 'authorization'; for Authorization: Bearer <token> use bearer: true instead$/,
    ],
    [
      'header: Authorization',
      { secret: SECRET, header: 'Authorization' },
      /option 'header' cannot be 'authorization'; .* use bearer: true instead$/,
    ],
    ['header: AUTHORIZATION', { secret: SECRET, header: 'AUTHORIZATION' }, /use bearer: true instead$/],
    [
      'a header name with a space',
      { secret: SECRET, header: 'x token' },
      /^express-token-required: option 'header' must be an HTTP header name: .* \(got "x token"\)$/,
    ],
    ['a header name with a colon', { secret: SECRET, header: 'token:' }, /option 'header' must be an HTTP header name/],
    ['a header name with a trailing space', { secret: SECRET, header: 'token ' }, /option 'header' must be an HTTP header name/],
    ['a header name with a non-ASCII letter', { secret: SECRET, header: 'tökén' }, /option 'header' must be an HTTP header name/],
    ['a header name with a slash', { secret: SECRET, header: 'x/token' }, /option 'header' must be an HTTP header name/],
    ['a header name with a newline', { secret: SECRET, header: 'x-token\n' }, /option 'header' must be an HTTP header name/],
    ['a negative clockTolerance', { secret: SECRET, clockTolerance: -1 }, /'clockTolerance' must be a number of at least 0/],
    ['a NaN clockTolerance', { secret: SECRET, clockTolerance: Number.NaN }, /'clockTolerance'/],
    ['a zero maxTokenLength', { secret: SECRET, maxTokenLength: 0 }, /'maxTokenLength' must be an integer of at least 1/],
    ['a fractional maxTokenLength', { secret: SECRET, maxTokenLength: 10.5 }, /'maxTokenLength' must be an integer/],
    ['a maxAge without a unit', { secret: SECRET, maxAge: '60' }, /'maxAge' must be a number of seconds or a string with a unit/],
    ['a maxAge with an unknown unit', { secret: SECRET, maxAge: '2 fortnights' }, /'maxAge'/],
    // A unit must be the table's own: Object.prototype's names would make a NaN maxAge that checks nothing.
    [
      'a maxAge in "constructor" units',
      { secret: SECRET, maxAge: '1 constructor' },
      /option 'maxAge' must be a number of seconds or a string with a unit/,
    ],
    [
      'a maxAge in "toString" units',
      { secret: SECRET, maxAge: '1 toString' },
      /option 'maxAge' must be a number of seconds or a string with a unit/,
    ],
    ['a zero maxAge', { secret: SECRET, maxAge: 0 }, /'maxAge' must be more than 0/],
    ['a numeric issuer', { secret: SECRET, issuer: 5 }, /'issuer' must be a non-empty string/],
    ['an empty audience array', { secret: SECRET, audience: [] }, /'audience' must be a non-empty string or a non-empty array/],
    ['a non-function getToken', { secret: SECRET, getToken: 'token' }, /'getToken' must be a function/],
    ['a non-function loadUser', { secret: SECRET, loadUser: {} }, /'loadUser' must be a function/],
    ['a non-function isRevoked', { secret: SECRET, isRevoked: true }, /'isRevoked' must be a function/],
    ['a non-function onError', { secret: SECRET, onError: 'json' }, /'onError' must be a function/],
  ])('%s', (_case, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  it('never puts the secret in the message', () => {
    const secret = 'do-not-print-me';
    expect(build({ secret })).toThrow(/got 15\)/);
    expect(() => tokenRequired({ secret })).not.toThrow(new RegExp(secret));
  });

  it('catches app.use(tokenRequired) without a call', () => {
    const misuse = tokenRequired as unknown as (...args: unknown[]) => unknown;
    expect(() => misuse({ headers: {} }, {}, () => undefined)).toThrow(/tokenRequired is a factory/);
  });

  it('treats options set to undefined as not passed', () => {
    expect(build({ secret: SECRET, issuer: undefined, algorithms: undefined, whatever: undefined })).not.toThrow();
  });
});

describe.each(EXPRESS)('%s: every secret form verifies', (_name, express) => {
  it.each<[string, TokenRequiredOptions['secret']]>([
    ['a string (its UTF-8 bytes)', SECRET],
    ['a Buffer', Buffer.from(SECRET)],
    ['a Uint8Array', new Uint8Array(Buffer.from(SECRET))],
    ['a secret KeyObject', createSecretKey(Buffer.from(SECRET))],
    ['an array, the key second (rotation)', ['z'.repeat(32), SECRET]],
    ['a resolver function', () => SECRET],
    ['an async resolver', () => Promise.resolve(Buffer.from(SECRET))],
  ])('%s', async (_case, secret) => {
    const { client, handled } = createApp(express, { secret });
    await client.get('/protected').set('token', validToken()).expect(200);
    expect(handled).toHaveLength(1);
  });

  // The JWK check refuses only a JSON object with `kty` or `keys`; other JSON-ish text is a secret.
  it.each([
    ['a JSON object without kty or keys', JSON.stringify({ pad: 'x'.repeat(40) })],
    ['a JSON array (whose prototype has a keys method)', JSON.stringify(Array.from({ length: 8 }, () => 'xxxx'))],
    ['text opening with { that is not JSON', `{${'x'.repeat(40)}`],
  ])('accepts %s as a plain secret', async (_case, secret) => {
    const { client, handled } = createApp(express, { secret });
    await client.get('/protected').set('token', validToken({}, { secret })).expect(200);
    expect(handled).toHaveLength(1);
  });

  it('refuses with every key of a rotation array wrong', async () => {
    const { client } = createApp(express, { secret: ['y'.repeat(32), 'z'.repeat(32)] });
    await client.get('/protected').set('token', validToken()).expect(401);
  });

  it('answers Token expired for an expired token signed by the second rotation key', async () => {
    const { client } = createApp(express, { secret: ['z'.repeat(32), SECRET] });
    const res = await client
      .get('/protected')
      .set('token', validToken({ exp: 1 }))
      .expect(401);
    expect(res.body.message).toBe('Token expired');
  });
});
