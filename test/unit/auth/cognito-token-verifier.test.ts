import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '../../../shared/auth/token-verifier';
import {
  bearer,
  COGNITO_CLIENT_ID,
  COGNITO_HEADER,
  COGNITO_ISSUER,
  COGNITO_OTHER_CLIENT_ID,
  COGNITO_RESOURCE_SERVER,
  cognitoAccessClaims,
  cognitoIdClaims,
  createTestKey,
  hmacForgery,
  jwksOf,
  nowSeconds,
  signToken,
  TEST_CLOCK_TOLERANCE_SECONDS,
  TEST_MAX_TOKEN_AGE_SECONDS,
  testCognitoConfig,
  unsignedToken,
  validClaims,
  withClaims,
  expectUnauthorized,
  type TestKey,
} from './token-factory';

/** Tokens shaped like a Cognito user pool's: RS256 (and ES256) with a `kid`, no `typ`, Cognito's claims. */
describe('createTokenVerifier for a Cognito user pool', () => {
  let rsKey: TestKey;
  let esKey: TestKey;
  let outsiderKey: TestKey;
  let keySet: jest.Mock<ReturnType<JWTVerifyGetKey>, Parameters<JWTVerifyGetKey>>;
  let verifier: TokenVerifier;

  const accessToken = (claims: Record<string, unknown> = cognitoAccessClaims(), key: TestKey = rsKey) => signToken(key, { header: COGNITO_HEADER, claims });

  beforeAll(async () => {
    [rsKey, esKey, outsiderKey] = await Promise.all([createTestKey('RS256'), createTestKey('ES256'), createTestKey('RS256')]);
  });

  beforeEach(() => {
    const local = createLocalJWKSet(jwksOf(rsKey, esKey));
    keySet = jest.fn((header, token) => local(header, token));
    verifier = createTokenVerifier(testCognitoConfig(), keySet);
  });

  describe('accepts', () => {
    it('an access token, with our scopes unprefixed and the role and account the trigger added', async () => {
      // Prepare
      const token = await accessToken();

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor).toEqual({
        sub: 'a1b2c3d4-0000-4000-8000-000000000001',
        role: 'RESALE',
        accountId: 'reseller-7',
        scopes: new Set(['customers:delete', 'users:delete']),
      });
    });

    it('an access token of another allowed app client, signed ES256', async () => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims({ client_id: COGNITO_OTHER_CLIENT_ID, role: 'ADMIN', accountId: 'platform' }), esKey);

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.role).toBe('ADMIN');
      expect(actor.accountId).toBe('platform');
    });

    it('an access token whose scopes include other resource servers’ and OpenID ones: only ours count', async () => {
      // Prepare
      const scope = [
        'openid',
        'aws.cognito.signin.user.admin',
        'billing/customers:delete',
        `${COGNITO_RESOURCE_SERVER}-staging/customers:purge`,
        `${COGNITO_RESOURCE_SERVER}/nested/customers:purge`,
        `${COGNITO_RESOURCE_SERVER}/`,
        'customers:hold',
        `${COGNITO_RESOURCE_SERVER}/customers:read`,
      ].join(' ');
      const token = await accessToken(cognitoAccessClaims({ scope }));

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.scopes).toEqual(new Set(['customers:read']));
    });

    it('an access token without a scope as an actor with no scopes', async () => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims({ scope: undefined }));

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.scopes.size).toBe(0);
    });

    it('an access token that happens to carry an aud: Cognito access tokens are checked on client_id, not aud', async () => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims({ aud: 'anything' }));

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor.sub).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    });
  });

  describe('refuses', () => {
    const now = nowSeconds();

    it('the ID token Cognito issues beside the access token', async () => {
      // Prepare: an ID token of an allowed client, with the trigger's claims, validly signed.
      const token = await accessToken(cognitoIdClaims());

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'wrong-token-use');
    });

    it('an ID token relabelled as an access token (its signature no longer verifies)', async () => {
      // Prepare
      const token = await accessToken(cognitoIdClaims());
      const relabelled = withClaims(token, cognitoIdClaims({ token_use: 'access', client_id: COGNITO_CLIENT_ID }));

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(relabelled)), 'bad-signature');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown app client', { client_id: 'someotherclient0000000000' }, 'wrong-client'],
      ['a client id differing only in case', { client_id: COGNITO_CLIENT_ID.toUpperCase() }, 'wrong-client'],
      ['a non-string client id', { client_id: [COGNITO_CLIENT_ID] }, 'wrong-client'],
      ['no client id', { client_id: undefined }, 'wrong-client'],
      ['no token_use', { token_use: undefined }, 'missing-token_use'],
      ['another token_use', { token_use: 'refresh' }, 'wrong-token-use'],
      ['another user pool', { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtHeRpOoL' }, 'wrong-issuer'],
      ['the same pool id in another region', { iss: COGNITO_ISSUER.replace('eu-west-1.', 'us-east-1.') }, 'wrong-issuer'],
      ['the issuer with a trailing slash', { iss: `${COGNITO_ISSUER}/` }, 'wrong-issuer'],
      ['no role (the trigger did not run)', { role: undefined }, 'missing-role'],
      ['an empty role', { role: '' }, 'missing-role'],
      ['a non-string role', { role: ['ADMIN'] }, 'invalid-claims'],
      ['no accountId (the trigger did not run)', { accountId: undefined }, 'missing-accountId'],
      ['an empty accountId', { accountId: '' }, 'missing-accountId'],
      ['a non-string scope', { scope: [`${COGNITO_RESOURCE_SERVER}/customers:delete`] }, 'invalid-claims'],
      ['no sub', { sub: undefined }, 'missing-sub'],
      ['expired', { iat: now - 1200, exp: now - TEST_CLOCK_TOLERANCE_SECONDS - 60 }, 'expired'],
      ['too old', { iat: now - TEST_MAX_TOKEN_AGE_SECONDS - TEST_CLOCK_TOLERANCE_SECONDS - 60, exp: now + 600 }, 'token-too-old'],
      ['no iat', { iat: undefined }, 'missing-iat'],
    ])('an access token with %s', async (_case, overrides, reason) => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims(overrides));

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), reason);
    });

    it('a generic OIDC token for this API (aud, unprefixed scopes, no client_id)', async () => {
      // Prepare
      const token = await signToken(rsKey, { claims: validClaims({ iss: COGNITO_ISSUER }) });

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'missing-token_use');
    });

    it('a token signed by a key the pool does not publish', async () => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims(), outsiderKey);

      // Act / Assess
      await expectUnauthorized(verifier.verify(bearer(token)), 'unknown-key');
    });
  });

  describe('keeps the hardening of every kind, before any key lookup:', () => {
    async function expectRefusedEarly(authorization: string, reason: string): Promise<void> {
      await expectUnauthorized(verifier.verify(authorization), reason);
      expect(keySet).not.toHaveBeenCalled();
    }

    it('alg "none"', async () => {
      await expectRefusedEarly(bearer(unsignedToken(cognitoAccessClaims(), 'c2ln')), 'forbidden-alg');
    });

    it('HS256 signed with the pool’s public key (algorithm confusion)', async () => {
      await expectRefusedEarly(bearer(hmacForgery(rsKey.publicPem, rsKey.kid, cognitoAccessClaims())), 'forbidden-alg');
    });

    it('a jku header', async () => {
      // Prepare
      const token = await signToken(outsiderKey, { header: { kid: rsKey.kid, jku: 'https://attacker.invalid/jwks.json' }, claims: cognitoAccessClaims() });

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'forbidden-header');
    });

    it('an oversized token', async () => {
      // Prepare
      const token = await accessToken(cognitoAccessClaims({ padding: 'x'.repeat(9000) }));

      // Act / Assess
      await expectRefusedEarly(bearer(token), 'oversized');
    });
  });

  it('keeps the token out of the error', async () => {
    // Prepare
    const token = await accessToken(cognitoAccessClaims({ client_id: 'someotherclient0000000000' }));

    // Act
    const error = await expectUnauthorized(verifier.verify(bearer(token)), 'wrong-client');

    // Assess
    const rendered = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)}`;
    for (const part of token.split('.')) expect(rendered).not.toContain(part);
    expect(error.cause).toBeUndefined();
  });

  describe('rejects a configuration', () => {
    it.each<[string, Parameters<typeof testCognitoConfig>[0]]>([
      ['without app clients', { clientIds: [] }],
      ['with an empty app client id', { clientIds: [COGNITO_CLIENT_ID, ''] }],
      ['with an app client id that is not one', { clientIds: ['a,b'] }],
      ['with a scope prefix without its slash', { scopePrefix: COGNITO_RESOURCE_SERVER }],
      ['with an empty scope prefix', { scopePrefix: '' }],
      ['with a scope prefix containing a space', { scopePrefix: 'customer deletion/' }],
      ['without an issuer', { issuer: '' }],
      ['with a JWKS over plain http to a remote host', { jwksUrl: 'http://cognito-idp.eu-west-1.amazonaws.com/jwks.json' }],
    ])('%s', (_case, overrides) => {
      expect(() => createTokenVerifier(testCognitoConfig(overrides), keySet)).toThrow(TypeError);
    });

    it('with an issuer kind it does not know', () => {
      // Prepare: what a configuration read without types could hold.
      const config = { ...testCognitoConfig(), kind: 'saml' } as unknown as Parameters<typeof createTokenVerifier>[0];

      // Act / Assess
      expect(() => createTokenVerifier(config, keySet)).toThrow('kind must be "oidc" or "cognito"');
    });
  });
});
