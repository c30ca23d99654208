// Tokens from other HS256 implementations verify: the RFC's own example, and HMAC by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../src/index.js';
import { createApp, ENVELOPE, EXPRESS } from './helpers/app.js';
import { freezeClock, thawClock } from './helpers/clock.js';
import { makeToken, now, SECRET } from './helpers/tokens.js';

// RFC 7515 Appendix A.1: an HS256 JWS and its key (a JWK `k`, base64url).
const RFC_TOKEN =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
  '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_KEY = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url');
const RFC_EXP = 1300819380;

/** HS256 written out by hand (the test token maker, node:crypto only), as a PyJWT or Go service would produce it. */
const handMade = (payload: object, secret: string): string =>
  makeToken(payload, { rawHeader: { alg: 'HS256', typ: 'JWT' }, secret: Buffer.from(secret, 'utf8') });

describe.each(EXPRESS)('%s: interoperability', (_name, express) => {
  afterEach(thawClock);

  it('verifies the HS256 example of RFC 7515 A.1 before its exp', async () => {
    freezeClock(RFC_EXP - 60);
    const { client, handled } = createApp(express, { secret: RFC_KEY });
    await client.get('/protected').set('token', RFC_TOKEN).expect(200);
    expect(handled[0]?.auth).toEqual({ iss: 'joe', exp: RFC_EXP, 'http://example.com/is_root': true });
  });

  it('answers Token expired for the RFC example at and after its exp', async () => {
    freezeClock(RFC_EXP);
    const { client } = createApp(express, { secret: RFC_KEY });
    const res = await client.get('/protected').set('token', RFC_TOKEN).expect(401);
    expect(res.body).toEqual(ENVELOPE.expired);
    thawClock();
    const today = await client.get('/protected').set('token', RFC_TOKEN).expect(401);
    expect(today.body).toEqual(ENVELOPE.expired);
  });

  it('verifies a token whose HMAC was computed by hand with the hex secret string', async () => {
    const { client, handled } = createApp(express);
    await client
      .get('/protected')
      .set('token', handMade({ sub: 'py', exp: now() + 60 }, SECRET))
      .expect(200);
    expect(handled[0]?.auth).toEqual({ sub: 'py', exp: expect.any(Number) });
  });
});

it('verifyToken accepts the RFC example with the clock before its exp', async () => {
  freezeClock(RFC_EXP - 1);
  try {
    await expect(verifyToken(RFC_TOKEN, { secret: RFC_KEY })).resolves.toMatchObject({ iss: 'joe' });
  } finally {
    thawClock();
  }
});
