import { tokenVerifierConfigFromEnv } from '../../../shared/auth/config';

describe('tokenVerifierConfigFromEnv', () => {
  const saved = { ...process.env };
  const authEnv = {
    JWKS_URL: 'https://issuer.test.invalid/.well-known/jwks.json',
    JWT_ISSUER: 'https://issuer.test.invalid',
    JWT_AUDIENCE: 'customer-deletion-api-test',
    JWT_MAX_TOKEN_AGE_SECONDS: '3600',
  };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the four auth variables', () => {
    // Prepare
    Object.assign(process.env, authEnv);

    // Act
    const config = tokenVerifierConfigFromEnv();

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
    Object.assign(process.env, authEnv);
    delete process.env[name];

    // Act / Assess
    expect(() => tokenVerifierConfigFromEnv()).toThrow(`${name} environment variable is not set`);
  });

  it('fails loudly when the maximum token age is not a positive integer', () => {
    // Prepare
    Object.assign(process.env, authEnv, { JWT_MAX_TOKEN_AGE_SECONDS: '1h' });

    // Act / Assess
    expect(() => tokenVerifierConfigFromEnv()).toThrow('JWT_MAX_TOKEN_AGE_SECONDS environment variable must be a positive integer');
  });
});
