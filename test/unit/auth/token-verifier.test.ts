import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { createTokenVerifier, MAX_TOKEN_BYTES, type TokenVerifier } from '../../../shared/auth/token-verifier';
import { DependencyUnavailableError } from '../../../shared/domain/errors';
import {
  bearer,
  createTestKey,
  hmacForgery,
  jwksOf,
  nowSeconds,
  segment,
  signToken,
  TEST_AUDIENCE,
  TEST_CLOCK_TOLERANCE_SECONDS,
  TEST_ISSUER,
  TEST_MAX_TOKEN_AGE_SECONDS,
  testVerifierConfig,
  unsignedToken,
  validClaims,
  withClaims,
  expectUnauthorized,
  type TestKey,
} from './token-factory';

async function expectJwksUnavailable(act: Promise<unknown>): Promise<DependencyUnavailableError> {
  const error: unknown = await act.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DependencyUnavailableError);
  expect((error as DependencyUnavailableError).dependency).toBe('jwks');
  return error as DependencyUnavailableError;
}

describe('createTokenVerifier', () => {
  let esKey: TestKey;
  let rsKey: TestKey;
  /** Never published: signs the forgeries. */
  let outsiderKey: TestKey;
  let keySet: jest.Mock<ReturnType<JWTVerifyGetKey>, Parameters<JWTVerifyGetKey>>;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [esKey, rsKey, outsiderKey] = await Promise.all([createTestKey('ES256'), createTestKey('RS256'), createTestKey('ES256')]);
  });

  beforeEach(() => {
    // A spy around a real local key set: tests can see whether any key lookup happened.
    const local = createLocalJWKSet(jwksOf(esKey, rsKey));
    keySet = jest.fn((header, token) => local(header, token));
    verifier = createTokenVerifier(testVerifierConfig(), keySet);
  });

  describe('accepts', () => {
    it('an ES256 token and returns the actor with its scopes', async () => {
      // Prepare
      const token = await signToken(esKey);

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor).toEqual({ sub: 'user-0001', role: 'ADMIN', accountId: 'account-0001', scopes: new Set(['customers:delete', 'users:delete']) });
    });

    it('an RS256 token', async () => {
      // Prepare
      const token = await signToken(rsKey, { claims: validClaims({ role: 'RESALE', scope: 'customers:delete', accountId: 'reseller-7' }) });

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor).toEqual({ sub: 'user-0001', role: 'RESALE', accountId: 'reseller-7', scopes: new Set(['customers:delete']) });
    });

    it('a lower-case scheme, extra spaces in the scope and an audience array', async () => {
      // Prepare
      const token = await signToken(esKey, { claims: validClaims({ aud: ['other-api', TEST_AUDIENCE], scope: '  customers:purge   customers:delete ' }) });

      // Act
      const actor = await verifier.verify(`bearer ${token}`);

      // Assess
      expect(actor.scopes).toEqual(new Set(['customers:purge', 'customers:delete']));
    });

    it('a token without role or scope as an actor with an empty role and no scopes', async () => {
      // Prepare
      const token = await signToken(esKey, { claims: validClaims({ role: undefined, scope: undefined }) });

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.role).toBe('');
      expect(actor.scopes.size).toBe(0);
    });

    it('a token expired by less than the clock tolerance', async () => {
      // Prepare
      const now = nowSeconds();
      const token = await signToken(esKey, { claims: validClaims({ iat: now - 600, exp: now - (TEST_CLOCK_TOLERANCE_SECONDS - 10) }) });

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.sub).toBe('user-0001');
    });
  });

  describe('refuses, before any key lookup,', () => {
    /** Refused with `reason`, and no key was ever looked up for it. */
    async function expectRefusedEarly(authorization: string | undefined, reason: string): Promise<void> {
      await expectUnauthorized(verifier.verify(authorization), reason);
      expect(keySet).not.toHaveBeenCalled();
    }

    it('a missing Authorization header', async () => {
      await expectRefusedEarly(undefined, 'missing');
    });

    it('an empty Authorization header', async () => {
      await expectRefusedEarly('', 'missing');
    });

    it('a non-Bearer scheme', async () => {
      // Prepare
      const header = `Basic ${Buffer.from('user:password').toString('base64')}`;

      // Act / Assess
      await expectRefusedEarly(header, 'wrong-scheme');
    });

    it('a bare token without a scheme', async () => {
      // Prepare
      const token = await signToken(esKey);

      // Act / Assess
      await expectRefusedEarly(token, 'wrong-scheme');
    });

    it('"Bearer" with no token', async () => {
      await expectRefusedEarly('Bearer ', 'malformed');
    });

    it('two tokens', async () => {
      // Prepare
      const token = await signToken(esKey);

      // Act / Assess
      await expectRefusedEarly(`Bearer ${token} ${token}`, 'malformed');
    });

    it('garbage', async () => {
      await expectRefusedEarly('Bearer not-a-jwt', 'malformed');
    });

    it('three segments whose header is not JSON', async () => {
      await expectRefusedEarly('Bearer aGVsbG8.d29ybGQ.c2ln', 'malformed');
    });

    it('a five-segment (JWE) token', async () => {
      // Prepare
      const header = segment({ alg: 'RSA-OAEP', enc: 'A256GCM' });

      // Act / Assess
      await expectRefusedEarly(`Bearer ${header}.a.b.c.d`, 'malformed');
    });

    it('an oversized header, even when the token inside is validly signed', async () => {
      // Prepare
      const token = await signToken(esKey, { claims: validClaims({ padding: 'x'.repeat(MAX_TOKEN_BYTES) }) });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'oversized');
    });

    it('a header one byte too long, counted in UTF-8', async () => {
      // Prepare: 'é' is two bytes, so the string is shorter than the limit but its bytes are not.
      const header = `Bearer ${'é'.repeat(Math.ceil((MAX_TOKEN_BYTES - 'Bearer '.length + 1) / 2))}`;

      // Act / Assess
      expect(header.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
      await expectRefusedEarly(header, 'oversized');
    });

    it('alg "none" with an empty signature', async () => {
      await expectRefusedEarly(bearer(unsignedToken()), 'malformed');
    });

    it('alg "none" with a signature', async () => {
      await expectRefusedEarly(bearer(unsignedToken(validClaims(), 'c2ln')), 'forbidden-alg');
    });

    it('alg "NONE" in another case', async () => {
      // Prepare
      const token = `${segment({ alg: 'NONE' })}.${segment(validClaims())}.c2ln`;

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-alg');
    });

    it('a header without alg', async () => {
      // Prepare
      const token = await signToken(esKey, { header: { alg: undefined } });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-alg');
    });

    it('HS256 signed with the RSA public key PEM (algorithm confusion)', async () => {
      await expectRefusedEarly(bearer(hmacForgery(rsKey.publicPem, rsKey.kid)), 'forbidden-alg');
    });

    it('HS256 signed with the RSA public JWK bytes', async () => {
      await expectRefusedEarly(bearer(hmacForgery(JSON.stringify(rsKey.publicJwk), rsKey.kid)), 'forbidden-alg');
    });

    it('HS256 signed with the EC public key PEM', async () => {
      await expectRefusedEarly(bearer(hmacForgery(esKey.publicPem, esKey.kid)), 'forbidden-alg');
    });

    it('HS256 signed with the EC public JWK bytes', async () => {
      await expectRefusedEarly(bearer(hmacForgery(JSON.stringify(esKey.publicJwk), esKey.kid)), 'forbidden-alg');
    });

    it('a jku header pointing at an attacker key set', async () => {
      // Prepare
      const token = await signToken(outsiderKey, { header: { kid: esKey.kid, jku: 'https://attacker.invalid/jwks.json' } });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-header');
    });

    it('an embedded jwk header carrying the signer’s own key', async () => {
      // Prepare
      const token = await signToken(outsiderKey, { header: { jwk: outsiderKey.publicJwk } });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-header');
    });

    it.each([
      ['x5u', 'https://attacker.invalid/cert.pem'],
      ['x5c', ['MIIBfake']],
      ['crit', ['exp']],
    ])('a %s header', async (name, value) => {
      // Prepare
      const token = await signToken(esKey, { header: { [name]: value } });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-header');
    });
  });

  describe('refuses a signature that does not verify:', () => {
    it('a stripped signature', async () => {
      // Prepare
      const token = await signToken(esKey);
      const stripped = token.slice(0, token.lastIndexOf('.') + 1);

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(stripped)), 'malformed');
    });

    it('a signature replaced by another valid-looking one', async () => {
      // Prepare
      const [token, other] = await Promise.all([signToken(esKey), signToken(esKey, { claims: validClaims({ sub: 'someone-else' }) })]);
      const swapped = `${token.slice(0, token.lastIndexOf('.'))}.${other.split('.')[2]}`;

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(swapped)), 'bad-signature');
    });

    it('a tampered payload', async () => {
      // Prepare
      const token = await signToken(esKey);
      const tampered = withClaims(token, validClaims({ accountId: 'account-of-someone-else' }));

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(tampered)), 'bad-signature');
    });

    it('a key outside the JWKS that claims a published kid', async () => {
      // Prepare
      const token = await signToken(outsiderKey, { header: { kid: esKey.kid } });

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'bad-signature');
    });

    it('an unknown kid', async () => {
      // Prepare
      const token = await signToken(outsiderKey);

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'unknown-key');
    });

    it('a published kid used with another algorithm', async () => {
      // Prepare: the RSA key's kid with an EC signature.
      const token = await signToken(outsiderKey, { header: { kid: rsKey.kid } });

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'unknown-key');
    });
  });

  describe('refuses claims that do not hold:', () => {
    const now = nowSeconds();

    it.each<[string, Record<string, unknown>, string]>([
      ['expired', { iat: now - 1200, exp: now - TEST_CLOCK_TOLERANCE_SECONDS - 60 }, 'expired'],
      ['iat in the future beyond the tolerance', { iat: now + TEST_CLOCK_TOLERANCE_SECONDS + 120 }, 'issued-in-future'],
      ['too old (iat beyond the maximum age, exp still valid)', { iat: now - TEST_MAX_TOKEN_AGE_SECONDS - TEST_CLOCK_TOLERANCE_SECONDS - 60, exp: now + 600 }, 'token-too-old'],
      ['not valid yet (nbf)', { nbf: now + 600 }, 'not-yet-valid'],
      ['wrong iss', { iss: 'https://attacker.invalid' }, 'wrong-issuer'],
      ['iss differing only by a trailing slash', { iss: `${TEST_ISSUER}/` }, 'wrong-issuer'],
      ['wrong aud', { aud: 'some-other-api' }, 'wrong-audience'],
      ['missing iss', { iss: undefined }, 'missing-iss'],
      ['missing aud', { aud: undefined }, 'missing-aud'],
      ['missing exp', { exp: undefined }, 'missing-exp'],
      ['missing iat', { iat: undefined }, 'missing-iat'],
      ['non-numeric exp', { exp: 'tomorrow' }, 'invalid-claims'],
      ['missing sub', { sub: undefined }, 'missing-sub'],
      ['empty sub', { sub: '' }, 'missing-sub'],
      ['numeric sub', { sub: 42 }, 'missing-sub'],
      ['missing accountId', { accountId: undefined }, 'missing-accountId'],
      ['empty accountId', { accountId: '' }, 'missing-accountId'],
      ['non-string role', { role: ['ADMIN'] }, 'invalid-claims'],
      ['non-string scope', { scope: ['customers:delete'] }, 'invalid-claims'],
    ])('%s', async (_case, overrides, reason) => {
      // Prepare
      const token = await signToken(esKey, { claims: validClaims(overrides) });

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), reason);
    });
  });

  it('keeps the token out of the error', async () => {
    // Prepare
    const token = await signToken(esKey, { claims: validClaims({ iss: 'https://attacker.invalid' }) });

    // Act
    const error = await expectUnauthorized(verifier.verify(bearer(token)), 'wrong-issuer');

    // Assess
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const rendered = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)} ${JSON.stringify(error.cause ?? null)}`;
    for (const part of [header, payload, signature]) expect(rendered).not.toContain(part);
    expect(error.cause).toBeUndefined();
  });

  describe('reports an unavailable JWKS, not a bad token, when the key set', () => {
    it.each<[string, () => Error]>([
      ['times out (ERR_JWKS_TIMEOUT)', () => new errors.JWKSTimeout()],
      ['is not a key set (ERR_JWKS_INVALID)', () => new errors.JWKSInvalid('JSON Web Key Set malformed')],
      ['answers non-200 or non-JSON (ERR_JOSE_GENERIC)', () => new errors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response')],
      ['cannot be reached (fetch failed)', () => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) })],
    ])('%s', async (_case, makeError) => {
      // Prepare
      const failure = makeError();
      const failing = createTokenVerifier(testVerifierConfig(), async () => {
        throw failure;
      });
      const token = await signToken(esKey);

      // Act
      const error = await expectJwksUnavailable(failing.verify(bearer(token)));

      // Assess
      expect(error.kind).toBe('unavailable');
      expect(error.cause).toBe(failure);
    });
  });

  describe('rejects a configuration', () => {
    it.each<[string, Parameters<typeof testVerifierConfig>[0]]>([
      ['with a JWKS over plain http to a remote host', { jwksUrl: 'http://issuer.test.invalid/jwks.json' }],
      ['with a relative JWKS URL', { jwksUrl: '/jwks.json' }],
      ['without an issuer', { issuer: '' }],
      ['without an audience', { audience: '' }],
      ['with a zero maximum token age', { maxTokenAgeSeconds: 0 }],
      ['with a fractional maximum token age', { maxTokenAgeSeconds: 1.5 }],
      ['with a negative clock tolerance', { clockToleranceSeconds: -1 }],
      ['with a zero JWKS timeout', { jwksTimeoutMs: 0 }],
    ])('%s', (_case, overrides) => {
      expect(() => createTokenVerifier(testVerifierConfig(overrides), keySet)).toThrow(TypeError);
    });

    it('but allows plain http on loopback (the local stack)', () => {
      expect(() => createTokenVerifier(testVerifierConfig({ jwksUrl: 'http://127.0.0.1:3000/.well-known/jwks.json' }))).not.toThrow();
    });
  });
});
