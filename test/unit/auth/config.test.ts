import { tokenVerifierConfigFromEnv } from '../../../shared/auth/config';

describe('tokenVerifierConfigFromEnv', () => {
  describe('for a generic OIDC issuer', () => {
    const authEnv = {
      JWT_ISSUER_KIND: 'oidc',
      JWKS_URL: 'https://issuer.test.invalid/.well-known/jwks.json',
      JWT_ISSUER: 'https://issuer.test.invalid',
      JWT_AUDIENCE: 'customer-deletion-api-test',
      JWT_CLIENT_IDS: '-',
      JWT_SCOPE_PREFIX: '-',
      JWT_MAX_TOKEN_AGE_SECONDS: '3600',
    };

    it('reads the kind, JWKS URL, issuer, audience and maximum age', () => {
      // Act
      const config = tokenVerifierConfigFromEnv(authEnv);

      // Assess
      expect(config).toEqual({
        kind: 'oidc',
        jwksUrl: authEnv.JWKS_URL,
        issuer: authEnv.JWT_ISSUER,
        audience: authEnv.JWT_AUDIENCE,
        maxTokenAgeSeconds: 3600,
      });
    });

    it.each(Object.keys(authEnv))('fails loudly when %s is unset', (name) => {
      // Prepare
      const env: Record<string, string | undefined> = { ...authEnv, [name]: undefined };

      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv(env)).toThrow(`${name} environment variable is not set`);
    });

    it('fails loudly when the maximum token age is not a positive integer', () => {
      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv({ ...authEnv, JWT_MAX_TOKEN_AGE_SECONDS: '1h' })).toThrow('JWT_MAX_TOKEN_AGE_SECONDS environment variable must be a positive integer');
    });

    it('fails loudly when the audience is "-"', () => {
      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv({ ...authEnv, JWT_AUDIENCE: '-' })).toThrow('JWT_AUDIENCE environment variable is required for issuer kind oidc');
    });

    it.each(['JWT_CLIENT_IDS', 'JWT_SCOPE_PREFIX'])('fails loudly when the Cognito-only %s is set', (name) => {
      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv({ ...authEnv, [name]: 'customer-deletion/' })).toThrow(`${name} environment variable must be "-" for issuer kind oidc`);
    });
  });

  describe('for a Cognito user pool', () => {
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TeStPoOl1';
    const authEnv = {
      JWT_ISSUER_KIND: 'cognito',
      JWKS_URL: `${issuer}/.well-known/jwks.json`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: '-',
      JWT_CLIENT_IDS: '1example23456789abcdefghij,7other8client9idklmnopqrst',
      JWT_SCOPE_PREFIX: 'customer-deletion/',
      JWT_MAX_TOKEN_AGE_SECONDS: '900',
    };

    it('reads the app clients and the scope prefix instead of an audience', () => {
      // Act
      const config = tokenVerifierConfigFromEnv(authEnv);

      // Assess
      expect(config).toEqual({
        kind: 'cognito',
        jwksUrl: authEnv.JWKS_URL,
        issuer,
        clientIds: ['1example23456789abcdefghij', '7other8client9idklmnopqrst'],
        scopePrefix: 'customer-deletion/',
        maxTokenAgeSeconds: 900,
      });
    });

    it.each(Object.keys(authEnv))('fails loudly when %s is unset', (name) => {
      // Prepare
      const env: Record<string, string | undefined> = { ...authEnv, [name]: undefined };

      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv(env)).toThrow(`${name} environment variable is not set`);
    });

    it.each([
      ['JWT_AUDIENCE', 'customer-deletion-api', 'JWT_AUDIENCE environment variable must be "-" for issuer kind cognito'],
      ['JWT_CLIENT_IDS', '-', 'JWT_CLIENT_IDS environment variable is required for issuer kind cognito'],
      ['JWT_CLIENT_IDS', 'one,,two', 'JWT_CLIENT_IDS environment variable must be a comma-separated list of app client ids'],
      ['JWT_SCOPE_PREFIX', '-', 'JWT_SCOPE_PREFIX environment variable is required for issuer kind cognito'],
      ['JWT_SCOPE_PREFIX', 'customer-deletion', 'JWT_SCOPE_PREFIX environment variable must end with "/"'],
    ])('fails loudly when %s is %p', (name, value, message) => {
      // Act / Assess
      expect(() => tokenVerifierConfigFromEnv({ ...authEnv, [name]: value })).toThrow(message);
    });
  });

  it('fails loudly on an issuer kind it does not know', () => {
    // Act / Assess
    expect(() => tokenVerifierConfigFromEnv({ JWT_ISSUER_KIND: 'saml', JWKS_URL: 'https://x.invalid/jwks', JWT_ISSUER: 'https://x.invalid', JWT_MAX_TOKEN_AGE_SECONDS: '60' })).toThrow(
      'JWT_ISSUER_KIND environment variable must be one of oidc, cognito',
    );
  });
});
