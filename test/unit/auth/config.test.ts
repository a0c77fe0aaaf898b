import { tokenVerifierConfigFromEnv } from '../../../shared/auth/config';

describe('tokenVerifierConfigFromEnv', () => {
  const authEnv = {
    JWKS_URL: 'https://issuer.test.invalid/.well-known/jwks.json',
    JWT_ISSUER: 'https://issuer.test.invalid',
    JWT_AUDIENCE: 'customer-deletion-api-test',
    JWT_MAX_TOKEN_AGE_SECONDS: '3600',
  };

  it('reads the four auth variables', () => {
    // Act
    const config = tokenVerifierConfigFromEnv(authEnv);

    // Assess
    expect(config).toEqual({
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
});
